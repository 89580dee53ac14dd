/**
 * Output paced for a terminal. A Pseudoterminal has no flow control: whatever it fires goes to
 * the window at once, so a container that floods its log would pile up in the window's memory
 * faster than the terminal can draw it. This writer sends at most a frame of text per tick, asks
 * its caller to stop reading while too much waits (the engine then holds the rest of the log), and
 * drops what waits beyond a hard limit (a caller that cannot stop reading), saying so in the
 * terminal. Imports nothing from vscode, so it is unit-tested in plain Node.
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
}

const DEFAULTS = { frameSize: 64 * 1024, frameMs: 8, highWater: 1024 * 1024, limit: 4 * 1024 * 1024 };

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
  /** The most text that ever waited at once: tests check that memory stayed bounded. */
  peakQueued = 0;

  constructor(
    private readonly send: (text: string) => void,
    private readonly options: PacedWriterOptions = {},
  ) {
    this.frameSize = options.frameSize ?? DEFAULTS.frameSize;
    this.frameMs = options.frameMs ?? DEFAULTS.frameMs;
    this.highWater = options.highWater ?? DEFAULTS.highWater;
    this.limit = Math.max(options.limit ?? DEFAULTS.limit, this.highWater);
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
    if (out) this.send(out);
    if (this.queued <= this.highWater / 2) this.release();
    if (this.queue.length) this.timer = setTimeout(() => this.frame(), this.frameMs);
  }

  private dropOldest(): void {
    while (this.queued > this.highWater && this.queue.length > 1) {
      const dropped = this.queue.shift()!;
      this.queued -= dropped.length;
      this.skipped += dropped.length;
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
