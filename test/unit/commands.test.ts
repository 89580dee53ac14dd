/**
 * The command table's contract against package.json and the views' model, in plain Node: every
 * contributed command has a row and every row is contributed; whatever starts, creates, changes
 * or removes something needs a trusted workspace; menus hand each command only nodes it takes;
 * keybindings pass only arguments it takes. (That handlers take their row's arguments and resolve
 * with a typed result is checked by `npm run typecheck`: handlers.ts `satisfies HandlerTable`.)
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ContainerSummary, ImageSummary, NetworkSummary, VolumeSummary } from '../../src/engine/types';
import { COMMAND_IDS, COMMANDS, isCommandId, needsTrust, type ArgKind, type CommandId } from '../../src/extension/commands/table';
import {
  containerNode,
  containerRoots,
  imageRoots,
  layerNodes,
  networkChildren,
  networkRoots,
  volumeChildren,
  volumeRoots,
  type BerthNode,
  type ViewId,
} from '../../src/extension/views/model';

const ROOT = path.resolve(__dirname, '../..');
interface MenuItem {
  command: string;
  when?: string;
}
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string; title: string; enablement?: string }[];
    menus: Record<string, MenuItem[]>;
    keybindings: { command: string; args?: Record<string, unknown> }[];
    viewsWelcome: { contents: string }[];
  };
};

/**
 * The commands reviewed as changing nothing outside VS Code: they list, show, copy or reload
 * Berth's own parts, so they run in Restricted Mode. A command joins this list only after that
 * review; anything else must be marked as needing trust.
 */
const REVIEWED_READ_ONLY: readonly CommandId[] = [
  'berth.restartLanguageServer',
  'berth.showOutput',
  'berth.showRunningWorkspaces',
  'berth.retryConnection',
  'berth.containers.refresh',
  'berth.containers.logs',
  'berth.containers.inspect',
  'berth.containers.openInBrowser',
  'berth.containers.copyId',
  'berth.containers.copyName',
  'berth.images.refresh',
  'berth.images.inspect',
  'berth.images.history',
  'berth.images.showDangling',
  'berth.images.hideDangling',
  'berth.volumes.refresh',
  'berth.volumes.inspect',
  'berth.networks.refresh',
  'berth.networks.inspect',
  // Reads from the engine's stats stream, and from Docker Hub through the engine's search.
  'berth.containers.stats',
  'berth.images.search',
  // Read the registries' lists and manifests; the clipboard.
  'berth.registries.refresh',
  'berth.registries.copyReference',
  'berth.registries.copyDigest',
  'berth.registries.inspectManifest',
];

/** Verbs that start, create, change or remove something, as the last part of a resource command's id. */
const CHANGING_VERBS =
  /^(start|stop|restart|pause|unpause|kill|remove|prune|create|connect|disconnect|pull|push|tag|build|run|shell|browse|commit|save|load|import|export|attach|exec|copy$|cp|up|down|login|logout|rename|update|switch|use)/i;

