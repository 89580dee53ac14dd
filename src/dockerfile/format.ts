/**
 * Formatting that never changes what the builder does: instruction keywords (and FROM's
 * `AS`) in the file's dominant case, one space after each keyword, continuation lines indented by one
 * unit, and trailing blanks trimmed. Heredoc bodies, JSON arrays and parser directives are
 * left byte for byte, and whitespace is only ever resized where it separates words outside
 * quotes, so every instruction reads as the same words before and after.
 */
import type { FormattingOptions, Position, Range, TextEdit } from 'vscode-languageserver-types';
import type { Dockerfile, Instruction, Span } from './model';
import { offsetAt, positionAt } from './model';
import { isUnicodeSpace, joinContinuations } from './navigation';
import { parse } from './parser';
import { INSTRUCTIONS } from './rules/builder';

/** Berth's own formatting settings, on top of the editor's FormattingOptions. */
export interface FormatSettings {
  /** Spaces to indent continuation lines by; unset follows the editor's tabSize and insertSpaces. */
  continuationIndent?: number;
}

const KNOWN = new Set<string>(INSTRUCTIONS);

/**
 * Instructions whose arguments the builder (or the shell) splits on whitespace, so that
 * resizing whitespace between words outside quotes is invisible. WORKDIR, MAINTAINER and
 * the legacy `ENV key value` / `LABEL key value` forms keep their text as written, and
 * ONBUILD stores its trigger as text, so their continuation lines are left alone.
 */
const WORD_SPLIT = new Set([
  'RUN',
  'CMD',
  'ENTRYPOINT',
  'HEALTHCHECK',
  'COPY',
  'ADD',
  'ARG',
  'ENV',
  'LABEL',
  'EXPOSE',
  'VOLUME',
  'FROM',
  'USER',
  'STOPSIGNAL',
]);

function reindentable(instruction: Instruction): boolean {
  if (!WORD_SPLIT.has(instruction.keyword)) return false;
  if (instruction.keyword === 'ENV' || instruction.keyword === 'LABEL') {
    const first = instruction.args[0];
    return !first || first.value.includes('=');
  }
  return true;
}

/** The indentation unit for continuation lines. */
export function indentUnit(options: Partial<FormattingOptions> | undefined, settings?: FormatSettings): string {
  if (settings?.continuationIndent !== undefined) return ' '.repeat(Math.max(0, Math.min(16, Math.floor(settings.continuationIndent))));
  if (options?.insertSpaces === false) return '\t';
  return ' '.repeat(Math.max(0, Math.min(16, Math.floor(options?.tabSize ?? 4))));
}

/**
 * Reads logical text from `from` (past the keyword, whose quotes are plain characters) with
 * one escape character, and says how it stands at a position: inside quotes or not, whether
 * the character before was escaped, and whether an escape there swallows the character at
 * it. Positions are asked for in increasing order, so a long instruction is read once.
 */
class Reader {
  private quote = '';
  private escaped = -1;
  private i: number;

  constructor(
    private readonly s: string,
    from: number,
    private readonly escape: string,
  ) {
    this.i = from;
  }

  at(end: number): { quoted: boolean; escapedBefore: boolean; escapesNext: boolean } {
    const { s, escape } = this;
    for (; this.i < end; this.i++) {
      const c = s[this.i];
      if (this.quote === "'") {
        if (c === "'") this.quote = '';
      } else if (c === escape) {
        this.escaped = ++this.i;
      } else if (this.quote === '"') {
        if (c === '"') this.quote = '';
      } else if (c === "'" || c === '"') {
        this.quote = c;
      }
    }
    return { quoted: this.quote !== '', escapedBefore: this.escaped === end - 1, escapesNext: this.i > end };
  }

  /** Whether blanks at `at` separate words, so that their number does not matter. */
  freeBlankAt(at: number): boolean {
    const state = this.at(at);
    return !state.quoted && !state.escapesNext;
  }
}

/**
 * Readers for every reading that must agree before whitespace is resized: the builder's,
 * with the file's escape character, and the shell's, with `\\`, when the two differ.
 */
function readers(s: string, from: number, escape: string): Reader[] {
  return escape === '\\' ? [new Reader(s, from, escape)] : [new Reader(s, from, escape), new Reader(s, from, '\\')];
}

interface Edit {
  start: number;
  end: number;
  text: string;
  /** The instruction the edit belongs to, or -1 for a comment or blank line between them. */
  owner: number;
}

