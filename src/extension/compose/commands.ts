/**
 * The Compose commands: up, down, stop, start, restart, logs, pull and build, for a whole project
 * or chosen services. Each takes what its callers have — a compose file's Uri (editor and explorer
 * menus), a node of the Containers view (a project's group, a service not running), an argument
 * object (`{ file | files | project, services, profiles, … }` from code lenses, tasks and tests) or
 * nothing (the palette: a choice of compose files and running projects) — and returns what it did.
 * Their rows in commands/table.ts need trust; failures are thrown, and the dispatcher shows each once.
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ComposeProgress } from '../../devenv/compose/output';
import { composeProjectName, declaredProject, COMPOSE_LABELS } from '../../devenv/compose/project';
import { fsComposeHost } from '../../devenv/compose/fsHost';
import { ComposeError, type ServiceFailure, type ServiceState } from '../../devenv/compose/runner';
import { CommandError } from '../commands/errors';
import type { CommandContext, HandlerTable, Invocation } from '../commands/invocation';
import type { ArgsOf, ComposeProjectArgs, ComposeServicesArgs } from '../commands/table';
import type { BerthViews } from '../views/views';
import type { ComposeService, HeldRunner, ResolvedProject } from './composeService';
import { ComposeLogsTerminal, type ComposeOutputTerminals } from './terminals';
import { errorText } from '../terminals/text';

const t = vscode.l10n.t;

/** What the Compose commands use. */
export interface ComposeContext {
  compose: ComposeService;
  views: BerthViews;
  outputs: ComposeOutputTerminals;
}

/** What a command was handed, whichever caller it came from: the fields of its row plus the project it names. */
type ProjectArgs = Partial<ComposeProjectArgs> & { services?: readonly string[]; profiles?: readonly string[] };

/** What up returns. */
export interface UpOutcome {
  project: string;
  services: ServiceState[];
  /** Services that exited or restart at once, with their last log lines. */
  failed: ServiceFailure[];
  /** With `detach: false`: the terminal attached to the services (Ctrl+C or closing it stops them). */
  terminal?: string;
}

/** What down returns: what went. */
export interface DownOutcome {
  project: string;
  removed: { containers: string[]; networks: string[]; volumes: string[] };
}

/**
 * Runs `work` with a runner on the current engine, released when it ends. A failure is thrown for
 * the dispatcher to show once; the project's terminal (Compose's own output) is revealed with it.
 */
async function withRunner<T>(ctx: CommandContext, work: (held: HeldRunner) => Promise<T>, project?: () => string | undefined): Promise<T> {
  // Compose not installed, or no engine: the error says which, and what to do.
  const held = await ctx.compose.compose.runner();
  try {
    return await work(held);
  } catch (error) {
    const name = project?.();
    if (name && error instanceof ComposeError) ctx.compose.outputs.show(name);
    throw error;
  } finally {
    held.release();
  }
}

/**
 * The project a command acts on, from whatever it was given; undefined when the user cancelled a
 * choice. `services` are those the node or arguments name.
 */