describe('the command table', () => {
  it('has a row for every command package.json contributes, and contributes every row', () => {
    const contributed = pkg.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, [...COMMAND_IDS].sort());
  });

  it('marks every command as needing trust unless it was reviewed as read-only', () => {
    const readOnly = COMMAND_IDS.filter((id) => !needsTrust(id)).sort();
    assert.deepEqual(readOnly, [...REVIEWED_READ_ONLY].sort(), 'a command left out of trust must be reviewed and listed here');
  });

  it('marks every command whose verb starts, creates, changes or removes something as needing trust', () => {
    for (const id of COMMAND_IDS) {
      const verb = id.split('.').slice(-1)[0]!;
      if (id.split('.').length === 3 && CHANGING_VERBS.test(verb)) assert.ok(needsTrust(id), `${id} changes something`);
    }
    assert.ok(needsTrust('berth.runWorkspace') && needsTrust('berth.switchContext'));
  });

  it('disables the commands that need trust in Restricted Mode, and only those', () => {
    for (const command of pkg.contributes.commands) {
      const id = command.command as CommandId;
      assert.equal(/\bisWorkspaceTrusted\b/.test(command.enablement ?? ''), needsTrust(id), `${id}: enablement ${command.enablement}`);
    }
  });

  it('gives every command a title for its errors', () => {
    for (const id of COMMAND_IDS) assert.match(COMMANDS[id].errors, /^Could not [a-z]/, id);
  });

  it('names only commands of the table in menus, keybindings and welcome views', () => {
    const menus = Object.values(pkg.contributes.menus).flat();
    const linked = pkg.contributes.viewsWelcome.flatMap((w) => [...w.contents.matchAll(/\(command:(berth\.[\w.]+)/g)].map((m) => m[1]!));
    const named = [...menus.map((m) => m.command), ...pkg.contributes.keybindings.map((k) => k.command), ...linked];
    assert.deepEqual(
      named.filter((id) => !isCommandId(id)),
      [],
    );
  });

  it('passes keybinding arguments the command takes, of the kind it takes', () => {
    const kinds: Record<ArgKind, (v: unknown) => boolean> = {
      string: (v) => typeof v === 'string',
      strings: (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'),
      boolean: (v) => typeof v === 'boolean',
      number: (v) => typeof v === 'number',
      value: () => true,
    };
    for (const binding of pkg.contributes.keybindings) {
      const spec = COMMANDS[binding.command as CommandId].args as Record<string, ArgKind>;
      for (const [field, value] of Object.entries(binding.args ?? {})) {
        assert.ok(spec[field], `${binding.command} takes no "${field}"`);
        assert.ok(kinds[spec[field]](value), `${binding.command}: "${field}" should be ${spec[field]}`);
      }
    }
  });

  it('takes a file from the explorer and editor menus only where its row says so', () => {
    for (const menu of ['explorer/context', 'editor/context', 'editor/title', 'editor/title/context']) {
      for (const item of pkg.contributes.menus[menu] ?? []) {
        assert.ok((COMMANDS[item.command as CommandId] as { uri?: boolean }).uri, `${item.command} in ${menu} takes a file`);
      }
    }
  });
});

// --- menus against the nodes the views really make ------------------------------------------------

/**
 * Evaluates a `when` clause with `view` and `viewItem` set and every other key unset: the
 * operators package.json uses (&&, ||, !, ==, !=, =~ /regex/, parentheses).
 */
function evaluateWhen(when: string, context: Record<string, string>): boolean {
  const tokens = [...when.matchAll(/\s*(\(|\)|&&|\|\||==|!=|=~|!|\/(?:\\.|[^/\\])+\/|[\w.<>-]+)/gy)].map((m) => m[1]!);
  assert.equal(tokens.join('').length, when.replace(/\s+/g, '').length, `could not read ${when}`);
  let at = 0;
  const next = () => tokens[at++];
  const peek = () => tokens[at];
  const or = (): boolean => {
    let value = and();
    while (peek() === '||') {
      next();
      value = and() || value;
    }
    return value;
  };
  const and = (): boolean => {
    let value = unary();
    while (peek() === '&&') {
      next();
      value = unary() && value;
    }
    return value;
  };
  const unary = (): boolean => {
    const token = next()!;
    if (token === '!') return !unary();
    if (token === '(') {
      const value = or();
      assert.equal(next(), ')', when);
      return value;
    }
    const actual = context[token];
    const op = peek();
    if (op === '==' || op === '!=') {
      next();
      return (actual === next()) === (op === '==');
    }
    if (op === '=~') {
      next();
      const literal = next()!;
      return actual !== undefined && new RegExp(literal.slice(1, -1)).test(actual);
    }
    return actual !== undefined && actual !== 'false';
  };
  const value = or();
  assert.equal(at, tokens.length, `trailing tokens in ${when}`);
  return value;
}

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);

function container(name: string, partial: Partial<ContainerSummary> = {}): ContainerSummary {
  return {
    id: `${name.padEnd(12, 'x')}0123456789abcdef`,
    name,
    image: 'busybox:local',
    imageId: 'sha256:abc',
    command: 'sleep 1000',
    created: NOW / 1000 - 60,
    state: 'running',
    status: 'Up',
    ports: [],
    labels: {},
    mounts: [],
    networks: ['bridge', 'app'],
    ...partial,
  };
}

