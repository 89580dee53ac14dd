/**
 * A shell in a running container, in a VS Code terminal: a Pseudoterminal over an exec with a TTY.
 * Keystrokes go to the process as raw bytes (so Ctrl+C reaches it through the container's TTY),
 * output comes back as is, the terminal's size follows the panel. bash when the image has it,
 * else sh; the command is always an argv array, never a string built from names.
 */
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import type { Engine, ExecSession } from '../../engine/types';
import type { ContainerRef } from './logs';
import { DIM, RED, RESET, asEngineError, errorText, readShellProbe } from './text';

export interface ShellOptions {
  /** `user`, `uid` or `uid:gid`, as `docker exec --user` takes it; default: the image's user. */
  user?: string;
  /** The command to run instead of the bash/sh probe, as an argv array. */
  command?: string[];
}

/** How long the bash probe may take before we settle for sh. */
const PROBE_TIMEOUT_MS = 10_000;
/** The probe: a constant string, never built from names. */
const PROBE = ['sh', '-c', 'command -v bash'];

type State = 'starting' | 'running' | 'exited' | 'failed' | 'closed';

/** The Pseudoterminal behind a shell terminal; exported so tests can drive it without a terminal UI. */
export class ContainerShellTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;

  private state: State = 'starting';
  private session: ExecSession | undefined;
  private dimensions: vscode.TerminalDimensions | undefined;
  /** Input typed while the exec was starting, sent once it runs. */
  private pending: string[] = [];
  private exitEmitter = new vscode.EventEmitter<number | undefined>();
  /** Fires with the exit code when the process ends (undefined when it could not be read). */
  readonly onDidExit = this.exitEmitter.event;
  /** The argv that ran, once chosen. */
  command: string[] | undefined;

  constructor(
    private readonly engine: Engine,
    readonly container: ContainerRef,
    private readonly options: ShellOptions = {},
  ) {}

  get status(): State {
    return this.state;
  }

  open(initialDimensions: vscode.TerminalDimensions | undefined): void {
    this.dimensions = initialDimensions;
    void this.start();
  }

  handleInput(data: string): void {
    if (this.state === 'exited' || this.state === 'failed') {
      // "Press any key to close": the user has read the exit code or the error.
      this.closeEmitter.fire();
      return;
    }
    if (this.state === 'starting') this.pending.push(data);
    else if (this.state === 'running') this.session?.stream.write(data);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.dimensions = dimensions;
    if (this.state === 'running') this.resize();
  }

  close(): void {
    const wasRunning = this.state === 'running';
    this.state = 'closed';
    // Ends our side of the TTY; the engine then closes the process's input.
    if (wasRunning) this.session?.stream.destroy();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
    this.exitEmitter.dispose();
  }

  private async start(): Promise<void> {
    try {
      const command = this.options.command ?? (await this.chooseShell());
      if (!command || this.state === 'closed') return;
      this.command = command;
      const session = await this.engine.exec(this.container.id, {
        cmd: command,
        user: this.options.user || undefined,
        tty: true,
        env: ['TERM=xterm-256color'],
      });
      if (this.state !== 'starting') {
        session.stream.destroy();
        return;
      }
      this.session = session;
      this.state = 'running';
      this.resize();
      const decoder = new StringDecoder('utf8');
      session.stream.on('data', (chunk: Buffer | string) => this.write(typeof chunk === 'string' ? chunk : decoder.write(chunk)));
      let ended = false;
      const onEnd = () => {
        if (ended) return;
        ended = true;
        this.write(decoder.end());
        void this.exited(session);
      };
      session.stream.once('end', onEnd);
      session.stream.once('close', onEnd);
      session.stream.once('error', onEnd);
      for (const data of this.pending.splice(0)) session.stream.write(data);
    } catch (error) {
      this.fail(this.explain(error));
    }
  }

  /** bash if the image has it, else sh; undefined (after saying why) when there is no shell or no such user. */
  private async chooseShell(): Promise<string[] | undefined> {
    const probe = await this.engine.exec(this.container.id, { cmd: PROBE, user: this.options.user || undefined, tty: false });
    probe.stream.end();
    let output = '';
    probe.stream.on('data', (chunk: Buffer | string) => (output += chunk.toString()));
    const finished = new Promise<void>((resolve) => {
      probe.stream.once('end', resolve);
      probe.stream.once('close', resolve);
      probe.stream.once('error', () => resolve());
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      finished.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), PROBE_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      probe.stream.destroy();
      return ['sh'];
    }
    const found = readShellProbe(await probe.exitCode(), output);
    if (found.kind === 'shell') return found.command;
    if (found.kind === 'no-user') {
      this.fail(vscode.l10n.t('There is no user "{0}" in {1}: {2}', this.options.user ?? '', this.container.name, found.detail));
    } else {
      this.fail(vscode.l10n.t('{0} has no shell: neither bash nor sh is in its image. Use the logs, or copy files out, instead.', this.container.name));
    }
    return undefined;
  }

  private async exited(session: ExecSession): Promise<void> {
    if (this.state !== 'running') return;
    const code = await session.exitCode().catch(() => undefined);
    if (this.state !== 'running') return;
    this.state = 'exited';
    this.exitEmitter.fire(code);
    const text =
      code === undefined
        ? vscode.l10n.t('The shell ended. Press any key to close the terminal.')
        : vscode.l10n.t('The shell exited with code {0}. Press any key to close the terminal.', code);
    this.write(`\r\n${DIM}${text}${RESET}\r\n`);
  }

  private resize(): void {
    const size = this.dimensions;
    if (!size || !this.session) return;
    // A resize racing the process's exit fails harmlessly; nothing to tell the user.
    this.session.resize(size.columns, size.rows).catch(() => undefined);
  }

  /** The error in words the user can act on. */
  private explain(error: unknown): string {
    const engineError = asEngineError(error);
    if (engineError) {
      if (engineError.kind === 'conflict' && /not running/i.test(engineError.message)) {
        return vscode.l10n.t('{0} is not running: start it, then open the shell again.', this.container.name);
      }
      if (engineError.kind === 'conflict' && /paused/i.test(engineError.message)) {
        return vscode.l10n.t('{0} is paused: unpause it, then open the shell again.', this.container.name);
      }
      if (engineError.kind === 'not-found') return vscode.l10n.t('{0} no longer exists.', this.container.name);
    }
    return errorText(error);
  }

  private fail(message: string): void {
    if (this.state === 'closed') return;
    this.state = 'failed';
    this.exitEmitter.fire(undefined);
    this.write(`${RED}${message}${RESET}\r\n${DIM}${vscode.l10n.t('Press any key to close the terminal.')}${RESET}\r\n`);
  }

  private write(text: string): void {
    if (text && this.state !== 'closed') this.writeEmitter.fire(text);
  }
}

/** Opens a terminal with a shell in `container` (bash when present, else sh) as `options.user`. */
export function openShell(engine: Engine, container: ContainerRef, options: ShellOptions = {}): vscode.Terminal {
  const pty = new ContainerShellTerminal(engine, container, options);
  const terminal = vscode.window.createTerminal({
    name: options.user ? vscode.l10n.t('Shell: {0} ({1})', container.name, options.user) : vscode.l10n.t('Shell: {0}', container.name),
    pty,
    iconPath: new vscode.ThemeIcon('terminal'),
  });
  terminal.show();
  return terminal;
}
