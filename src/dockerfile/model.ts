/**
 * The Dockerfile model: what the parser produces and every feature reads.
 * Pure data; positions are UTF-16 offsets into `Dockerfile.text` so that parsing
 * stays cheap, and are turned into LSP ranges only when a feature reports something.
 */
import type { Position, Range } from 'vscode-languageserver-types';

/** A half-open [start, end) slice of the source text. */
export interface Span {
  start: number;
  end: number;
}

/** A parser directive such as `# syntax=docker/dockerfile:1` at the top of the file. */
export interface ParserDirective {
  /** Lower-cased name: `syntax`, `escape`, `check`. */
  name: string;
  value: string;
  span: Span;
  nameSpan: Span;
  valueSpan: Span;
}

export interface Comment {
  /** The text after `#`, untrimmed. */
  text: string;
  span: Span;
}

/** A whitespace-separated word of an instruction's arguments, continuation lines removed. */
export interface Word {
  /** Source text of the word with escaped newlines removed; quotes and escapes kept. */
  value: string;
  span: Span;
}

/** A `--name=value` or `--name` flag before an instruction's arguments. */
export interface Flag {
  name: string;
  /** undefined for `--name` without `=`. */
  value: string | undefined;
  span: Span;
  nameSpan: Span;
  valueSpan: Span | undefined;
}

/** A heredoc opened by `<<EOF`, `<<-EOF`, `<<"EOF"` or `<<'EOF'`. */
export interface Heredoc {
  delimiter: string;
  /** A quoted delimiter turns off variable expansion in the body. */
  quoted: boolean;
  /** `<<-` strips leading tabs. */
  stripTabs: boolean;
  /** The `<<EOF` token on the instruction line. */
  openSpan: Span;
  /** The lines between the instruction line and the closing delimiter line. */
  bodySpan: Span;
  body: string;
  /** The closing delimiter line; undefined when the file ends first. */
  closeSpan: Span | undefined;
}

export interface Instruction {
  /** Upper-cased keyword as written (`FROM`, `RUN`, or an unknown word). */
  keyword: string;
  keywordSpan: Span;
  /** From the keyword to the end of the last continuation line or heredoc. */
  span: Span;
  flags: Flag[];
  /** The arguments after the flags, split on unquoted whitespace. */
  args: Word[];
  /** The raw arguments after the flags, escaped newlines removed; '' when there are none. */
  argsText: string;
  /** Source span of the arguments after the flags; empty at the end of the keyword when there are none. */
  argsSpan: Span;
  /** The exec (JSON array) form, when the arguments parse as a JSON array of strings. */
  json: { values: string[]; span: Span } | undefined;
  heredocs: Heredoc[];
  /** For `ONBUILD <trigger>`: the trigger instruction. */
  trigger: Instruction | undefined;
  /** Index into `Dockerfile.stages`, or -1 for instructions before the first FROM. */
  stage: number;
}

export interface Stage {
  index: number;
  /** The FROM that opens the stage. */
  from: Instruction;
  /** The image or stage reference after FROM (flags excluded), as written. */
  base: Word | undefined;
  /** `AS name`, as written. Compare with `sameStageName`. */
  name: Word | undefined;
  /** Every instruction of the stage, FROM included. */
  instructions: Instruction[];
  /** The earlier stage this one builds on (`FROM <stage>`), if any. */
  parent: number | undefined;
}

export interface Dockerfile {
  text: string;
  /** The active escape character: `\` unless a directive says `` ` ``. */
  escape: string;
  directives: ParserDirective[];
  comments: Comment[];
  /** Every instruction in source order. */
  instructions: Instruction[];
  stages: Stage[];
  /** ARGs before the first FROM. */
  globalArgs: Instruction[];
  /** Offset of the first character of each line. */
  lineStarts: number[];
}

/** Build stage names compare case-insensitively, as BuildKit does. */
export function sameStageName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The zero-based line and UTF-16 character of an offset. */
export function positionAt(doc: Pick<Dockerfile, 'lineStarts' | 'text'>, offset: number): Position {
  const starts = doc.lineStarts;
  const clamped = Math.max(0, Math.min(offset, doc.text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= clamped) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: clamped - starts[lo] };
}

/** The offset of a position, clamped into the text and its line. */
export function offsetAt(doc: Pick<Dockerfile, 'lineStarts' | 'text'>, position: Position): number {
  const starts = doc.lineStarts;
  if (position.line < 0) return 0;
  if (position.line >= starts.length) return doc.text.length;
  const lineStart = starts[position.line];
  const nextLine = position.line + 1 < starts.length ? starts[position.line + 1] : doc.text.length;
  return Math.max(lineStart, Math.min(lineStart + position.character, nextLine));
}

export function rangeOf(doc: Pick<Dockerfile, 'lineStarts' | 'text'>, span: Span): Range {
  return { start: positionAt(doc, span.start), end: positionAt(doc, span.end) };
}

/** The top-level instruction whose span holds `offset` (its end included), by binary search. */
export function instructionAt(doc: Pick<Dockerfile, 'instructions'>, offset: number): Instruction | undefined {
  const list = doc.instructions;
  let lo = 0;
  let hi = list.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].span.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const instruction = list[found];
  return instruction && offset <= instruction.span.end ? instruction : undefined;
}
