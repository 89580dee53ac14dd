/**
 * The Compose commands: up, down, stop, start, restart, logs, pull and build, for a whole project
 * or chosen services. Each takes what its callers have — a compose file's Uri (editor and explorer
 * menus), a node of the Containers view (a project's group, a service not running), an argument
 * object (`{ file | files | project, services, profiles, … }` from code lenses, tasks and tests) or
 * nothing (the palette: a choice of compose files and running projects) — and returns what it did.
 * Untrusted workspaces run nothing; every failure is shown once, with its fix.
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ComposeProgress } from '../../devenv/compose/output';
import { composeProjectName, declaredProject, COMPOSE_LABELS } from '../../devenv/compose/project';
import { fsComposeHost } from '../../devenv/compose/fsHost';
import { ComposeError, type ServiceFailure, type ServiceState } from '../../devenv/compose/runner';
import { EngineError } from '../../engine/types';
import type { BerthNode } from '../views/model';
import type { BerthViews } from '../views/views';
import type { ComposeService, HeldRunner, ResolvedProject } from './composeService';
import { ComposeLogsTerminal, type ComposeOutputTerminals } from './terminals';

const t = vscode.l10n.t;

/** What the Compose commands use. */
export interface ComposeContext {
  compose: ComposeService;
  views: BerthViews;
  outputs: ComposeOutputTerminals;
}

/** The argument object every Compose command takes; each uses the fields that apply to it. */
export interface ComposeArgs {
  /** A compose file: its project (with compose.override.yaml, as Compose loads it). */
  file?: string;
  /** Compose files, in merge order (`-f` each). */
  files?: string[];
  /** A project by name, as its containers' labels say: acted on even when started elsewhere. */
  project?: string;
  services?: string[];
  profiles?: string[];
  /** up: build images first. */
  build?: boolean;
  /** up: in the background (the default); false streams the services' output in the terminal until closed. */
  detach?: boolean;
  /** down: named volumes too. */
  volumes?: boolean;
  removeOrphans?: boolean;
  /** logs: follow (the default). */
  follow?: boolean;
  /** up from a code lens: choose services and profiles first. */
  pick?: boolean;
  /** down: skip the confirmation (argument objects only; no menu passes it). */
  skipConfirm?: boolean;
}

/** What up returns. */
export interface UpOutcome {
  project: string;
  services: ServiceState[];
  /** Services that exited or restart at once, with their last log lines. */
  failed: ServiceFailure[];
}

/** What down returns: what went. */
export interface DownOutcome {
  project: string;
  removed: { containers: string[]; networks: string[]; volumes: string[] };
}

function isNode(value: unknown): value is BerthNode {
  return !!value && typeof value === 'object' && 'kind' in value && 'key' in value && 'contextValue' in value;
}

function argsOf(value: unknown): ComposeArgs {
  return value && typeof value === 'object' && !isNode(value) && !(value instanceof vscode.Uri) && !Array.isArray(value)
    ? (value as ComposeArgs)
    : {};
}

function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showErrorMessage(
    t('Berth does not run Compose from an untrusted workspace. Trust the workspace (Workspaces: Manage Workspace Trust) to do this.'),
  );
  return false;
}

/** The one message for a failure: Compose's (naming the fix), the engine's with its hint, or why Compose cannot run. */
function showFailure(ctx: ComposeContext, error: unknown, project?: string): void {
  if (error instanceof vscode.CancellationError) return;
  const message =
    error instanceof EngineError
      ? `${error.message}${error.hint ? ` ${error.hint}` : ''}`
      : error instanceof Error
        ? error.message
        : String(error);
  const show = t('Show Output');
  const offered = project && error instanceof ComposeError ? [show] : [];
  void vscode.window.showErrorMessage(message, ...offered).then((choice) => {
    if (choice === show && project) ctx.outputs.show(project);
  });
}

