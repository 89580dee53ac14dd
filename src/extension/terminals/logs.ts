/**
 * A container's logs, followed live in a VS Code terminal (a Pseudoterminal over the Engine API's
 * log stream). When the container stops the terminal says so and waits for it to start again,
 * then carries on without repeating lines; closing the terminal ends the stream.
 */
import * as vscode from 'vscode';
import { EngineError, type Engine } from '../../engine/types';
import { PacedWriter } from './paced';
import { DIM, LogLines, RED, RESET, asEngineError, errorText, shortId, skippedNote } from './text';

export interface ContainerRef {
  id: string;
  name: string;
}

export interface LogsOptions {
  /** Lines of history to show first; default 500. */
  tail?: number;
  /** Show the engine's timestamp in front of each line. */
  timestamps?: boolean;
}

const DEFAULT_TAIL = 500;
/** Log text handled in one turn of the event loop before the reader yields (characters). */
const TURN_BUDGET = 64 * 1024;

/**
 * A round trip to the window: the window runs commands in the order it receives messages, so its
 * answer means it has taken the terminal output sent before. The value never changes, so the
 * window has no context change to process.
 */
function acknowledgeByWindow(): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', 'berth.terminalOutputTaken', true);
}

type State = 'starting' | 'streaming' | 'waiting' | 'failed' | 'ended' | 'closed';

