/**
 * A Compose file parsed with the `yaml` package into a small tree of our own whose offsets are
 * exact UTF-16 offsets into the text.
 *
 * Parsing is by chunk: every top-level entry, and every service under a block `services:`, is
 * parsed on its own and cached by its text, so an edit re-parses only the entry it touches. The
 * `yaml` parser takes tens of milliseconds for a 1,000-line file; one service takes a fraction of
 * one. Files whose shape does not allow the split (a root that is not a block mapping, several
 * documents, directives) are parsed whole.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, Scalar, type Node as YamlNode } from 'yaml';
import type { Position, Range } from 'vscode-languageserver-types';
import { computeLineStarts, editorLineStarts } from '../dockerfile/parser';
import { offsetAt, positionAt, rangeOf, type Span } from '../dockerfile/model';

export type { Span };

interface NodeBase {
  start: number;
  end: number;
  /** `&name` on this node. */
  anchor?: string;
}

/** A scalar: string, number, boolean or null (an empty value is a null scalar of length 0). */
export interface ScalarNode extends NodeBase {
  kind: 'scalar';
  value: string | number | boolean | null;
  /** The scalar was quoted, so it is a string whatever it looks like. */
  quoted: boolean;
  /** `|` or `>`: its source spans several lines. */
  block: boolean;
}

/** A `key: value` entry of a mapping. */
export interface PairNode {
  key: ScalarNode | MapNode | SeqNode | AliasNode | null;
  /** The key as a string: what Compose sees. */
  name: string;
  value: Node | null;
  start: number;
  end: number;
}

/** A mapping, block or flow (`{…}`). */
export interface MapNode extends NodeBase {
  kind: 'map';
  pairs: PairNode[];
  flow: boolean;
}

/** A list, block (`- …`) or flow (`[…]`). */
export interface SeqNode extends NodeBase {
  kind: 'seq';
  items: (Node | null)[];
  flow: boolean;
}

/** `*name`: stands for the last node anchored `&name` before it. */
export interface AliasNode extends NodeBase {
  kind: 'alias';
  name: string;
}

/** Any node of the tree; offsets are UTF-16 offsets into the document's text. */
export type Node = ScalarNode | MapNode | SeqNode | AliasNode;

/** A YAML syntax error or duplicate key, with where it is. */
export interface YamlProblem {
  message: string;
  span: Span;
}

/** One separately parsed piece of the text. */
interface Chunk {
  text: string;
  start: number;
  /** The parsed piece, offsets relative to the piece: kept so a moved piece is converted again, not parsed. */
  contents: YamlNode | null;
  yamlErrors: { message: string; code: string; pos: [number, number] }[];
  /** The converted tree, offsets absolute for `start`. */
  pairs: PairNode[];
  /** The root of the piece when it is not a mapping (a whole-file parse, or text being typed). */
  other: Node | null;
  problems: YamlProblem[];
  anchors: { name: string; node: Node }[];
  /** A service under `services:` rather than a top-level entry. */
  service: boolean;
}

/** One parsed Compose file. */
export interface ComposeDocument {
  text: string;
  /** Offsets of line starts as editors count lines. */
  lineStarts: number[];
  /** The top-level mapping: `services`, `networks`, `x-…` and the rest, in source order. */
  root: MapNode | null;
  /** The root node when it is not a mapping (a list, a scalar): a schema error, not a model. */
  rootOther: Node | null;
  /** YAML syntax errors and duplicate keys. */
  problems: YamlProblem[];
  /** Every `&anchor` in source order. */
  anchors: { name: string; node: Node }[];
  /** @internal chunks for the next parse to reuse. */
  readonly chunks: readonly Chunk[];
}

