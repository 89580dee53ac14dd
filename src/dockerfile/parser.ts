/**
 * A Dockerfile parser that follows BuildKit's reading of the file: parser directives,
 * continuation lines with the active escape character (blank and comment lines inside
 * them skipped), heredocs, flags, exec form and ONBUILD triggers. It never throws and
 * walks the text once, so its cost is linear in the file's size.
 */
import type { Comment, Dockerfile, Flag, Heredoc, Instruction, ParserDirective, Span, Stage, Word } from './model';

/** Instructions whose arguments BuildKit scans for heredocs. */
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const HEREDOC_WORD = /^\d*<<(-?)([^<]*)$/; // `*`, not `+`: `<<-` alone must not read `-` as the delimiter

/**
 * An instruction's text with continuations joined. `map` pairs offsets in `text` with
 * offsets in the source: each entry starts a run where both advance together. A single
 * line, most instructions, needs no map: it is one run from `base`.
 */
interface Logical {
  text: string;
  map: number[] | undefined; // [logicalStart0, sourceStart0, logicalStart1, sourceStart1, ...]
  base: number;
  /** The run the last lookup landed in: lookups mostly move forward, so walking from here keeps them linear. */
  cursor: number;
}

function toSource(logical: Logical, at: number): number {
  const map = logical.map;
  if (!map) return logical.base + at;
  let k = logical.cursor;
  while (k + 2 < map.length && map[k + 2] <= at) k += 2;
  while (k > 0 && map[k] > at) k -= 2;
  logical.cursor = k;
  return map[k + 1] + (at - map[k]);
}

/** Source span of the logical slice [from, to), moved by `delta`; the end maps onto the last character. */
function spanOf(logical: Logical, from: number, to: number, delta = 0): Span {
  const start = toSource(logical, from) + delta;
  const end = to > from ? toSource(logical, to - 1) + 1 + delta : start;
  return { start, end };
}

/** Blanks that separate words on a line, as BuildKit's [\t\v\f\r ] does. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

export function parse(text: string): Dockerfile {
  const lineStarts = computeLineStarts(text);
  const { directives, comments, escape, line } = readDirectives(text, lineStarts);
  const walk: Walk = { text, lineStarts, escapeCode: escape.charCodeAt(0), comments, instructions: [] };
  walkLines(walk, line);
  return assemble(text, escape, directives, comments, walk.instructions, editorLineStarts(text, lineStarts));
}

/** End of a line without its newline; BuildKit trims every trailing \r. */
function lineEnd(text: string, lineStarts: number[], line: number): number {
  const start = lineStarts[line];
  let end = line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : text.length;
  while (end > start && text.charCodeAt(end - 1) === 13) end--;
  return end;
}

/**
 * `text.slice(from, to)` in storage of its own. V8 makes a longer slice a view that keeps the
 * whole string alive, and models share unchanged instructions and comments with the models
 * after them (incremental.ts): a kept view of each edit's text held every version of the
 * document the session had typed (60 copies of a 3,000-line file in the server after 200
 * edits). Concatenating first makes V8 copy the slice into a string of its own.
 */
function ownSlice(text: string, from: number, to: number): string {
  return ` ${text.slice(from, to)}`.slice(1);
}

/**
 * Parser directives: only at the very top, before any blank line, comment or instruction.
 * `line` is where the instructions' walk begins: the first line that is not a directive.
 */
export function readDirectives(
  text: string,
  lineStarts: number[],
): { directives: ParserDirective[]; comments: Comment[]; escape: string; line: number } {
  const directives: ParserDirective[] = [];
  const comments: Comment[] = [];
  let escape = '\\';
  const seen = new Set<string>();
  let line = 0;
  for (; line < lineStarts.length; line++) {
    let start = lineStarts[line];
    const end = lineEnd(text, lineStarts, line);
    if (line === 0 && text.charCodeAt(0) === 0xfeff) start++;
    while (start < end && isUnicodeSpace(text.charCodeAt(start))) start++;
    const directive = readDirective(text, start, end);
    // BuildKit stops looking at the first line that is not a known directive, and
    // rejects a repeated one; either way it is an ordinary comment from there on.
    if (!directive || seen.has(directive.name)) break;
    seen.add(directive.name);
    directives.push(directive);
    comments.push({ text: ownSlice(text, start + 1, end), span: { start, end } });
    if (directive.name === 'escape' && (directive.value === '`' || directive.value === '\\')) escape = directive.value;
  }
  return { directives, comments, escape, line };
}

