/**
 * "Berth: Build Image…": a Dockerfile built through the Engine API, its output live in a
 * terminal, a progress notification showing the step, cancellable. Takes a Dockerfile's Uri
 * (explorer, editor title) or an argument object, so tasks and tests drive it without UI.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildRegistries } from '../devenv/buildAuth';
import { defaultImageTag } from '../devenv/dockerfileRun';
import { EngineError } from '../engine/types';
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
  target?: string;
  buildArgs?: Record<string, string>;
}

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

/** Shows the builder's output as it comes; closing the terminal cancels the build. */
class BuildTerminal implements vscode.Pseudoterminal {
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

  write(text: string): void {
    const out = crlf(text);
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

  close(): void {
    this.onClose();
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
  const build = {
    context,
    dockerfile: inside.split(path.sep).join('/'),
    tag,
    ...(args.target ? { target: args.target } : {}),
    args: args.buildArgs ?? {},
    labels: {},
  };
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('Building {0}', tag), cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        // Private FROM images are pulled with the user's credentials, as `docker build` does.
        const registries = await buildRegistries(build, credentialsForPull);
        return engine.buildImage(
          build,
          (line) => {
            pty.write(`${line}\n`);
            if (/^Step \d+\/\d+ :/.test(line)) progress.report({ message: line.length > 90 ? `${line.slice(0, 89)}…` : line });
          },
          abort.signal,
          registries,
        );
      },
    );
    pty.finish();
    vscode.window.setStatusBarMessage(t('Built {0}', tag), 5000);
    return tag;
  } catch (error) {
    const message = abort.signal.aborted
      ? t('The build was cancelled.')
      : error instanceof EngineError && error.hint
        ? `${error.message} ${error.hint}`
        : error instanceof Error
          ? error.message
          : String(error);
    pty.write(`${RED}${message}${RESET}\n`);
    pty.finish();
    if (!abort.signal.aborted) void vscode.window.showErrorMessage(t('Building {0} failed: {1}', tag, message));
    return undefined;
  } finally {
    release();
  }
}
