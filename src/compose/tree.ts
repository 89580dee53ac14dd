/**
 * Reading the parsed tree as Compose does: aliases stand for their anchored node and `<<` merge
 * keys pull in the entries of the mappings they name, without overriding the ones written.
 */
import type { ComposeDocument, MapNode, Node, PairNode, ScalarNode, SeqNode } from './document';

const MAX_DEPTH = 64;
/** The most nodes one value expands to through aliases; real files stay far below. */
const MAX_VALUE_NODES = 200_000;

/** The node an alias stands for: the last node anchored with its name before it. */
export function resolveAlias(doc: ComposeDocument, node: Node | null, depth = 0): Exclude<Node, { kind: 'alias' }> | null {
  if (!node || node.kind !== 'alias') return node;
  if (depth > MAX_DEPTH) return null;
  let found: Node | undefined;
  for (const anchor of doc.anchors) {
    if (anchor.node.start >= node.start) break;
    // An alias inside the node its anchor names would stand for itself: it stands for nothing.
    if (anchor.name === node.name) found = anchor.node.end > node.start ? undefined : anchor.node;
  }
  return found ? resolveAlias(doc, found, depth + 1) : null;
}

/** The node as a mapping, aliases resolved; undefined when it is not one. */
export function asMap(doc: ComposeDocument, node: Node | null): MapNode | undefined {
  const n = resolveAlias(doc, node);
  return n?.kind === 'map' ? n : undefined;
}

/** The node as a list, aliases resolved; undefined when it is not one. */
export function asSeq(doc: ComposeDocument, node: Node | null): SeqNode | undefined {
  const n = resolveAlias(doc, node);
  return n?.kind === 'seq' ? n : undefined;
}

/** The node as a scalar, aliases resolved; undefined when it is not one. */
export function asScalar(doc: ComposeDocument, node: Node | null): ScalarNode | undefined {
  const n = resolveAlias(doc, node);
  return n?.kind === 'scalar' ? n : undefined;
}

/** A scalar's value as the string Compose reads, or undefined for collections and nulls. */
export function stringValue(doc: ComposeDocument, node: Node | null): string | undefined {
  const s = asScalar(doc, node);
  if (!s || s.value === null) return undefined;
  return String(s.value);
}

/**
 * The entries of a mapping as Compose sees them: its own pairs, then the entries merged in with
 * `<<` that it does not set itself. Each comes with the pair that wrote it.
 */
export function entries(doc: ComposeDocument, map: MapNode | undefined, depth = 0): PairNode[] {
  if (!map) return [];
  let hasMerge = false;
  for (const p of map.pairs) if (p.name === '<<') hasMerge = true;
  if (!hasMerge) return map.pairs;
  // Merged entries depend on the document's anchors, so they are remembered per document.
  let memo = merged.get(doc);
  if (!memo) merged.set(doc, (memo = new WeakMap()));
  const known = memo.get(map);
  if (known) return known;
  const out = mergedEntries(doc, map, depth);
  memo.set(map, out);
  return out;
}

const merged = new WeakMap<ComposeDocument, WeakMap<MapNode, PairNode[]>>();

function mergedEntries(doc: ComposeDocument, map: MapNode, depth: number): PairNode[] {
  const own = map.pairs.filter((p) => p.name !== '<<');
  const seen = new Set(own.map((p) => p.name));
  const out = [...own];
  if (depth > MAX_DEPTH) return out;
  for (const p of map.pairs) {
    if (p.name !== '<<') continue;
    const value = resolveAlias(doc, p.value);
    const sources = value?.kind === 'seq' ? value.items.map((i) => asMap(doc, i)) : [asMap(doc, value)];
    for (const source of sources) {
      for (const inherited of entries(doc, source, depth + 1)) {
        if (seen.has(inherited.name)) continue;
        seen.add(inherited.name);
        out.push(inherited);
      }
    }
  }
  return out;
}

/** The pair for `key` in a mapping, merge keys included. */
export function entry(doc: ComposeDocument, map: MapNode | undefined, key: string): PairNode | undefined {
  if (!map) return undefined;
  for (const p of map.pairs) if (p.name === key) return p;
  for (const p of map.pairs) if (p.name === '<<') return entries(doc, map).find((e) => e.name === key);
  return undefined;
}

/** The value for `key` in a mapping, aliases resolved. */
export function valueOf(doc: ComposeDocument, map: MapNode | undefined, key: string): Node | null {
  return resolveAlias(doc, entry(doc, map, key)?.value ?? null);
}

/** The plain value Compose validates: aliases resolved, merge keys applied, keys as strings. */
export function toJS(doc: ComposeDocument, node: Node | null, depth = 0, budget = { nodes: MAX_VALUE_NODES }): unknown {
  const n = resolveAlias(doc, node);
  // Aliases of aliases double at each level (a "billion laughs" file): past the budget, nothing.
  if (!n || depth > MAX_DEPTH || --budget.nodes < 0) return null;
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map((i) => toJS(doc, i, depth + 1, budget));
  const out: Record<string, unknown> = {};
  for (const p of entries(doc, n)) {
    if (p.key === null && p.value === null) continue;
    Object.defineProperty(out, p.name, {
      value: toJS(doc, p.value, depth + 1, budget),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** The node at a JSON pointer's path into the validated value (from the root, or from `from`), and the pair holding it when it is a mapping value. */
export function nodeAtPath(
  doc: ComposeDocument,
  path: readonly string[],
  from: { node: Node | null; pair?: PairNode } = { node: doc.root },
): { node: Node | null; pair?: PairNode } | undefined {
  let node: Node | null = from.node;
  let pair: PairNode | undefined = from.pair;
  for (const segment of path) {
    const n = resolveAlias(doc, node);
    if (!n) return undefined;
    if (n.kind === 'map') {
      pair = entry(doc, n, segment);
      if (!pair) return undefined;
      node = pair.value;
    } else if (n.kind === 'seq') {
      const index = Number(segment);
      if (!Number.isInteger(index) || index < 0 || index >= n.items.length) return undefined;
      node = n.items[index];
      pair = undefined;
    } else return undefined;
  }
  return { node, pair };
}
