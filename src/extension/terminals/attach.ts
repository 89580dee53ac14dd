/**
 * `docker attach` in a VS Code terminal: the container's main process, its output and (when it
 * was started with stdin open) its input. On a TTY the detach keys (Ctrl+P Ctrl+Q, or `detachKeys`
 * from the docker CLI's config) are the engine's to honour: it ends the attachment and the process
 * runs on. Closing the terminal drops the connection without closing the process's stdin, so
 * the container keeps running then too.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Duplex } from 'node:stream';
import * as vscode from 'vscode';
import type { Engine } from '../../engine/types';
import type { ContainerRef } from './logs';
import { DIM, RED, RESET, asEngineError, crlf, errorText } from './text';

/** The CLI's default. */
export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** How the process was started, as attaching needs to know. */
export interface AttachTarget extends ContainerRef {
  tty: boolean;
  openStdin: boolean;
}

type State = 'starting' | 'attached' | 'detached' | 'exited' | 'failed' | 'closed';

/** `ctrl-p,ctrl-q` → `Ctrl+P Ctrl+Q`, for the banner. */
export function describeDetachKeys(keys: string): string {
  return keys
    .split(',')
    .map((k) => k.trim().replace(/^ctrl-(.)$/i, (_, c: string) => `Ctrl+${c.toUpperCase()}`))
    .join(' ');
}

/** The Pseudoterminal behind an attach terminal; exported so tests can drive it without a terminal UI. */
export class ContainerAttachTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly endEmitter = new vscode.EventEmitter<'detached' | 'exited'>();
  /** Fires when the attachment ends: detached (the process runs on) or the process exited. */
  readonly onDidEnd = this.endEmitter.event;
  private state: State = 'starting';
  private stream: Duplex | undefined;
  private dimensions: vscode.TerminalDimensions | undefined;
  private toldNoInput = false;
  /** Everything written, for tests. */
  output = '';

  constructor(
    private readonly engine: Engine,
    readonly target: AttachTarget,
    private readonly detachKeys = DEFAULT_DETACH_KEYS,
  ) {}

  get status(): State {
    return this.state;
  }

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    this.dimensions = dimensions;
    void this.start();
  }

  private async start(): Promise<void> {
    try {
      const stream = await this.engine.attachContainer(this.target.id, { tty: this.target.tty, detachKeys: this.detachKeys });
      if (this.state !== 'starting') {
        stream.destroy();
        return;
      }
      this.stream = stream;
      this.state = 'attached';
      // The engine watches for the detach keys only on a TTY (as docker attach does).
      this.note(
        this.target.tty && this.target.openStdin
          ? vscode.l10n.t(
              'Attached to the main process of {0}. Detach with {1}; the container keeps running.',
              this.target.name,
              describeDetachKeys(this.detachKeys),
            )
          : this.target.openStdin
            ? vscode.l10n.t(
                'Attached to the main process of {0}. Close the terminal to detach; the container keeps running.',
                this.target.name,
              )
            : vscode.l10n.t(
                'Attached to the output of {0} (its process reads no input). Close the terminal to detach; the container keeps running.',
                this.target.name,
              ),
      );
      const decoder = new StringDecoder('utf8');
      stream.on('data', (chunk: Buffer | string) => {
        const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
        // Without a TTY nothing turns \n into \r\n; with one, the TTY did.
        this.write(this.target.tty ? text : crlf(text));
      });
      let ended = false;
      const onEnd = () => {
        if (ended) return;
        ended = true;
        void this.ended();
      };
      stream.once('end', onEnd);
      stream.once('close', onEnd);
      stream.on('error', onEnd);
      // A resize makes a full-screen program redraw, as there is no screen to replay.
      await this.resize();
    } catch (error) {
      this.fail(this.explain(error));
    }
  }

  handleInput(data: string): void {
    if (this.state === 'detached' || this.state === 'exited' || this.state === 'failed') {
      this.closeEmitter.fire();
      return;
    }
    if (this.state !== 'attached') return;
    if (!this.target.openStdin) {
      if (!this.toldNoInput) {
        this.toldNoInput = true;
        this.note(vscode.l10n.t('{0} was started without stdin open (-i): what you type does not reach it.', this.target.name));
      }
      return;
    }
    this.stream?.write(data);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.dimensions = dimensions;
    if (this.state === 'attached') void this.resize();
  }

  close(): void {
    const attached = this.state === 'attached';
    this.state = 'closed';
    // destroy, not end: ending would close the process's stdin, and a shell reading it would exit.
    if (attached) this.stream?.destroy();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
    this.endEmitter.dispose();
  }

  private async resize(): Promise<void> {
    const size = this.dimensions;
    if (!this.target.tty || !size) return;
    await this.engine.resizeContainer(this.target.id, size.columns, size.rows).catch(() => undefined);
  }

  /** The attachment ended: the detach keys, or the process exited. */
  private async ended(): Promise<void> {
    if (this.state !== 'attached') return;
    const info = (await this.engine.inspectContainer(this.target.id).catch(() => undefined)) as
      | { State?: { Running?: boolean; ExitCode?: number } }
      | undefined;
    if (this.state !== 'attached') return;
    if (info?.State?.Running) {
      this.state = 'detached';
      this.note(vscode.l10n.t('Detached from {0}; it keeps running. Press any key to close the terminal.', this.target.name));
      this.endEmitter.fire('detached');
    } else {
      this.state = 'exited';
      const code = info?.State?.ExitCode;
      this.note(
        code === undefined
          ? vscode.l10n.t('{0} has stopped. Press any key to close the terminal.', this.target.name)
          : vscode.l10n.t('{0} exited with code {1}. Press any key to close the terminal.', this.target.name, code),
      );
      this.endEmitter.fire('exited');
    }
  }

  private explain(error: unknown): string {
    const engineError = asEngineError(error);
    if (engineError?.kind === 'not-found') return vscode.l10n.t('{0} no longer exists.', this.target.name);
    if (engineError?.kind === 'conflict' && /stopped|not running/i.test(engineError.message))
      return vscode.l10n.t('{0} is not running: start it, then attach again.', this.target.name);
    return errorText(error);
  }

  private fail(message: string): void {
    if (this.state === 'closed') return;
    this.state = 'failed';
    this.write(`${RED}${message}${RESET}\r\n${DIM}${vscode.l10n.t('Press any key to close the terminal.')}${RESET}\r\n`);
  }

  private note(text: string): void {
    this.write(`\r\n${DIM}${text}${RESET}\r\n`);
  }

  private write(text: string): void {
    if (!text || this.state === 'closed') return;
    this.output += text;
    this.writeEmitter.fire(text);
  }
}

/** Opens a terminal attached to a container's main process. */
export function openAttach(
  engine: Engine,
  target: AttachTarget,
  detachKeys?: string,
): { terminal: vscode.Terminal; pty: ContainerAttachTerminal } {
  const pty = new ContainerAttachTerminal(engine, target, detachKeys);
  const terminal = vscode.window.createTerminal({
    name: vscode.l10n.t('Attached: {0}', target.name),
    pty,
    iconPath: new vscode.ThemeIcon('plug'),
  });
  terminal.show();
  return { terminal, pty };
}
