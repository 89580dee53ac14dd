/** "Did you mean": the candidate a misspelt name most likely meant. */
import { editDistance } from '../dockerfile/rules/shared/names';

/** The shortest name a candidate is suggested for as an abbreviation of it. */
const MIN_ABBREVIATION = 3;

/**
 * The closest candidate within one edit for short names and two for longer ones (a case-only
 * difference counts as one), so that `dbb` does not suggest `web`. Failing that, the one
 * candidate the name begins (an abbreviation: `prod` for `production`, `health` for
 * `healthcheck`); none when several begin with it.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const max = name.length <= 4 ? 1 : 2;
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = max + 1;
  let abbreviated: string | undefined;
  let abbreviations = 0;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = candidate.toLowerCase() === lower ? 1 : editDistance(name, candidate, max);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
    if (name.length >= MIN_ABBREVIATION && candidate.length > name.length && candidate.toLowerCase().startsWith(lower)) {
      abbreviated = candidate;
      abbreviations++;
    }
  }
  return best ?? (abbreviations === 1 ? abbreviated : undefined);
}
