/**
 * Keeps the server's resident memory near what a lint needs. Each lint's garbage dies young;
 * left alone, V8 doubles the young generation under that churn up to 32 MB resident. Too small
 * a one promotes half-built models into the old generation instead. So the young generation may
 * grow until it can hold a few lints' garbage, then stops: V8 reads this flag each time it would
 * grow the space, so setting it at run time applies.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

export function capYoungGeneration(megabytes: number): void {
  if (!(megabytes > 0)) return;
  const limit = megabytes * 1024 * 1024;
  const timer = setInterval(() => {
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    if (!young || young.space_size < limit) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    clearInterval(timer);
  }, 50);
  timer.unref();
}
