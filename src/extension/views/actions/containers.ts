/**
 * The Containers view's actions: lifecycle verbs, remove, copy, open in the browser, files, logs,
 * shells and inspect. Each acts on the nodes it was invoked on, on `{ id | ids | name | names }`
 * from an argument object, or on containers picked in a QuickPick.
 */
import * as vscode from 'vscode';
import type { ContainerState, ContainerSummary } from '../../../engine/types';
import { CommandError } from '../../commands/errors';
import type { HandlerTable, Invocation } from '../../commands/invocation';
import type { ArgsOf, RemoveArgs, ShellArgs, TargetArgs } from '../../commands/table';
import { browseContainerFiles, openContainerFile } from '../../containerFiles';
import { openLogs } from '../../terminals/logs';
import { openShell } from '../../terminals/shell';
import { publishedUrls } from '../model';
import { argIds, confirmRemoval, engineOf, forEach, holdWhileOpen, inspectEach, pick, t, type ActionContext } from './common';

/** A container an action names: from a node or a listing (with its summary), or only by what the arguments said. */
export interface ContainerRef {
  id: string;
  name: string;
  summary?: ContainerSummary;
}

const ref = (c: ContainerSummary): ContainerRef => ({ id: c.id, name: c.name, summary: c });

/**
 * The containers a command acts on: from nodes (a compose group gives those of its containers
 * `applicable` allows), from the argument object, else picked from those `applicable` allows.
 */
export async function containerTargets(
  ctx: ActionContext,
  input: Invocation<Partial<TargetArgs>>,
  placeholder: string,
  applicable: (c: ContainerSummary) => boolean = () => true,
  many = true,
): Promise<ContainerRef[]> {
  const fromNodes: ContainerRef[] = [];
  for (const node of input.nodes) {
    if (node.kind === 'container' || node.kind === 'attached') fromNodes.push(ref(node.container));
    if (node.kind === 'composeGroup') fromNodes.push(...node.containers.filter(applicable).map(ref));
  }
  if (fromNodes.length) return fromNodes;
  const ids = argIds(input.args);
  if (ids.length) {
    // Listed for names and states; when the engine cannot list, the action itself says why.
    // Listed afresh, not from the view: a container started a moment ago (by a task, or the CLI)
    // may be ahead of the view's event stream, or listed from its create event, before its ports.
    await ctx.views.refresh('containers');
    const known = await ctx.views.providers.containers.list();
    return ids.map((id) => {
      const summary = known.find((c) => c.id === id || c.name === id || (id.length >= 12 && c.id.startsWith(id)));
      return { id, name: summary?.name ?? id, summary };
    });
  }
  await engineOf(ctx);
  await ctx.views.ensureCurrent('containers');
  const containers = (await ctx.views.providers.containers.list()).filter(applicable);
  if (!containers.length) {
    void vscode.window.showInformationMessage(t('No container fits.'));
    return [];
  }
  const items = containers.map((c) => ({ label: c.name, description: `${c.image} · ${c.state}`, container: c }));
  return (await pick(items, placeholder, many)).map((item) => ref(item.container));
}

// --- lifecycle -----------------------------------------------------------------------------------

type Verb = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill';

/** Which states each verb applies to (the QuickPick offers only those), and its words. */
const VERBS: Record<Verb, { applicable: (state: ContainerState) => boolean; pick: () => string; progress: (n: number) => string }> = {
  start: {
    applicable: (s) => s === 'created' || s === 'exited' || s === 'dead',
    pick: () => t('Containers to start'),
    progress: (n) => t('Starting {0} containers', n),
  },
  stop: {
    applicable: (s) => s === 'running' || s === 'paused' || s === 'restarting',
    pick: () => t('Containers to stop'),
    progress: (n) => t('Stopping {0} containers', n),
  },
  restart: { applicable: () => true, pick: () => t('Containers to restart'), progress: (n) => t('Restarting {0} containers', n) },
  pause: { applicable: (s) => s === 'running', pick: () => t('Containers to pause'), progress: (n) => t('Pausing {0} containers', n) },
  unpause: {
    applicable: (s) => s === 'paused',
    pick: () => t('Containers to unpause'),
    progress: (n) => t('Unpausing {0} containers', n),
  },
  kill: {
    applicable: (s) => s === 'running' || s === 'paused' || s === 'restarting',
    pick: () => t('Containers to kill'),
    progress: (n) => t('Killing {0} containers', n),
  },
};

