/**
 * The Pull box's rows: the typed reference first (when it is one), then Docker Hub's answers with
 * their stars and the official mark, or, when Hub cannot be reached, one row saying so. Plain
 * data, no `vscode`: unit-tested in plain Node.
 */
import type { ImageSearchResult } from '../../engine/types';

/** A QuickPick row, as vscode.QuickPickItem has it, with the reference it pulls. */
export interface PullBoxItem {
  label: string;
  description?: string;
  detail?: string;
  alwaysShow?: boolean;
  /** Undefined for a row that only says something. */
  reference?: string;
}

type Translate = (message: string, ...args: (string | number)[]) => string;

/** `3300` → `3.3k`, as Hub shows stars. */
export function formatStars(stars: number): string {
  if (stars >= 1_000_000) return `${(stars / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
  if (stars >= 1000) return `${(stars / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  return String(stars);
}

/**
 * The rows for what is typed (`value`), Hub's `results` for it, or the `failure` that stopped the
 * search; `valid` says whether the typed text is a reference that can be pulled as it is.
 */
export function searchItems(
  value: string,
  results: readonly ImageSearchResult[],
  failure: string | undefined,
  valid: boolean,
  t: Translate,
): PullBoxItem[] {
  const typed = value.trim();
  const items: PullBoxItem[] = [];
  if (typed && valid)
    items.push({ label: `$(cloud-download) ${typed}`, description: t('pull this reference'), alwaysShow: true, reference: typed });
  if (failure) {
    items.push({ label: `$(warning) ${t('Docker Hub search is unavailable')}`, detail: failure, alwaysShow: true });
    return items;
  }
  // Official images first, then by stars, as docker search's readers look for them.
  const sorted = [...results].sort((a, b) => Number(b.official) - Number(a.official) || b.stars - a.stars);
  for (const r of sorted) {
    if (r.name === typed) continue;
    items.push({
      label: `${r.official ? '$(verified-filled) ' : ''}${r.name}`,
      description: [`$(star-full) ${formatStars(r.stars)}`, r.official ? t('official') : undefined].filter(Boolean).join(' · '),
      ...(r.description ? { detail: r.description } : {}),
      alwaysShow: true,
      reference: r.name,
    });
  }
  return items;
}
