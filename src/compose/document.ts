/**
 * A Compose file parsed with the `yaml` package into a small tree of our own whose offsets are
 * exact UTF-16 offsets into the text.
 *
 * Parsing is by chunk: every top-level entry, every service under a block `services:`, and every
 * key of a service whose header line is just its name, is parsed on its own and cached, so an edit
 * re-parses only the piece it touches. The `yaml` parser takes tens of milliseconds for a
 * 1,000-line file and ~0.2 ms for one 20-line service; one key's lines take a fraction of that. A
 * keystroke inside a line does not even split the text again (editWithinLine). Files whose shape
 * does not allow the split (a root that is not a block mapping, several documents, directives,
 * tabs or odd indentation where the split reads it) are parsed whole; a service one of whose key
 * pieces does not parse alone is parsed whole, so errors read as a whole-file parse reports them.
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
  yamlErrors: { message: string; code: string; pos: [number, number] }[];
  /** The converted tree, offsets absolute for `start`. */
  pairs: PairNode[];
  /** The root of the piece when it is not a mapping (a whole-file parse, or text being typed). */
  other: Node | null;
  problems: YamlProblem[];
  anchors: { name: string; node: Node }[];
  level: Level;
  /** Where the piece's root mapping ends, as a whole-file parse ends it (after its last value's line). */
  mapEnd: number;
  /** A service read whole because a key piece of it was broken: an edit may mend it, so it is split again. */
  mended?: boolean;
  /** On a service's header piece: the service's pair as last assembled from its key pieces. */
  assembled?: { parts: Chunk[]; pair: PairNode; duplicates: boolean };
}

/**
 * Where a piece sits: a top-level entry (0), a service under a block `services:` (1), or one key
 * of a service whose header line is just its name (2): typing in `image:` re-parses that line.
 */
type Level = 0 | 1 | 2;

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
    const chunks = split(text, lineStarts).map((p) => parseChunk(pieceText(text, p), p.start, p.level));
    return assemble(text, lineStarts, wholeWhereBroken(text, chunks, undefined));
  }
  // Pieces wholly before the first changed character, or wholly in the unchanged tail, are the
  // previous parse's pieces at the same place (or moved by the edit's length): found by offset,
  // without comparing their text. The rest are looked up by text (a piece moved as a whole) or parsed.
  const old = previous.text;
  const head = commonHead(old, text);
  const tail = commonTail(old, text, Math.min(old.length, text.length) - head);
  const delta = text.length - old.length;
  // A lone `\r` ends a line too: such texts are split and counted afresh.
  const returns = old.includes('\r') || text.includes('\r');
  const lineStarts = returns
    ? editorLineStarts(text, computeLineStarts(text))
    : lineStartsAfterEdit(previous.lineStarts, old, text, head, tail);
  const within = returns ? undefined : editWithinLine(previous, text, head, tail);
  if (within) return assemble(text, lineStarts, wholeWhereBroken(text, within, undefined));
  const pieces = split(text, lineStarts);
  const reuse = new Reuse(previous.chunks);
  const chunks = pieces.map((p) => {
    const length = p.end - p.start;
    const before = p.end <= head ? reuse.at(p.start) : undefined;
    const after = p.start >= text.length - tail ? reuse.at(p.start - delta) : undefined;
    const same = before ?? after;
    if (same && same.text.length === length && same.level === p.level && !reuse.used.has(same)) {
      reuse.used.add(same);
      return same.start === p.start ? same : shift(same, p.start);
    }
    const piece = pieceText(text, p);
    return reuse.moved(piece, p.level, p.start) ?? parseChunk(piece, p.start, p.level);
  });
  return assemble(text, lineStarts, wholeWhereBroken(text, chunks, reuse));
}

/**
 * The pieces after an edit that stays inside one line of one piece, after that line's first
 * character, or undefined for any other edit. Such an edit changes neither a line's indentation
 * nor its first character, which is all the split reads of a line that does not start a
 * top-level entry or a service: the pieces are the previous ones, the edited one parsed again and
 * those after it moved. A keystroke takes this way, without splitting the text again.
 */