/** The walk over the lines after the directives: what it reads and what it has found so far. */
export interface Walk {
  text: string;
  /** Line starts as BuildKit splits lines: on `\n` only. */
  lineStarts: number[];
  escapeCode: number;
  comments: Comment[];
  instructions: Instruction[];
}

/**
 * Reads blank lines, comments and instructions from `line` on, appending to `walk`. Each
 * line where an instruction starts is one where the parser holds no state, so it is offered
 * to `resync` first: when that accepts it, the walk stops there and returns the line.
 * Otherwise it reads to the end and returns the line count.
 */
export function walkLines(walk: Walk, line: number, resync?: (line: number) => boolean): number {
  const { text, lineStarts, escapeCode, comments, instructions } = walk;
  const lineCount = lineStarts.length;

  /**
   * Where a line's continuation escape sits, or -1. Like BuildKit, an escape that is
   * itself escaped (`\\\\` at the end) continues nothing.
   */
  const continuationAt = (start: number, end: number): number => {
    let k = end;
    while (k > start && (text.charCodeAt(k - 1) === 32 || text.charCodeAt(k - 1) === 9)) k--;
    if (k === start || text.charCodeAt(k - 1) !== escapeCode) return -1;
    return k - 1 === start || text.charCodeAt(k - 2) !== escapeCode ? k - 1 : -1;
  };

  while (line < lineCount) {
    const ls = lineStarts[line];
    const le = lineEnd(text, lineStarts, line);
    let first = ls;
    // A byte-order mark counts only at the very start of the file, as in BuildKit.
    if (first === 0 && text.charCodeAt(0) === 0xfeff) first++;
    while (first < le && isUnicodeSpace(text.charCodeAt(first))) first++;
    if (first === le) {
      line++;
      continue;
    }
    if (text.charCodeAt(first) === 35 /* # */) {
      comments.push({ text: ownSlice(text, first + 1, le), span: { start: first, end: le } });
      line++;
      continue;
    }
    if (resync?.(line)) return line;

    // An instruction: gather its physical lines. Most are one line, which needs no arrays.
    let parts: string[] | undefined;
    let map: number[] | undefined;
    let logicalText = '';
    let logicalLength = 0;
    let segStart = first;
    let lastEnd: number;
    let cur = line;
    for (;;) {
      const curEnd = lineEnd(text, lineStarts, cur);
      const cont = continuationAt(segStart, curEnd);
      const segEnd = cont >= 0 ? cont : curEnd;
      const segment = text.slice(segStart, segEnd);
      if (cur === line) logicalText = segment;
      else {
        parts ??= [logicalText];
        parts.push(segment);
        map ??= [0, first];
        map.push(logicalLength, segStart);
      }
      logicalLength += segEnd - segStart;
      lastEnd = curEnd;
      cur++;
      if (cont < 0) break;
      // Skip blank and comment lines inside the continuation, as BuildKit does.
      let next = -1;
      while (cur < lineCount) {
        const s = lineStarts[cur];
        const e = lineEnd(text, lineStarts, cur);
        let f = s;
        while (f < e && isUnicodeSpace(text.charCodeAt(f))) f++;
        if (f === e) {
          cur++;
          continue;
        }
        if (text.charCodeAt(f) === 35) {
          comments.push({ text: ownSlice(text, f + 1, e), span: { start: f, end: e } });
          cur++;
          continue;
        }
        next = s;
        break;
      }
      if (next < 0) break;
      segStart = next;
    }
    // Every string the instruction keeps is sliced from this one, so it must not be a view into the document.
    const logical: Logical = { text: parts ? parts.join('') : ownSlice(logicalText, 0, logicalText.length), map, base: first, cursor: 0 };
    const instruction = parseInstruction(logical, 0, escapeCode, lastEnd);
    line = cur;

    // Heredoc bodies follow the instruction's last line, in the order they were opened.
    const opener = instruction.trigger ?? instruction;
    if (HEREDOC_KEYWORDS.has(opener.keyword) && opener.argsText.includes('<<')) {
      const pending = findHeredocs(opener);
      for (const doc of pending) {
        const bodyStart = line < lineCount ? lineStarts[line] : text.length;
        let closed: Span | undefined;
        let bodyEnd = text.length;
        while (line < lineCount) {
          const s = lineStarts[line];
          const e = lineEnd(text, lineStarts, line);
          let f = s;
          if (doc.stripTabs) while (f < e && text.charCodeAt(f) === 9) f++;
          if (e - f === doc.delimiter.length && text.startsWith(doc.delimiter, f)) {
            closed = { start: s, end: e };
            bodyEnd = s;
            line++;
            break;
          }
          line++;
        }
        const bodySpan = { start: bodyStart, end: closed ? bodyEnd : text.length };
        doc.bodySpan = bodySpan;
        doc.body = ownSlice(text, bodySpan.start, bodySpan.end);
        doc.closeSpan = closed;
        (instruction as ParsedInstruction).endAt(closed ? closed.end : text.length);
      }
      if (pending.length > 0) opener.heredocs = pending;
      if (opener !== instruction) (opener as ParsedInstruction).endAt(instruction.span.end);
    }
    instructions.push(instruction);
  }
  return lineCount;
}

