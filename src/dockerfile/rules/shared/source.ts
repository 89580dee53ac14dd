/** Where RUN text and words come from in the source, for tight ranges and edits. */
import { instructionAt, type Dockerfile, type Instruction, type Span } from '../../model';

/** The source text a RUN executes: its shell form or exec form, plus heredoc bodies. */
export function shellText(instruction: Instruction): string {
  const command = instruction.json ? instruction.json.values.join(' ') : instruction.argsText;
  if (instruction.heredocs.length === 0) return command;
  return [command, ...instruction.heredocs.map((h) => h.body)].join('\n');
}

/**
 * The source span of [from, to) in `shellText(instruction)`: through the argument words
 * (which know their source even across continuation lines) or the heredoc bodies.
 */
export function shellSpan(text: string, instruction: Instruction, from: number, to: number): Span {
  if (instruction.json) {
    // Inside the brackets of the exec form.
    let { start, end } = instruction.argsSpan;
    start++;
    end--;
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    return { start, end };
  }
  const args = instruction.argsText;
  if (from > args.length) {
    let offset = args.length + 1;
    for (const heredoc of instruction.heredocs) {
      const length = heredoc.body.length;
      if (from <= offset + length) {
        return { start: heredoc.bodySpan.start + from - offset, end: heredoc.bodySpan.start + Math.min(to - offset, length) };
      }
      offset += length + 1;
    }
    return instruction.argsSpan;
  }
  const toSource = (at: number, end: boolean): number => {
    let cursor = 0;
    for (const word of instruction.args) {
      const start = args.indexOf(word.value, cursor);
      if (start < 0) break;
      cursor = start + word.value.length;
      const inside = end ? at > start && at <= cursor : at >= start && at < cursor;
      if (!inside) continue;
      const oneLine = word.span.end - word.span.start === word.value.length;
      if (end) return oneLine ? word.span.start + (at - start) : word.span.end;
      return oneLine ? word.span.start + (at - start) : word.span.start;
    }
    return end ? instruction.argsSpan.end : instruction.argsSpan.start;
  };
  return { start: toSource(from, false), end: toSource(to, true) };
}

/** A sub-span of a word, when the word lies on one line (its value maps 1:1 onto the source). */
export function subSpan(word: { value: string; span: Span }, from: number, to: number): Span {
  if (word.span.end - word.span.start !== word.value.length) return word.span;
  return { start: word.span.start + from, end: word.span.start + to };
}

/**
 * Whether an edit of [start, end) lands inside a quote that is never closed or inside a shell
 * comment: text put there is not what the shell runs, so a fix there changes nothing it meant to
 * (and a Fix All that trusted it would repeat it forever).
 */
export function breaksQuoting(doc: Dockerfile, start: number, end: number): boolean {
  const instruction = instructionAt(doc, start);
  if (!instruction || instruction.json) return false;
  return unsafeAt(doc, instruction, start) || (end !== start && unsafeAt(doc, instruction, end));
}

function unsafeAt(doc: Dockerfile, instruction: Instruction, offset: number): boolean {
  if (offset < instruction.argsSpan.start) return false;
  // Only a shell reads `#` after a word as a comment; ENV or LABEL keep it in the value.
  const shell = instruction.keyword === 'RUN';
  for (const heredoc of instruction.heredocs) {
    const body = heredoc.bodySpan;
    if (offset >= body.start && offset <= body.end) return scanQuoting(doc, body.start, body.end, offset, false, shell);
  }
  const args = instruction.argsSpan;
  return scanQuoting(doc, args.start, args.end, Math.min(offset, args.end), true, shell);
}

/**
 * Scans [from, to) as the shell will read it and tells whether `at` is inside a shell comment
 * (when `comments`) or inside a quote still open at `to`. `dockerfileLines`: the region is
 * instruction arguments, where the builder joins continuation lines and drops comment lines
 * before the shell sees them.
 */
function scanQuoting(doc: Dockerfile, from: number, to: number, at: number, dockerfileLines: boolean, comments: boolean): boolean {
  const text = doc.text;
  const escape = doc.escape;
  let quote = '';
  let quoteStart = -1;
  let comment = false;
  let wordStart = true;
  let quoteAt = -1;
  let commentAt = false;
  let i = from;
  const mark = () => {
    quoteAt = quote ? quoteStart : -1;
    commentAt = comment;
  };
  let marked = false;
  while (i < to) {
    if (!marked && i >= at) {
      mark();
      marked = true;
    }
    const c = text[i];
    if (dockerfileLines && c === escape) {
      const next = continuationEnd(text, i + 1, to);
      if (next >= 0) {
        i = skipCommentLines(text, next, to);
        continue;
      }
    }
    if (c === '\n' && !dockerfileLines) {
      comment = false;
      wordStart = true;
      i++;
      continue;
    }
    if (comment) {
      i++;
      continue;
    }
    if (quote === "'") {
      if (c === "'") quote = '';
      i++;
      continue;
    }
    if (c === '\\') {
      i += 2;
      wordStart = false;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = '';
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      quoteStart = i;
      wordStart = false;
    } else if (c === '#' && wordStart && comments) comment = true;
    else wordStart = c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')';
    i++;
  }
  if (!marked) mark();
  return commentAt || (quoteAt >= 0 && quote !== '' && quoteStart === quoteAt);
}

/** After an escape at `i - 1`: the start of the next line when the escape ends its line, else -1. */
function continuationEnd(text: string, i: number, to: number): number {
  while (i < to && (text[i] === ' ' || text[i] === '\t')) i++;
  if (text[i] === '\r') i++;
  return text[i] === '\n' ? i + 1 : i >= to ? i : -1;
}

/** Past the empty and comment-only lines the builder drops inside a continuation. */
function skipCommentLines(text: string, i: number, to: number): number {
  for (;;) {
    let k = i;
    while (k < to && (text[k] === ' ' || text[k] === '\t')) k++;
    if (k < to && text[k] === '#') {
      while (k < to && text[k] !== '\n') k++;
      if (k >= to) return to;
      i = k + 1;
    } else if (text[k] === '\n' || (text[k] === '\r' && text[k + 1] === '\n')) {
      i = text[k] === '\r' ? k + 2 : k + 1;
    } else return i;
  }
}
