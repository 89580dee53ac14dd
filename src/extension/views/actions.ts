/**
 * What the views' commands do. Every handler takes VS Code's `(node?, nodes?)` from a menu or a
 * multi-selection, or an argument object (`{ id }`, `{ ids }`, `{ name }`, …) from a task, a
 * keybinding or a test, or nothing from the palette, in which case it asks with a QuickPick.
 * Nothing is removed without a modal confirmation that lists what goes; `{ skipConfirm: true }`
 * is honoured only from an argument object, which no menu passes. commands.ts registers them.
 */
import * as vscode from 'vscode';
import { browseContainerFiles, openContainerFile } from '../containerFiles';
import {
  EngineError,
  type ContainerState,
  type ContainerSummary,
  type Engine,
  type ImageSummary,
  type NetworkSummary,
  type VolumeSummary,
} from '../../engine/types';
import type { EngineService } from '../engineService';
import { openInspect, type InspectKind } from '../inspect';
import { withPullProgress } from '../progress';
import { credentialsForPull, credentialsForPush } from '../registryAuth';
import { openLogs } from '../terminals/logs';
import { openShell } from '../terminals/shell';
import { randomBytes } from 'node:crypto';
import { runWorkspace } from '../../devenv/runner';
import { buildImageRunSpec } from '../../devenv/spec';
import { showContainerTerminal } from '../devenv/terminal';
import { isImageReference, splitReference } from '../../shared/imageRef';
import { formatSize, publishedUrls, shortId, volumeUsers, type BerthNode, type ViewId } from './model';
import type { BerthViews } from './views';

export interface ActionContext {
  service: EngineService;
  views: BerthViews;
}

/** An argument object from a task, keybinding or test. */
export interface ActionArgs {
  id?: string;
  ids?: string[];
  name?: string;
  names?: string[];
  /** image references for pull, push and tag */
  reference?: string;
  /** the new reference for tag */
  target?: string;
  /** a container id or name, for network connect/disconnect */
  container?: string;
  driver?: string;
  /** the user for a shell */
  user?: string;
  /** a path in a container, for Browse Files (a folder ends in /) */
  path?: string;
  skipConfirm?: boolean;
  /** From a keybinding: act on this view's selection. */
  fromSelection?: ViewId;
}

const t = vscode.l10n.t;

function isNode(value: unknown): value is BerthNode {
  return !!value && typeof value === 'object' && 'kind' in value && 'key' in value && 'contextValue' in value;
}

function isArgs(value: unknown): value is ActionArgs {
  return !!value && typeof value === 'object' && !isNode(value) && !Array.isArray(value);
}

/** The views, for `{ fromSelection: true }` from keybindings. */
let selectionSource: BerthViews | undefined;

/** The nodes a menu invocation acts on: the multi-selection when the clicked node is in it. */
function nodesOf(arg0: unknown, arg1: unknown): BerthNode[] {
  if (Array.isArray(arg1) && arg1.every(isNode) && arg1.length) return arg1;
  if (isNode(arg0)) return [arg0];
  if (isArgs(arg0) && arg0.fromSelection && selectionSource) return [...selectionSource.selection(arg0.fromSelection)];
  return [];
}

/** Lets keybindings act on the focused view's selection; called once by commands.ts. */
export function useSelectionFrom(views: BerthViews): void {
  selectionSource = views;
}

function argIds(args: ActionArgs): string[] {
  return [...(args.ids ?? []), ...(args.id ? [args.id] : []), ...(args.names ?? []), ...(args.name ? [args.name] : [])];
}

function skipConfirm(arg0: unknown): boolean {
  return isArgs(arg0) && arg0.skipConfirm === true;
}