const DIRECTIVE_NAMES = new Set(['syntax', 'escape', 'check']);

/** Go's unicode.IsSpace, which BuildKit trims lines with. */
function isUnicodeSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** RE2's `\s`, used around a directive's `=`. */
function isDirectiveSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 12 || c === 13 || c === 10;
}

/**
 * `# name = value` as BuildKit reads it (`^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`),
 * scanned by hand so that long lines stay linear. Only `syntax`, `escape` and `check` count.
 */
function readDirective(text: string, start: number, end: number): ParserDirective | undefined {
  if (start >= end || text.charCodeAt(start) !== 35 /* # */) return undefined;
  let i = start + 1;
  while (i < end && isUnicodeSpace(text.charCodeAt(i))) i++;
  const nameStart = i;
  const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (i >= end || !isLetter(text.charCodeAt(i))) return undefined;
  while (i < end && (isLetter(text.charCodeAt(i)) || (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57))) i++;
  const nameEnd = i;
  const name = text.slice(nameStart, nameEnd).toLowerCase();
  if (!DIRECTIVE_NAMES.has(name)) return undefined;
  while (i < end && isDirectiveSpace(text.charCodeAt(i))) i++;
  if (i >= end || text.charCodeAt(i) !== 61 /* = */) return undefined;
  const afterEq = ++i;
  while (i < end && isDirectiveSpace(text.charCodeAt(i))) i++;
  let valueEnd = end;
  while (valueEnd > i && isDirectiveSpace(text.charCodeAt(valueEnd - 1))) valueEnd--;
  let valueStart = i;
  if (valueStart === valueEnd) {
    // Only spaces after '=': RE2 backtracks and takes the last one as the value.
    if (afterEq === end) return undefined;
    valueStart = end - 1;
    valueEnd = end;
  }
  return {
    name,
    value: ownSlice(text, valueStart, valueEnd),
    span: { start, end },
    nameSpan: { start: nameStart, end: nameEnd },
    valueSpan: { start: valueStart, end: valueEnd },
  };
}

/**
 * Line starts as editors and LSP count them, where a lone `\r` also ends a line. BuildKit
 * splits only on `\n`, which is what parsing walks; the two differ only when a lone `\r`
 * is present, so usually the same array serves both.
 */
