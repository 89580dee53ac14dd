/**
 * Where the cursor is in Compose terms: the path of keys and list indices to the mapping or
 * list it types into, and whether it types a key, a value or a list item. Works on half-typed
 * lines the parser cannot place, by indentation, the way YAML nests.
 */
import type { ComposeDocument, MapNode, Node, PairNode, Span } from './document';
import { resolveAlias } from './tree';

/** What the cursor is typing, and where in the Compose structure. */
export interface CursorContext {
  /** Keys and indices from the root to the collection the cursor types into (or to the value typed). */
  path: (string | number)[];
  /** `key`: a key of the mapping at `path`; `value`: the value at `path` (the last segment is its key or index). */
  mode: 'key' | 'value';
  /** What is typed of the word so far. */
  prefix: string;
  /** The span a completion replaces. */
  replace: Span;
  /** The mapping at `path` in key mode, for the keys it has already. */
  map?: MapNode;
}

function columnOf(doc: ComposeDocument, offset: number): number {
  let start = offset;
  while (start > 0 && doc.text[start - 1] !== '\n' && doc.text[start - 1] !== '\r') start--;
  return offset - start;
}

/** The cursor context at an offset; undefined inside comments and where nothing can be typed. */
export function cursorAt(doc: ComposeDocument, offset: number): CursorContext | undefined {
  const { text } = doc;
  let lineStart = offset;
  while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
  let lineEnd = offset;
  while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  const before = text.slice(lineStart, offset);
  const m = /^(\s*)((?:-\s+)*)(.*)$/.exec(before)!;
  const indent = m[1].length;
  const dashes = m[2];
  const rest = m[3];
  if (rest.trimStart().startsWith('#') || /\s#/.test(rest)) return undefined;
  const ownerColumn = indent + dashes.length;

  // The word under the cursor, extended to its end on the line.
  let wordEnd = offset;
  while (wordEnd < lineEnd && !/[\s,\]}:]/.test(text[wordEnd])) wordEnd++;

  const keyValue = /^((?:"[^"]*"|'[^']*'|[^\s:#"'][^:#]*?)):(?:\s+(.*))?$/.exec(rest);
  const path: (string | number)[] = [];
  let node: Node | null = doc.root;
  let map: MapNode | undefined = doc.root ?? undefined;
  // Descend: the last entry before this line that is indented less than what the cursor types.
  while (node) {
    const n: Node | null = resolveAlias(doc, node);
    if (!n) break;
    if (n.kind === 'map') {
      map = n;
      let chosen: PairNode | undefined;
      for (const pair of n.pairs) {
        if (!pair.key || pair.key.start >= lineStart) break;
        if (columnOf(doc, pair.key.start) < ownerColumn) chosen = pair;
      }
      if (!chosen) break;
      path.push(chosen.name);
      node = chosen.value;
      map = undefined;
      continue;
    }
    if (n.kind === 'seq') {
      map = undefined;
      let index = -1;
      for (let i = 0; i < n.items.length; i++) {
        const item = n.items[i];
        if (!item || item.start >= lineStart) break;
        if (columnOf(doc, item.start) <= ownerColumn) index = i;
      }
      const onLine = n.items.findIndex((item) => item !== null && item.start >= lineStart && item.start <= lineEnd);
      if (dashes && (onLine >= 0 || index < 0 || columnOf(doc, n.items[index]!.start) >= ownerColumn)) {
        path.push(onLine >= 0 ? onLine : n.items.length);
        node = onLine >= 0 ? n.items[onLine] : null;
        if (node && resolveAlias(doc, node)?.kind === 'map' && keyValue) {
          map = resolveAlias(doc, node) as MapNode;
          break;
        }
        if (!keyValue) {
          const start = offset - rest.length;
          return { path, mode: 'value', prefix: rest, replace: { start, end: wordEnd } };
        }
        map = node && resolveAlias(doc, node)?.kind === 'map' ? (resolveAlias(doc, node) as MapNode) : undefined;
        break;
      }
      if (index < 0) break;
      path.push(index);
      node = n.items[index];
      continue;
    }
    break;
  }

  if (keyValue && offset > lineStart + indent + dashes.length + keyValue[1].length) {
    const key = keyValue[1].replace(/^["']|["']$/g, '');
    const value = keyValue[2] ?? '';
    // A flow list being typed (`networks: [back, fr`): the word after the last `[` or `,`.
    const flow = /[[,]\s*([^[,]*)$/.exec(value);
    const prefix = flow ? flow[1] : value.replace(/^["']/, '');
    const start = offset - prefix.length;
    const valuePath = [...path, key];
    if (flow) valuePath.push(value.split(',').length - 1);
    return { path: valuePath, mode: 'value', prefix, replace: { start, end: wordEnd } };
  }
  if (dashes && !keyValue) {
    const start = offset - rest.length;
    return { path: [...path, 0], mode: 'value', prefix: rest, replace: { start, end: wordEnd } };
  }
  const prefix = rest.replace(/^["']/, '');
  const start = offset - prefix.length;
  let end = wordEnd;
  // Replacing a whole key: through its colon when there is one.
  const after = text.slice(wordEnd, lineEnd);
  if (after.startsWith(':')) end = wordEnd + 1 + (after.slice(1).match(/^ */)?.[0].length ?? 0);
  return { path, mode: 'key', prefix, replace: { start, end }, map };
}
