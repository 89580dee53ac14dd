/** "Did you mean": the candidate a misspelt name most likely meant. */
import { editDistance } from '../dockerfile/rules/shared/names';

/**
 * The closest candidate within one edit for short names and two for longer ones (a case-only
 * difference counts as one), so that `dbb` does not suggest `web`.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const max = name.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = candidate.toLowerCase() === name.toLowerCase() ? 1 : editDistance(name, candidate, max);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
