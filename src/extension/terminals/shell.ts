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
import { DIM, RED, RESET, SHELL_WRAPPER, asEngineError, errorText, readShellProbe, takePidReport } from './text';

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
  /** Whether input goes straight to the process (else it waits in `pending`). */
  private ready = false;
  /** The first resize: typed input waits for it, or an early `stty size` reads the TTY as 0x0. */
  private sized: Promise<void> = Promise.resolve();
  private exitEmitter = new vscode.EventEmitter<number | undefined>();
  /** Fires with the exit code when the process ends (undefined when it could not be read). */
  readonly onDidExit = this.exitEmitter.event;
  /** The shell or command that runs, once chosen. */
  command: string[] | undefined;
  /** The shell's pid in the container, once it reported it. */
  private pid: number | undefined;

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
    if (this.state === 'starting' || (this.state === 'running' && !this.ready)) this.pending.push(data);
    else if (this.state === 'running') this.session?.stream.write(data);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.dimensions = dimensions;
    if (this.state === 'running') this.resize();
  }

  close(): void {
    const wasRunning = this.state === 'running';
    this.state = 'closed';
    if (wasRunning) {
      // Closing the connection alone leaves the shell (and what it runs) alive in the container.
      this.hangUp();
      this.session?.stream.destroy();
    }
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
    this.exitEmitter.dispose();
  }

  private async start(): Promise<void> {
    try {
      const command = this.options.command ?? (await this.chooseShell());
      if (!command || this.state === 'closed') return;
      this.command = command;
      // Our own choice of shell runs behind the pid-reporting wrapper; a caller's command runs as given.
      const wrapped = !this.options.command;
      const session = await this.engine.exec(this.container.id, {
        cmd: wrapped ? ['sh', '-c', SHELL_WRAPPER, ...command] : command,
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
      this.sized = this.resizeNow();
      const decoder = new StringDecoder('utf8');
      let head: string | undefined = wrapped ? '' : undefined;
      session.stream.on('data', (chunk: Buffer | string) => {
        const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
        if (head === undefined) return this.write(text);
        const report = takePidReport(head + text);
        if (!report.done) {
          head = report.rest;
          return;
        }
        head = undefined;
        this.pid = report.pid;
        this.write(report.rest);
        this.flushPending();
      });
      let ended = false;
      const onEnd = () => {
        if (ended) return;
        ended = true;
        this.write((head ?? '') + decoder.end());
        head = undefined;
        void this.exited(session);
      };
      session.stream.once('end', onEnd);
      session.stream.once('close', onEnd);
      // `on`, not `once`: a second error with no listener would throw in the extension host.
      session.stream.on('error', onEnd);
      // Typed-ahead input waits for the pid report, whose bytes must come before any echo.
      if (!wrapped) this.flushPending();
    } catch (error) {
      this.fail(this.explain(error));
    }
  }

  /** bash if the image has it, else sh; undefined (after saying why) when there is no shell or no such user. */
  private async chooseShell(): Promise<string[] | undefined> {
    const probe = await this.engine.exec(this.container.id, { cmd: PROBE, user: this.options.user || undefined, tty: false });
    probe.stream.on('error', () => undefined);
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
      this.fail(
        vscode.l10n.t(
          '{0} has no shell: neither bash nor sh is in its image. Use the logs, or copy files out, instead.',
          this.container.name,
        ),
      );
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

  private flushPending(): void {
    void this.sized.then(() => {
      this.ready = true;
      for (const data of this.pending.splice(0)) this.session?.stream.write(data);
    });
  }

  /**
   * SIGHUP to the shell, as a real terminal's hang-up does: the shell exits and the kernel hangs up
   * its foreground job. Runs `kill` (a shell builtin) in a second exec, as the same user.
   */
  private hangUp(): void {
    if (this.pid === undefined) return;
    const pid = String(this.pid);
    void this.engine
      .exec(this.container.id, { cmd: ['sh', '-c', 'kill -HUP "$1"', 'sh', pid], user: this.options.user || undefined, tty: false })
      .then((kill) => {
        kill.stream.on('error', () => undefined);
        kill.stream.resume();
        kill.stream.end();
      })
      // The container may be gone or stopped meanwhile; then so is the shell.
      .catch(() => undefined);
  }

  private resize(): void {
    void this.resizeNow();
  }

  private resizeNow(): Promise<void> {
    const size = this.dimensions;
    if (!size || !this.session) return Promise.resolve();
    // A resize racing the process's exit fails harmlessly; nothing to tell the user.
    return this.session.resize(size.columns, size.rows).catch(() => undefined);
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
