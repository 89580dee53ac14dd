/** Instruction keywords in the minority case of the file (BuildKit's ConsistentInstructionCasing). */
import { dataString, replaceKeyword } from './fixer';
import { INSTRUCTIONS } from './builder';
import { defineRule } from './rule';

const KNOWN = new Set<string>(INSTRUCTIONS);

/** 1 when every letter in [start, end) is upper case, -1 when all are lower, 0 when mixed. */
function letterCase(text: string, start: number, end: number): number {
  let upper = false;
  let lower = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
  }
  return upper && lower ? 0 : lower ? -1 : 1;
}

export const keywordCasing = defineRule({
  code: 'keyword-casing',
  severity: 'hint',
  summary: 'Instruction keywords in mixed case.',
  buildkit: 'ConsistentInstructionCasing',
  check(ctx, report) {
    let upper = 0;
    let lower = 0;
    const source = ctx.doc.text;
    for (const instruction of ctx.doc.instructions) {
      const c = letterCase(source, instruction.keywordSpan.start, instruction.keywordSpan.end);
      if (c > 0) upper++;
      else if (c < 0) lower++;
    }
    const want = lower > upper ? -1 : 1;
    for (const instruction of ctx.doc.instructions) {
      const { start, end } = instruction.keywordSpan;
      if (letterCase(source, start, end) === want || !KNOWN.has(instruction.keyword)) continue;
      const written = source.slice(start, end);
      const expected = want < 0 ? written.toLowerCase() : written.toUpperCase();
      report({
        span: instruction.keywordSpan,
        message: `Write '${expected}' to match the casing of the other instructions in this file.`,
        data: { replacement: expected },
      });
    }
  },
  fix: (f) => {
    const replacement = dataString(f, 'replacement');
    replaceKeyword(f, replacement, `Write '${replacement}'`);
  },
});