/** Lines split on `\n` only, as the parser splits them. */
interface Lines {
  starts: number[];
  /** End of each line's content: before its `\n` and any `\r` in front of it. */
  ends: number[];
}

function splitLines(text: string): Lines {
  const starts = [0];
  const ends: number[] = [];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  for (let l = 0; l < starts.length; l++) {
    let end = l + 1 < starts.length ? starts[l + 1] - 1 : text.length;
    while (end > starts[l] && text.charCodeAt(end - 1) === 13) end--;
    ends.push(end);
  }
  return { starts, ends };
}

function lineOf(lines: Lines, offset: number): number {
  let lo = 0;
  let hi = lines.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines.starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/** The end of the run of spaces and tabs starting at `from`, not past `end`. */
function skipBlanks(text: string, from: number, end: number): number {
  while (from < end && isBlank(text[from])) from++;
  return from;
}

/** The start of the run of spaces and tabs ending at `end`, not before `from`. */
function trimBlanks(text: string, from: number, end: number): number {
  while (end > from && isBlank(text[end - 1])) end--;
  return end;
}

/** The case every known keyword is written in: lower only when most already are. */
function dominantCase(doc: Dockerfile): 'upper' | 'lower' {
  let upper = 0;
  let lower = 0;
  const count = (i: Instruction) => {
    if (!KNOWN.has(i.keyword)) return;
    const written = doc.text.slice(i.keywordSpan.start, i.keywordSpan.end);
    if (written === i.keyword) upper++;
    else if (written === i.keyword.toLowerCase()) lower++;
  };
  for (const i of doc.instructions) {
    count(i);
    if (i.trigger) count(i.trigger);
  }
  return lower > upper ? 'lower' : 'upper';
}

/** Where an instruction's own lines end: before its first heredoc body, or at its end. */
function headEndLine(lines: Lines, text: string, instruction: Instruction): number {
  const heredocs = (instruction.trigger ?? instruction).heredocs;
  if (heredocs.length === 0) return lineOf(lines, instruction.span.end);
  const body = heredocs[0].bodySpan.start;
  const atLineStart = body > 0 && text[body - 1] === '\n';
  return lineOf(lines, body) - (atLineStart ? 1 : 0);
}

function computeEdits(doc: Dockerfile, indent: string): Edit[] {
  const text = doc.text;
  const lines = splitLines(text);
  const edits: Edit[] = [];
  const lineCount = lines.starts.length;
  /** Lines that belong to an instruction, or must not change at all. */
  const claimed = new Uint8Array(lineCount);
  const lineStart = (l: number) => (l === 0 && text.charCodeAt(0) === 0xfeff ? 1 : lines.starts[l]);

  for (const directive of doc.directives) claimed[lineOf(lines, directive.span.start)] = 1;
  const targetCase = dominantCase(doc);

  doc.instructions.forEach((instruction, owner) => {
    const add = (start: number, end: number, newText: string) => {
      if (text.slice(start, end) !== newText) edits.push({ start, end, text: newText, owner });
    };
    const first = lineOf(lines, instruction.span.start);
    const last = headEndLine(lines, text, instruction);
    for (let l = first; l <= lineOf(lines, instruction.span.end); l++) claimed[l] = 1;
    // A keyword that does not start on the instruction's first line (lines holding only an
    // escape before it) is too odd to rearrange safely: leave such an instruction as written.
    if (lineOf(lines, instruction.keywordSpan.end) !== first) return;
    const json = instruction.json?.span;
    const protect = (start: number, end: number, newText: string) => {
      if (json && start < json.end && end > json.start) return;
      add(start, end, newText);
    };

    // The keyword: the file's case, at the start of its line, one space before what follows.
    // Not when that would bring a byte-order mark to the start of the file, where it stops counting.
    if (text[instruction.span.start] !== '\uFEFF') {
      protect(lineStart(first), instruction.span.start, text.slice(lineStart(first), instruction.span.start).replace(/^[ \t]+$/, ''));
    }
    // An ONBUILD trigger is stored in the image as written, so only ONBUILD itself changes.
    const { keyword, keywordSpan } = instruction;
    // ASCII only: BuildKit lower-cases with Go's rules, so a keyword spelt with 'ſ' or 'K' (Kelvin) is unknown to it.
    if (KNOWN.has(keyword) && /^[A-Za-z]+$/.test(text.slice(keywordSpan.start, keywordSpan.end))) {
      protect(keywordSpan.start, keywordSpan.end, targetCase === 'upper' ? keyword : keyword.toLowerCase());
    }
    // `AS` in FROM follows the keywords' case too: BuildKit's FromAsCasing check wants them alike.
    const as = keyword === 'FROM' && instruction.args.length >= 3 ? instruction.args[1] : undefined;
    if (as && /^as$/i.test(text.slice(as.span.start, as.span.end))) {
      protect(as.span.start, as.span.end, targetCase === 'upper' ? 'AS' : 'as');
    }
    const next = skipBlanks(text, keywordSpan.end, lines.ends[first]);
    if (next > keywordSpan.end && next < lines.ends[first]) protect(keywordSpan.end, next, ' ');

    const joined = joinContinuations(text, instruction.span.start, lines.ends[last], doc.escape);
    const canReindent = !json && instruction.trigger === undefined && reindentable(instruction);
    const logicalAfter = (offset: number) => {
      let k = 0;
      while (k < joined.text.length && joined.offsets[k] < offset) k++;
      return k;
    };
    const afterKeyword = logicalAfter(instruction.keywordSpan.end);
    // ONBUILD's trigger reads its own words from after its own keyword: both readings must agree.
    const byKeyword = readers(joined.text, afterKeyword, doc.escape);
    const byTrigger = instruction.trigger ? readers(joined.text, logicalAfter(instruction.trigger.keywordSpan.end), doc.escape) : [];
    let logical = 0; // Walks `joined` forward to each line's first character.
    for (let l = first; l <= last; l++) {
      const start = lineStart(l);
      const end = lines.ends[l];
      let f = start;
      while (f < end && isUnicodeSpace(text.charCodeAt(f))) f++;
      const content = trimBlanks(text, start, end);
      if (l > first && f === end) {
        protect(start, end, text.slice(start, end).replace(/^[ \t]+$/, ''));
        continue;
      }
      if (l > first && text[f] === '#') {
        // Comment lines inside a continuation are skipped by the builder: indent them like their neighbours.
        protect(start, skipBlanks(text, start, end), indent);
        protect(content, end, '');
        continue;
      }
      while (logical < joined.text.length && joined.offsets[logical] < start) logical++;
      if (l > first && canReindent) {
        const safe = byKeyword.every((reader) => {
          const state = reader.at(logical);
          const blankBefore = isBlank(joined.text[logical - 1]) && !state.escapedBefore;
          const blankAfter = isBlank(text[start]) && !state.escapesNext;
          return !state.quoted && (blankBefore || (blankAfter && indent !== ''));
        });
        if (safe) protect(start, skipBlanks(text, start, end), indent);
      }
      // Blanks after a continuation's escape are dropped by the builder; at the end of the
      // instruction they are trimmed from its arguments, unless a quote is still open.
      const continues = l < last && content > start && text[content - 1] === doc.escape;
      if (
        continues ||
        (l === last && [...byKeyword, ...byTrigger].every((reader) => reader.freeBlankAt(joined.text.length - (end - content))))
      )
        protect(content, end, '');
    }
  });

  // Comment and blank lines between instructions.
  for (let l = 0; l < lineCount; l++) {
    if (claimed[l]) continue;
    const start = lineStart(l);
    const end = lines.ends[l];
    const f = skipBlanks(text, start, end);
    const content = trimBlanks(text, start, end);
    if (f === end) {
      if (end > start) edits.push({ start, end, text: '', owner: -1 });
    } else if (text[f] === '#') {
      if (f > start) edits.push({ start, end: f, text: '', owner: -1 });
      if (content < end) edits.push({ start: content, end, text: '', owner: -1 });
    }
  }
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  // Edits never overlap by construction; should one ever, the later is dropped rather than garbling text.
  return edits.filter((e, k) => k === 0 || e.start >= edits[k - 1].end);
}

function toTextEdits(doc: Dockerfile, edits: Edit[]): TextEdit[] {
  return edits.map((e) => ({ range: { start: positionAt(doc, e.start), end: positionAt(doc, e.end) }, newText: e.text }));
}

/** Edits that format the whole document. */
export function formatDocument(doc: Dockerfile, options: FormattingOptions, settings?: FormatSettings): TextEdit[] {
  return toTextEdits(doc, computeEdits(doc, indentUnit(options, settings)));
}

/**
 * Edits that format the instructions overlapping `range` (all of each, so a continuation
 * stays consistent) and the comment and blank lines inside it. Keyword case still follows
 * the whole file.
 */
export function formatRange(doc: Dockerfile, range: Range, options: FormattingOptions, settings?: FormatSettings): TextEdit[] {
  const from = offsetAt(doc, range.start);
  const to = offsetAt(doc, range.end);
  const lineFrom = offsetAt(doc, { line: range.start.line, character: 0 });
  const overlaps = (span: Span) => span.start <= to && span.end >= from && !(to > from && span.start === to);
  const edits = computeEdits(doc, indentUnit(options, settings)).filter((e) =>
    e.owner >= 0 ? overlaps(doc.instructions[e.owner].span) : e.start >= lineFrom && e.start <= to,
  );
  return toTextEdits(doc, edits);
}

/**
 * On-type formatting: after a newline that continues an instruction (the line before
 * ends in the escape character, outside quotes), indent the new line by one unit; after
 * the escape character typed at the end of a line, indent the line it now joins on.
 * The server registers `\n` as the trigger and `\` and `` ` `` as more triggers.
 */
export function formatOnType(
  doc: Dockerfile,
  position: Position,
  ch: string,
  options: FormattingOptions,
  settings?: FormatSettings,
): TextEdit[] {
  const text = doc.text;
  if (ch === doc.escape && ch !== '\n') {
    // The escape typed at the end of a line joins the next line on: indent that one.
    const at = offsetAt(doc, position);
    let k = at;
    while (k < text.length && isBlank(text[k])) k++;
    if (text[at - 1] !== ch || (text[k] !== '\n' && text[k] !== '\r') || position.line + 1 >= doc.lineStarts.length) return [];
    return formatOnType(doc, { line: position.line + 1, character: 0 }, '\n', options, settings);
  }
  if (ch !== '\n' || position.line === 0) return [];
  const lineStart = offsetAt(doc, { line: position.line, character: 0 });
  if (text[lineStart - 1] !== '\n') return [];
  const inHeredoc = (offset: number) =>
    doc.instructions.some((i) =>
      (i.trigger ?? i).heredocs.some((h) => h.bodySpan.start <= offset && offset <= (h.closeSpan ?? h.bodySpan).end),
    );
  // The line the new one continues: the nearest above that is neither blank nor a comment,
  // as the builder skips those inside a continuation.
  let prevStart = lineStart;
  let prevEnd: number;
  for (let line = position.line - 1; ; line--) {
    if (line < 0) return [];
    prevEnd = prevStart - 1;
    prevStart = offsetAt(doc, { line, character: 0 });
    if (inHeredoc(prevStart)) return [];
    while (prevEnd > prevStart && text[prevEnd - 1] === '\r') prevEnd--;
    let first = prevStart;
    while (first < prevEnd && isUnicodeSpace(text.charCodeAt(first))) first++;
    if (first < prevEnd && text[first] !== '#') break;
  }
  const content = trimBlanks(text, prevStart, prevEnd);
  if (content === prevStart || text[content - 1] !== doc.escape) return [];
  if (content - 2 >= prevStart && text[content - 2] === doc.escape) return [];
  const instruction = doc.instructions.find((i) => i.span.start <= prevStart && prevStart <= i.span.end);
  if (!instruction || instruction.trigger) return [];
  if (!instruction.json && !reindentable(instruction)) return [];
  const joined = joinContinuations(text, instruction.span.start, lineStart, doc.escape);
  let afterKeyword = 0;
  while (afterKeyword < joined.text.length && joined.offsets[afterKeyword] < instruction.keywordSpan.end) afterKeyword++;
  const indent = indentUnit(options, settings);
  let end = lineStart;
  while (end < text.length && isBlank(text[end])) end++;
  const hasContent = end < text.length && text[end] !== '\n' && text[end] !== '\r';
  const safe = readers(joined.text, afterKeyword, doc.escape).every((reader) => {
    const state = reader.at(joined.text.length);
    if (state.quoted || state.escapesNext) return false;
    // Text already on the line must stay a separate word, as it was before.
    const blankBefore = isBlank(joined.text[joined.text.length - 1]) && !state.escapedBefore;
    return !hasContent || blankBefore || (end > lineStart && indent !== '');
  });
  if (!safe || text.slice(lineStart, end) === indent) return [];
  return [{ range: { start: positionAt(doc, lineStart), end: positionAt(doc, end) }, newText: indent }];
}

/** Applies edits made from `text` (sorted, not overlapping) and returns the new text. */
function applyEdits(text: string, edits: Edit[]): string {
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/** The formatted text of a Dockerfile: for the CLI and tests. */
export function formatText(text: string, options: Partial<FormattingOptions> = {}, settings?: FormatSettings): string {
  return applyEdits(text, computeEdits(parse(text), indentUnit(options, settings)));
}
