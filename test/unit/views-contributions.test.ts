import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { COMMAND_IDS } from '../../src/extension/commands/table';
import { ENGINE_STATES, engineStateKey } from '../../src/extension/views/model';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const table: readonly string[] = COMMAND_IDS;

describe('views contributions in package.json', () => {
  it('contributes exactly the commands of the one command table', () => {
    const contributed = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(contributed, [...table].sort());
  });

  it('menus and keybindings name only registered commands', () => {
    const used = [...Object.values(pkg.contributes.menus).flat(), ...pkg.contributes.keybindings].map(
      (m) => (m as { command: string }).command,
    );
    assert.deepEqual(
      used.filter((c) => !table.includes(c)),
      [],
    );
  });

  it('walks a new user through Berth: media that ships, links to real commands', () => {
    const allowed = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
    const builtins = ['workbench.action.quickOpen', 'workbench.view.extension.berth'];
    const [walkthrough] = pkg.contributes.walkthroughs as { steps: { id: string; description: string; media: { markdown: string } }[] }[];
    assert.ok(walkthrough.steps.length >= 3);
    for (const step of walkthrough.steps) {
      assert.ok(fs.existsSync(path.join(ROOT, step.media.markdown)), `${step.id}: ${step.media.markdown} exists`);
      assert.ok(
        allowed.includes(`!${path.dirname(step.media.markdown)}/*.md`),
        `${step.id}: its markdown is in the .vscodeignore allow-list`,
      );
      for (const [, command] of step.description.matchAll(/\(command:([\w.]+)/g)) {
        assert.ok(table.includes(command) || builtins.includes(command), `${step.id} links to ${command}`);
      }
    }
  });

  it('has the four engine views, the Registries and the Stats view in the Berth activity-bar container, with an icon that exists', () => {
    assert.deepEqual(
      pkg.contributes.views.berth.map((v: { id: string }) => v.id),
      ['berth.containers', 'berth.images', 'berth.volumes', 'berth.networks', 'berth.registries', 'berth.stats'],
    );
    assert.equal(pkg.contributes.views.berth.find((v: { id: string }) => v.id === 'berth.stats').type, 'webview');
    const container = pkg.contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'berth');
    assert.ok(fs.existsSync(path.join(ROOT, container.icon)));
  });

  it('welcomes every engine state in the Containers view, each failure with a Retry button', () => {
    const welcome = pkg.contributes.viewsWelcome.filter((w: { view: string }) => w.view === 'berth.containers');
    for (const state of ENGINE_STATES.filter((s) => s !== 'connected')) {
      const entry = welcome.find((w: { when: string }) => w.when === `berth.engineState == ${state}`);
      assert.ok(entry, `no welcome for ${state}`);
      if (state !== 'connecting') assert.match(entry.contents, /\(command:berth\.retryConnection\)/);
    }
    assert.match(welcome.find((w: { when: string }) => w.when.endsWith('permission-denied')).contents, /docker group/);
  });

  it('maps every engine error kind to a state with a welcome', () => {
    const kinds = [
      'not-installed',
      'not-running',
      'permission-denied',
      'unreachable',
      'tls',
      'ssh',
      'timeout',
      'not-found',
      'conflict',
      'api',
      'bad-response',
    ];
    assert.equal(engineStateKey({ kind: 'failed', error: { kind: 'ssh' } }), 'unreachable');
    assert.equal(engineStateKey({ kind: 'failed', error: { kind: 'permission-denied' } }), 'permission-denied');
    assert.equal(engineStateKey({ kind: 'idle' }), 'connecting');
    for (const kind of kinds) assert.ok(ENGINE_STATES.includes(engineStateKey({ kind: 'failed', error: { kind } })));
  });

  it('restricts the engine host setting under Workspace Trust', () => {
    assert.ok(pkg.contributes.configuration.properties['berth.docker.host']);
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('berth.docker.host'));
  });

  it("item menus' when clauses match the contextValues model.ts produces", () => {
    const items = pkg.contributes.menus['view/item/context'] as { command: string; when: string }[];
    /** Commands whose when clause accepts `value` in `view` (the regex or equality part only). */
    const commandsFor = (view: string, value: string): string[] =>
      items
        .filter((m) => m.when.includes(`view == ${view}`))
        .filter((m) => {
          const regex = /viewItem =~ \/(.+?)\/(?:\s|$|\))/.exec(m.when);
          if (regex) return new RegExp(regex[1]!).test(value);
          const equal = /viewItem == ([\w.]+)/.exec(m.when);
          return equal ? equal[1] === value : false;
        })
        .map((m) => m.command);
    const running = commandsFor('berth.containers', 'container.running.web');
    assert.ok(
      running.includes('berth.containers.stop') &&
        running.includes('berth.containers.openInBrowser') &&
        running.includes('berth.containers.shell'),
    );
    assert.ok(!running.includes('berth.containers.start'));
    const exited = commandsFor('berth.containers', 'container.exited');
    assert.ok(
      exited.includes('berth.containers.start') && exited.includes('berth.containers.remove') && !exited.includes('berth.containers.stop'),
    );
    assert.ok(
      !commandsFor('berth.containers', 'container.running').includes('berth.containers.openInBrowser'),
      'no browser without a published port',
    );
    // A Compose group acts through Compose, on the project; a service not running offers Up.
    const group = commandsFor('berth.containers', 'compose.running');
    assert.ok(['berth.compose.stop', 'berth.compose.restart', 'berth.compose.down', 'berth.compose.logs'].every((c) => group.includes(c)));
    assert.ok(!group.includes('berth.containers.stop') && !group.includes('berth.compose.start'));
    assert.ok(commandsFor('berth.containers', 'compose.stopped').includes('berth.compose.start'));
    assert.deepEqual(commandsFor('berth.containers', 'composeService.missing'), ['berth.compose.up', 'berth.compose.up']);
    assert.ok(commandsFor('berth.images', 'image.tag').includes('berth.images.push'));
    assert.ok(!commandsFor('berth.images', 'image.dangling').includes('berth.images.push'));
    assert.ok(commandsFor('berth.networks', 'network.user').includes('berth.networks.remove'));
    assert.ok(!commandsFor('berth.networks', 'network.builtin').includes('berth.networks.remove'), 'built-in networks cannot be removed');
    assert.ok(commandsFor('berth.networks', 'network.container').includes('berth.networks.disconnect'));
    assert.ok(commandsFor('berth.volumes', 'volume.unused').includes('berth.volumes.remove'));
  });
});
