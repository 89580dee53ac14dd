/**
 * Coalesces bursts of refresh requests per key (one per view): the first request schedules a
 * run `delayMs` later and the ones that follow join it, so a `docker compose up` of ten
 * containers costs one re-list, at most `delayMs` after the first event. A run also waits until
 * `spacing(key)` has passed since the previous run began: a view whose listing is costly (2,000
 * containers) lists a few times in an event storm instead of back to back. No `vscode` here.
 */
export class KeyedDebouncer<K> {
  private readonly timers = new Map<K, ReturnType<typeof setTimeout>>();
  private readonly lastRun = new Map<K, number>();

  private readonly spacing: (key: K) => number;

  /** `spacing`: the least time between the starts of two runs of a key (none by default). */
  constructor(
    private readonly delayMs: number,
    private readonly run: (key: K) => void,
    options: { spacing?: (key: K) => number } = {},
  ) {
    this.spacing = options.spacing ?? (() => 0);
  }

  request(key: K): void {
    if (this.timers.has(key)) return;
    const last = this.lastRun.get(key);
    const wait = last === undefined ? this.delayMs : Math.max(this.delayMs, last + this.spacing(key) - Date.now());
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.lastRun.set(key, Date.now());
        this.run(key);
      }, wait),
    );
  }

  pending(key: K): boolean {
    return this.timers.has(key);
  }

  cancel(key: K): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const key of [...this.timers.keys()]) this.cancel(key);
  }
}
