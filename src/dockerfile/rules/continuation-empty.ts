/** An empty line inside an instruction continued with the escape character. */
import type { Instruction } from '../model';
import { fixFromData } from './fixer';
import { defineRule, type Finding } from './rule';

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text[i] !== ' ' && text[i] !== '\t' && text[i] !== '\r') return false;
  return true;
}

/** The line holds heredoc text, where an empty line is content, not a continuation. */
function inHeredoc(instruction: Instruction, offset: number): boolean {
  for (const heredoc of instruction.heredocs) {
    if (offset >= heredoc.bodySpan.start && offset < (heredoc.closeSpan?.end ?? instruction.span.end)) return true;
  }
  return false;
}

function checkInstruction(text: string, instruction: Instruction, report: (finding: Finding) => void): void {
  const end = instruction.span.end;
  let emptyFrom = -1;
  for (let nl = text.indexOf('\n', instruction.span.start); nl >= 0 && nl < end; nl = text.indexOf('\n', nl + 1)) {
    const lineStart = nl + 1;
    const lineEnd = Math.min(end, text.indexOf('\n', lineStart) < 0 ? text.length : text.indexOf('\n', lineStart));
    if (inHeredoc(instruction, lineStart)) continue;
    if (isBlank(text, lineStart, lineEnd)) {
      if (emptyFrom < 0) emptyFrom = lineStart;
      continue;
    }
    if (emptyFrom < 0) continue;
    // Reported on the first word of the line the empty lines separate from the instruction's start.
    let wordStart = lineStart;
    while (text[wordStart] === ' ' || text[wordStart] === '\t') wordStart++;
    let wordEnd = wordStart;
    while (wordEnd < lineEnd && !/\s/.test(text[wordEnd])) wordEnd++;
    report({
      span: { start: wordStart, end: wordEnd },
      message: `An empty line comes before this line, which still belongs to the ${instruction.keyword} above it: the escape character continues the instruction across empty lines. BuildKit warns about this and means to reject it. Remove the empty line, or end the ${instruction.keyword} before it.`,
      data: { edits: [{ start: emptyFrom, end: lineStart, text: '' }] },
    });
    emptyFrom = -1;
  }
}

export const continuationEmpty = defineRule({
  code: 'continuation-empty',
  severity: 'warning',
  summary: 'An empty line inside a continued instruction, which BuildKit means to reject.',
  buildkit: 'NoEmptyContinuation',
  check(ctx, report) {
    const text = ctx.doc.text;
    for (const instruction of ctx.doc.instructions) {
      const nl = text.indexOf('\n', instruction.span.start);
      if (nl >= 0 && nl < instruction.span.end) checkInstruction(text, instruction, report);
    }
  },
  fix: (f) => fixFromData(f, 'Remove the empty line'),
});
