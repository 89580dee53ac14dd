/**
 * "Berth: Run Workspace in Container": the folder bind-mounted into a toolchain image, as the
 * host user, ports published, in a VS Code terminal attached to the container's TTY. Every
 * argument can be passed in, so tasks, keybindings and tests drive it without UI.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parsePort, readFields, serializeRunConfig, type RunConfig, type RunConfigInput } from '../../devenv/config';
import { PRESETS, type ToolchainId } from '../../devenv/presets';
import { dockerCommands, shellLine } from '../../devenv/dockerCommands';
import { resolveRunConfig, type WorkspaceFiles } from '../../devenv/resolve';
import type { ComposeProgress } from '../../devenv/compose/output';
import { startComposeWorkspace } from '../../devenv/devcontainerCompose';
import { RunError, type RunningWorkspace } from '../../devenv/runner';
import { runWorkspaceWithServices } from '../../devenv/servicesRunner';
import { buildRunSpec, containerName, validate } from '../../devenv/spec';
import { EngineError, type Engine } from '../../engine/types';
import { stepsSummary } from '../../engine/buildkit/steps';
import { isLocalEndpoint } from '../../shared/endpoint';
import type { ComposeService } from '../compose/composeService';
import { buildBuilder } from '../config';
import type { EngineService } from '../engineService';
import { credentialsForPull } from '../registryAuth';
import { describeProgress, ProgressAggregator } from '../progress';
import { prepareRunExtras, type RunExtras } from './services';
import { showContainerTerminal } from './terminal';
import { type RunStatus } from './status';

const t = vscode.l10n.t;

/** The command's argument object; every field is optional. */
export interface RunWorkspaceArgs {
  folder?: string;
  toolchain?: string;
  image?: string;
  command?: string[] | string;
  ports?: (number | string | { container: number; host?: number; protocol?: 'tcp' | 'udp' })[];
  /** Build the image first: a Dockerfile path, or `{ dockerfile, context, target, args }`. */
  build?: string | { dockerfile?: string; context?: string; target?: string; args?: Record<string, string> };
  mount?: boolean;
  mountTarget?: string;
  user?: string;
  env?: Record<string, string>;
  network?: string;
  bind?: string;
  memory?: string;
  cpus?: number;
  caches?: boolean;
  detach?: boolean;
  /** Services started first: names in the folder's compose.yaml, or `{ db: { image, env, ports } }`. */
  services?: string[] | Record<string, unknown>;
  /** What happens to them when the run ends: stop (default), down or keep. */
  servicesOnExit?: 'stop' | 'down' | 'keep';
  /** Write the choice to .berth.yaml. */
  remember?: boolean;
}

export interface RunDeps {
  service: EngineService;
  status: RunStatus;
  /** Compose, for runs with services; absent where it is not offered. */
  compose?: ComposeService;
}

