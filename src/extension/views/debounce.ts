/**
 * Coalesces bursts of refresh requests per key (one per view): the first request schedules a
 * run `delayMs` later and the ones that follow join it, so a `docker compose up` of ten
 * containers costs one re-list, at most `delayMs` after the first event. No `vscode` here.
 */
export class KeyedDebouncer<K> {
  private readonly timers = new Map<K, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly delayMs: number,
    private readonly run: (key: K) => void,
    private readonly timers_: { set: typeof setTimeout; clear: typeof clearTimeout } = { set: setTimeout, clear: clearTimeout },
  ) {}

  request(key: K): void {
    if (this.timers.has(key)) return;
    this.timers.set(
      key,
      this.timers_.set(() => {
        this.timers.delete(key);
        this.run(key);
      }, this.delayMs),
    );
  }

  pending(key: K): boolean {
    return this.timers.has(key);
  }

  cancel(key: K): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) this.timers_.clear(timer);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const key of [...this.timers.keys()]) this.cancel(key);
  }
}