/** start, stop, restart, pause, unpause and kill: the same shape, one engine call each. Resolves with the names done. */
function lifecycle(verb: Verb) {
  return async (ctx: ActionContext, input: Invocation<TargetArgs>): Promise<string[]> => {
    const targets = await containerTargets(ctx, input, VERBS[verb].pick(), (c) => VERBS[verb].applicable(c.state));
    if (!targets.length) return [];
    const engine = await engineOf(ctx);
    const act = {
      start: (id: string) => engine.startContainer(id),
      stop: (id: string) => engine.stopContainer(id),
      restart: (id: string) => engine.restartContainer(id),
      pause: (id: string) => engine.pauseContainer(id),
      unpause: (id: string) => engine.unpauseContainer(id),
      kill: (id: string) => engine.killContainer(id),
    }[verb];
    return forEach(
      VERBS[verb].progress(targets.length),
      targets,
      (c) => c.name,
      (c) => act(c.id),
    );
  };
}

async function remove(ctx: ActionContext, input: Invocation<RemoveArgs>): Promise<string[]> {
  const targets = await containerTargets(ctx, input, t('Containers to remove'));
  if (!targets.length) return [];
  const running = targets.some((c) => c.summary && !['exited', 'created', 'dead'].includes(c.summary.state));
  const message = targets.length === 1 ? t('Remove container {0}?', targets[0]!.name) : t('Remove {0} containers?', targets.length);
  const items = targets.map((c) => `${c.name}${c.summary ? ` (${c.summary.image}, ${c.summary.state})` : ''}`);
  if (running) items.push('', t('Running containers are stopped first. Their anonymous volumes stay.'));
  if (!(await confirmRemoval(input, message, items, t('Remove')))) return [];
  const engine = await engineOf(ctx);
  return forEach(
    t('Removing {0} containers', targets.length),
    targets,
    (c) => c.name,
    (c) => engine.removeContainer(c.id, { force: true }),
  );
}

// --- looking at a container ----------------------------------------------------------------------

/** Copy Id / Copy Name: one per line for several. Resolves with the text copied. */
function copy(field: 'id' | 'name') {
  return async (ctx: ActionContext, input: Invocation<TargetArgs>): Promise<string | undefined> => {
    const placeholder = field === 'id' ? t('Container whose id to copy') : t('Container whose name to copy');
    const targets = await containerTargets(ctx, input, placeholder);
    if (!targets.length) return undefined;
    const text = targets.map((c) => (field === 'id' ? (c.summary?.id ?? c.id) : c.name)).join('\n');
    await vscode.env.clipboard.writeText(text);
    return text;
  };
}

/** Opens a published port in the browser (asking which when there are several); resolves with the URL. */
async function openInBrowser(ctx: ActionContext, input: Invocation<TargetArgs>): Promise<string | undefined> {
  const placeholder = t('Container to open in the browser');
  const [target] = await containerTargets(ctx, input, placeholder, (c) => publishedUrls(c).length > 0, false);
  if (!target) return undefined;
  const urls = target.summary ? publishedUrls(target.summary) : [];
  if (!urls.length)
    throw new CommandError(t('{0} publishes no TCP port.', target.name), t('Run it with a published port (-p) to open it in a browser.'));
  const url = urls.length === 1 ? urls[0] : await vscode.window.showQuickPick(urls, { placeHolder: t('Which port?') });
  if (!url) return undefined;
  await vscode.env.openExternal(vscode.Uri.parse(url));
  return url;
}