/** Files at the top of a local folder, for detection and config files. */
function folderFiles(folder: string): WorkspaceFiles {
  return {
    entries: readdirSync(folder),
    read(relative) {
      try {
        const file = path.join(folder, relative);
        return statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** The argument object as a partial config; problems are shown once, together. */
export function argsToOverrides(args: RunWorkspaceArgs): { overrides: RunConfigInput; problems: string[] } {
  const problems: string[] = [];
  const { ports, ...rest } = args;
  const overrides = readFields({ ...rest, bind: args.bind }, problems);
  if (ports) {
    overrides.ports = [];
    for (const p of ports) {
      const port = parsePort(p);
      if (typeof port === 'string') problems.push(port);
      else overrides.ports.push(port);
    }
  }
  return { overrides, problems };
}

async function pickFolder(args: RunWorkspaceArgs): Promise<string | undefined> {
  if (args.folder) return args.folder;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showErrorMessage(t('Open a folder first: Berth runs a workspace folder in a container.'));
    return undefined;
  }
  const chosen =
    folders.length === 1
      ? folders[0]
      : await vscode.window.showWorkspaceFolderPick({ placeHolder: t('Which folder should run in a container?') });
  if (!chosen) return undefined;
  if (chosen.uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(t('Berth runs folders on this machine; {0} is not one.', chosen.uri.toString()));
    return undefined;
  }
  return chosen.uri.fsPath;
}

/** Palette use: show what will run and let the user change any of it first. */
async function confirm(
  config: RunConfig,
  source: string,
  detected: ToolchainId[],
  folder: string,
): Promise<{ config: RunConfig; remember: boolean } | undefined> {
  let current = { ...config };
  for (;;) {
    const ports =
      current.ports.map((p) => (p.host && p.host !== p.container ? `${p.host}:${p.container}` : String(p.container))).join(', ') ||
      t('none');
    const image = current.build ? t('build {0}', current.build.dockerfile) : current.image;
    const command = current.command.join(' ') || t("the image's command");
    const items: (vscode.QuickPickItem & { id: string })[] = [
      { id: 'run', label: `$(play) ${t('Run')}`, description: `${image} · ${command}`, detail: t('Ports {0} · from {1}', ports, source) },
      { id: 'remember', label: `$(save) ${t('Run and remember in .berth.yaml')}` },
      { id: 'toolchain', label: t('Change toolchain…'), description: current.toolchain ? PRESETS[current.toolchain].label : '' },
      ...(current.build ? [] : [{ id: 'image', label: t('Change image…'), description: current.image }]),
      { id: 'command', label: t('Change command…'), description: command },
      { id: 'ports', label: t('Change ports…'), description: ports },
      { id: 'copy', label: `$(copy) ${t('Copy as docker commands')}`, description: t('the same run, for a terminal or a script') },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: t('Run {0} in a container', path.basename(folder)),
      placeHolder: t('Enter runs it as shown'),
    });
    if (!pick) return undefined;
    if (pick.id === 'run' || pick.id === 'remember') return { config: current, remember: pick.id === 'remember' };
    if (pick.id === 'copy') {
      const problems = validate(current);
      if (problems.length) void vscode.window.showErrorMessage(t('Cannot run: {0}', problems.join(' ')));
      else {
        const spec = buildRunSpec({ folder, name: path.basename(folder), uid: process.getuid?.(), gid: process.getgid?.() }, current);
        await vscode.env.clipboard.writeText(dockerCommands(spec, { detach: current.detach }).map(shellLine).join('\n') + '\n');
        vscode.window.setStatusBarMessage(t('Copied the docker commands'), 4000);
      }
    } else if (pick.id === 'toolchain') {
      // Building needs a Dockerfile: offered only where there is one.
      const ids = [...detected, ...(Object.keys(PRESETS) as ToolchainId[]).filter((id) => id !== 'dockerfile' && !detected.includes(id))];
      const chosen = await vscode.window.showQuickPick(
        ids.map((id) => ({
          label: PRESETS[id].label,
          description: id === 'dockerfile' ? t('build and run it') : PRESETS[id].image,
          id,
          detail: detected.includes(id) ? t('detected') : undefined,
        })),
        { title: t('Toolchain') },
      );
      if (chosen) {
        const resolved = resolveRunConfig(folderFiles(folder), path.basename(folder), { toolchain: chosen.id });
        if (!('error' in resolved)) current = resolved.config;
      }
    } else if (pick.id === 'image') {
      const image = await vscode.window.showInputBox({
        title: t('Image'),
        value: current.image,
        validateInput: (v) => (v.trim() ? undefined : t('An image is needed')),
      });
      if (image) current = { ...current, image: image.trim() };
    } else if (pick.id === 'command') {
      const command = await vscode.window.showInputBox({ title: t('Command (runs through sh -c)'), value: current.command.join(' ') });
      if (command?.trim()) current = { ...current, command: ['sh', '-c', command.trim()] };
    } else if (pick.id === 'ports') {
      const value = await vscode.window.showInputBox({
        title: t('Ports to publish, comma-separated (1313, 8080:80, 5353/udp)'),
        value: ports === t('none') ? '' : ports,
        validateInput: (v) =>
          v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
            .map((s) => parsePort(/^\d+$/.test(s) ? Number(s) : s))
            .find((p): p is string => typeof p === 'string'),
      });
      if (value !== undefined) {
        const parsed = value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => parsePort(/^\d+$/.test(s) ? Number(s) : s));
        current = { ...current, ports: parsed.filter((p): p is Exclude<typeof p, string> => typeof p !== 'string') };
      }
    }
  }
}

/** A workspace that started: its container, and the connection to close when it ends. */
export interface Started {
  run: RunningWorkspace;
  config: RunConfig;
  name: string;
  /** The builder's output when the run built its image first (the last 500 lines), and Compose's for its services. */
  buildLog: string[];
  /** What the terminal says first: the user it runs as, its services. */
  notes: string[];
  release(): void;
}

/**
 * Resolves the configuration and starts the container; resolves undefined when the user
 * cancelled or it could not start (the reason shown once). `interactive` shows the choice first.
 */
export async function startWorkspace(deps: RunDeps, rawArgs: unknown): Promise<Started | undefined> {
  const args: RunWorkspaceArgs =
    rawArgs && typeof rawArgs === 'object' && !(rawArgs instanceof vscode.Uri) ? (rawArgs as RunWorkspaceArgs) : {};
  if (rawArgs instanceof vscode.Uri) args.folder = rawArgs.fsPath;
  // The palette and the explorer menu show the choice first; an argument object runs as given.
  const interactive = rawArgs === undefined || rawArgs instanceof vscode.Uri;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage(
      t('Berth does not start containers from an untrusted workspace. Trust the workspace (Workspaces: Manage Workspace Trust) to run it.'),
    );
    return undefined;
  }
  const folder = await pickFolder(args);
  if (!folder) return undefined;
  const { overrides, problems } = argsToOverrides(args);
  if (problems.length) {
    void vscode.window.showErrorMessage(t('Cannot run: {0}', problems.join('; ')));
    return undefined;
  }
  const name = path.basename(folder);
  const resolved = resolveRunConfig(folderFiles(folder), name, overrides);
  if ('error' in resolved) {
    void vscode.window.showErrorMessage(resolved.error);
    return undefined;
  }
  if (resolved.notes.length) void vscode.window.showWarningMessage(t('Berth: {0}', resolved.notes.join(' · ')));
  let config = resolved.config;
  let remember = args.remember === true;
  if (interactive) {
    const confirmed = await confirm(config, resolved.source, resolved.detected, folder);
    if (!confirmed) return undefined;
    config = confirmed.config;
    remember ||= confirmed.remember;
  }
  const invalid = validate(config);
  if (invalid.length) {
    void vscode.window.showErrorMessage(t('Cannot run: {0}', invalid.join(' ')));
    return undefined;
  }
  if (remember) writeFileSync(path.join(folder, '.berth.yaml'), serializeRunConfig(config));

  let engine: Engine;
  try {
    engine = await deps.service.engine();
  } catch (error) {
    const e = error instanceof EngineError ? error : new EngineError('api', String(error));
    void vscode.window.showErrorMessage(`${e.message}${e.hint ? ` ${e.hint}` : ''}`);
    return undefined;
  }
  const workspace = { folder, name, uid: process.getuid?.(), gid: process.getgid?.() };
  // Services, a Compose devcontainer, and how `user: host` maps onto this engine.
  let extras: RunExtras;
  try {
    extras = await prepareRunExtras(deps.compose, engine, folder, config, containerName(workspace));
  } catch (error) {
    void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
    return undefined;
  }
  const spec = buildRunSpec({ ...workspace, ...(extras.flavour ? { flavour: extras.flavour } : {}) }, config);
  // A build names its image only now; the status bar and the caller show that name.
  config = { ...config, image: extras.composeWorkspace ? extras.composeWorkspace.plan.service : spec.create.Image };
  // The views' own connection: it stays open for this run even if the views reconnect elsewhere.
  const holdEngine = deps.service.hold(engine);
  const release = () => {
    holdEngine();
    extras.release();
  };
  // A build sends the folder to the engine; only a bind mount depends on the engine's own disk.
  if (!isLocalEndpoint(engine.endpoint) && config.mount) {
    void vscode.window.showWarningMessage(
      t('The engine at {0} is on another machine: it mounts {1} from that machine, not this one.', engine.endpoint.display, folder),
    );
  }

  let run: RunningWorkspace;
  const buildLog: string[] = [];
  const abort = new AbortController();
  try {
    const title = spec.build
      ? t('Building {0} and starting it', spec.build.tag)
      : extras.composeWorkspace
        ? t('Starting {0} with Compose', name)
        : t('Starting {0} in {1}', name, config.image);
    run = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        // A pull reads as the Images view's does: one percentage and "2 of 5 layers · 12 MB of 40 MB".
        const pull = new ProgressAggregator('pull');
        let shown = { percent: 0, message: '' };
        const services = new Map<string, string>();
        const servicesIO = {
          signal: abort.signal,
          onServiceProgress: (p: ComposeProgress) => {
            if (!p.service) return;
            services.set(p.service, `${p.step}${p.state === 'working' ? '…' : p.state === 'error' ? ' ✗' : ''}`);
            progress.report({ message: t('Services: {0}', [...services].map(([s, step]) => `${s} ${step}`).join(' · ')) });
          },
          onOutput: (text: string) => buildLog.push(...text.split(/\r?\n/).filter(Boolean)),
        };
        if (extras.composeWorkspace)
          return startComposeWorkspace(engine, extras.composeWorkspace.runner, extras.composeWorkspace.plan, servicesIO);
        return runWorkspaceWithServices(engine, spec, extras.services, {
          ...servicesIO,
          signal: abort.signal,
          credentials: credentialsForPull,
          onProgress: (event) => {
            pull.add(event);
            const summary = pull.summary();
            const message = t('Pulling {0}: {1}', spec.create.Image, describeProgress(summary, 'pull', t));
            if (summary.percent === shown.percent && message === shown.message) return;
            progress.report({ increment: summary.percent - shown.percent, message });
            shown = { percent: summary.percent, message };
          },
          builder: buildBuilder(),
          // Steps, not every line: `Step 3/7 : RUN npm ci` says where the classic build is.
          onBuildOutput: (line) => {
            buildLog.push(line);
            if (/^Step \d+\/\d+ :/.test(line)) progress.report({ message: line.length > 90 ? `${line.slice(0, 89)}…` : line });
          },
          // BuildKit's: the step running and how many are done.
          onBuildSteps: (steps) => {
            const { current, done, total } = stepsSummary(steps);
            if (!current) return;
            const name = current.name.length > 80 ? `${current.name.slice(0, 79)}…` : current.name;
            progress.report({ message: t('{0} ({1} of {2} steps done)', name, done, total) });
          },
        });
      },
    );
  } catch (error) {
    release();
    // Cancelled in the notification: the runner removed what it made; nothing more to say.
    if (abort.signal.aborted) return undefined;
    if (error instanceof RunError && error.reason === 'image-missing' && interactive) {
      const image = await chooseLocalImage(deps, error);
      return image ? startWorkspace(deps, { ...args, folder, image }) : undefined;
    }
    if (error instanceof RunError && error.reason === 'build-failed' && buildLog.length) {
      void showBuildFailure(error.message, buildLog, error.location);
      return undefined;
    }
    void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
    return undefined;
  }

  if (abort.signal.aborted) {
    // Cancelled after the last step that listens: the container started, and goes again.
    await run.stop().catch(() => undefined);
    release();
    return undefined;
  }
  deps.status.add(run, config, name);
  return {
    run,
    config,
    name,
    buildLog: buildLog.slice(-500),
    notes: extras.notes,
    release: () => {
      deps.status.remove(run.id);
      release();
    },
  };
}