function describeError(error: unknown): string {
  if (error instanceof EngineError) return error.hint ? `${error.message} ${error.hint}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Connects, or shows why not (once) and returns undefined. */
async function engineOf(ctx: ActionContext): Promise<Engine | undefined> {
  try {
    return await ctx.service.engine();
  } catch (error) {
    ctx.service.notifyFailure(error instanceof EngineError ? error : new EngineError('api', describeError(error)));
    return undefined;
  }
}

/**
 * Runs `work`, and shows a progress notification only if it takes longer than a second, so
 * quick actions do not flash one.
 */
async function withSlowProgress<T>(title: string, work: () => Promise<T>): Promise<T> {
  const running = work();
  let timer: NodeJS.Timeout | undefined;
  const quick = await Promise.race([
    running.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 1000))),
  ]);
  clearTimeout(timer);
  if (!quick)
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () =>
      running.then(
        () => undefined,
        () => undefined,
      ),
    );
  return running;
}

/**
 * Applies `act` to each target; failures are gathered into one message (with the engine's fix),
 * so acting on ten containers never shows ten popups. Returns the names that succeeded.
 */
async function forEach<T>(
  title: string,
  targets: readonly T[],
  nameOf: (target: T) => string,
  act: (target: T) => Promise<unknown>,
  failure: (count: number, total: number) => string,
): Promise<string[]> {
  const done: string[] = [];
  const failed: string[] = [];
  await withSlowProgress(title, async () => {
    await Promise.all(
      targets.map(async (target) => {
        try {
          await act(target);
          done.push(nameOf(target));
        } catch (error) {
          failed.push(`${nameOf(target)}: ${describeError(error)}`);
        }
      }),
    );
  });
  if (failed.length) void vscode.window.showErrorMessage(`${failure(failed.length, targets.length)} ${failed.join('; ')}`);
  return done;
}

/** A modal warning that lists every item that will go; true when the user agreed. */
async function confirmRemoval(arg0: unknown, message: string, items: readonly string[], action: string): Promise<boolean> {
  if (skipConfirm(arg0)) return true;
  const shown = items.length > 30 ? [...items.slice(0, 30), t('…and {0} more', items.length - 30)] : items;
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail: shown.join('\n') }, action);
  return choice === action;
}

function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showErrorMessage(
    t('Berth does not start containers from an untrusted workspace. Trust the workspace (Workspaces: Manage Workspace Trust) to do this.'),
  );
  return false;
}

// --- containers ----------------------------------------------------------------------------------

interface ContainerRef {
  id: string;
  name: string;
  summary?: ContainerSummary;
}

/**
 * The containers a command acts on: from nodes, from `{ id | ids | name | names }`, else picked
 * from those `applicable` allows.
 */
async function containerTargets(
  ctx: ActionContext,
  arg0: unknown,
  arg1: unknown,
  placeholder: string,
  applicable: (c: ContainerSummary) => boolean = () => true,
  many = true,
): Promise<ContainerRef[]> {
  const fromNodes: ContainerRef[] = [];
  for (const node of nodesOf(arg0, arg1)) {
    if (node.kind === 'container' || node.kind === 'attached')
      fromNodes.push({ id: node.container.id, name: node.container.name, summary: node.container });
    if (node.kind === 'composeGroup')
      for (const c of node.containers) if (applicable(c)) fromNodes.push({ id: c.id, name: c.name, summary: c });
  }
  if (fromNodes.length) return fromNodes;
  if (isArgs(arg0)) {
    const ids = argIds(arg0);
    if (ids.length) {
      const known = await ctx.views.providers.containers.list().catch(() => []);
      return ids.map((id) => {
        const summary = known.find((c) => c.id === id || c.name === id || (id.length >= 12 && c.id.startsWith(id)));
        return { id, name: summary?.name ?? id, summary };
      });
    }
  }
  if (!(await engineOf(ctx))) return [];
  const containers = (await ctx.views.providers.containers.list()).filter(applicable);
  if (!containers.length) {
    void vscode.window.showInformationMessage(t('No container fits.'));
    return [];
  }
  const items = containers.map((c) => ({ label: c.name, description: `${c.image} · ${c.state}`, container: c }));
  const picked = many
    ? await vscode.window.showQuickPick(items, { placeHolder: placeholder, canPickMany: true })
    : await vscode.window.showQuickPick(items, { placeHolder: placeholder }).then((item) => (item ? [item] : undefined));
  return (picked ?? []).map((item) => ({ id: item.container.id, name: item.container.name, summary: item.container }));
}

type ContainerVerb = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill';

const VERBS: Record<ContainerVerb, { applicable: (state: ContainerState) => boolean; startsProcesses: boolean }> = {
  start: { applicable: (s) => s === 'created' || s === 'exited' || s === 'dead', startsProcesses: true },
  stop: { applicable: (s) => s === 'running' || s === 'paused' || s === 'restarting', startsProcesses: false },
  restart: { applicable: () => true, startsProcesses: true },
  pause: { applicable: (s) => s === 'running', startsProcesses: false },
  unpause: { applicable: (s) => s === 'paused', startsProcesses: true },
  kill: { applicable: (s) => s === 'running' || s === 'paused' || s === 'restarting', startsProcesses: false },
};

function verbTexts(verb: ContainerVerb, count: number): { pick: string; progress: string; failure: (n: number, total: number) => string } {
  const failure = (n: number, total: number): string => t('Could not {0} {1} of {2} containers:', verb, n, total);
  switch (verb) {
    case 'start':
      return { pick: t('Containers to start'), progress: t('Starting {0} containers', count), failure };
    case 'stop':
      return { pick: t('Containers to stop'), progress: t('Stopping {0} containers', count), failure };
    case 'restart':
      return { pick: t('Containers to restart'), progress: t('Restarting {0} containers', count), failure };
    case 'pause':
      return { pick: t('Containers to pause'), progress: t('Pausing {0} containers', count), failure };
    case 'unpause':
      return { pick: t('Containers to unpause'), progress: t('Unpausing {0} containers', count), failure };
    case 'kill':
      return { pick: t('Containers to kill'), progress: t('Killing {0} containers', count), failure };
  }
}

/** start, stop, restart, pause, unpause and kill: the same shape, one engine call each. */
export function containerVerb(verb: ContainerVerb) {
  return async (ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<string[]> => {
    if (VERBS[verb].startsProcesses && !requireTrust()) return [];
    const targets = await containerTargets(ctx, arg0, arg1, verbTexts(verb, 0).pick, (c) => VERBS[verb].applicable(c.state));
    if (!targets.length) return [];
    const engine = await engineOf(ctx);
    if (!engine) return [];
    const texts = verbTexts(verb, targets.length);
    const run = (id: string): Promise<void> => {
      switch (verb) {
        case 'start':
          return engine.startContainer(id);
        case 'stop':
          return engine.stopContainer(id);
        case 'restart':
          return engine.restartContainer(id);
        case 'pause':
          return engine.pauseContainer(id);
        case 'unpause':
          return engine.unpauseContainer(id);
        case 'kill':
          return engine.killContainer(id);
      }
    };
    return forEach(
      texts.progress,
      targets,
      (c) => c.name,
      (c) => run(c.id),
      texts.failure,
    );
  };
}

export async function removeContainers(ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<string[]> {
  const targets = await containerTargets(ctx, arg0, arg1, t('Containers to remove'));
  if (!targets.length) return [];
  const running = targets.filter(
    (c) => c.summary && c.summary.state !== 'exited' && c.summary.state !== 'created' && c.summary.state !== 'dead',
  );
  const message = targets.length === 1 ? t('Remove container {0}?', targets[0]!.name) : t('Remove {0} containers?', targets.length);
  const items = targets.map((c) => `${c.name}${c.summary ? ` (${c.summary.image}, ${c.summary.state})` : ''}`);
  if (running.length) items.push('', t('Running containers are stopped first. Their anonymous volumes stay.'));
  if (!(await confirmRemoval(arg0, message, items, t('Remove')))) return [];
  const engine = await engineOf(ctx);
  if (!engine) return [];
  return forEach(
    t('Removing {0} containers', targets.length),
    targets,
    (c) => c.name,
    (c) => engine.removeContainer(c.id, { force: true }),
    (n, total) => t('Could not remove {0} of {1} containers:', n, total),
  );
}

export async function copyContainerField(
  ctx: ActionContext,
  field: 'id' | 'name',
  arg0?: unknown,
  arg1?: unknown,
): Promise<string | undefined> {
  const targets = await containerTargets(
    ctx,
    arg0,
    arg1,
    field === 'id' ? t('Container whose id to copy') : t('Container whose name to copy'),
  );
  if (!targets.length) return undefined;
  const text = targets.map((c) => (field === 'id' ? (c.summary?.id ?? c.id) : c.name)).join('\n');
  await vscode.env.clipboard.writeText(text);
  return text;
}

export async function openInBrowser(ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<string | undefined> {
  const [target] = await containerTargets(
    ctx,
    arg0,
    arg1,
    t('Container to open in the browser'),
    (c) => publishedUrls(c).length > 0,
    false,
  );
  if (!target) return undefined;
  const urls = target.summary ? publishedUrls(target.summary) : [];
  if (!urls.length) {
    void vscode.window.showInformationMessage(
      t('{0} publishes no TCP port. Run it with a published port (-p) to open it in a browser.', target.name),
    );
    return undefined;
  }
  const url = urls.length === 1 ? urls[0] : await vscode.window.showQuickPick(urls, { placeHolder: t('Which port?') });
  if (!url) return undefined;
  await vscode.env.openExternal(vscode.Uri.parse(url));
  return url;
}

/**
 * Browse Files…: walks a running container's folders and opens a file read-only. With
 * `{ id, path }` naming a file it opens that file directly, from a stopped container too.
 */
export async function browseFiles(ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<string | undefined> {
  if (!requireTrust()) return undefined;
  const wanted = isArgs(arg0) ? arg0.path : undefined;
  const direct = wanted !== undefined && !wanted.endsWith('/');
  const [target] = await containerTargets(
    ctx,
    arg0,
    arg1,
    t('Container whose files to browse'),
    (c) => direct || c.state === 'running',
    false,
  );
  if (!target) return undefined;
  const id = target.summary?.id ?? target.id;
  if (direct) return (await openContainerFile(id, wanted))?.toString();
  if (target.summary && target.summary.state !== 'running') {
    void vscode.window.showInformationMessage(
      t("{0} is not running: start it to browse its folders (a file opens by its path, with the command's path argument).", target.name),
    );
    return undefined;
  }
  return (await browseContainerFiles(id, target.name, wanted ?? '/'))?.toString();
}

/** Follows each container's logs in its own terminal. */
export async function showLogs(ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<vscode.Terminal[]> {
  const targets = await containerTargets(ctx, arg0, arg1, t('Containers whose logs to follow'));
  if (!targets.length) return [];
  const engine = await engineOf(ctx);
  if (!engine) return [];
  return targets.map((c) => openLogs(engine, { id: c.summary?.id ?? c.id, name: c.name }));
}

/**
 * A shell in a running container (bash when present, else sh), in a terminal. `asUser` asks
 * which user first; an argument object may give `{ id, user }`.
 */
export async function openContainerShell(
  ctx: ActionContext,
  asUser: boolean,
  arg0?: unknown,
  arg1?: unknown,
): Promise<vscode.Terminal | undefined> {
  if (!requireTrust()) return undefined;
  const [target] = await containerTargets(ctx, arg0, arg1, t('Container to open a shell in'), (c) => c.state === 'running', false);
  if (!target) return undefined;
  let user = isArgs(arg0) ? arg0.user : undefined;
  if (asUser && user === undefined) {
    user = await vscode.window.showInputBox({
      prompt: t('User for the shell in {0} (name, uid or uid:gid)', target.name),
      placeHolder: 'root',
      validateInput: (value) => (/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/.test(value.trim()) ? undefined : t('A user name, uid or uid:gid.')),
    });
    if (!user) return undefined;
  }
  const engine = await engineOf(ctx);
  if (!engine) return undefined;
  return openShell(engine, { id: target.summary?.id ?? target.id, name: target.name }, user ? { user: user.trim() } : {});
}

/** Read-only JSON of what the engine knows, one editor per target. */
export async function inspect(ctx: ActionContext, kind: InspectKind, arg0?: unknown, arg1?: unknown): Promise<number> {
  let ids: { id: string; name: string }[];
  switch (kind) {
    case 'container':
      ids = (await containerTargets(ctx, arg0, arg1, t('Container to inspect'), undefined, false)).map((c) => ({
        id: c.summary?.id ?? c.id,
        name: c.name,
      }));
      break;
    case 'image':
      ids = (await imageTargets(ctx, arg0, arg1, t('Image to inspect'), false)).map((i) => ({
        id: i.image?.id ?? i.reference,
        name: displayReference(i.reference),
      }));
      break;
    case 'volume':
      ids = (await volumeTargets(ctx, arg0, arg1, t('Volume to inspect'))).map((n) => ({ id: n, name: n }));
      break;
    case 'network':
      ids = (await networkTargets(ctx, arg0, arg1, t('Network to inspect'), undefined, false)).map((n) => ({ id: n.id, name: n.name }));
      break;
  }
  if (!ids.length) return 0;
  const engine = await engineOf(ctx);
  if (!engine) return 0;
  let opened = 0;
  for (const { id, name } of ids.slice(0, 10)) {
    try {
      await openInspect(engine, kind, id);
      opened++;
    } catch (error) {
      void vscode.window.showErrorMessage(t('Could not inspect {0}: {1}', name, describeError(error)));
    }
  }
  return opened;
}

// --- images --------------------------------------------------------------------------------------

interface ImageRef {
  /** What the engine calls it for this action: `repo:tag` for a tag, the id for dangling images. */
  reference: string;
  image?: ImageSummary;
}

async function imageTargets(ctx: ActionContext, arg0: unknown, arg1: unknown, placeholder: string, many = true): Promise<ImageRef[]> {
  const fromNodes: ImageRef[] = [];
  for (const node of nodesOf(arg0, arg1)) {
    if (node.kind === 'imageTag') fromNodes.push({ reference: node.reference, image: node.image });
    if (node.kind === 'repository') for (const tag of node.tags) fromNodes.push({ reference: tag.reference, image: tag.image });
  }
  if (fromNodes.length) return fromNodes;
  if (isArgs(arg0)) {
    const ids = [...argIds(arg0), ...(arg0.reference ? [arg0.reference] : [])];
    if (ids.length) return ids.map((reference) => ({ reference }));
  }
  if (!(await engineOf(ctx))) return [];
  const images = await ctx.views.providers.images.list();
  const items = images.flatMap((image) =>
    (image.repoTags.filter((r) => r !== '<none>:<none>').length ? image.repoTags.filter((r) => r !== '<none>:<none>') : [image.id]).map(
      (reference) => ({
        label: reference.startsWith('sha256:') ? shortId(reference) : reference,
        description: formatSize(image.size),
        ref: { reference, image },
      }),
    ),
  );
  if (!items.length) {
    void vscode.window.showInformationMessage(t('There are no images.'));
    return [];
  }
  const picked = many
    ? await vscode.window.showQuickPick(items, { placeHolder: placeholder, canPickMany: true })
    : await vscode.window.showQuickPick(items, { placeHolder: placeholder }).then((item) => (item ? [item] : undefined));
  return (picked ?? []).map((item) => item.ref);
}

function displayReference(reference: string): string {
  return reference.startsWith('sha256:') ? shortId(reference) : reference;
}

/** Checks a reference the way the engine would, so a typo gets a message before a round trip. */
export function validateReference(value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return t('Enter an image reference such as busybox:latest.');
  if (!isImageReference(trimmed)) {
    return t('{0} is not a valid image reference: use lowercase repository names, then an optional :tag.', trimmed);
  }
  return undefined;
}

export async function pullImage(ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<string | undefined> {
  let reference = isArgs(arg0) ? arg0.reference : undefined;
  if (!reference) {
    const [target] = nodesOf(arg0, arg1).length ? await imageTargets(ctx, arg0, arg1, '', false) : [];
    reference = target?.reference.startsWith('sha256:') ? undefined : target?.reference;
  }
  reference ??= await vscode.window.showInputBox({
    prompt: t('Image to pull'),
    placeHolder: 'busybox:latest',
    validateInput: validateReference,
  });
  if (!reference) return undefined;
  const engine = await engineOf(ctx);
  if (!engine) return undefined;
  const ref = reference.trim();
  try {
    const auth = await credentialsForPull(ref);
    await withPullProgress(t('Pulling {0}', ref), (onProgress, signal) => engine.pullImage(ref, onProgress, signal, auth));
    return ref;
  } catch (error) {
    if (error instanceof vscode.CancellationError) return undefined;
    void vscode.window.showErrorMessage(t('Could not pull {0}: {1}', ref, describeError(error)));
    return undefined;
  }
}

export async function pushImage(ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<string | undefined> {
  const [target] = await imageTargets(ctx, arg0, arg1, t('Image to push'), false);
  if (!target) return undefined;
  if (target.reference.startsWith('sha256:')) {
    void vscode.window.showErrorMessage(
      t('An untagged image cannot be pushed. Tag it with the registry and repository first (Berth: Tag Image).'),
    );
    return undefined;
  }
  const engine = await engineOf(ctx);
  if (!engine) return undefined;
  try {
    const auth = await credentialsForPush(target.reference);
    await withPullProgress(
      t('Pushing {0}', target.reference),
      (onProgress, signal) => engine.pushImage(target.reference, auth, onProgress, signal),
      'push',
    );
    return target.reference;
  } catch (error) {
    if (error instanceof vscode.CancellationError) return undefined;
    void vscode.window.showErrorMessage(t('Could not push {0}: {1}', target.reference, describeError(error)));
    return undefined;
  }
}

/**
 * Runs an image with its own command: interactive in a terminal (removed when it closes, like
 * docker run --rm -it), or in the background with its EXPOSEd ports on free loopback ports.
 * Resolves with the container id.
 */
export async function runImage(ctx: ActionContext, interactive: boolean, arg0?: unknown, arg1?: unknown): Promise<string | undefined> {
  if (!requireTrust()) return undefined;
  const [target] = await imageTargets(ctx, arg0, arg1, t('Image to run'), false);
  if (!target) return undefined;
  const engine = await engineOf(ctx);
  if (!engine) return undefined;
  const reference = target.image?.id ?? target.reference;
  let exposed: string[];
  try {
    const info = (await engine.inspectImage(reference)) as { Config?: { ExposedPorts?: Record<string, unknown> } };
    exposed = Object.keys(info.Config?.ExposedPorts ?? {});
  } catch (error) {
    void vscode.window.showErrorMessage(t('Could not run {0}: {1}', displayReference(target.reference), describeError(error)));
    return undefined;
  }
  const image = target.reference.startsWith('sha256:') ? reference : target.reference;
  const spec = buildImageRunSpec(image, interactive, randomBytes(3).toString('hex'), interactive ? [] : exposed);
  // The terminal keeps this connection until it closes, even if the views reconnect elsewhere.
  const release = ctx.service.hold(engine);
  try {
    const run = await runWorkspace(engine, spec, { startupWindowMs: interactive ? 300 : 1000, credentials: credentialsForPull });
    if (interactive) {
      showContainerTerminal(run, t('Berth: {0}', displayReference(target.reference)), 'terminal', release);
    } else {
      run.stream.destroy();
      release();
    }
    return run.id;
  } catch (error) {
    release();
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(
      /no command specified/i.test(message)
        ? t(
            '{0} has no command of its own (no CMD or ENTRYPOINT): run it from a terminal with the command you want.',
            displayReference(target.reference),
          )
        : t('Could not run {0}: {1}', displayReference(target.reference), message),
    );
    return undefined;
  }
}

export async function tagImage(ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<string | undefined> {
  const [target] = await imageTargets(ctx, arg0, arg1, t('Image to tag'), false);
  if (!target) return undefined;
  let newReference = isArgs(arg0) ? arg0.target : undefined;
  newReference ??= await vscode.window.showInputBox({
    prompt: t('New tag for {0}', displayReference(target.reference)),
    value: target.reference.startsWith('sha256:') ? '' : target.reference,
    validateInput: validateReference,
  });
  if (!newReference) return undefined;
  const invalid = validateReference(newReference);
  if (invalid) {
    void vscode.window.showErrorMessage(invalid);
    return undefined;
  }
  const engine = await engineOf(ctx);
  if (!engine) return undefined;
  // validateReference refused digests: a tag is what is being made.
  const { repository, tag = 'latest' } = splitReference(newReference.trim());
  try {
    await engine.tagImage(target.image?.id ?? target.reference, repository, tag);
    return `${repository}:${tag}`;
  } catch (error) {
    void vscode.window.showErrorMessage(t('Could not tag {0}: {1}', displayReference(target.reference), describeError(error)));
    return undefined;
  }
}

export async function removeImages(ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<string[]> {
  const targets = await imageTargets(ctx, arg0, arg1, t('Images to remove'));
  if (!targets.length) return [];
  const message =
    targets.length === 1 ? t('Remove image {0}?', displayReference(targets[0]!.reference)) : t('Remove {0} images?', targets.length);
  const items = targets.map((i) => `${displayReference(i.reference)}${i.image ? ` (${formatSize(i.image.size)})` : ''}`);
  items.push('', t('A tag shared with other tags only loses that tag; the image goes with its last tag.'));
  if (!(await confirmRemoval(arg0, message, items, t('Remove')))) return [];
  const engine = await engineOf(ctx);
  if (!engine) return [];
  return forEach(
    t('Removing {0} images', targets.length),
    targets,
    (i) => displayReference(i.reference),
    (i) => engine.removeImage(i.reference),
    (n, total) => t('Could not remove {0} of {1} images:', n, total),
  );
}

export async function pruneImages(ctx: ActionContext, arg0?: unknown): Promise<string[]> {
  const engine = await engineOf(ctx);
  if (!engine) return [];
  const dangling = (await engine.listImages()).filter((i) => i.dangling || i.repoTags.every((r) => r === '<none>:<none>'));
  if (!dangling.length) {
    void vscode.window.showInformationMessage(t('There are no dangling images to prune.'));
    return [];
  }
  const items = dangling.map((i) => `${shortId(i.id)} (${formatSize(i.size)})`);
  if (!(await confirmRemoval(arg0, t('Remove {0} dangling images?', dangling.length), items, t('Prune')))) return [];
  return pruneWith(t('Pruning dangling images'), () => engine.pruneImages({ danglingOnly: true }), t('images'));
}

async function pruneWith(
  title: string,
  prune: () => Promise<{ deleted: string[]; spaceReclaimed: number }>,
  what: string,
): Promise<string[]> {
  try {
    const result = await withSlowProgress(title, prune);
    void vscode.window.showInformationMessage(
      t('Removed {0} {1}, reclaimed {2}.', result.deleted.length, what, formatSize(result.spaceReclaimed)),
    );
    return result.deleted;
  } catch (error) {
    void vscode.window.showErrorMessage(t('Could not prune: {0}', describeError(error)));
    return [];
  }
}

/**
 * From a tag in the tree: reveals and expands it, its layers being its children. From the
 * palette or an argument object: the layers as a read-only document.
 */
export async function showImageHistory(ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<vscode.TextEditor | undefined> {
  const nodes = nodesOf(arg0, arg1).filter((n) => n.kind === 'imageTag');
  const treeView = ctx.views.treeViews.get('images');
  if (nodes.length && treeView?.visible) {
    await treeView.reveal(nodes[0]!, { expand: true, focus: true, select: true });
    return undefined;
  }
  const [target] = nodes.length
    ? await imageTargets(ctx, arg0, arg1, '', false)
    : await imageTargets(ctx, arg0, arg1, t('Image whose layers to show'), false);
  if (!target) return undefined;
  const engine = await engineOf(ctx);
  if (!engine) return undefined;
  try {
    const layers = await engine.imageHistory(target.image?.id ?? target.reference);
    return await ctx.views.history.show(displayReference(target.reference), layers);
  } catch (error) {
    void vscode.window.showErrorMessage(
      t('Could not read the layers of {0}: {1}', displayReference(target.reference), describeError(error)),
    );
    return undefined;
  }
}

// --- volumes -------------------------------------------------------------------------------------

async function volumeTargets(ctx: ActionContext, arg0: unknown, arg1: unknown, placeholder: string): Promise<string[]> {
  const fromNodes = nodesOf(arg0, arg1).flatMap((n) => (n.kind === 'volume' ? [n.volume.name] : []));
  if (fromNodes.length) return fromNodes;
  if (isArgs(arg0) && argIds(arg0).length) return argIds(arg0);
  if (!(await engineOf(ctx))) return [];
  const volumes = await ctx.views.providers.volumes.list();
  if (!volumes.length) {
    void vscode.window.showInformationMessage(t('There are no volumes.'));
    return [];
  }
  const picked = await vscode.window.showQuickPick(
    volumes.map((v) => ({ label: v.name, description: v.driver })),
    { placeHolder: placeholder, canPickMany: true },
  );
  return (picked ?? []).map((p) => p.label);
}

/** Docker volume names: what `docker volume create` accepts. */
export function validateVolumeName(value: string): string | undefined {
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(value.trim())
    ? undefined
    : t('Use letters, digits, _ . and -, starting with a letter or digit.');
}

export async function createVolume(ctx: ActionContext, arg0?: unknown): Promise<VolumeSummary | undefined> {
  let name = isArgs(arg0) ? arg0.name : undefined;
  name ??= await vscode.window.showInputBox({ prompt: t('Name of the new volume'), validateInput: validateVolumeName });
  if (!name) return undefined;
  const engine = await engineOf(ctx);
  if (!engine) return undefined;
  try {
    return await engine.createVolume(name.trim(), isArgs(arg0) && arg0.driver ? { driver: arg0.driver } : undefined);
  } catch (error) {
    void vscode.window.showErrorMessage(t('Could not create volume {0}: {1}', name, describeError(error)));
    return undefined;
  }
}

export async function removeVolumes(ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<string[]> {
  const names = await volumeTargets(ctx, arg0, arg1, t('Volumes to remove'));
  if (!names.length) return [];
  const message =
    names.length === 1 ? t('Remove volume {0} and all its data?', names[0]!) : t('Remove {0} volumes and all their data?', names.length);
  if (!(await confirmRemoval(arg0, message, names, t('Remove')))) return [];
  const engine = await engineOf(ctx);
  if (!engine) return [];
  return forEach(
    t('Removing {0} volumes', names.length),
    names,
    (n) => n,
    (n) => engine.removeVolume(n),
    (n, total) => t('Could not remove {0} of {1} volumes:', n, total),
  );
}

/** API 1.42 and later prune only anonymous volumes unless told otherwise. */
function prunesOnlyAnonymous(apiVersion: string | undefined): boolean {
  const [major = 0, minor = 0] = (apiVersion ?? '1.41').split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 42);
}

export async function pruneVolumes(ctx: ActionContext, arg0?: unknown): Promise<string[]> {
  const engine = await engineOf(ctx);
  if (!engine) return [];
  const [volumes, containers] = await Promise.all([engine.listVolumes(), engine.listContainers()]);
  const users = volumeUsers(containers);
  const state = ctx.service.state;
  const anonymousOnly = prunesOnlyAnonymous(state.kind === 'connected' ? state.version.apiVersion : undefined);
  const going = volumes.filter((v) => !users.has(v.name) && (!anonymousOnly || /^[0-9a-f]{64}$/.test(v.name)));
  if (!going.length) {
    void vscode.window.showInformationMessage(t('There are no unused volumes to prune.'));
    return [];
  }
  if (
    !(await confirmRemoval(
      arg0,
      t('Remove {0} unused volumes and all their data?', going.length),
      going.map((v) => v.name),
      t('Prune'),
    ))
  )
    return [];
  return pruneWith(t('Pruning volumes'), () => engine.pruneVolumes(), t('volumes'));
}

// --- networks ------------------------------------------------------------------------------------

interface NetworkRef {
  id: string;
  name: string;
  network?: NetworkSummary;
}

async function networkTargets(
  ctx: ActionContext,
  arg0: unknown,
  arg1: unknown,
  placeholder: string,
  applicable: (n: NetworkSummary) => boolean = () => true,
  many = true,
): Promise<NetworkRef[]> {
  const fromNodes = nodesOf(arg0, arg1).flatMap((n) =>
    n.kind === 'network' ? [{ id: n.network.id, name: n.network.name, network: n.network }] : [],
  );
  if (fromNodes.length) return fromNodes;
  if (isArgs(arg0) && argIds(arg0).length) return argIds(arg0).map((id) => ({ id, name: id }));
  if (!(await engineOf(ctx))) return [];
  const networks = (await ctx.views.providers.networks.list()).filter(applicable);
  if (!networks.length) {
    void vscode.window.showInformationMessage(t('No network fits.'));
    return [];
  }
  const items = networks.map((n) => ({ label: n.name, description: n.driver, network: n }));
  const picked = many
    ? await vscode.window.showQuickPick(items, { placeHolder: placeholder, canPickMany: true })
    : await vscode.window.showQuickPick(items, { placeHolder: placeholder }).then((item) => (item ? [item] : undefined));
  return (picked ?? []).map((p) => ({ id: p.network.id, name: p.network.name, network: p.network }));
}

export function validateNetworkName(value: string): string | undefined {
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(value.trim())
    ? undefined
    : t('Use letters, digits, _ . and -, starting with a letter or digit.');
}

export async function createNetwork(ctx: ActionContext, arg0?: unknown): Promise<NetworkSummary | undefined> {
  let name = isArgs(arg0) ? arg0.name : undefined;
  name ??= await vscode.window.showInputBox({ prompt: t('Name of the new network'), validateInput: validateNetworkName });
  if (!name) return undefined;
  const engine = await engineOf(ctx);
  if (!engine) return undefined;
  try {
    return await engine.createNetwork(name.trim(), isArgs(arg0) && arg0.driver ? { driver: arg0.driver } : undefined);
  } catch (error) {
    void vscode.window.showErrorMessage(t('Could not create network {0}: {1}', name, describeError(error)));
    return undefined;
  }
}

export async function removeNetworks(ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<string[]> {
  const targets = await networkTargets(ctx, arg0, arg1, t('Networks to remove'), (n) => !n.builtIn);
  const builtIn = targets.filter((n) => n.network?.builtIn || ['bridge', 'host', 'none'].includes(n.name));
  if (builtIn.length) {
    void vscode.window.showErrorMessage(t('{0} is built into the engine and cannot be removed.', builtIn.map((n) => n.name).join(', ')));
  }
  const removable = targets.filter((n) => !builtIn.includes(n));
  if (!removable.length) return [];
  const message = removable.length === 1 ? t('Remove network {0}?', removable[0]!.name) : t('Remove {0} networks?', removable.length);
  if (
    !(await confirmRemoval(
      arg0,
      message,
      removable.map((n) => n.name),
      t('Remove'),
    ))
  )
    return [];
  const engine = await engineOf(ctx);
  if (!engine) return [];
  return forEach(
    t('Removing {0} networks', removable.length),
    removable,
    (n) => n.name,
    (n) => engine.removeNetwork(n.id),
    (n, total) => t('Could not remove {0} of {1} networks:', n, total),
  );
}

export async function pruneNetworks(ctx: ActionContext, arg0?: unknown): Promise<string[]> {
  const engine = await engineOf(ctx);
  if (!engine) return [];
  const [networks, containers] = await Promise.all([engine.listNetworks(), engine.listContainers()]);
  const going = networks.filter((n) => !n.builtIn && !containers.some((c) => c.networks.includes(n.name)));
  if (!going.length) {
    void vscode.window.showInformationMessage(t('There are no unused networks to prune.'));
    return [];
  }
  if (
    !(await confirmRemoval(
      arg0,
      t('Remove {0} unused networks?', going.length),
      going.map((n) => n.name),
      t('Prune'),
    ))
  )
    return [];
  return pruneWith(t('Pruning networks'), () => engine.pruneNetworks(), t('networks'));
}

/** Connects a container to a network: either may come from a node, an argument or a QuickPick. */
export async function connectNetwork(ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<boolean> {
  const nodes = nodesOf(arg0, arg1);
  const args = isArgs(arg0) ? arg0 : {};
  let network: NetworkRef | undefined;
  let container: ContainerRef | undefined;
  const networkNode = nodes.find((n) => n.kind === 'network');
  const containerNode = nodes.find((n) => n.kind === 'container');
  if (networkNode?.kind === 'network')
    network = { id: networkNode.network.id, name: networkNode.network.name, network: networkNode.network };
  if (containerNode?.kind === 'container')
    container = { id: containerNode.container.id, name: containerNode.container.name, summary: containerNode.container };
  if (!network && args.id) network = { id: args.id, name: args.name ?? args.id };
  if (!container && args.container) container = { id: args.container, name: args.container };
  network ??= (
    await networkTargets(ctx, undefined, undefined, t('Network to connect to'), (n) => n.driver !== 'host' && n.driver !== 'null', false)
  )[0];
  if (!network) return false;
  const chosen = network;
  container ??= (
    await containerTargets(
      ctx,
      undefined,
      undefined,
      t('Container to connect to {0}', chosen.name),
      (c) => !c.networks.includes(chosen.name),
      false,
    )
  )[0];
  if (!container) return false;
  const engine = await engineOf(ctx);
  if (!engine) return false;
  try {
    await engine.connectNetwork(chosen.id, container.id);
    return true;
  } catch (error) {
    void vscode.window.showErrorMessage(t('Could not connect {0} to {1}: {2}', container.name, chosen.name, describeError(error)));
    return false;
  }
}

export async function disconnectNetwork(ctx: ActionContext, arg0?: unknown, arg1?: unknown): Promise<boolean> {
  const nodes = nodesOf(arg0, arg1).filter((n) => n.kind === 'attached' && n.parent.kind === 'network');
  const args = isArgs(arg0) ? arg0 : {};
  let pairs: { network: { id: string; name: string }; container: { id: string; name: string } }[] = nodes.flatMap((n) =>
    n.kind === 'attached'
      ? [{ network: { id: n.parent.id, name: n.parent.name }, container: { id: n.container.id, name: n.container.name } }]
      : [],
  );
  if (!pairs.length && args.id && args.container)
    pairs = [{ network: { id: args.id, name: args.name ?? args.id }, container: { id: args.container, name: args.container } }];
  if (!pairs.length) {
    const [network] = await networkTargets(ctx, undefined, undefined, t('Network to disconnect from'), undefined, false);
    if (!network) return false;
    const [container] = await containerTargets(
      ctx,
      undefined,
      undefined,
      t('Container to disconnect from {0}', network.name),
      (c) => c.networks.includes(network.name),
      false,
    );
    if (!container) return false;
    pairs = [{ network, container }];
  }
  const engine = await engineOf(ctx);
  if (!engine) return false;
  const done = await forEach(
    t('Disconnecting {0} containers', pairs.length),
    pairs,
    (p) => `${p.container.name} ↮ ${p.network.name}`,
    (p) => engine.disconnectNetwork(p.network.id, p.container.id),
    (n, total) => t('Could not disconnect {0} of {1}:', n, total),
  );
  return done.length === pairs.length;
}

// --- connection ----------------------------------------------------------------------------------

export async function switchContext(ctx: ActionContext, arg0?: unknown): Promise<string | undefined> {
  let name = isArgs(arg0) ? arg0.name : undefined;
  if (!name) {
    let contexts;
    try {
      contexts = ctx.service.contexts();
    } catch (error) {
      void vscode.window.showErrorMessage(t('Could not list docker contexts: {0}', describeError(error)));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      contexts.map((c) => ({
        label: `${c.current ? '$(check) ' : ''}${c.name}`,
        description: c.error ? t('broken: {0}', c.error) : c.host,
        detail: c.description,
        name: c.name,
      })),
      { placeHolder: t('Docker context to use (as docker context use does)') },
    );
    name = picked?.name;
  }
  if (!name) return undefined;
  try {
    await ctx.service.useContext(name);
  } catch (error) {
    void vscode.window.showErrorMessage(t('Could not switch to context {0}: {1}', name, describeError(error)));
    return undefined;
  }
  const state = ctx.service.state;
  if (
    state.kind !== 'idle' &&
    'endpoint' in state &&
    state.endpoint &&
    (state.endpoint.source === 'setting' || state.endpoint.source === 'DOCKER_HOST' || state.endpoint.source === 'DOCKER_CONTEXT')
  ) {
    void vscode.window.showWarningMessage(
      t(
        'The docker CLI now uses context {0}, but Berth follows {1}, which takes precedence. Clear it to follow the context.',
        name,
        state.endpoint.source === 'setting' ? 'berth.docker.host' : state.endpoint.source,
      ),
    );
  }
  return name;
}

export async function retryConnection(ctx: ActionContext): Promise<string> {
  const state = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: t('Connecting to the Docker engine') },
    () => ctx.service.retry(),
  );
  if (state.kind === 'failed') ctx.service.notifyFailure(state.error, true);
  return state.kind;
}

export async function refreshView(ctx: ActionContext, view: ViewId): Promise<void> {
  if (ctx.service.state.kind === 'failed') await ctx.service.retry();
  await ctx.views.refresh(view);
}