export function editorLineStarts(text: string, newlineStarts: number[]): number[] {
  let cr = text.indexOf('\r');
  while (cr >= 0 && text.charCodeAt(cr + 1) === 10) cr = text.indexOf('\r', cr + 1);
  if (cr < 0) return newlineStarts;
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Line starts as BuildKit splits lines: on `\n` only. */
export function computeLineStarts(text: string): number[] {
  // Counted first, so a long file's array is allocated once rather than grown by copying.
  let count = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  const starts = new Array<number>(count);
  starts[0] = 0;
  let line = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts[line++] = at + 1;
  return starts;
}

/** Reused for the word bounds of every instruction: only the words themselves are kept. */
const SCRATCH: number[] = [];

/** Each keyword as written in either case, to its one upper-case string shared by every instruction. */
const KEYWORDS = new Map(
  [
    'ADD',
    'ARG',
    'CMD',
    'COPY',
    'ENTRYPOINT',
    'ENV',
    'EXPOSE',
    'FROM',
    'HEALTHCHECK',
    'LABEL',
    'MAINTAINER',
    'ONBUILD',
    'RUN',
    'SHELL',
    'STOPSIGNAL',
    'USER',
    'VOLUME',
    'WORKDIR',
  ].flatMap(
    (k) =>
      [
        [k, k],
        [k.toLowerCase(), k],
      ] as const,
  ),
);

/** Shared by every instruction without flags or heredocs, so none allocates its own empty list. */
const NO_FLAGS: Flag[] = Object.freeze([]) as unknown as Flag[];
const NO_HEREDOCS: Heredoc[] = Object.freeze([]) as unknown as Heredoc[];

/**
 * An instruction whose argument words are split only when a feature asks for them: most
 * instructions are RUN lines whose rules read `argsText`, and re-linting on every keystroke
 * should not allocate a word and a span for each of their words.
 */
class ParsedInstruction implements Instruction {
  trigger: Instruction | undefined = undefined;
  stage = -1;
  heredocs: Heredoc[] = NO_HEREDOCS;
  private words: Word[] | undefined;
  private whole: Span | undefined;
  /** How far the instruction has moved since it was parsed: added to the source offsets of `map`. */
  private delta = 0;

  // The keyword and argument spans are kept as offsets and made on request: as objects for every
  // instruction they were a large share of a long file's model. `span`, read by every rule on
  // every lint, is made once and moved with the instruction.
  constructor(
    readonly keyword: string,
    private keywordStart: number,
    private keywordEnd: number,
    /** Where the instruction ends; it starts with its keyword. */
    private end: number,
    readonly flags: Flag[],
    readonly argsText: string,
    private argsFrom: number,
    private argsTo: number,
    readonly json: Instruction['json'],
    /** The logical line's map to the source, or its start when it is one line. */
    private map: number[] | number,
    /** Where `argsText` starts in the logical line. */
    private readonly argsStart: number,
    private readonly escapeCode: number,
  ) {}

  get keywordSpan(): Span {
    return { start: this.keywordStart, end: this.keywordEnd };
  }

  /** Made once and kept (see above); `shift` and `endAt` keep it right. */
  get span(): Span {
    return (this.whole ??= { start: this.keywordStart, end: this.end });
  }

  get argsSpan(): Span {
    return { start: this.argsFrom, end: this.argsTo };
  }

  /** For the parser: the instruction ends at `end`, past a heredoc's closing line. */
  endAt(end: number): void {
    this.end = end;
    this.whole = undefined;
  }

  get args(): Word[] {
    if (!this.words) {
      // The words all lie in argsText: only blanks were trimmed after the last one.
      const text = this.argsText;
      const from = this.argsStart;
      const logical: Logical =
        typeof this.map === 'number' ? { text, map: undefined, base: this.map, cursor: 0 } : { text, map: this.map, base: 0, cursor: 0 };
      // Bounds first, so the list the model keeps is allocated at its size rather than grown.
      const bounds = SCRATCH;
      bounds.length = 0;
      for (let i = 0; i < text.length; ) {
        while (i < text.length && isSpace(text.charCodeAt(i))) i++;
        if (i >= text.length) break;
        const start = i;
        i = wordEnd(text, i, this.escapeCode);
        bounds.push(start, i);
      }
      const words = new Array<Word>(bounds.length >> 1);
      for (let k = 0; k < bounds.length; k += 2) {
        words[k >> 1] = {
          value: text.slice(bounds[k], bounds[k + 1]),
          span: spanOf(logical, from + bounds[k], from + bounds[k + 1], this.delta),
        };
      }
      this.words = words;
      this.map = 0;
    }
    return this.words;
  }

  set args(words: Word[]) {
    this.words = words;
    this.map = 0;
  }

  /**
   * Moves this instruction `delta` characters later in the text, in place, for an edit before it.
   * Copies cost more than the rest of a keystroke's lint on a long file (every instruction after
   * an edit at the top, and the collections their garbage brings): the edit consumes the old
   * model instead, as `reparse` documents.
   */
  shift(delta: number): void {
    this.keywordStart += delta;
    this.keywordEnd += delta;
    this.end += delta;
    this.argsFrom += delta;
    this.argsTo += delta;
    this.delta += delta;
    if (this.whole) shiftSpan(this.whole, delta);
    for (let k = 0; k < this.flags.length; k++) {
      const f = this.flags[k];
      shiftSpan(f.span, delta);
      shiftSpan(f.nameSpan, delta);
      if (f.valueSpan) shiftSpan(f.valueSpan, delta);
    }
    if (this.json) shiftSpan(this.json.span, delta);
    const words = this.words;
    if (words) for (let k = 0; k < words.length; k++) shiftSpan(words[k].span, delta);
    for (let k = 0; k < this.heredocs.length; k++) {
      const h = this.heredocs[k];
      shiftSpan(h.openSpan, delta);
      shiftSpan(h.bodySpan, delta);
      if (h.closeSpan) shiftSpan(h.closeSpan, delta);
    }
    if (this.trigger) (this.trigger as ParsedInstruction).shift(delta);
  }
}

/** Moves a span of a shifted instruction or comment; each span object belongs to one place in the model. */
export function shiftSpan(span: Span, delta: number): void {
  span.start += delta;
  span.end += delta;
}

/** Moves `instruction` `delta` characters in place; only the parser's own instructions can be. */
export function shiftInstruction(instruction: Instruction, delta: number): void {
  (instruction as ParsedInstruction).shift(delta);
}

/** End of the word starting at `i` (quotes and escapes kept inside it). */
function wordEnd(t: string, i: number, escapeCode: number): number {
  const n = t.length;
  let quote = 0;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (quote) {
      if (c === escapeCode && quote === 34 && i + 1 < n) i++;
      else if (c === quote) quote = 0;
    } else if (c === escapeCode && i + 1 < n) {
      i++;
    } else if (c === 34 || c === 39) {
      quote = c;
    } else if (isSpace(c)) {
      break;
    }
    i++;
  }
  return i;
}