/**
 * Browse Files…: walks a running container's folders and opens a file read-only. With
 * `{ id, path }` naming a file it opens that file directly, from a stopped container too.
 * Resolves with the opened file's URI.
 */
async function browseFiles(ctx: ActionContext, input: Invocation<ArgsOf<'berth.containers.browseFiles'>>): Promise<string | undefined> {
  const wanted = input.args.path;
  const direct = wanted !== undefined && !wanted.endsWith('/');
  const placeholder = t('Container whose files to browse');
  const [target] = await containerTargets(ctx, input, placeholder, (c) => direct || c.state === 'running', false);
  if (!target) return undefined;
  const id = target.summary?.id ?? target.id;
  if (direct) return (await openContainerFile(id, wanted)).toString();
  if (target.summary && target.summary.state !== 'running') {
    throw new CommandError(
      t('{0} is not running.', target.name),
      t("Start it to browse its folders (a file opens by its path, with the command's path argument)."),
    );
  }
  return (await browseContainerFiles(id, target.name, wanted ?? '/'))?.toString();
}

/** Follows each container's logs in its own terminal; resolves with the terminals. */
async function logs(ctx: ActionContext, input: Invocation<TargetArgs>): Promise<vscode.Terminal[]> {
  const targets = await containerTargets(ctx, input, t('Containers whose logs to follow'));
  if (!targets.length) return [];
  const engine = await engineOf(ctx);
  return targets.map((c) => holdWhileOpen(ctx, engine, openLogs(engine, { id: c.summary?.id ?? c.id, name: c.name })));
}

/**
 * A shell in a running container (bash when present, else sh), in a terminal. `asUser` asks
 * which user first unless the argument object gives `user`. Resolves with the terminal.
 */
function shell(asUser: boolean) {
  return async (ctx: ActionContext, input: Invocation<ShellArgs>): Promise<vscode.Terminal | undefined> => {
    const placeholder = t('Container to open a shell in');
    const [target] = await containerTargets(ctx, input, placeholder, (c) => c.state === 'running', false);
    if (!target) return undefined;
    let user = input.args.user;
    if (asUser && user === undefined) {
      user = await vscode.window.showInputBox({
        prompt: t('User for the shell in {0} (name, uid or uid:gid)', target.name),
        placeHolder: 'root',
        validateInput: (value) =>
          /^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/.test(value.trim()) ? undefined : t('A user name, uid or uid:gid.'),
      });
      if (!user) return undefined;
    }
    const engine = await engineOf(ctx);
    const container = { id: target.summary?.id ?? target.id, name: target.name };
    return holdWhileOpen(ctx, engine, openShell(engine, container, user ? { user: user.trim() } : {}));
  };
}

async function inspect(ctx: ActionContext, input: Invocation<TargetArgs>): Promise<number> {
  const targets = await containerTargets(ctx, input, t('Container to inspect'), undefined, false);
  return inspectEach(
    ctx,
    'container',
    targets.map((c) => ({ id: c.summary?.id ?? c.id, name: c.name })),
  );
}

export const CONTAINER_COMMANDS = {
  'berth.containers.start': lifecycle('start'),
  'berth.containers.stop': lifecycle('stop'),
  'berth.containers.restart': lifecycle('restart'),
  'berth.containers.pause': lifecycle('pause'),
  'berth.containers.unpause': lifecycle('unpause'),
  'berth.containers.kill': lifecycle('kill'),
  'berth.containers.remove': remove,
  'berth.containers.logs': logs,
  'berth.containers.shell': shell(false),
  'berth.containers.shellAs': shell(true),
  'berth.containers.inspect': inspect,
  'berth.containers.browseFiles': browseFiles,
  'berth.containers.openInBrowser': openInBrowser,
  'berth.containers.copyId': copy('id'),
  'berth.containers.copyName': copy('name'),
} satisfies Partial<HandlerTable>;
