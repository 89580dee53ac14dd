/** A VS Code terminal that is the container's TTY: keys in, output out, resizes followed. */
import * as vscode from 'vscode';
import type { RunningWorkspace } from '../../devenv/runner';
import { crlf, DIM, RESET } from '../terminals/text';

const t = vscode.l10n.t;

export class WorkspaceTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private ended = false;

  /** `prelude`: lines shown dimmed before the container's own output, such as its image's build. */
  constructor(
    private readonly run: RunningWorkspace,
    private readonly onEnd: () => void,
    private readonly prelude: readonly string[] = [],
  ) {}

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    if (dimensions) void this.run.resize(dimensions.columns, dimensions.rows).catch(() => undefined);
    if (this.prelude.length) this.writeEmitter.fire(`${DIM}${crlf(this.prelude.join('\n'))}${RESET}\r\n`);
    if (this.run.startOutput) this.writeEmitter.fire(this.run.startOutput);
    this.run.stream.on('data', (chunk: Buffer) => this.writeEmitter.fire(chunk.toString()));
    this.run.stream.on('error', () => undefined);
    this.run.stream.resume();
    void this.run.exited.then(
      (code) => this.finish(t('[the command exited with code {0}; the container is removed]', code)),
      (error) => this.finish(t('[the container is gone: {0}]', error instanceof Error ? error.message : String(error))),
    );
  }

  /** Keys go to the process as typed: Ctrl+C is a byte the container's TTY turns into SIGINT. */
  handleInput(data: string): void {
    if (this.ended) {
      this.closeEmitter.fire();
      return;
    }
    this.run.stream.write(data);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    void this.run.resize(dimensions.columns, dimensions.rows).catch(() => undefined);
  }

  /** Closing the terminal stops and removes the container; the terminal's emitters go with it. */
  close(): void {
    void this.end();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  private finish(message: string): void {
    this.writeEmitter.fire(`\r\n${message}\r\n${t('Press any key to close.')}\r\n`);
    void this.end();
  }

  private async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.run.stop().catch(() => undefined);
    this.onEnd();
  }
}

/**
 * Opens a terminal that is the container's TTY. Closing it removes the container even when
 * VS Code closes it before the pseudoterminal was ever opened (and so never calls close()).
 */
export function showContainerTerminal(
  run: RunningWorkspace,
  name: string,
  icon: string,
  onEnd: () => void,
  prelude: readonly string[] = [],
): vscode.Terminal {
  const pty = new WorkspaceTerminal(run, onEnd, prelude);
  const terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon(icon) });
  const closed = vscode.window.onDidCloseTerminal((t) => {
    if (t !== terminal) return;
    closed.dispose();
    pty.close();
  });
  terminal.show();
  return terminal;
}