/** Runs `work` with a runner on the current engine; failures are shown once and resolve undefined. */
async function withRunner<T>(
  ctx: ComposeContext,
  work: (held: HeldRunner) => Promise<T>,
  project?: () => string | undefined,
): Promise<T | undefined> {
  if (!requireTrust()) return undefined;
  let held: HeldRunner;
  try {
    held = await ctx.compose.runner();
  } catch (error) {
    // Compose not installed, or no engine: the message says which, and what to do.
    showFailure(ctx, error);
    return undefined;
  }
  try {
    return await work(held);
  } catch (error) {
    showFailure(ctx, error, project?.());
    return undefined;
  } finally {
    held.release();
  }
}

/**
 * The project a command acts on, from whatever it was given; undefined when the user cancelled a
 * choice. `services` are those the node or arguments name.
 */
async function resolveProject(
  ctx: ComposeContext,
  held: HeldRunner,
  arg0: unknown,
  args: ComposeArgs,
): Promise<{ resolved: ResolvedProject; services: string[] } | undefined> {
  const major = held.runner.cli.major;
  const profiles = args.profiles ?? [];
  if (arg0 instanceof vscode.Uri) return { resolved: ctx.compose.projectOfFile(arg0.fsPath, held.env, major, profiles), services: [] };
  if (isNode(arg0)) {
    if (arg0.kind === 'composeGroup' || arg0.kind === 'composeService' || arg0.kind === 'container') {
      const project = arg0.kind === 'container' ? arg0.container.labels[COMPOSE_LABELS.project] : arg0.project;
      if (project) {
        const containers = await held.runner.engine.listContainers({ filters: { label: [`${COMPOSE_LABELS.project}=${project}`] } });
        const services =
          arg0.kind === 'composeService'
            ? [arg0.service]
            : arg0.kind === 'container'
              ? [arg0.container.labels[COMPOSE_LABELS.service] ?? ''].filter(Boolean)
              : [];
        return { resolved: ctx.compose.projectOfContainers(project, containers, held.env, profiles), services };
      }
    }
    return undefined;
  }
  const services = args.services ?? [];
  if (args.file) return { resolved: ctx.compose.projectOfFile(args.file, held.env, major, profiles), services };
  if (args.files?.length) {
    const files = args.files.map((f) => realPath(f));
    const directory = path.dirname(files[0]);
    const host = fsComposeHost(held.env);
    const declared = declaredProject(host, files[0], files);
    const project = composeProjectName(directory, {
      env: held.env,
      dotenv: host.readFile(path.join(directory, '.env')),
      ...(declared?.name ? { nameField: declared.name } : {}),
      major,
    });
    return { resolved: { project, target: { directory, files, profiles }, ...(declared ? { declared } : {}) }, services };
  }
  if (args.project) {
    const containers = await held.runner.engine.listContainers({ filters: { label: [`${COMPOSE_LABELS.project}=${args.project}`] } });
    return { resolved: ctx.compose.projectOfContainers(args.project, containers, held.env, profiles), services };
  }
  const picked = await pickProject(ctx, held);
  return picked && { resolved: picked, services };
}

function realPath(file: string): string {
  try {
    return realpathSync.native(file);
  } catch {
    return path.resolve(file);
  }
}

/** The palette's choice: the workspace's compose files and the projects the engine runs. */
async function pickProject(ctx: ComposeContext, held: HeldRunner): Promise<ResolvedProject | undefined> {
  const files = await vscode.workspace.findFiles('**/{compose,docker-compose}{,.*}.{yaml,yml}', '**/node_modules/**', 100);
  const containers = await held.runner.engine.listContainers();
  const projects = [...new Set(containers.map((c) => c.labels[COMPOSE_LABELS.project]).filter((p): p is string => !!p))].sort();
  type Item = vscode.QuickPickItem & { file?: string; project?: string };
  const items: Item[] = [
    ...files
      .filter((f) => !/\.override\.ya?ml$/.test(f.fsPath))
      .map((f) => ({ label: `$(file) ${vscode.workspace.asRelativePath(f)}`, file: f.fsPath })),
    ...projects.map((p) => ({ label: `$(layers) ${p}`, description: t('running project'), project: p })),
  ];
  if (!items.length) {
    void vscode.window.showInformationMessage(t('No compose file in the workspace and no Compose project on the engine.'));
    return undefined;
  }
  const pick = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { placeHolder: t('Which Compose project?') });
  if (!pick) return undefined;
  if (pick.file) return ctx.compose.projectOfFile(pick.file, held.env, held.runner.cli.major);
  return ctx.compose.projectOfContainers(pick.project!, containers, held.env);
}