/**
 * The command: runs the workspace in a terminal attached to the container (or detached);
 * resolves with the container id, or undefined when it did not start.
 */
export async function runWorkspaceCommand(deps: RunDeps, rawArgs?: unknown): Promise<string | undefined> {
  const started = await startWorkspace(deps, rawArgs);
  if (!started) return undefined;
  const { run, config, name } = started;
  if (config.detach) {
    // The container keeps running; the status bar and the Containers view can stop it.
    run.stream.destroy();
    return run.id;
  }
  showContainerTerminal(run, t('Berth: {0}', name), 'vm-running', started.release, [...started.buildLog, ...started.notes]);
  return run.id;
}

/** The error once, and the builder's whole output a click away. */
async function showBuildFailure(message: string, log: string[], location?: { file: string; line: number }): Promise<void> {
  const show = t('Show Build Log');
  const open = t('Open Dockerfile');
  const choice = await vscode.window.showErrorMessage(message, ...(location ? [open] : []), show);
  if (choice === open && location) {
    const position = new vscode.Position(location.line, 0);
    await vscode.window.showTextDocument(vscode.Uri.file(location.file), { selection: new vscode.Range(position, position) });
    return;
  }
  if (choice !== show) return;
  const document = await vscode.workspace.openTextDocument({ content: log.join('\n') + '\n', language: 'log' });
  await vscode.window.showTextDocument(document, { preview: true });
}

/** No registry answered: offer the images the engine has instead. */
async function chooseLocalImage(deps: RunDeps, error: RunError): Promise<string | undefined> {
  const engine = await deps.service.engine();
  const images = (await engine.listImages()).flatMap((i) => i.repoTags.filter((tag) => !tag.includes('<none>')));
  const pick = await vscode.window.showQuickPick(
    images.map((label) => ({ label })),
    {
      title: error.message,
      placeHolder: t('Choose a local image instead'),
    },
  );
  return pick?.label;
}