async function resolveProject(
  ctx: CommandContext,
  held: HeldRunner,
  input: Invocation<ProjectArgs>,
): Promise<{ resolved: ResolvedProject; services: string[] } | undefined> {
  const { args } = input;
  const compose = ctx.compose.compose;
  const major = held.runner.cli.major;
  const profiles = [...(args.profiles ?? [])];
  const services = [...(args.services ?? [])];
  if (input.uri) return { resolved: compose.projectOfFile(input.uri.fsPath, held.env, major, profiles), services: [] };
  const node = input.nodes[0];
  if (node?.kind === 'composeGroup' || node?.kind === 'composeService') {
    const containers = await held.runner.engine.listContainers({ filters: { label: [`${COMPOSE_LABELS.project}=${node.project}`] } });
    const named = node.kind === 'composeService' ? [node.service] : [];
    return { resolved: compose.projectOfContainers(node.project, containers, held.env, profiles), services: named };
  }
  if (args.file) return { resolved: compose.projectOfFile(args.file, held.env, major, profiles), services };
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
    return { resolved: compose.projectOfContainers(args.project, containers, held.env, profiles), services };
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
async function pickProject(ctx: CommandContext, held: HeldRunner): Promise<ResolvedProject | undefined> {
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
  if (!items.length)
    throw new CommandError(
      t('There is no compose file in the workspace and no Compose project on the engine.'),
      t('Open a folder with a compose.yaml, or pass { "file": "…" }.'),
    );
  const pick = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { placeHolder: t('Which Compose project?') });
  if (!pick) return undefined;
  if (pick.file) return ctx.compose.compose.projectOfFile(pick.file, held.env, held.runner.cli.major);
  return ctx.compose.compose.projectOfContainers(pick.project!, containers, held.env);
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
  ctx: CommandContext,
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
      onOutput: (text) => ctx.compose.outputs.write(project, text),
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
  const [listed, profiles] = await Promise.all([held.runner.services(target), held.runner.profiles(target)]);
  // Compose v1's `config --services` lists the services behind inactive profiles too; checked by
  // default they would start without their profile. They come with their profile's row instead.
  const inactive = new Set(
    resolved.declared?.services.filter((s) => s.profiles.length && !s.profiles.some((p) => target.profiles.includes(p))).map((s) => s.name),
  );
  const services = listed.filter((s) => !inactive.has(s));
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

/**
 * `berth.compose.up`. Asks for services and profiles when called from the palette, a file's menu,
 * a project's group or a lens's Up…; an argument object (or a service's node) says what it wants.
 */
async function composeUp(ctx: CommandContext, input: Invocation<ArgsOf<'berth.compose.up'>>): Promise<UpOutcome | undefined> {
  const { args } = input;
  let project: string | undefined;
  return withRunner(
    ctx,
    async (held) => {
      const found = await resolveProject(ctx, held, input);
      if (!found) return undefined;
      let { resolved, services } = found;
      project = resolved.project;
      if (!resolved.target)
        throw new CommandError(
          t('The files of {0} are not on this machine, so Compose cannot create its services.', resolved.project),
          t('Start its containers instead, or open the folder of its compose file.'),
        );
      const node = input.nodes[0];
      const asked = !input.hasArgs ? !node || node.kind === 'composeGroup' : args.pick === true;
      if (asked && !services.length) {
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
      const outputs = ctx.compose.outputs;
      outputs.write(name, `\n$ ${held.runner.argv(target, { verb: 'up', detach: true, services, build: args.build }, false).join(' ')}\n`, {
        note: true,
      });
      const result = await withServiceProgress(ctx, t('Compose up: {0}', name), name, (io) =>
        held.runner.up(target, name, {
          services,
          build: args.build,
          declared: resolved.declared?.services.map((s) => s.name),
          ...io,
        }),
      );
      if (result.failed.length) {
        // Up did what it could: the result says which services run, and the message names those that did not stay up.
        const lines = result.failed.map((f) => t('{0}: {1}', f.service, f.reason) + (f.logTail ? `\n${f.logTail}` : ''));
        outputs.write(name, `${lines.join('\n')}\n`, { error: true });
        outputs.show(name);
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
      if (args.detach === false) {
        const terminal = await attachToUp(ctx, resolved, services);
        return { project: name, services: result.services, failed: result.failed, terminal };
      }
      return { project: name, services: result.services, failed: result.failed };
    },
    () => project,
  );
}

/**
 * The foreground of `up` without `-d`: the services' logs followed in a terminal of their own, and
 * Ctrl+C there (or closing it) stops them, as Compose does in a shell. The up itself ran detached,
 * so a failed start was cleaned up and named before anything attached.
 */
async function attachToUp(ctx: CommandContext, resolved: ResolvedProject, services: string[]): Promise<string> {
  const held = await ctx.compose.compose.runner();
  const known = resolved.declared?.services.map((s) => s.name) ?? [...new Set(services)];
  const name = t('Compose up: {0}', resolved.project);
  const pty = new ComposeLogsTerminal(held.runner, resolved, services, known, true, () => held.release(), {
    stop: async () => {
      const states = await held.runner.lifecycle(resolved, 'stop', services);
      return t('Stopped: {0}.', states.map((s) => s.service).join(', ') || t('(nothing was running)'));
    },
    onStopError: (error) =>
      void vscode.window.showErrorMessage(t('Could not stop the services of {0}: {1}', resolved.project, errorText(error))),
  });
  const terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('layers-active') });
  terminal.show();
  return name;
}

/** `berth.compose.down`: confirms, listing what goes, then takes the project down. */
async function composeDown(ctx: CommandContext, input: Invocation<ArgsOf<'berth.compose.down'>>): Promise<DownOutcome | undefined> {
  const { args } = input;
  let project: string | undefined;
  return withRunner(
    ctx,
    async (held) => {
      const found = await resolveProject(ctx, held, input);
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
      const removeOrphans = args.removeOrphans ?? true;
      if (resolved.target)
        ctx.compose.outputs.write(
          resolved.project,
          `\n$ ${held.runner.argv(resolved.target, { verb: 'down', volumes: args.volumes, removeOrphans }, false).join(' ')}\n`,
          { note: true },
        );
      await withServiceProgress(ctx, t('Compose down: {0}', resolved.project), resolved.project, (io) =>
        held.runner.down(resolved, { volumes: args.volumes, removeOrphans, ...io }),
      );
      return { project: resolved.project, removed };
    },
    () => project,
  );
}

/** `berth.compose.stop`, `.start`, `.restart`: for the project or the services named. */
function composeLifecycle(verb: 'stop' | 'start' | 'restart') {
  return async (
    ctx: CommandContext,
    input: Invocation<ComposeServicesArgs>,
  ): Promise<{ project: string; services: ServiceState[] } | undefined> => {
    let project: string | undefined;
    return withRunner(
      ctx,
      async (held) => {
        const found = await resolveProject(ctx, held, input);
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
function composeFetch(verb: 'pull' | 'build') {
  return async (
    ctx: CommandContext,
    input: Invocation<ComposeServicesArgs>,
  ): Promise<{ project: string; services: string[] } | undefined> => {
    let project: string | undefined;
    return withRunner(
      ctx,
      async (held) => {
        const found = await resolveProject(ctx, held, input);
        if (!found) return undefined;
        const { resolved, services } = found;
        project = resolved.project;
        if (!resolved.target)
          throw new CommandError(
            t('The files of {0} are not on this machine.', resolved.project),
            t('Open the folder of its compose file to {0} its images.', verb),
          );
        const target = resolved.target;
        ctx.compose.outputs.write(resolved.project, `\n$ ${held.runner.argv(target, { verb, services }, false).join(' ')}\n`, {
          note: true,
        });
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
async function composeLogs(
  ctx: CommandContext,
  input: Invocation<ArgsOf<'berth.compose.logs'>>,
): Promise<{ project: string; terminal: string } | undefined> {
  const held = await ctx.compose.compose.runner();
  try {
    const found = await resolveProject(ctx, held, input);
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
    const pty = new ComposeLogsTerminal(held.runner, resolved, services, known, input.args.follow !== false, () => held.release());
    const terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('output') });
    terminal.show();
    return { project: resolved.project, terminal: name };
  } catch (error) {
    held.release();
    throw error;
  }
}

/** The Compose rows' handlers. */
export const COMPOSE_COMMANDS = {
  'berth.compose.up': composeUp,
  'berth.compose.down': composeDown,
  'berth.compose.stop': composeLifecycle('stop'),
  'berth.compose.start': composeLifecycle('start'),
  'berth.compose.restart': composeLifecycle('restart'),
  'berth.compose.logs': composeLogs,
  'berth.compose.pull': composeFetch('pull'),
  'berth.compose.build': composeFetch('build'),
} satisfies Partial<HandlerTable>;