/**
 * Reads keyword, flags and arguments from a logical line starting at `from`. A top-level
 * instruction spans to `lastEnd`, the end of its last line. A trigger (no `lastEnd`) gets no
 * trigger of its own: BuildKit rejects `ONBUILD ONBUILD`, and recursing on it would cost a
 * re-scan of the line per level.
 */
function parseInstruction(logical: Logical, from: number, escapeCode: number, lastEnd?: number): Instruction {
  const t = logical.text;
  const n = t.length;
  let i = from;
  while (i < n && isUnicodeSpace(t.charCodeAt(i))) i++;
  const kwStart = i;
  while (i < n && !isSpace(t.charCodeAt(i))) i++;
  const word = t.slice(kwStart, i);
  const keyword = KEYWORDS.get(word) ?? word.toUpperCase();
  const keywordSpan = spanOf(logical, kwStart, i);

  let flags = NO_FLAGS;
  while (i < n && isSpace(t.charCodeAt(i))) i++;
  // ONBUILD's flags belong to its trigger; every other instruction reads leading --flags.
  if (keyword !== 'ONBUILD') {
    while (i < n && t.charCodeAt(i) === 45 && t.charCodeAt(i + 1) === 45) {
      const ws = i;
      const we = wordEnd(t, i, escapeCode);
      if (we - ws < 2) break;
      i = we;
      while (i < n && isSpace(t.charCodeAt(i))) i++;
      if (we - ws === 2) break; // A bare `--` ends the flags and is not an argument, as in BuildKit.
      let eq = ws + 2;
      while (eq < we && t.charCodeAt(eq) !== 61 /* = */) eq++;
      const hasValue = eq < we;
      const nameEnd = hasValue ? eq : we;
      const flag: Flag = {
        name: t.slice(ws + 2, nameEnd),
        value: hasValue ? t.slice(eq + 1, we) : undefined,
        span: spanOf(logical, ws, we),
        nameSpan: spanOf(logical, ws + 2, nameEnd),
        valueSpan: hasValue ? spanOf(logical, eq + 1, we) : undefined,
      };
      // A literal holds one flag in place; a pushed-to empty list would reserve seventeen.
      if (flags === NO_FLAGS) flags = [flag];
      else flags.push(flag);
    }
  }
  const argsStart = i;
  // Trailing blanks are trimmed, but not out of the last word (an unclosed quote keeps them).
  let lastWordEnd = argsStart;
  for (let k = argsStart; k < n; ) {
    while (k < n && isSpace(t.charCodeAt(k))) k++;
    if (k >= n) break;
    k = lastWordEnd = wordEnd(t, k, escapeCode);
  }
  let argsEnd = n;
  while (argsEnd > lastWordEnd && isSpace(t.charCodeAt(argsEnd - 1))) argsEnd--;
  const argsText = argsStart < argsEnd ? t.slice(argsStart, argsEnd) : '';
  const argsSpan = argsStart < argsEnd ? spanOf(logical, argsStart, argsEnd) : { start: keywordSpan.end, end: keywordSpan.end };

  let json: Instruction['json'];
  if (argsText.charCodeAt(0) === 91 /* [ */ && keyword !== 'ONBUILD') {
    json = parseJsonArray(argsText, argsSpan);
  }

  const instruction = new ParsedInstruction(
    keyword,
    keywordSpan.start,
    keywordSpan.end,
    // A top-level instruction ends with its lines; a trigger with its arguments.
    lastEnd !== undefined
      ? Math.max(lastEnd, keywordSpan.end)
      : Math.max(argsSpan.end, flags.length > 0 ? flags[flags.length - 1].span.end : 0),
    flags,
    argsText,
    argsSpan.start,
    argsSpan.end,
    json,
    logical.map ?? logical.base,
    argsStart,
    escapeCode,
  );
  if (keyword === 'ONBUILD' && argsStart < n && lastEnd !== undefined) {
    instruction.trigger = parseInstruction(logical, argsStart, escapeCode);
  }
  return instruction;
}