function editWithinLine(previous: ComposeDocument, text: string, head: number, tail: number): Chunk[] | undefined {
  const old = previous.text;
  const oldEnd = old.length - tail;
  const newEnd = text.length - tail;
  for (let k = head; k < oldEnd; k++) if (old.charCodeAt(k) === 0x0a) return undefined;
  for (let k = head; k < newEnd; k++) if (text.charCodeAt(k) === 0x0a) return undefined;
  const lineStart = old.lastIndexOf('\n', head - 1) + 1;
  if (old.charCodeAt(lineStart) !== 0x20) return undefined;
  let first = lineStart;
  while (old.charCodeAt(first) === 0x20) first++;
  if (first >= head) return undefined;
  const chunks = previous.chunks;
  let index = -1;
  for (let lo = 0, hi = chunks.length - 1; lo <= hi; ) {
    const mid = (lo + hi) >> 1;
    if (chunks[mid].start <= lineStart) {
      index = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const chunk = chunks[index];
  if (!chunk || chunk.mended || oldEnd > chunk.start + chunk.text.length || (lineStart === chunk.start && chunk.level !== 2)) {
    return undefined;
  }
  const delta = text.length - old.length;
  const out = chunks.slice();
  out[index] = parseChunk(text.slice(chunk.start, chunk.start + chunk.text.length + delta), chunk.start, chunk.level);
  if (delta !== 0) for (let k = index + 1; k < out.length; k++) shift(out[k], out[k].start + delta);
  return out;
}

/** The previous parse's pieces, found by where they started or by their text, each used once. */
class Reuse {
  readonly used = new Set<Chunk>();
  private byText: Map<string, Chunk[]> | undefined;

  constructor(private readonly chunks: readonly Chunk[]) {}

  /** The piece that started at `offset` (pieces are in order: a binary search, no map to build per edit). */
  at(offset: number): Chunk | undefined {
    const { chunks } = this;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const start = chunks[mid].start;
      if (start === offset) return chunks[mid];
      if (start < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** An unused piece with this text and level, moved to `start`. */
  moved(text: string, level: Level, start: number): Chunk | undefined {
    if (!this.byText) {
      this.byText = new Map();
      for (const chunk of this.chunks) {
        const list = this.byText.get(chunk.text);
        if (list) list.push(chunk);
        else this.byText.set(chunk.text, [chunk]);
      }
    }
    const found = this.byText.get(text)?.find((c) => !this.used.has(c) && c.level === level);
    if (!found) return undefined;
    this.used.add(found);
    return found.start === start ? found : shift(found, start);
  }
}

/**
 * A service split into key pieces is parsed whole again when a piece of it has a syntax error
 * or is not a plain mapping: the error then reads as a whole-file parse reports it, and text
 * that only reads right in context (a flow list continued at the key's indent) is read in context.
 */
function wholeWhereBroken(text: string, chunks: Chunk[], reuse: Reuse | undefined): Chunk[] {
  let out: Chunk[] | undefined;
  for (let i = 0; i < chunks.length; i++) {
    const header = chunks[i];
    if (header.level !== 1 || chunks[i + 1]?.level !== 2) {
      out?.push(header);
      continue;
    }
    let end = i + 1;
    let broken = !isBareHeader(header);
    while (end < chunks.length && chunks[end].level === 2) {
      const key = chunks[end++];
      if (key.yamlErrors.length > 0 || key.other !== null || key.pairs.length === 0) broken = true;
    }
    if (!broken) {
      out?.push(...chunks.slice(i, end));
    } else {
      out ??= chunks.slice(0, i);
      const last = chunks[end - 1];
      const whole = text.slice(header.start, last.start + last.text.length);
      const chunk = reuse?.moved(whole, 1, header.start) ?? parseChunk(whole, header.start, 1);
      chunk.mended = true;
      out.push(chunk);
    }
    i = end - 1;
  }
  return out ?? chunks;
}

/** A service's header piece that holds its name and nothing else: the key pieces after it are its mapping. */
function isBareHeader(chunk: Chunk): boolean {
  return chunk.yamlErrors.length === 0 && chunk.other === null && chunk.pairs.length === 1 && isEmpty(chunk.pairs[0].value);
}

/** Compared a block at a time (native string equality), then character by character. */
const BLOCK = 64;

/** How many characters two texts start with alike. */
function commonHead(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let at = 0;
  // Blocks that double while they match, then halve: a few comparisons of long slices, not one per block.
  let size = BLOCK;
  while (at + size <= max && a.slice(at, at + size) === b.slice(at, at + size)) {
    at += size;
    size *= 2;
  }
  for (size >>= 1; size >= BLOCK; size >>= 1) if (at + size <= max && a.slice(at, at + size) === b.slice(at, at + size)) at += size;
  while (at < max && a.charCodeAt(at) === b.charCodeAt(at)) at++;
  return at;
}

/** How many characters, at most `max`, two texts end with alike. */
function commonTail(a: string, b: string, max: number): number {
  const same = (n: number, size: number) => a.slice(a.length - n - size, a.length - n) === b.slice(b.length - n - size, b.length - n);
  let n = 0;
  let size = BLOCK;
  while (n + size <= max && same(n, size)) {
    n += size;
    size *= 2;
  }
  for (size >>= 1; size >= BLOCK; size >>= 1) if (n + size <= max && same(n, size)) n += size;
  while (n < max && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

/**
 * Line starts after an edit (texts without `\r`): the previous starts in the unchanged head, the
 * newlines of the changed middle, the previous starts of the unchanged tail moved by the edit's length.
 */
function lineStartsAfterEdit(previous: number[], old: string, text: string, head: number, tail: number): number[] {
  let k = 0;
  while (k < previous.length && previous[k] <= head) k++;
  const middleEnd = text.length - tail;
  let middle = 0;
  for (let at = text.indexOf('\n', head); at >= 0 && at < middleEnd; at = text.indexOf('\n', at + 1)) middle++;
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
  if (middle === lo - k) {
    // As many lines as before (a keystroke inside a line): the previous parse's starts are
    // brought up to date in place, as its pieces are; it is not used again.
    for (let at = text.indexOf('\n', head), j = k; at >= 0 && at < middleEnd; at = text.indexOf('\n', at + 1)) previous[j++] = at + 1;
    for (let j = lo; j < previous.length; j++) previous[j] += delta;
    return previous;
  }
  // Sized once: a keystroke in a long file makes no garbage growing it.
  const out = new Array<number>(k + middle + previous.length - lo);
  let n = 0;
  for (let j = 0; j < k; j++) out[n++] = previous[j];
  for (let at = text.indexOf('\n', head); at >= 0 && at < middleEnd; at = text.indexOf('\n', at + 1)) out[n++] = at + 1;
  for (let j = lo; j < previous.length; j++) out[n++] = previous[j] + delta;
  return out;
}

function pieceText(text: string, piece: Piece): string {
  return piece.start === 0 && piece.end === text.length ? text : text.slice(piece.start, piece.end);
}

interface Piece {
  start: number;
  end: number;
  level: Level;
}

/**
 * Splits at top-level keys, at the keys of a block `services:`, and at the keys of each service
 * whose header line is just its name; one piece when the shape is unusual.
 */
function split(text: string, lineStarts: number[]): Piece[] {
  const whole: Piece[] = [{ start: 0, end: text.length, level: 0 }];
  const starts: { offset: number; level: Level }[] = [];
  let servicesIndent = -1;
  let inServices = false;
  // The service being read: where its key starts go until it ends, and whether it may be split.
  let keys: number[] = [];
  let keyIndent = -1;
  let splittable = false;
  const endService = () => {
    if (splittable) for (const offset of keys) starts.push({ offset, level: 2 });
    keys = [];
    splittable = false;
  };
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
      if (!inServices && starts.length > 0) continue;
      let i = at;
      while (text.charCodeAt(i) === 0x20) i++;
      const ch = text.charCodeAt(i);
      if (Number.isNaN(ch) || ch === 0x0a || ch === 0x0d || ch === 0x23 /* # */) continue;
      // A tab where indentation is read: what it means depends on the lines around it.
      if (ch === 0x09) return whole;
      // Content before the first top-level key: an indented root, which only a whole parse reads right.
      if (starts.length === 0) return whole;
      const indent = i - at;
      if (servicesIndent < 0) {
        if (ch === 0x2d /* - */ || ch === 0x5b /* [ */ || ch === 0x7b /* { */ || ch === 0x3f /* ? */) {
          inServices = false;
          continue;
        }
        servicesIndent = indent;
      }
      // Less indented than the services: only a whole-file parse reads it as YAML does.
      if (indent < servicesIndent) return whole;
      if (indent === servicesIndent && ch !== 0x2d) {
        endService();
        starts.push({ offset: at, level: 1 });
        splittable = isBareKeyLine(text, i, end);
        keyIndent = -1;
      } else if (splittable && indent > servicesIndent) {
        if (keyIndent < 0) keyIndent = indent;
        if (indent < keyIndent) splittable = false;
        else if (indent === keyIndent) {
          // A list, a flow collection or a complex key where the keys should be: read the service whole.
          if (ch === 0x5b || ch === 0x7b || ch === 0x3f || ch === 0x3a /* : */ || (ch === 0x2d && keys.length === 0)) splittable = false;
          else if (ch !== 0x2d) keys.push(at);
        }
      }
      continue;
    }
    if (c === 0x09) return whole;
    if (c === 0x0a || c === 0x0d || c === 0x23 /* # */) continue;
    endService();
    if (!TOP_KEY.test(text[at])) return whole;
    starts.push({ offset: at, level: 0 });
    const lineText = text.slice(at, end);
    inServices = /^services\s*:\s*(?:#.*)?$/.test(lineText.trimEnd());
    servicesIndent = -1;
  }
  endService();
  if (starts.length === 0) return whole;
  const pieces: Piece[] = [];
  if (starts[0].offset > 0) pieces.push({ start: 0, end: starts[0].offset, level: 0 });
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i].offset;
    const end = i + 1 < starts.length ? starts[i + 1].offset : text.length;
    pieces.push({ start, end, level: starts[i].level });
  }
  return pieces;
}

/** Whether the line from `at` to `end` is a plain key and its colon, perhaps with a comment after. */
function isBareKeyLine(text: string, at: number, end: number): boolean {
  const line = text.slice(at, end).trimEnd();
  return /^[^\s#&*!|>'"%@`{}[\],?:-][^#]*:(?:\s+#.*)?$/.test(line) && !/:\s/.test(line.replace(/:(?:\s+#.*)?$/, ''));
}

/**
 * One `key: value` line, both plain and both strings whatever the schema: what a keystroke in a
 * service key's value mostly leaves. The value's first character rules out numbers, `.inf`, `~`
 * and every indicator; its others rule out comments, flow collections and `: `.
 */
const SIMPLE_LINE = /^( +)([A-Za-z_][A-Za-z0-9_-]*): +([A-Za-z_/][A-Za-z0-9._/:@+=-]*)\n?$/;
const RESOLVED_WORD = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;

/**
 * The piece of a simple line, built as the yaml package would build it: most keystrokes re-parse
 * one such line, and the package's lexer, parser and composer cost a hundred times this.
 */
function simpleChunk(text: string, start: number, level: Level): Chunk | undefined {
  const m = SIMPLE_LINE.exec(text);
  if (!m) return undefined;
  const [, indent, name, value] = m;
  if (value.endsWith(':') || RESOLVED_WORD.test(name) || RESOLVED_WORD.test(value)) return undefined;
  const keyStart = start + indent.length;
  const key: ScalarNode = { kind: 'scalar', start: keyStart, end: keyStart + name.length, value: name, quoted: false, block: false };
  const valueStart = start + text.indexOf(value, indent.length + name.length + 1);
  const scalar: ScalarNode = { kind: 'scalar', start: valueStart, end: valueStart + value.length, value, quoted: false, block: false };
  const pair: PairNode = { key, name, value: scalar, start: key.start, end: scalar.end };
  return { text, start, yamlErrors: [], pairs: [pair], other: null, problems: [], anchors: [], level, mapEnd: start + text.length };
}

/** Parses one piece into our tree, offsets absolute for `start`; the yaml package's tree is not kept. */
function parseChunk(text: string, start: number, level: Level): Chunk {
  const simple = simpleChunk(text, start, level);
  if (simple) return simple;
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: false });
  const yamlErrors = doc.errors.map((e) => ({ message: e.message, code: e.code, pos: e.pos }));
  const anchors: { name: string; node: Node }[] = [];
  const problems = yamlErrors.map((e) => {
    let end = e.pos[1];
    // A duplicate key is reported at its first character: cover the key.
    if (e.code === 'DUPLICATE_KEY') while (end < text.length && !/[\s:]/.test(text[end])) end++;
    return { message: firstLine(e.message), span: { start: e.pos[0] + start, end: end + start } };
  });
  let pairs: PairNode[] = [];
  let other: Node | null = null;
  let mapEnd = start + text.length;
  if (doc.contents) {
    const root = toNode(doc.contents, start, anchors);
    if (root.kind === 'map' && !root.flow) {
      pairs = root.pairs;
      mapEnd = root.end;
    }
    // An empty document (a lone `---`) is nothing, not a value.
    else if (!(root.kind === 'scalar' && root.value === null && root.start === root.end)) other = root;
  }
  return { text, start, yamlErrors, pairs, other, problems, anchors, level, mapEnd };
}

/** Moves a chunk's tree to a new start, in place: cheaper than converting it again, and no garbage. */
function shift(chunk: Chunk, start: number): Chunk {
  const delta = start - chunk.start;
  for (const pair of chunk.pairs) {
    pair.start += delta;
    pair.end += delta;
    moveNode(pair.key, delta);
    moveNode(pair.value, delta);
  }
  moveNode(chunk.other, delta);
  for (const problem of chunk.problems) {
    problem.span.start += delta;
    problem.span.end += delta;
  }
  chunk.start = start;
  chunk.mapEnd += delta;
  return chunk;
}

function moveNode(node: Node | null, delta: number): void {
  if (!node) return;
  node.start += delta;
  node.end += delta;
  if (node.kind === 'map') {
    for (const pair of node.pairs) {
      pair.start += delta;
      pair.end += delta;
      moveNode(pair.key, delta);
      moveNode(pair.value, delta);
    }
  } else if (node.kind === 'seq') for (const item of node.items) moveNode(item, delta);
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
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i];
    if (chunk.problems.length > 0) problems.push(...chunk.problems);
    if (chunk.anchors.length > 0) anchors.push(...chunk.anchors);
    if (chunk.other) {
      if (chunks.length === 1) rootOther = chunk.other;
      else problems.push({ message: 'Expected a key followed by a colon here.', span: { start: chunk.other.start, end: chunk.other.end } });
    }
    if (chunk.level > 0 && services) {
      // A header piece followed by its key pieces is one service (wholeWhereBroken made sure it is whole).
      let end = i + 1;
      while (end < chunks.length && chunks[end].level === 2) end++;
      if (chunk.level === 1 && end > i + 1) {
        for (let k = i + 1; k < end; k++) {
          const part = chunks[k];
          if (part.problems.length > 0) problems.push(...part.problems);
          if (part.anchors.length > 0) anchors.push(...part.anchors);
        }
        services.pairs.push(serviceOf(chunk, chunks, i + 1, end, problems));
        i = end - 1;
      } else services.pairs.push(...chunk.pairs);
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

/**
 * A service's pair from its header piece and key pieces. The same pieces give the same pair
 * object, its offsets brought up to date: what each service's kept findings are keyed by.
 */
function serviceOf(header: Chunk, chunks: readonly Chunk[], from: number, to: number, problems: YamlProblem[]): PairNode {
  const name = header.pairs[0];
  const first = chunks[from].pairs[0];
  const last = chunks[to - 1];
  const kept = header.assembled;
  if (kept && samePieces(kept.parts, chunks, from, to)) {
    const { pair } = kept;
    const value = pair.value as MapNode;
    pair.start = name.start;
    value.start = first.start;
    value.end = last.mapEnd;
    pair.end = last.mapEnd;
    if (kept.duplicates) duplicateKeys(value.pairs, problems);
    return pair;
  }
  const parts = chunks.slice(from, to);
  const keyPairs: PairNode[] = [];
  for (const part of parts) keyPairs.push(...part.pairs);
  const value: MapNode = { kind: 'map', start: first.start, end: last.mapEnd, pairs: keyPairs, flow: false };
  const pair = { ...name, value, end: last.mapEnd };
  header.assembled = { parts, pair, duplicates: duplicateKeys(keyPairs, problems) };
  return pair;
}

/** Whether `parts` are the pieces `chunks[from..to)`, by identity. */
function samePieces(parts: readonly Chunk[], chunks: readonly Chunk[], from: number, to: number): boolean {
  if (parts.length !== to - from) return false;
  for (let k = 0; k < parts.length; k++) if (parts[k] !== chunks[from + k]) return false;
  return true;
}

function isEmpty(node: Node | null): boolean {
  return node === null || (node.kind === 'scalar' && node.value === null && node.start === node.end);
}

/** Keys repeated across pieces, which each piece's own parse cannot see; whether there were any. */
function duplicateKeys(pairs: PairNode[], problems: YamlProblem[]): boolean {
  let found = false;
  const report = (pair: PairNode) => {
    found = true;
    problems.push({ message: 'Map keys must be unique', span: { start: pair.key!.start, end: pair.key!.end } });
  };
  // A service's dozen keys are compared pairwise: no set to build on every keystroke.
  if (pairs.length <= 16) {
    for (let i = 1; i < pairs.length; i++) {
      const pair = pairs[i];
      if (!pair.key) continue;
      for (let j = 0; j < i; j++) {
        if (pairs[j].key && pairs[j].name === pair.name) {
          report(pair);
          break;
        }
      }
    }
    return found;
  }
  const seen = new Set<string>();
  for (const pair of pairs) {
    if (!pair.key) continue;
    if (seen.has(pair.name)) report(pair);
    seen.add(pair.name);
  }
  return found;
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
  let pieces = anchored.get(doc);
  if (!pieces) anchored.set(doc, (pieces = doc.chunks.filter((c) => c.anchors.length > 0)));
  return pieces;
}

const anchored = new WeakMap<ComposeDocument, readonly object[]>();
