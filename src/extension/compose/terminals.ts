/**
 * The terminals of Compose commands: one per project for what Compose prints (up, down, pull,
 * build — the whole output, as printed), and one per project following its logs, each line
 * prefixed with its service in the service's own colour.
 */
import * as vscode from 'vscode';
import type { ComposeRunner, ProjectRef } from '../../devenv/compose/runner';
import { crlf, DIM, RED, RESET, errorText } from '../terminals/text';
import { logLine } from './logText';

const t = vscode.l10n.t;

/** A write-only terminal. */
class OutputPty implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private opened = false;
  private pending = '';
  /** Everything written, for tests and for a terminal opened late. */
  text = '';

  constructor(private readonly onClose: () => void = () => undefined) {}

  open(): void {
    this.opened = true;
    if (this.pending) this.writeEmitter.fire(this.pending);
    this.pending = '';
  }

  write(text: string): void {
    this.text = (this.text + text).slice(-200_000);
    if (this.opened) this.writeEmitter.fire(text);
    else this.pending += text;
  }

  close(): void {
    this.onClose();
  }
}

/** The output terminal of each project, reused by every command on it until closed. */
export class ComposeOutputTerminals implements vscode.Disposable {
  private readonly terminals = new Map<string, { terminal: vscode.Terminal; pty: OutputPty }>();
  private readonly subscription = vscode.window.onDidCloseTerminal((closed) => {
    for (const [project, entry] of this.terminals) if (entry.terminal === closed) this.terminals.delete(project);
  });

  /** Writes Compose's output (or Berth's own dim line) to the project's terminal, opening it when needed. */
  write(project: string, text: string, options: { note?: boolean; error?: boolean } = {}): void {
    const entry = this.ensure(project);
    const body = crlf(text);
    entry.pty.write(options.note ? `${DIM}${body}${RESET}` : options.error ? `${RED}${body}${RESET}` : body);
  }

  /** Shows the project's terminal (keeping the focus where it is). */
  show(project: string): void {
    this.ensure(project).terminal.show(true);
  }

  /** Everything the project's terminal has shown, while it is open. */
  textOf(project: string): string | undefined {
    return this.terminals.get(project)?.pty.text;
  }

  private ensure(project: string): { terminal: vscode.Terminal; pty: OutputPty } {
    let entry = this.terminals.get(project);
    if (!entry) {
      const pty = new OutputPty();
      const terminal = vscode.window.createTerminal({ name: t('Compose: {0}', project), pty, iconPath: new vscode.ThemeIcon('layers') });
      entry = { terminal, pty };
      this.terminals.set(project, entry);
    }
    return entry;
  }

  dispose(): void {
    this.subscription.dispose();
    for (const { terminal } of this.terminals.values()) terminal.dispose();
    this.terminals.clear();
  }
}

/** A terminal following a project's logs; closing it ends the stream. Exported for tests. */
export class ComposeLogsTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly controller = new AbortController();
  private readonly width: number;
  private closed = false;
  /** Everything shown, without colours: tests read it. */
  text = '';

  constructor(
    private readonly runner: ComposeRunner,
    private readonly ref: ProjectRef,
    private readonly services: string[],
    /** The project's services, in order: their colours. */
    private readonly known: string[],
    private readonly follow: boolean,
    private readonly onEnd: () => void,
  ) {
    this.width = Math.max(4, ...known.map((s) => s.length));
  }

  open(): void {
    this.note(
      this.follow
        ? t(
            'Logs of {0}{1}, following. Close the terminal to stop.',
            this.ref.project,
            this.services.length ? ` (${this.services.join(', ')})` : '',
          )
        : t('Logs of {0}{1}.', this.ref.project, this.services.length ? ` (${this.services.join(', ')})` : ''),
    );
    void this.runner
      .logs(this.ref, this.services, {
        follow: this.follow,
        signal: this.controller.signal,
        onLine: (service, text) => {
          this.text += `${service ? `${service} | ` : ''}${text}\n`;
          this.emit(logLine(service, text, this.known, this.width));
        },
      })
      .then(
        () => this.note(t('The logs end here.')),
        (error: unknown) => this.emit(`${RED}${errorText(error)}${RESET}\r\n`),
      )
      .finally(() => this.onEnd());
  }

  close(): void {
    this.closed = true;
    this.controller.abort();
  }

  private note(text: string): void {
    this.emit(`${DIM}${text}${RESET}\r\n`);
  }

  private emit(text: string): void {
    if (!this.closed) this.writeEmitter.fire(text);
  }
}
