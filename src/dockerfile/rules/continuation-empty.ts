/** An empty line inside an instruction continued with the escape character. */
import type { Instruction } from '../model';
import { fixFromData } from './fixer';
import { defineRule, type Finding } from './rule';

/** The line holds heredoc text, where an empty line is content, not a continuation. */
function inHeredoc(instruction: Instruction, offset: number): boolean {
  for (const heredoc of instruction.heredocs) {
    if (offset >= heredoc.bodySpan.start && offset < (heredoc.closeSpan?.end ?? instruction.span.end)) return true;
  }
  return false;
}

/** The line starting at `at` holds nothing but whitespace up to its newline. */
function isBlankLine(text: string, at: number): boolean {
  for (let c = at; c < text.length; c++) {
    const ch = text[c];
    if (ch === '\n') return true;
    if (ch !== ' ' && ch !== '\t' && ch !== '\r') return false;
  }
  return false;
}

/**
 * The last instruction ends with the escape character and only empty lines (and comments) follow
 * it: BuildKit's parser counts those as empty continuation lines too.
 */
function continuesIntoEmptyEnd(text: string, last: Instruction, escape: string): boolean {
  if (last.heredocs.length > 0 || text[last.span.end - 1] !== escape) return false;
  const rest = text.slice(last.span.end).split('\n').slice(1);
  // What follows the file's final newline is no line.
  if (rest.at(-1) === '') rest.pop();
  return rest.some((line) => line.trim() === '') && rest.every((line) => line.trim() === '' || line.trim().startsWith('#'));
}

/** Reports the gap [gapStart, lineStart) on the first word of the line it joins to the instruction. */
function reportGap(text: string, instruction: Instruction, gapStart: number, lineStart: number, report: (finding: Finding) => void): void {
  let wordStart = lineStart;
  while (text[wordStart] === ' ' || text[wordStart] === '\t') wordStart++;
  let wordEnd = wordStart;
  while (wordEnd < text.length && !/\s/.test(text[wordEnd])) wordEnd++;
  report({
    span: { start: wordStart, end: Math.max(wordEnd, wordStart + 1) },
    message: `An empty line comes before this line, which still belongs to the ${instruction.keyword} above it: the escape character continues the instruction across empty lines. BuildKit warns about this and means to reject it. Remove the empty line, or end the ${instruction.keyword} before it.`,
    data: { edits: [{ start: gapStart, end: lineStart, text: '' }] },
  });
}

export const continuationEmpty = defineRule({
  code: 'continuation-empty',
  severity: 'warning',
  summary: 'An empty line inside a continued instruction, which BuildKit means to reject.',
  buildkit: 'NoEmptyContinuation',
  check(ctx, report) {
    const text = ctx.doc.text;
    const instructions = ctx.doc.instructions;
    // Only the lines of instructions continued past their first line can hold a gap: walked by
    // the model's line starts, not by scanning the whole text on every lint.
    const starts = ctx.doc.lineStarts;
    let line = 0;
    for (const instruction of instructions) {
      const { start, end } = instruction.span;
      while (line < starts.length && starts[line] <= start) line++;
      let gapStart = -1;
      for (; line < starts.length && starts[line] < end; line++) {
        const at = starts[line];
        if (isBlankLine(text, at) && !inHeredoc(instruction, at)) {
          if (gapStart < 0) gapStart = at;
        } else if (gapStart >= 0) {
          // Inside the instruction's span a blank line has more of the instruction after it: this line.
          reportGap(text, instruction, gapStart, at, report);
          gapStart = -1;
        }
      }
    }
    const last = instructions.at(-1);
    if (last && continuesIntoEmptyEnd(text, last, ctx.doc.escape)) {
      const escape = last.span.end - 1;
      // Without the escape the instruction ends on its own line, as the builder reads it anyway.
      let start = escape;
      while (start > last.span.start && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
      report({
        span: { start: escape, end: escape + 1 },
        message: `The ${last.keyword} is continued into empty lines at the end of the file. BuildKit warns about this and means to reject it. Remove the escape character.`,
        data: { edits: [{ start, end: escape + 1, text: '' }] },
      });
    }
  },
  fix: (f) => fixFromData(f, 'Remove the empty line'),
});