/** The Pseudoterminal behind a logs terminal; exported so tests can drive it without a terminal UI. */
export class ContainerLogsTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;

  private readonly lines: LogLines;
  private controller = new AbortController();
  private state: State = 'starting';
  private readonly tail: number;
  /** The full id once known: events name containers by full id only. */
  private fullId: string | undefined;
  /**
   * What goes to the terminal, paced by the window's own pace: a flooding container waits in the
   * engine, neither here nor in VS Code's channel to the window.
   */
  readonly output = new PacedWriter((text) => this.writeEmitter.fire(text), {
    skippedNote: (count) => skippedNote(count, `docker logs ${this.container.name}`, vscode.l10n.t),
    acknowledge: acknowledgeByWindow,
    // Little waits here (the engine holds the rest): text that waits long outlives the young
    // generation, and the old one then grows with garbage until a full collection.
    highWater: 128 * 1024,
    inFlight: 512 * 1024,
  });

  constructor(
    private readonly engine: Engine,
    readonly container: ContainerRef,
    options: LogsOptions = {},
  ) {
    this.tail = options.tail ?? DEFAULT_TAIL;
    this.lines = new LogLines(options.timestamps ?? false);
  }

  /** What the terminal is doing: for tests and for the caller's status. */
  get status(): State {
    return this.state;
  }

  open(): void {
    this.note(
      vscode.l10n.t(
        'Logs of {0} ({1}), last {2} lines, following. Close the terminal to stop.',
        this.container.name,
        shortId(this.container.id),
        this.tail,
      ),
    );
    void this.follow(true);
  }

  close(): void {
    this.state = 'closed';
    this.controller.abort();
    this.output.dispose();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  handleInput(data: string): void {
    // Output only; after a failure Enter tries again, so a dropped engine does not need a new terminal.
    if (this.state === 'failed' && (data === '\r' || data === '\n')) {
      this.controller = new AbortController();
      void this.follow(false);
    }
  }

  private async follow(first: boolean): Promise<void> {
    const signal = this.controller.signal;
    for (;;) {
      this.state = 'streaming';
      let stream;
      try {
        if (!first) this.lines.resume();
        stream = await this.engine.containerLogs(this.container.id, { follow: true, tail: this.tail, timestamps: true }, signal);
        let thisTurn = 0;
        for await (const chunk of stream) {
          if (signal.aborted) return;
          // Waits while the terminal is behind: the engine keeps the rest of the log meanwhile.
          const behind = this.write(this.lines.push(chunk as string | Buffer));
          thisTurn += chunk.length as number;
          if (behind) {
            await behind;
            thisTurn = 0;
          } else if (thisTurn >= TURN_BUDGET) {
            // Buffered chunks come one microtask after another: let the rest of the extension host in.
            await new Promise((resolve) => setImmediate(resolve));
            thisTurn = 0;
          }
        }
        if (signal.aborted) return;
        void this.write(this.lines.flush());
      } catch (error) {
        if (signal.aborted) return;
        stream?.destroy();
        return this.fail(error);
      }
      first = false;
      // The engine ends a followed log when the container stops: wait for it to come back.
      const next = await this.waitForStart(signal);
      if (next !== 'started') return;
      this.note(vscode.l10n.t('{0} started again; following its logs.', this.container.name));
    }
  }

  /** Resolves 'started' when the container runs again, 'gone' when removed, 'stopped' when we stop. */
  private async waitForStart(signal: AbortSignal): Promise<'started' | 'gone' | 'stopped'> {
    this.state = 'waiting';
    // Subscribe before looking, so a start between the two is not missed.
    const events = new AbortController();
    const stopEvents = () => events.abort();
    signal.addEventListener('abort', stopEvents, { once: true });
    const iterator = this.engine.events(events.signal)[Symbol.asyncIterator]();
    const firstEvent = iterator.next();
    // It may fail (engine gone) before it is awaited; the failure is met below when it is.
    firstEvent.catch(() => undefined);
    try {
      const state = await this.containerState();
      if (signal.aborted) return 'stopped';
      if (state === undefined) {
        this.note(vscode.l10n.t('{0} was removed; its logs end here.', this.container.name));
        this.state = 'ended';
        return 'gone';
      }
      if (state.running) return 'started';
      this.note(
        state.status === 'created'
          ? vscode.l10n.t(
              '{0} has not been started yet. Waiting for it to start; close the terminal to stop following.',
              this.container.name,
            )
          : state.exitCode !== undefined
            ? vscode.l10n.t(
                '{0} stopped (exit code {1}). Waiting for it to start again; close the terminal to stop following.',
                this.container.name,
                state.exitCode,
              )
            : vscode.l10n.t('{0} stopped. Waiting for it to start again; close the terminal to stop following.', this.container.name),
      );
      for (let result = await firstEvent; !result.done; result = await iterator.next()) {
        const event = result.value;
        if (event.type !== 'container' || !this.isOurs(event.id)) continue;
        if (event.action === 'start') return 'started';
        if (event.action === 'destroy') {
          this.note(vscode.l10n.t('{0} was removed; its logs end here.', this.container.name));
          this.state = 'ended';
          return 'gone';
        }
      }
      if (signal.aborted) return 'stopped';
      throw new EngineError('unreachable', vscode.l10n.t('The engine closed its event stream.'));
    } catch (error) {
      if (signal.aborted) return 'stopped';
      this.fail(error);
      return 'stopped';
    } finally {
      signal.removeEventListener('abort', stopEvents);
      events.abort();
      // Lets the event generator run its own cleanup; it settles once the stream is aborted.
      void iterator.return?.(undefined)?.catch(() => undefined);
    }
  }

  /** The container's state from the engine; undefined when the container no longer exists. */
  private async containerState(): Promise<{ running: boolean; status?: string; exitCode?: number } | undefined> {
    try {
      const info = (await this.engine.inspectContainer(this.container.id)) as {
        Id?: unknown;
        State?: { Running?: unknown; Status?: unknown; ExitCode?: unknown };
      };
      if (typeof info.Id === 'string') this.fullId = info.Id;
      return {
        running: info.State?.Running === true,
        status: typeof info.State?.Status === 'string' ? info.State.Status : undefined,
        exitCode: typeof info.State?.ExitCode === 'number' ? info.State.ExitCode : undefined,
      };
    } catch (error) {
      if (asEngineError(error)?.kind === 'not-found') return undefined;
      throw error;
    }
  }

  private isOurs(eventId: string): boolean {
    const id = this.fullId ?? this.container.id;
    return eventId === id || eventId.startsWith(id);
  }

  private fail(error: unknown): void {
    if (this.state === 'closed') return;
    this.state = 'failed';
    void this.writeRaw(`${RED}${errorText(error)}${RESET}\r\n`);
    this.note(vscode.l10n.t('Press Enter to try again, or close the terminal.'));
  }

  private note(text: string): void {
    void this.writeRaw(`${DIM}${text}${RESET}\r\n`);
  }

  private write(text: string): Promise<void> | undefined {
    return text ? this.writeRaw(text) : undefined;
  }

  private writeRaw(text: string): Promise<void> | undefined {
    return this.state !== 'closed' ? this.output.write(text) : undefined;
  }
}

/**
 * Opens a terminal following `container`'s logs (its last `tail` lines first). Returns the
 * terminal; its Pseudoterminal is `(terminal.creationOptions as ExtensionTerminalOptions).pty`.
 */
export function openLogs(engine: Engine, container: ContainerRef, options: LogsOptions = {}): vscode.Terminal {
  const pty = new ContainerLogsTerminal(engine, container, options);
  const terminal = vscode.window.createTerminal({
    name: vscode.l10n.t('Logs: {0}', container.name),
    pty,
    iconPath: new vscode.ThemeIcon('output'),
  });
  terminal.show();
  return terminal;
}