/** The words a progress notification shows for a step. */
function stepWord(p: ComposeProgress): string {
  if (p.state === 'error') return t('failed');
  const working = p.state === 'working';
  switch (p.step) {
    case 'pull':
      return working ? t('pulling') : t('pulled');
    case 'build':
      return working ? t('building') : t('built');
    case 'create':
    case 'recreate':
      return working ? t('creating') : t('created');
    case 'start':
      return working ? t('starting') : t('started');
    case 'stop':
      return working ? t('stopping') : t('stopped');
    case 'remove':
      return working ? t('removing') : t('removed');
    case 'restart':
      return working ? t('restarting') : t('restarted');
    case 'kill':
      return working ? t('killing') : t('killed');
    case 'wait':
      return t('waiting for health');
    case 'ready':
      return t('healthy');
  }
}

/**
 * Runs `work` under a cancellable progress notification that shows each service's step, with
 * Compose's whole output in the project's terminal.
 */
function withServiceProgress<T>(
  ctx: ComposeContext,
  title: string,
  project: string,
  work: (io: { onProgress: (p: ComposeProgress) => void; onOutput: (text: string) => void; signal: AbortSignal }) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    const steps = new Map<string, string>();
    return work({
      signal: controller.signal,
      onOutput: (text) => ctx.outputs.write(project, text),
      onProgress: (p) => {
        const who = p.service ?? (p.resource === 'network' || p.resource === 'volume' ? p.name : undefined);
        if (!who) return;
        steps.set(who, stepWord(p));
        progress.report({ message: [...steps].map(([name, word]) => `${name} ${word}`).join(' · ') });
      },
    }).catch((error: unknown) => {
      if (controller.signal.aborted) throw new vscode.CancellationError();
      throw error;
    });
  });
}

/** The services and profiles to bring up, chosen from `config --services` and `config --profiles`. */
async function pickServices(held: HeldRunner, resolved: ResolvedProject): Promise<{ services: string[]; profiles: string[] } | undefined> {
  const target = resolved.target!;
  const [services, profiles] = await Promise.all([held.runner.services(target), held.runner.profiles(target)]);
  type Item = vscode.QuickPickItem & { service?: string; profile?: string };
  const items: Item[] = [
    { label: t('Services'), kind: vscode.QuickPickItemKind.Separator },
    ...services.map((s) => ({ label: s, service: s, picked: true })),
    ...(profiles.length ? [{ label: t('Profiles'), kind: vscode.QuickPickItemKind.Separator }] : []),
    ...profiles.map((p) => ({ label: p, description: t('profile'), profile: p })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: t('Up: {0}', resolved.project),
    placeHolder: t('Services to start, and profiles to add'),
    canPickMany: true,
  });
  if (!picked) return undefined;
  const chosenProfiles = picked.filter((i) => i.profile).map((i) => i.profile!);
  const chosen = picked.filter((i) => i.service).map((i) => i.service!);
  // Every listed service and no profile: all of them, as `up` does by itself.
  const all = !chosenProfiles.length && chosen.length === services.length;
  return { services: all ? [] : chosen, profiles: chosenProfiles };
}

