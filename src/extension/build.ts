/**
 * "Berth: Build Image…": a Dockerfile built through the Engine API (BuildKit when the engine has
 * it), its steps live in a terminal as `docker build --progress=plain` shows them, a progress
 * notification naming the step, cancellable; a failed step is named with its output and its
 * Dockerfile line. Takes a Dockerfile's Uri (explorer, editor title) or an argument object, so
 * tasks and tests drive it without UI.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildRegistries } from '../devenv/buildAuth';
import { buildFailure } from '../devenv/buildFailure';
import { defaultImageTag } from '../devenv/dockerfileRun';
import { stepsSummary } from '../engine/buildkit/steps';
import { EngineError, type BuildSecret, type BuildSsh, type ImageBuild } from '../engine/types';
import { buildBuilder } from './config';
import type { EngineService } from './engineService';
import { credentialsForPull } from './registryAuth';
import { crlf, DIM, RED, RESET } from './terminals/text';
import { validateReference } from './views/actions/images';

const t = vscode.l10n.t;

/** The command's argument object; every field is optional. */
export interface BuildImageArgs {
  /** Path of the Dockerfile. */
  dockerfile?: string;
  /** The build context; the Dockerfile's workspace folder when omitted. */
  context?: string;
  tag?: string;
  /** More tags for the same image. */
  tags?: string[];
  target?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  noCache?: boolean;
  pull?: boolean;
  /** `linux/arm64`. */
  platform?: string;
  cacheFrom?: string[];
  /** Secrets by id: a file path, or `{ env: NAME }`. */
  secrets?: Record<string, string | { env: string }>;
  /** ssh agents by id (`default`); an empty list is the user's SSH_AUTH_SOCK. */
  ssh?: Record<string, string[]>;
  /** Named build contexts; the Engine API cannot take them, and says so. */
  contexts?: Record<string, string>;
}

/** Engines whose missing BuildKit was already told: once per engine and session is enough. */
const fallbackTold = new Set<string>();

const DOCKERFILE_GLOB = '**/{Dockerfile,Containerfile,dockerfile,*.Dockerfile,*.dockerfile,Dockerfile.*}';

async function pickDockerfile(arg: unknown): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const args = (arg && typeof arg === 'object' ? arg : {}) as BuildImageArgs;
  if (args.dockerfile) return args.dockerfile;
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === 'dockerfile' && active.uri.scheme === 'file') return active.uri.fsPath;
  const found = await vscode.workspace.findFiles(DOCKERFILE_GLOB, '**/node_modules/**', 200);
  if (found.length === 0) {
    void vscode.window.showErrorMessage(t('No Dockerfile in this workspace. Open one, or pass { dockerfile } to the command.'));
    return undefined;
  }
  if (found.length === 1) return found[0].fsPath;
  const pick = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })).sort((a, b) => a.label.localeCompare(b.label)),
    { placeHolder: t('Dockerfile to build') },
  );
  return pick?.uri.fsPath;
}

/** How much of a build's output its terminal keeps for `transcript`. */
const TRANSCRIPT_MAX = 1024 * 1024;

/** Shows the builder's output as it comes; closing the terminal cancels the build. */
export class BuildTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writeEmitter.event;
  private readonly closeEmitter = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closeEmitter.event;
  private buffered: string[] | undefined = [];
  private done = false;

  constructor(private readonly onClose: () => void) {}

  open(): void {
    for (const text of this.buffered ?? []) this.writeEmitter.fire(text);
    this.buffered = undefined;
  }

  /** Everything written so far (the last megabyte), as the terminal received it. */
  transcript = '';

  write(text: string): void {
    const out = crlf(text);
    this.transcript = (this.transcript + out).slice(-TRANSCRIPT_MAX);
    if (this.buffered) this.buffered.push(out);
    else this.writeEmitter.fire(out);
  }

  finish(): void {
    this.done = true;
    this.write(`${DIM}${t('[press any key to close]')}${RESET}\n`);
  }

  handleInput(): void {
    if (this.done) this.closeEmitter.fire();
  }

  /** Closing the terminal cancels the build; the terminal's emitters go with it. */
  close(): void {
    this.onClose();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }
}