const TOP_KEY = /^[^\s#\-[{?%]/;

/**
 * Parses a Compose file. Pass the document's previous parse to reuse the pieces an edit left as
 * they were: they move into the new parse (their offsets are shifted in place), so `previous`
 * must not be used afterwards. ComposeWorkspace.document keeps one such chain per file.
 */
export function parseCompose(text: string, previous?: ComposeDocument): ComposeDocument {
  if (!previous || previous.chunks.length === 0) {
    const lineStarts = editorLineStarts(text, computeLineStarts(text));
    return assemble(
      text,
      lineStarts,
      split(text, lineStarts).map((p) => parseChunk(pieceText(text, p), p.start, p.service)),
    );
  }
  // Pieces wholly before the first changed character, or wholly in the unchanged tail, are the
  // previous parse's pieces at the same place (or moved by the edit's length): found by offset,
  // without comparing their text. The rest are looked up by text (a piece moved as a whole) or parsed.
  const old = previous.text;
  const head = commonHead(old, text);
  const tail = commonTail(old, text, Math.min(old.length, text.length) - head);
  const delta = text.length - old.length;
  const lineStarts =
    old.includes('\r') || text.includes('\r')
      ? editorLineStarts(text, computeLineStarts(text))
      : lineStartsAfterEdit(previous.lineStarts, old, text, head, tail);
  const pieces = split(text, lineStarts);
  const byStart = new Map<number, Chunk>();
  for (const chunk of previous.chunks) byStart.set(chunk.start, chunk);
  const used = new Set<Chunk>();
  let byText: Map<string, Chunk[]> | undefined;
  const chunks = pieces.map((p) => {
    const length = p.end - p.start;
    const before = p.end <= head ? byStart.get(p.start) : undefined;
    const after = p.start >= text.length - tail ? byStart.get(p.start - delta) : undefined;
    const same = before ?? after;
    if (same && same.text.length === length && same.service === p.service && !used.has(same)) {
      used.add(same);
      return same.start === p.start ? same : shift(same, p.start);
    }
    const piece = pieceText(text, p);
    if (!byText) {
      byText = new Map();
      for (const chunk of previous.chunks) {
        const list = byText.get(chunk.text);
        if (list) list.push(chunk);
        else byText.set(chunk.text, [chunk]);
      }
    }
    const moved = byText.get(piece)?.find((c) => !used.has(c) && c.service === p.service);
    if (moved) {
      used.add(moved);
      return moved.start === p.start ? moved : shift(moved, p.start);
    }
    return parseChunk(piece, p.start, p.service);
  });
  return assemble(text, lineStarts, chunks);
}

/** Compared a block at a time (native string equality), then character by character. */
const BLOCK = 256;

/** How many characters two texts start with alike. */
function commonHead(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let at = 0;
  while (at + BLOCK <= max && a.slice(at, at + BLOCK) === b.slice(at, at + BLOCK)) at += BLOCK;
  while (at < max && a.charCodeAt(at) === b.charCodeAt(at)) at++;
  return at;
}

/** How many characters, at most `max`, two texts end with alike. */
function commonTail(a: string, b: string, max: number): number {
  let n = 0;
  while (n + BLOCK <= max && a.slice(a.length - n - BLOCK, a.length - n) === b.slice(b.length - n - BLOCK, b.length - n)) n += BLOCK;
  while (n < max && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

/**
 * Line starts after an edit (texts without `\r`): the previous starts in the unchanged head, the
 * newlines of the changed middle, the previous starts of the unchanged tail moved by the edit's length.
 */
function lineStartsAfterEdit(previous: readonly number[], old: string, text: string, head: number, tail: number): number[] {
  const out: number[] = [];
  let k = 0;
  while (k < previous.length && previous[k] <= head) out.push(previous[k++]);
  const middleEnd = text.length - tail;
  for (let at = text.indexOf('\n', head); at >= 0 && at < middleEnd; at = text.indexOf('\n', at + 1)) out.push(at + 1);
  // A start after the old text's tail begins came from a newline in the unchanged tail.
  const tailStart = old.length - tail;
  let lo = k;
  let hi = previous.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (previous[mid] <= tailStart) lo = mid + 1;
    else hi = mid;
  }
  const delta = text.length - old.length;
  for (let j = lo; j < previous.length; j++) out.push(previous[j] + delta);
  return out;
}

function pieceText(text: string, piece: Piece): string {
  return piece.start === 0 && piece.end === text.length ? text : text.slice(piece.start, piece.end);
}

interface Piece {
  start: number;
  end: number;
  service: boolean;
}

/** Splits at top-level keys and at the keys of a block `services:`; one piece when the shape is unusual. */
function split(text: string, lineStarts: number[]): Piece[] {
  const whole = [{ start: 0, end: text.length, service: false }];
  const starts: { offset: number; service: boolean }[] = [];
  let servicesIndent = -1;
  let inServices = false;
  for (let line = 0; line < lineStarts.length; line++) {
    const at = lineStarts[line];
    const end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length;
    const c = text.charCodeAt(at);
    if (at >= text.length) break;
    if (c === 0x2d /* - */ || c === 0x2e /* . */ || c === 0x25 /* % */) {
      const lineText = text.slice(at, end);
      if (/^(?:---|\.\.\.)(?:\s|$)/.test(lineText) || c === 0x25) {
        // A document marker: only a leading `---` keeps the split possible.
        if (starts.length === 0 && lineText.startsWith('---') && /^---\s*(?:#.*)?$/.test(lineText.trimEnd())) continue;
        return whole;
      }
    }
    if (c === 0x20 /* space */) {
      if (!inServices) continue;
      let i = at;
      while (text.charCodeAt(i) === 0x20) i++;
      const ch = text[i];
      if (ch === undefined || ch === '\n' || ch === '\r' || ch === '#') continue;
      const indent = i - at;
      if (servicesIndent < 0) {
        if (ch === '-' || ch === '[' || ch === '{' || ch === '?') {
          inServices = false;
          continue;
        }
        servicesIndent = indent;
      }
      if (indent === servicesIndent && ch !== '-') starts.push({ offset: at, service: true });
      continue;
    }
    if (c === 0x0a || c === 0x0d || c === 0x23 /* # */ || c === 0x09) continue;
    if (!TOP_KEY.test(text[at])) return whole;
    starts.push({ offset: at, service: false });
    const lineText = text.slice(at, end);
    inServices = /^services\s*:\s*(?:#.*)?$/.test(lineText.trimEnd());
    servicesIndent = -1;
  }
  if (starts.length === 0) return whole;
  const pieces: Piece[] = [];
  if (starts[0].offset > 0) pieces.push({ start: 0, end: starts[0].offset, service: false });
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i].offset;
    const end = i + 1 < starts.length ? starts[i + 1].offset : text.length;
    pieces.push({ start, end, service: starts[i].service });
  }
  return pieces;
}

function parseChunk(text: string, start: number, service: boolean): Chunk {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: false });
  const yamlErrors = doc.errors.map((e) => ({ message: e.message, code: e.code, pos: e.pos }));
  return convert({ text, start, contents: doc.contents, yamlErrors, pairs: [], other: null, problems: [], anchors: [], service }, start);
}

/** The chunk's tree with offsets for `start`; the parse is shared with `from`. */
function convert(from: Chunk, start: number): Chunk {
  const anchors: { name: string; node: Node }[] = [];
  const problems = from.yamlErrors.map((e) => {
    let end = e.pos[1];
    // A duplicate key is reported at its first character: cover the key.
    if (e.code === 'DUPLICATE_KEY') while (end < from.text.length && !/[\s:]/.test(from.text[end])) end++;
    return { message: firstLine(e.message), span: { start: e.pos[0] + start, end: end + start } };
  });
  const contents = from.contents;
  let pairs: PairNode[] = [];
  let other: Node | null = null;
  if (contents) {
    const root = toNode(contents, start, anchors);
    if (root.kind === 'map' && !root.flow) pairs = root.pairs;
    // An empty document (a lone `---`) is nothing, not a value.
    else if (!(root.kind === 'scalar' && root.value === null && root.start === root.end)) other = root;
  }
  return { ...from, start, pairs, other, problems, anchors };
}

/** Moves a chunk's tree to a new start, in place: cheaper than converting it again, and no garbage. */
function shift(chunk: Chunk, start: number): Chunk {
  const delta = start - chunk.start;
  const move = (node: Node | null) => {
    if (!node) return;
    node.start += delta;
    node.end += delta;
    if (node.kind === 'map') {
      for (const pair of node.pairs) {
        pair.start += delta;
        pair.end += delta;
        move(pair.key);
        move(pair.value);
      }
    } else if (node.kind === 'seq') for (const item of node.items) move(item);
  };
  for (const pair of chunk.pairs) {
    pair.start += delta;
    pair.end += delta;
    move(pair.key);
    move(pair.value);
  }
  move(chunk.other);
  for (const problem of chunk.problems) {
    problem.span.start += delta;
    problem.span.end += delta;
  }
  chunk.start = start;
  return chunk;
}

function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  return (nl >= 0 ? message.slice(0, nl) : message).replace(/ at line \d+, column \d+:?$/, '');
}