/** `berth.compose.up`. */
export async function composeUp(ctx: ComposeContext, arg0?: unknown): Promise<UpOutcome | undefined> {
  const args = argsOf(arg0);
  let project: string | undefined;
  return withRunner(
    ctx,
    async (held) => {
      const found = await resolveProject(ctx, held, arg0, args);
      if (!found) return undefined;
      let { resolved, services } = found;
      project = resolved.project;
      if (!resolved.target)
        throw new Error(
          t(
            'The files of {0} are not on this machine, so Compose cannot create its services: start its containers instead.',
            resolved.project,
          ),
        );
      const interactive =
        (arg0 === undefined || arg0 instanceof vscode.Uri || args.pick === true || (isNode(arg0) && arg0.kind === 'composeGroup')) &&
        !services.length;
      if (interactive) {
        const chosen = await pickServices(held, resolved);
        if (!chosen) return undefined;
        services = chosen.services;
        resolved = {
          ...resolved,
          target: { ...resolved.target, profiles: [...new Set([...resolved.target.profiles, ...chosen.profiles])] },
        };
      }
      const target = resolved.target!;
      const name = resolved.project;
      ctx.outputs.write(
        name,
        `\n$ ${held.runner.argv(target, { verb: 'up', detach: args.detach !== false, services, build: args.build }, false).join(' ')}\n`,
        { note: true },
      );
      const result = await withServiceProgress(ctx, t('Compose up: {0}', name), name, (io) =>
        held.runner.up(target, name, {
          services,
          build: args.build,
          declared: resolved.declared?.services.map((s) => s.name),
          ...io,
        }),
      );
      if (result.failed.length) {
        const lines = result.failed.map((f) => t('{0}: {1}', f.service, f.reason) + (f.logTail ? `\n${f.logTail}` : ''));
        ctx.outputs.write(name, `${lines.join('\n')}\n`, { error: true });
        void vscode.window.showErrorMessage(
          result.failed.length === 1
            ? t(
                'Service {0} did not stay up: {1}. Its last log lines: {2}',
                result.failed[0].service,
                result.failed[0].reason,
                result.failed[0].logTail.split('\n').slice(-3).join(' ⏎ ') || t('(none)'),
              )
            : t(
                '{0} services did not stay up: {1}. Their logs are in the Compose terminal.',
                result.failed.length,
                result.failed.map((f) => f.service).join(', '),
              ),
        );
      }
      return { project: name, services: result.services, failed: result.failed };
    },
    () => project,
  );
}

/** `berth.compose.down`: confirms, listing what goes, then takes the project down. */
export async function composeDown(ctx: ComposeContext, arg0?: unknown): Promise<DownOutcome | undefined> {
  const args = argsOf(arg0);
  let project: string | undefined;
  return withRunner(
    ctx,
    async (held) => {
      const found = await resolveProject(ctx, held, arg0, args);
      if (!found) return undefined;
      const { resolved } = found;
      project = resolved.project;
      const what = await held.runner.resources(resolved.project);
      const removed = {
        containers: what.containers.map((c) => c.name).sort(),
        networks: what.networks.map((n) => n.name).sort(),
        volumes: args.volumes ? what.volumes.map((v) => v.name).sort() : [],
      };
      if (!removed.containers.length && !removed.networks.length && !removed.volumes.length) {
        void vscode.window.showInformationMessage(t('Compose project {0} has nothing on this engine to take down.', resolved.project));
        return { project: resolved.project, removed };
      }
      if (args.skipConfirm !== true) {
        const detail = [
          ...removed.containers.map((c) => t('container {0}', c)),
          ...removed.networks.map((n) => t('network {0}', n)),
          ...removed.volumes.map((v) => t('volume {0}', v)),
        ];
        const go = t('Down');
        const choice = await vscode.window.showWarningMessage(
          t('Take down Compose project {0}? This removes:', resolved.project),
          {
            modal: true,
            detail: detail.slice(0, 40).join('\n') + (detail.length > 40 ? `\n${t('…and {0} more', detail.length - 40)}` : ''),
          },
          go,
        );
        if (choice !== go) return undefined;
      }
      if (resolved.target)
        ctx.outputs.write(
          resolved.project,
          `\n$ ${held.runner.argv(resolved.target, { verb: 'down', volumes: args.volumes, removeOrphans: true }, false).join(' ')}\n`,
          { note: true },
        );
      await withServiceProgress(ctx, t('Compose down: {0}', resolved.project), resolved.project, (io) =>
        held.runner.down(resolved, { volumes: args.volumes, removeOrphans: args.removeOrphans ?? true, ...io }),
      );
      return { project: resolved.project, removed };
    },
    () => project,
  );
}