/** Builds and tags the image; resolves with the tag, or undefined when it did not build (said once). */
export async function buildImageCommand(service: EngineService, arg?: unknown): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage(
      t("Berth does not build images from an untrusted workspace: a build runs the Dockerfile's commands. Trust the workspace to build."),
    );
    return undefined;
  }
  const args = (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? arg : {}) as BuildImageArgs;
  const wrong = wrongValues(args);
  if (wrong) {
    void vscode.window.showErrorMessage(wrong);
    return undefined;
  }
  const dockerfile = await pickDockerfile(arg);
  if (!dockerfile) return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(dockerfile));
  const context = args.context ?? folder?.uri.fsPath ?? path.dirname(dockerfile);
  const inside = path.relative(context, dockerfile);
  if (inside.startsWith('..') || path.isAbsolute(inside)) {
    void vscode.window.showErrorMessage(
      t('The Dockerfile {0} is outside the build context {1}: the engine reads it from the context.', dockerfile, context),
    );
    return undefined;
  }
  const tag =
    args.tag ??
    (await vscode.window.showInputBox({
      title: t('Build {0}', vscode.workspace.asRelativePath(dockerfile)),
      prompt: t('Tag for the image'),
      value: defaultImageTag(context),
      validateInput: validateReference,
    }));
  if (!tag) return undefined;
  const invalid = validateReference(tag);
  if (invalid) {
    void vscode.window.showErrorMessage(invalid);
    return undefined;
  }

  let engine;
  try {
    engine = await service.engine();
  } catch (error) {
    const e = error instanceof EngineError ? error : new EngineError('api', String(error));
    void vscode.window.showErrorMessage(`${e.message}${e.hint ? ` ${e.hint}` : ''}`);
    return undefined;
  }
  const abort = new AbortController();
  const pty = new BuildTerminal(() => abort.abort());
  const terminal = vscode.window.createTerminal({ name: t('Build: {0}', tag), pty, iconPath: new vscode.ThemeIcon('package') });
  terminal.show(true);
  pty.write(
    `${DIM}${t('Building {0} from {1} (context {2}) on {3}', tag, inside.split(path.sep).join('/'), context, engine.endpoint.display)}${RESET}\n`,
  );

  // The views' connection, kept open for the build even if the views reconnect elsewhere.
  const release = service.hold(engine);
  const build: ImageBuild = {
    context,
    dockerfile: inside.split(path.sep).join('/'),
    tag,
    ...(args.tags?.length ? { extraTags: args.tags } : {}),
    ...(args.target ? { target: args.target } : {}),
    args: args.buildArgs ?? {},
    labels: args.labels ?? {},
    ...(args.noCache ? { noCache: true } : {}),
    ...(args.pull ? { pull: true } : {}),
    ...(args.platform ? { platform: args.platform } : {}),
    ...(args.cacheFrom?.length ? { cacheFrom: args.cacheFrom } : {}),
    ...(args.contexts ? { contexts: args.contexts } : {}),
    ...(args.secrets ? { secrets: secretsOf(args.secrets, context) } : {}),
    ...(args.ssh ? { ssh: Object.entries(args.ssh).map(([id, sockets]): BuildSsh => ({ id, sockets })) } : {}),
  };
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('Building {0}', tag), cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        // Private FROM images are pulled with the user's credentials, as `docker build` does.
        const registries = await buildRegistries(build, credentialsForPull);
        let shown = '';
        const report = (message: string) => {
          if (message === shown) return;
          shown = message;
          progress.report({ message });
        };
        return engine.buildImage(build, {
          builder: buildBuilder(),
          onOutput: (line) => {
            pty.write(`${line}\n`);
            // The classic builder's steps read `Step 3/7 : RUN make`.
            if (/^Step \d+\/\d+ :/.test(line)) report(short(line));
          },
          onSteps: (steps) => {
            const { current, done, total } = stepsSummary(steps);
            if (current) report(t('{0} ({1} of {2} steps done)', short(current.name), done, total));
          },
          signal: abort.signal,
          registries,
        });
      },
    );
    pty.finish();
    if (result.fallback && !fallbackTold.has(engine.endpoint.display)) {
      fallbackTold.add(engine.endpoint.display);
      void vscode.window.showInformationMessage(result.fallback);
    }
    vscode.window.setStatusBarMessage(t('Built {0}', tag), 5000);
    return tag;
  } catch (error) {
    if (abort.signal.aborted) {
      pty.write(`${RED}${t('The build was cancelled.')}${RESET}\n`);
      pty.finish();
      return undefined;
    }
    const failure = await buildFailure(error, build);
    pty.write(`${RED}${failure.message}${RESET}\n`);
    // The terminal turns `path:line` into a link to the Dockerfile line.
    if (failure.location) pty.write(`${DIM}${failure.location.file}:${failure.location.line + 1}${RESET}\n`);
    pty.finish();
    void showFailure(tag, failure.message, failure.location);
    return undefined;
  } finally {
    release();
  }
}

/** What is wrong with the argument object's mappings, which the command table leaves to this handler. */
function wrongValues(args: BuildImageArgs): string | undefined {
  const isMap = (v: unknown, value: (x: unknown) => boolean) =>
    v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(value));
  const str = (x: unknown) => typeof x === 'string';
  if (!isMap(args.buildArgs, str)) return t('buildArgs must map names to strings.');
  if (!isMap(args.labels, str)) return t('labels must map names to strings.');
  if (!isMap(args.contexts, str)) return t('contexts must map names to strings.');
  if (!isMap(args.secrets, (x) => str(x) || (typeof x === 'object' && x !== null && str((x as { env?: unknown }).env))))
    return t('secrets must map ids to a file path or to { env: VARIABLE }.');
  if (!isMap(args.ssh, (x) => Array.isArray(x) && x.every(str)))
    return t('ssh must map ids to lists of agent sockets ([] for SSH_AUTH_SOCK).');
  return undefined;
}

function short(text: string): string {
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}

/** `{ token: 'secret.txt', npm: { env: 'NPM_TOKEN' } }` as build secrets; files relative to the context. */
function secretsOf(secrets: Record<string, string | { env: string }>, context: string): BuildSecret[] {
  return Object.entries(secrets).map(([id, source]) =>
    typeof source === 'string' ? { id, file: path.resolve(context, source) } : { id, env: source.env },
  );
}

/** The error, once, with the way to the Dockerfile line that failed. */
async function showFailure(tag: string, message: string, location: { file: string; line: number } | undefined): Promise<void> {
  const open = t('Open Dockerfile');
  const choice = await vscode.window.showErrorMessage(t('Building {0} failed: {1}', tag, message), ...(location ? [open] : []));
  if (choice !== open || !location) return;
  const position = new vscode.Position(location.line, 0);
  await vscode.window.showTextDocument(vscode.Uri.file(location.file), { selection: new vscode.Range(position, position) });
}
