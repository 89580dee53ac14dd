/**
 * Keeps one engine event stream open for the whole extension: when it drops (engine restarted,
 * network cut) it reconnects with exponential backoff, and after every gap it calls `onResync` so
 * the views re-list what they may have missed. Idle, it makes no requests besides the stream.
 *
 * An engine that answers garbage (a line that is not JSON, or one that never ends) is not
 * hammered: its backoff keeps growing, to a longer cap, and the re-list waits until a stream has
 * shown it works (a real event, or `settleMs` without trouble), so a broken engine does not make
 * the views re-list on every attempt.
 */
import { EngineError, type Engine, type EngineEvent } from './types';

export interface EventWatcherOptions {
  onEvent(event: EngineEvent): void;
  /**
   * The stream is (re)connected after a gap, or for the first time: re-list everything, events may
   * have been missed. Not called for the very first connection when `resyncOnFirstConnect` is false.
   */
  onResync?(): void;
  /** The stream is down; `error` says why. Called once per outage, then again only if it changes kind. */
  onDisconnect?(error: EngineError): void;
  /** Delay before the first retry, ms (doubles each failed attempt). */
  initialDelayMs?: number;
  /** Cap on the retry delay, ms. */
  maxDelayMs?: number;
  resyncOnFirstConnect?: boolean;
  /** Cap on the retry delay after a garbled stream, ms. */
  maxGarbledDelayMs?: number;
  /** After a garbled stream: how long a new one must run cleanly before the views re-list, ms. */
  settleMs?: number;
}

export type WatcherState = 'connecting' | 'connected' | 'waiting' | 'stopped';

/** Follows `engine.events()` until `dispose()`. Starts immediately. */
export class EventWatcher {
  private readonly controller = new AbortController();
  private current?: AbortController;
  private wake?: () => void;
  private lastKind?: string;
  private _state: WatcherState = 'connecting';
  /** Connections made so far (1 after the first); for tests and the bench. */
  connects = 0;
  readonly done: Promise<void>;

  constructor(
    private readonly engine: Engine,
    private readonly options: EventWatcherOptions,
  ) {
    this.done = this.loop();
  }

  get state(): WatcherState {
    return this._state;
  }

  /** Skips the current backoff wait and tries now (a Retry button). */
  retryNow(): void {
    this.wake?.();
  }

  private async loop(): Promise<void> {
    const initial = this.options.initialDelayMs ?? 100;
    const max = this.options.maxDelayMs ?? 5000;
    const maxGarbled = Math.max(max, this.options.maxGarbledDelayMs ?? 30_000);
    const settleMs = this.options.settleMs ?? 1000;
    let delay = initial;
    let first = true;
    let connectedAt = 0;
    /** The last stream failed because it sent garbage: the next one must prove itself first. */
    let garbled = false;
    /** A re-list is owed: events may have been missed since the last one. */
    let owed = false;
    while (!this.controller.signal.aborted) {
      this._state = 'connecting';
      const attempt = new AbortController();
      this.current = attempt;
      const abort = () => attempt.abort();
      this.controller.signal.addEventListener('abort', abort, { once: true });
      let error: EngineError | undefined;
      let settle: NodeJS.Timeout | undefined;
      let sound = false;
      // The stream works: the outage is over (a later one is reported afresh) and the views re-list.
      const proven = () => {
        clearTimeout(settle);
        if (sound) return;
        sound = true;
        this.lastKind = undefined;
        if (!owed) return;
        owed = false;
        this.safely(() => this.options.onResync?.());
      };
      try {
        // Ping first so a dead engine fails fast and the re-list happens against a live one.
        await this.engine.ping(attempt.signal);
        const iterator = this.engine.events(attempt.signal)[Symbol.asyncIterator]();
        // Pulling the iterator sends the stream request; the re-list below goes out after it, so
        // a change is either in the re-list or arrives as an event.
        const pending = iterator.next();
        this.connects++;
        this._state = 'connected';
        connectedAt = Date.now();
        if (!first || this.options.resyncOnFirstConnect) owed = true;
        first = false;
        if (!garbled) proven();
        else settle = setTimeout(proven, settleMs);
        for (let r = await pending; !r.done; r = await iterator.next()) {
          proven();
          this.safely(() => this.options.onEvent(r.value));
        }
        if (!this.controller.signal.aborted)
          error = new EngineError(
            'not-running',
            'The engine closed its event stream.',
            'It may be restarting; Berth reconnects by itself.',
          );
      } catch (err) {
        if (this.controller.signal.aborted) break;
        error = err instanceof EngineError ? err : new EngineError('api', `Event stream failed: ${(err as Error).message}`);
        first = false;
      } finally {
        clearTimeout(settle);
        this.controller.signal.removeEventListener('abort', abort);
      }
      if (this.controller.signal.aborted) break;
      garbled = error?.kind === 'bad-response';
      // Back off afresh only after a connection that held and was sound: one dropped at once (a
      // proxy that closes every stream) or one that sent garbage keeps doubling instead.
      if (connectedAt && Date.now() - connectedAt > 2000 && !garbled) delay = initial;
      connectedAt = 0;
      if (error && error.kind !== this.lastKind) {
        this.lastKind = error.kind;
        this.safely(() => this.options.onDisconnect?.(error!));
      }
      this._state = 'waiting';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        const stop = () => {
          clearTimeout(timer);
          resolve();
        };
        this.wake = stop;
        this.controller.signal.addEventListener('abort', stop, { once: true });
      });
      this.wake = undefined;
      delay = Math.min(delay * 2, garbled ? maxGarbled : max);
    }
    this._state = 'stopped';
  }

  private safely(f: () => void): void {
    try {
      f();
    } catch (err) {
      // A view's handler failing must not take down the stream for every view.
      console.error('berth: event handler failed:', err);
    }
  }

  dispose(): void {
    this.controller.abort();
    this.current?.abort();
    this.wake?.();
  }
}