function parseJsonArray(argsText: string, argsSpan: Span): Instruction['json'] {
  try {
    const value: unknown = JSON.parse(argsText);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      return { values: value as string[], span: argsSpan };
    }
  } catch {
    // Not JSON: BuildKit runs it as shell form.
  }
  return undefined;
}

/**
 * Heredoc openers among an instruction's words. Like BuildKit, a word opens a heredoc when
 * it is `[n]<<[-]DELIM` with a non-empty delimiter; quotes around the delimiter turn off
 * expansion in the body.
 */
function findHeredocs(instruction: Instruction): Heredoc[] {
  const found: Heredoc[] = [];
  if (instruction.json) return found;
  for (const word of instruction.args) {
    const m = HEREDOC_WORD.exec(word.value);
    if (!m) continue;
    const { delimiter, quoted } = unquoteDelimiter(m[2]);
    if (!delimiter) continue;
    found.push({
      delimiter,
      quoted,
      stripTabs: m[1] === '-',
      // Its own object: an instruction moved in place moves each span once.
      openSpan: { start: word.span.start, end: word.span.end },
      bodySpan: { start: 0, end: 0 },
      body: '',
      closeSpan: undefined,
    });
  }
  return found;
}

/** The key under which two names are equal exactly when `sameStageName` says so. */
function stageKey(name: string): string {
  return name.toLowerCase();
}

/**
 * The delimiter word as BuildKit's shell lexer reads it: quotes removed, and `\` escaping
 * any character outside quotes but only `"`, `$` and `\` inside double quotes. It is
 * quoted, turning off expansion, only when real quotes were removed (`<<\EOF` is not).
 */
function unquoteDelimiter(raw: string): { delimiter: string; quoted: boolean } {
  let out = '';
  let quoted = false;
  let quote = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (quote === 39) {
      if (c === 39) quote = 0;
      else out += raw[i];
    } else if (quote === 34) {
      if (c === 34) quote = 0;
      else if (c === 92 && i + 1 < raw.length && '"$\\'.includes(raw[i + 1])) out += raw[++i];
      else if (!(c === 92 && i + 1 === raw.length)) out += raw[i];
    } else if (c === 34 || c === 39) {
      quote = c;
      quoted = true;
    } else if (c === 92) {
      if (i + 1 < raw.length) out += raw[++i];
    } else {
      out += raw[i];
    }
  }
  return { delimiter: out, quoted };
}

/** Stages, global ARGs and each instruction's stage index, from the instructions in source order. */
export function assemble(
  text: string,
  escape: string,
  directives: ParserDirective[],
  comments: Comment[],
  instructions: Instruction[],
  lineStarts: number[],
): Dockerfile {
  const stages: Stage[] = [];
  const globalArgs: Instruction[] = [];
  // Latest stage of each name, keyed as sameStageName compares, so FROM lookups stay O(1).
  const stageByName = new Map<string, number>();
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const base = instruction.args[0];
      const hasAs = instruction.args.length >= 3 && instruction.args[1].value.toLowerCase() === 'as';
      const name = hasAs ? instruction.args[2] : undefined;
      const parent = base ? stageByName.get(stageKey(base.value)) : undefined;
      if (name) stageByName.set(stageKey(name.value), stages.length);
      stages.push({ index: stages.length, from: instruction, base, name, instructions: [], parent });
    }
    const stage = stages.length - 1;
    instruction.stage = stage;
    if (instruction.trigger) instruction.trigger.stage = stage;
    if (stage >= 0) stages[stage].instructions.push(instruction);
    else if (instruction.keyword === 'ARG') globalArgs.push(instruction);
  }
  return { text, escape, directives, comments, instructions, stages, globalArgs, lineStarts };
}
