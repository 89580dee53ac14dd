/**
 * The terminals of Compose commands: one per project for what Compose prints (up, down, pull,
 * build — the whole output, as printed), and one per project following its logs, each line
 * prefixed with its service in the service's own colour.
 */
import * as vscode from 'vscode';
import type { ComposeRunner, ProjectRef } from '../../devenv/compose/runner';
import { PacedWriter } from '../terminals/paced';
import { crlf, DIM, RED, RESET, errorText, skippedNote } from '../terminals/text';
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

/**
 * Makes a logs terminal the foreground of an up (`detach: false`): as in `docker compose up`
 * without `-d`, Ctrl+C in the terminal, or closing it, stops the services it shows.
 */
export interface AttachedUp {
  /** Stops the services; resolves with what to say about it. */
  stop: () => Promise<string>;
  /** Told when a stop after the terminal closed failed (the terminal can no longer say it). */
  onStopError: (error: unknown) => void;
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
  private logsDone = false;
  private stopping: Promise<void> | undefined;
  private stopSettled = false;
  private ended = false;
  /** The last 200,000 characters shown, without colours: tests read it. */
  text = '';
  /** Compose's lines, paced for the terminal; a flood beyond its limit is dropped with a note (Compose cannot be made to wait). */
  private readonly output = new PacedWriter((text) => this.writeEmitter.fire(text), {
    skippedNote: (count) => skippedNote(count, `docker compose -p ${this.ref.project} logs`, t),
  });

  constructor(
    private readonly runner: ComposeRunner,
    private readonly ref: ProjectRef,
    private readonly services: string[],
    /** The project's services, in order: their colours. */
    private readonly known: string[],
    private readonly follow: boolean,
    private readonly onEnd: () => void,
    private readonly attached?: AttachedUp,
  ) {
    this.width = Math.max(4, ...known.map((s) => s.length));
  }

  open(): void {
    const which = this.services.length ? ` (${this.services.join(', ')})` : '';
    this.note(
      this.attached
        ? t('Attached to {0}{1}. Press Ctrl+C or close the terminal to stop the services.', this.ref.project, which)
        : this.follow
          ? t('Logs of {0}{1}, following. Close the terminal to stop.', this.ref.project, which)
          : t('Logs of {0}{1}.', this.ref.project, which),
    );
    void this.runner
      .logs(this.ref, this.services, {
        follow: this.follow,
        signal: this.controller.signal,
        onLine: (service, text) => {
          this.remember(`${service ? `${service} | ` : ''}${text}\n`);
          this.emit(logLine(service, text, this.known, this.width));
        },
      })
      .then(
        () => {
          if (!this.stopping) this.note(t('The logs end here.'));
        },
        (error: unknown) => this.emit(`${RED}${errorText(error)}${RESET}\r\n`),
      )
      .finally(() => {
        this.logsDone = true;
        this.endOnce();
      });
  }

  handleInput(data: string): void {
    if (this.attached && data.includes('\x03')) this.stop();
  }

  close(): void {
    this.closed = true;
    this.controller.abort();
    this.output.dispose();
    if (this.attached) this.stop();
  }

  /** Stops the attached services once: Ctrl+C, then closing the terminal, stop them one time. */
  private stop(): void {
    if (!this.attached || this.stopping) return;
    this.note(t('Stopping {0}{1}…', this.ref.project, this.services.length ? ` (${this.services.join(', ')})` : ''));
    const attached = this.attached;
    this.stopping = attached
      .stop()
      .then(
        (said) => this.note(said),
        (error: unknown) => {
          if (this.closed) attached.onStopError(error);
          else this.emit(`${RED}${errorText(error)}${RESET}\r\n`);
        },
      )
      .finally(() => {
        this.stopSettled = true;
        this.controller.abort();
        this.endOnce();
      });
  }

  /** The runner goes back when the logs have ended and no stop is still under way. */
  private endOnce(): void {
    if (this.ended || !this.logsDone || (this.stopping && !this.stopSettled)) return;
    this.ended = true;
    this.onEnd();
  }

  private note(text: string): void {
    this.remember(`${text}\n`);
    this.emit(`${DIM}${text}${RESET}\r\n`);
  }

  private remember(text: string): void {
    this.text += text;
    if (this.text.length > 400_000) this.text = this.text.slice(-200_000);
  }

  private emit(text: string): void {
    if (!this.closed) void this.output.write(text);
  }
}
