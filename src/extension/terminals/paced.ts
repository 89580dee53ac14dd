/**
 * Output paced for a terminal. A Pseudoterminal has no flow control: whatever it fires goes to
 * the window at once, and what the window has not taken yet waits in the extension host's channel
 * to it (measured: the extension host held ~0.9 bytes of buffers per character written, released
 * only as the window caught up). This writer sends at most a frame of text per tick; given a round
 * trip to the window (`acknowledge`), it keeps at most `inFlight` characters sent but not yet
 * taken. It asks its caller to stop reading while too much waits (the engine then holds the rest
 * of the log), and drops what waits beyond a hard limit (a caller that cannot stop reading),
 * saying so in the terminal. Imports nothing from vscode, so it is unit-tested in plain Node.
 */

export interface PacedWriterOptions {
  /** The most text sent to the terminal at once (UTF-16 units). */
  frameSize?: number;
  /** The pause between frames while text waits, in milliseconds. */
  frameMs?: number;
  /** Above this much waiting text, `write` returns a promise that settles when it has drained to half. */
  highWater?: number;
  /** Above this much waiting text, the oldest is dropped (a caller that does not wait on `write`). */
  limit?: number;
  /** The line written where text was dropped: `count` units of text were skipped. */
  skippedNote?: (count: number) => string;
  /**
   * A round trip to the window: settles once the window has taken what was sent before the call.
   * Without it the writer cannot know and sends at its frame rate.
   */
  acknowledge?: () => PromiseLike<unknown>;
  /** With `acknowledge`: the most text sent but not yet acknowledged (UTF-16 units). */
  inFlight?: number;
}

// Small frames: VS Code serializes (and, to a remote window, compresses) each batch in one go.
const DEFAULTS = { frameSize: 16 * 1024, frameMs: 4, highWater: 1024 * 1024, limit: 4 * 1024 * 1024, inFlight: 1024 * 1024 };
/**
 * How long a round trip waits after the text it covers was fired: the extension host batches a
 * terminal's output for a few milliseconds before sending it, and the question must not overtake it.
 */
const ACK_DELAY_MS = 10;

/** Paces writes to `send` (a Pseudoterminal's write emitter). */
export class PacedWriter {
  private readonly queue: string[] = [];
  private queued = 0;
  private skipped = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private drained: (() => void)[] = [];
  private disposed = false;
  private readonly frameSize: number;
  private readonly frameMs: number;
  private readonly highWater: number;
  private readonly limit: number;
  private readonly inFlight: number;
  /** Text sent in all, and how much of it the window acknowledged. */
  private sent = 0;
  private acked = 0;
  private asking = false;
  /** The most text that ever waited at once: tests check that memory stayed bounded. */
  peakQueued = 0;
  /** The most text ever sent but not acknowledged at once (with `acknowledge`). */
  peakInFlight = 0;
  /** Text dropped in all (UTF-16 units). */
  skippedTotal = 0;

  constructor(
    private readonly send: (text: string) => void,
    private readonly options: PacedWriterOptions = {},
  ) {
    this.frameSize = options.frameSize ?? DEFAULTS.frameSize;
    this.frameMs = options.frameMs ?? DEFAULTS.frameMs;
    this.highWater = options.highWater ?? DEFAULTS.highWater;
    this.limit = Math.max(options.limit ?? DEFAULTS.limit, this.highWater);
    this.inFlight = options.inFlight ?? DEFAULTS.inFlight;
  }

  /** How much text waits to be sent. */
  get waiting(): number {
    return this.queued;
  }

  /**
   * Queues text for the terminal. Returns a promise when too much waits: a reader awaits it
   * before reading more, so the source holds the rest instead of this process.
   */
  write(text: string): Promise<void> | undefined {
    if (this.disposed || !text) return undefined;
    this.queue.push(text);
    this.queued += text.length;
    if (this.queued > this.limit) this.dropOldest();
    this.peakQueued = Math.max(this.peakQueued, this.queued);
    this.timer ??= setTimeout(() => this.frame(), 0);
    if (this.queued <= this.highWater) return undefined;
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** Stops sending; waiting text is dropped and waiting readers go on (to find the terminal closed). */
  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.queued = 0;
    this.release();
  }

  private frame(): void {
    this.timer = undefined;
    if (this.disposed) return;
    // The window has not taken enough of what was sent: the answer to the round trip sends on.
    if (this.options.acknowledge && this.sent - this.acked >= this.inFlight) return;
    let out = '';
    if (this.skipped > 0) {
      out += this.options.skippedNote?.(this.skipped) ?? '';
      this.skipped = 0;
    }
    while (this.queue.length && out.length < this.frameSize) {
      const head = this.queue[0];
      const room = this.frameSize - out.length;
      if (head.length <= room) {
        out += head;
        this.queue.shift();
        this.queued -= head.length;
      } else {
        const cut = safeCut(head, room);
        if (cut === 0 && out) break;
        // A frame with room for half a pair only, and nothing in it yet, takes the pair whole.
        const end = cut || 2;
        out += head.slice(0, end);
        this.queue[0] = head.slice(end);
        this.queued -= end;
      }
    }
    if (out) {
      this.send(out);
      this.sent += out.length;
      this.peakInFlight = Math.max(this.peakInFlight, this.sent - this.acked);
      this.ask();
    }
    if (this.queued <= this.highWater / 2) this.release();
    if (this.queue.length && !this.disposed) this.timer = setTimeout(() => this.frame(), this.frameMs);
  }

  /** Asks the window, once at a time, to acknowledge what was sent so far. */
  private ask(): void {
    const acknowledge = this.options.acknowledge;
    if (!acknowledge || this.asking) return;
    this.asking = true;
    setTimeout(() => {
      const covers = this.sent;
      // A failed round trip counts as taken: flow control must never stall the terminal for good.
      const answered = () => {
        this.asking = false;
        this.acked = Math.max(this.acked, covers);
        if (this.disposed) return;
        if (this.sent > this.acked) this.ask();
        this.timer ??= this.queue.length ? setTimeout(() => this.frame(), 0) : undefined;
      };
      if (this.disposed) return;
      Promise.resolve().then(acknowledge).then(answered, answered);
    }, ACK_DELAY_MS);
  }

  private dropOldest(): void {
    while (this.queued > this.highWater && this.queue.length > 1) {
      const dropped = this.queue.shift()!;
      this.queued -= dropped.length;
      this.skipped += dropped.length;
      this.skippedTotal += dropped.length;
    }
  }

  private release(): void {
    const waiting = this.drained;
    this.drained = [];
    for (const resolve of waiting) resolve();
  }
}

/** A cut at or before `at` (≥ 1) that does not split a surrogate pair; 0 when only splitting one would do. */
function safeCut(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}
