/**
 * Semantic tokens across languages: one legend for the server (LSP has one per server), each
 * language's own legend mapped into it, and the delta between two answers.
 */
import type { SemanticTokensEdit, SemanticTokensLegend } from 'vscode-languageserver';

/** The server's legend and, per language legend, how to rewrite its encoded tokens into it. */
export interface MergedLegend {
  legend: SemanticTokensLegend;
  /** Rewrites tokens encoded with `own` to the merged legend (the same array when nothing changes). */
  remap(own: SemanticTokensLegend, data: number[]): number[];
}

/** Every token type and modifier of every legend, the first legend's in its own order (so its data needs no rewrite). */
export function mergeLegends(legends: SemanticTokensLegend[]): MergedLegend {
  const types: string[] = [];
  const modifiers: string[] = [];
  for (const legend of legends) {
    for (const type of legend.tokenTypes) if (!types.includes(type)) types.push(type);
    for (const modifier of legend.tokenModifiers) if (!modifiers.includes(modifier)) modifiers.push(modifier);
  }
  const maps = new Map<SemanticTokensLegend, { types: number[]; modifiers: number[]; identity: boolean }>();
  const mapOf = (own: SemanticTokensLegend) => {
    let map = maps.get(own);
    if (!map) {
      const t = own.tokenTypes.map((type) => types.indexOf(type));
      const m = own.tokenModifiers.map((modifier) => modifiers.indexOf(modifier));
      map = { types: t, modifiers: m, identity: t.every((v, i) => v === i) && m.every((v, i) => v === i) };
      maps.set(own, map);
    }
    return map;
  };
  return {
    legend: { tokenTypes: types, tokenModifiers: modifiers },
    remap(own, data) {
      const map = mapOf(own);
      if (map.identity) return data;
      const out = data.slice();
      for (let i = 0; i + 4 < out.length; i += 5) {
        out[i + 3] = map.types[out[i + 3]] ?? 0;
        let bits = 0;
        for (let b = 0; b < map.modifiers.length; b++) if (out[i + 4] & (1 << b)) bits |= 1 << map.modifiers[b];
        out[i + 4] = bits;
      }
      return out;
    },
  };
}

/**
 * The edits that turn `previous` into `next`: one splice over what lies between their common
 * prefix and suffix (none when they are equal).
 */
export function semanticTokensEdits(previous: readonly number[], next: readonly number[]): SemanticTokensEdit[] {
  const max = Math.min(previous.length, next.length);
  let prefix = 0;
  while (prefix < max && previous[prefix] === next[prefix]) prefix++;
  if (prefix === previous.length && prefix === next.length) return [];
  let suffix = 0;
  while (suffix < max - prefix && previous[previous.length - 1 - suffix] === next[next.length - 1 - suffix]) suffix++;
  return [{ start: prefix, deleteCount: previous.length - prefix - suffix, data: next.slice(prefix, next.length - suffix) }];
}
