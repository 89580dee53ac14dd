/**
 * "Did you mean": the name a misspelt one most likely meant, for every language and setting Berth
 * reads (Dockerfile stages and variables, Compose keys, services and stages, rule codes in
 * settings, run settings).
 */

/** Damerau-Levenshtein distance (a swap of two neighbours is one edit), giving up above `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0][j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
      best = Math.min(best, d);
    }
    if (i > 0 && best > max) return max + 1;
  }
  return rows[a.length][b.length];
}

export interface DidYouMeanOptions {
  /**
   * Failing a near spelling, the one candidate the name begins (`prod` for `production`,
   * `health` for `healthcheck`); none when several do. Off where the suggestion feeds a fix
   * applied without a look (Fix All on variables).
   */
  abbreviations?: boolean;
  /** Count edits as if both names were lower case: for keys whose case carries no meaning (run settings). */
  ignoreCase?: boolean;
}

/** The shortest name taken as an abbreviation. */
const MIN_ABBREVIATION = 3;

/**
 * The candidate nearest `name`: within one edit for names of up to four characters and two for
 * longer ones, so that `dbb` does not suggest `web`; a case-only difference counts as one edit,
 * and is the only one a one-character name is allowed.
 */
export function didYouMean(name: string, candidates: Iterable<string>, options: DidYouMeanOptions = {}): string | undefined {
  const max = name.length <= 1 ? 0 : name.length <= 4 ? 1 : 2;
  const lower = name.toLowerCase();
  const abbreviations = options.abbreviations && name.length >= MIN_ABBREVIATION;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let abbreviated: string | undefined;
  let beginning = 0;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const candidateLower = candidate.toLowerCase();
    const caseOnly = candidateLower === lower;
    const d = caseOnly ? 1 : options.ignoreCase ? editDistance(lower, candidateLower, max) : editDistance(name, candidate, max);
    if ((caseOnly || d <= max) && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
    if (abbreviations && candidate.length > name.length && candidateLower.startsWith(lower)) {
      abbreviated = candidate;
      beginning++;
    }
  }
  return best ?? (beginning === 1 ? abbreviated : undefined);
}