/** One node of every kind and contextValue the four views make, each with its view. */
function everyNode(): { view: ViewId; node: BerthNode }[] {
  const web = container('web', { ports: [{ privatePort: 80, publicPort: 8080, type: 'tcp', hostIp: '0.0.0.0' }] });
  const containers = [
    web,
    container('plain'),
    ...(['exited', 'created', 'dead', 'paused', 'restarting'] as const).map((state) => container(state, { state })),
    container('db', {
      composeProject: 'shop',
      mounts: [{ type: 'volume', name: 'data', source: '', destination: '/data', readOnly: false }],
    }),
    container('old', { composeProject: 'gone', state: 'exited' }),
  ];
  const image = (id: string, partial: Partial<ImageSummary>): ImageSummary => ({
    id,
    repoTags: [],
    repoDigests: [],
    created: NOW / 1000 - 3600,
    size: 1000,
    dangling: false,
    labels: {},
    ...partial,
  });
  const images = [
    image('sha256:1', { repoTags: ['busybox:local', 'busybox:other'] }),
    image('sha256:2', { dangling: true }),
    image('sha256:3', { repoDigests: ['alpine@sha256:abcdef'] }),
  ];
  const volume = (name: string): VolumeSummary => ({
    name,
    driver: 'local',
    mountpoint: `/var/lib/docker/volumes/${name}`,
    scope: 'local',
    labels: {},
  });
  const network = (name: string, builtIn: boolean): NetworkSummary => ({
    id: `${name}-id`,
    name,
    driver: 'bridge',
    scope: 'local',
    subnets: [],
    internal: false,
    builtIn,
    labels: {},
  });
  const nodes: { view: ViewId; node: BerthNode }[] = [];
  const add = (view: ViewId, list: readonly BerthNode[]) => nodes.push(...list.map((node) => ({ view, node })));
  // Projects whose files are in the workspace also list their services that are not running.
  const containerTop = containerRoots(containers, NOW, () => ['web', 'db', 'absent']);
  add('containers', containerTop);
  for (const group of containerTop)
    if (group.kind === 'composeGroup') add('containers', [...group.containers.map((c) => containerNode(c, NOW)), ...group.missing]);
  const imageTop = imageRoots(images, true, NOW);
  add('images', imageTop);
  for (const repository of imageTop) add('images', repository.tags);
  add('images', layerNodes('image:busybox', [{ id: 'sha256:l', created: 0, createdBy: 'RUN true', size: 0, tags: [], comment: '' }], NOW));
  const volumes = volumeRoots([volume('data'), volume('spare')], containers);
  add('volumes', volumes);
  for (const v of volumes) add('volumes', volumeChildren(v));
  const networks = networkRoots([network('bridge', true), network('app', false)], containers);
  add('networks', networks);
  for (const n of networks) add('networks', networkChildren(n));
  return nodes;
}

describe('view menus against the nodes the views make', () => {
  const items = pkg.contributes.menus['view/item/context']!;
  const nodes = everyNode();

  it('covers every contextValue the menus test for', () => {
    const values = new Set(nodes.map((n) => n.node.contextValue));
    for (const expected of [
      'container.running.web',
      'container.exited',
      'compose.running',
      'compose.stopped',
      'composeService.missing',
      'image.tag',
      'image.dangling',
    ]) {
      assert.ok(values.has(expected), expected);
    }
    for (const expected of [
      'image.repository',
      'volume.used',
      'volume.unused',
      'volume.container',
      'network.user',
      'network.builtin',
      'network.container',
    ]) {
      assert.ok(values.has(expected), expected);
    }
  });

  it('hands each command only the kinds of node its row takes', () => {
    let shown = 0;
    for (const { view, node } of nodes) {
      for (const item of items) {
        if (!evaluateWhen(item.when ?? 'true', { view: `berth.${view}`, viewItem: node.contextValue })) continue;
        shown++;
        const takes: readonly string[] = COMMANDS[item.command as CommandId].nodes;
        assert.ok(
          takes.includes(node.kind),
          `${item.command} is offered on ${node.contextValue} (${node.kind}) but takes ${takes.join(', ') || 'no nodes'}`,
        );
      }
    }
    assert.ok(shown > 50, `the menus showed ${shown} items over every node`);
  });

  it('reads when clauses as VS Code does', () => {
    const context = { view: 'berth.networks', viewItem: 'network.container' };
    assert.equal(
      evaluateWhen('(view == berth.containers || view == berth.networks) && viewItem =~ /^(container\\.|network\\.container)/', context),
      true,
    );
    assert.equal(evaluateWhen('view == berth.networks && viewItem == network.user', context), false);
    assert.equal(evaluateWhen('view == berth.networks && !berth.images.showDangling', context), true);
    assert.equal(evaluateWhen('view != berth.networks || viewItem =~ /^volume/', context), false);
  });
});