function toNode(node: YamlNode, delta: number, anchors: { name: string; node: Node }[]): Node {
  const range = node.range ?? [0, 0, 0];
  const start = range[0] + delta;
  const end = range[1] + delta;
  let out: Node;
  if (isScalar(node)) {
    const value = node.value;
    out = {
      kind: 'scalar',
      start,
      end,
      value: typeof value === 'bigint' ? Number(value) : (value as ScalarNode['value']),
      quoted: node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE,
      block: node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED,
    };
  } else if (isMap(node)) {
    const pairs: PairNode[] = [];
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = item.key ? toNode(item.key as YamlNode, delta, anchors) : null;
      const value = item.value ? toNode(item.value as YamlNode, delta, anchors) : null;
      const pairStart = key ? key.start : (value?.start ?? start);
      const pairEnd = value && value.end > pairStart ? value.end : (key?.end ?? pairStart);
      pairs.push({ key: key as PairNode['key'], name: keyName(key), value, start: pairStart, end: pairEnd });
    }
    out = { kind: 'map', start, end, pairs, flow: node.flow === true };
  } else if (isSeq(node)) {
    const items = node.items.map((item) => (item ? toNode(item as YamlNode, delta, anchors) : null));
    out = { kind: 'seq', start, end, items, flow: node.flow === true };
  } else if (isAlias(node)) {
    out = { kind: 'alias', start, end, name: node.source };
  } else {
    out = { kind: 'scalar', start, end, value: null, quoted: false, block: false };
  }
  const anchor = (node as { anchor?: string }).anchor;
  if (anchor) {
    out.anchor = anchor;
    anchors.push({ name: anchor, node: out });
  }
  return out;
}