/** `berth.compose.stop`, `.start`, `.restart`: for the project or the services named. */
export function composeLifecycle(verb: 'stop' | 'start' | 'restart') {
  return async (ctx: ComposeContext, arg0?: unknown): Promise<{ project: string; services: ServiceState[] } | undefined> => {
    const args = argsOf(arg0);
    let project: string | undefined;
    return withRunner(
      ctx,
      async (held) => {
        const found = await resolveProject(ctx, held, arg0, args);
        if (!found) return undefined;
        const { resolved, services } = found;
        project = resolved.project;
        const title =
          verb === 'stop'
            ? t('Compose stop: {0}', resolved.project)
            : verb === 'start'
              ? t('Compose start: {0}', resolved.project)
              : t('Compose restart: {0}', resolved.project);
        const states = await withServiceProgress(ctx, title, resolved.project, (io) => held.runner.lifecycle(resolved, verb, services, io));
        return { project: resolved.project, services: states };
      },
      () => project,
    );
  };
}

/** `berth.compose.pull` and `.build`, with progress. */
export function composeFetch(verb: 'pull' | 'build') {
  return async (ctx: ComposeContext, arg0?: unknown): Promise<{ project: string; services: string[] } | undefined> => {
    const args = argsOf(arg0);
    let project: string | undefined;
    return withRunner(
      ctx,
      async (held) => {
        const found = await resolveProject(ctx, held, arg0, args);
        if (!found) return undefined;
        const { resolved, services } = found;
        project = resolved.project;
        if (!resolved.target)
          throw new Error(t('The files of {0} are not on this machine: open its compose file to {1} it.', resolved.project, verb));
        const target = resolved.target;
        ctx.outputs.write(resolved.project, `\n$ ${held.runner.argv(target, { verb, services }, false).join(' ')}\n`, { note: true });
        const title = verb === 'pull' ? t('Compose pull: {0}', resolved.project) : t('Compose build: {0}', resolved.project);
        await withServiceProgress(ctx, title, resolved.project, (io) =>
          held.runner.fetch(target, resolved.project, verb, services, { ...io, declared: resolved.declared?.services.map((s) => s.name) }),
        );
        return { project: resolved.project, services: services.length ? services : (resolved.declared?.services.map((s) => s.name) ?? []) };
      },
      () => project,
    );
  };
}

/** `berth.compose.logs`: one terminal for the project, lines prefixed and coloured by service, following. */
export async function composeLogs(ctx: ComposeContext, arg0?: unknown): Promise<{ project: string; terminal: string } | undefined> {
  const args = argsOf(arg0);
  if (!requireTrust()) return undefined;
  let held: HeldRunner;
  try {
    held = await ctx.compose.runner();
  } catch (error) {
    showFailure(ctx, error);
    return undefined;
  }
  try {
    const found = await resolveProject(ctx, held, arg0, args);
    if (!found) {
      held.release();
      return undefined;
    }
    const { resolved, services } = found;
    const known =
      resolved.declared?.services.map((s) => s.name) ??
      [...new Set((await held.runner.containers(resolved.project)).map((c) => c.composeService ?? ''))].sort();
    const name = t('Compose logs: {0}', resolved.project);
    // The runner is held until the terminal closes or the logs end.
    const pty = new ComposeLogsTerminal(held.runner, resolved, services, known, args.follow !== false, () => held.release());
    const terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('output') });
    terminal.show();
    return { project: resolved.project, terminal: name };
  } catch (error) {
    held.release();
    showFailure(ctx, error);
    return undefined;
  }
}