function keyName(key: Node | null): string {
  if (!key) return '';
  if (key.kind === 'scalar') return key.value === null ? '' : String(key.value);
  if (key.kind === 'alias') return '*' + key.name;
  return '';
}

function assemble(text: string, lineStarts: number[], chunks: Chunk[]): ComposeDocument {
  const problems: YamlProblem[] = [];
  const anchors: { name: string; node: Node }[] = [];
  const pairs: PairNode[] = [];
  let rootOther: Node | null = null;
  let services: { header: PairNode; pairs: PairNode[] } | undefined;
  for (const chunk of chunks) {
    problems.push(...chunk.problems);
    anchors.push(...chunk.anchors);
    if (chunk.other) {
      if (chunks.length === 1) rootOther = chunk.other;
      else problems.push({ message: 'Expected a key followed by a colon here.', span: { start: chunk.other.start, end: chunk.other.end } });
    }
    if (chunk.service && services) {
      services.pairs.push(...chunk.pairs);
      continue;
    }
    for (const pair of chunk.pairs) {
      if (pair.name === 'services' && chunks.length > 1 && isEmpty(pair.value)) {
        services = { header: pair, pairs: [] };
        pairs.push(pair);
      } else pairs.push(pair);
    }
  }
  if (services && services.pairs.length > 0) {
    const first = services.pairs[0];
    const last = services.pairs[services.pairs.length - 1];
    const value: MapNode = { kind: 'map', start: first.start, end: last.end, pairs: services.pairs, flow: false };
    const index = pairs.indexOf(services.header);
    pairs[index] = { ...services.header, value, end: last.end };
    duplicateKeys(services.pairs, problems);
  }
  if (chunks.length > 1) duplicateKeys(pairs, problems);
  const root: MapNode | null =
    pairs.length > 0 ? { kind: 'map', start: pairs[0].start, end: pairs[pairs.length - 1].end, pairs, flow: false } : null;
  problems.sort((a, b) => a.span.start - b.span.start);
  return { text, lineStarts, root, rootOther, problems, anchors, chunks };
}

function isEmpty(node: Node | null): boolean {
  return node === null || (node.kind === 'scalar' && node.value === null && node.start === node.end);
}

/** Keys repeated across pieces, which each piece's own parse cannot see. */
function duplicateKeys(pairs: PairNode[], problems: YamlProblem[]): void {
  const seen = new Set<string>();
  for (const pair of pairs) {
    if (!pair.key) continue;
    if (seen.has(pair.name)) problems.push({ message: 'Map keys must be unique', span: { start: pair.key.start, end: pair.key.end } });
    seen.add(pair.name);
  }
}

/** The zero-based position of an offset. */
export function positionOf(doc: ComposeDocument, offset: number): Position {
  return positionAt(doc, offset);
}

/** The offset of a position, clamped into the text. */
export function offsetOf(doc: ComposeDocument, position: Position): number {
  return offsetAt(doc, position);
}

/** The LSP range of a span. */
export function rangeOfSpan(doc: ComposeDocument, span: Span): Range {
  return rangeOf(doc, span);
}

/**
 * @internal The separately parsed piece holding an offset, or undefined outside every piece. A
 * piece an edit leaves as it was keeps its identity and its `start` follows it, so an offset
 * kept relative to its piece stays right as edits above move it.
 */
export function pieceAt(doc: ComposeDocument, offset: number): { readonly start: number } | undefined {
  const { chunks } = doc;
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const chunk = chunks[mid];
    if (offset < chunk.start) hi = mid - 1;
    // An offset where one piece ends and the next starts is the next one's.
    else if (offset >= chunk.start + chunk.text.length && mid < chunks.length - 1) lo = mid + 1;
    else if (offset > chunk.start + chunk.text.length) return undefined;
    else return chunk;
  }
  return undefined;
}

/** @internal The pieces that anchor a node: what an alias or merge key anywhere may resolve to. */
export function anchorPieces(doc: ComposeDocument): readonly object[] {
  return doc.chunks.filter((c) => c.anchors.length > 0);
}
