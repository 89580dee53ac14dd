/** A RUN right after a RUN with the same flags, which could share its layer. */
import type { Instruction } from '../model';
import { fixFromData } from './fixer';
import { defineRule, type DataEdit } from './rule';

/**
 * The edit that makes `run` a continuation of `previous`: `a` + `b` → `a && \` + `    b`. Not
 * offered where joining could change meaning or drop text: heredocs, a comment or blank line
 * between them, or a previous RUN ending in an operator (`;`, `&`, `|`).
 */
function joinEdit(text: string, escape: string, previous: Instruction, run: Instruction): { edits: DataEdit[] } | undefined {
  if (previous.heredocs.length || run.heredocs.length || !run.argsText.trim()) return undefined;
  let end = previous.span.end;
  while (end > previous.argsSpan.start && /[ \t\r\n]/.test(text[end - 1])) end--;
  if (end <= previous.argsSpan.start || /[;&|]/.test(text[end - 1]) || text[end - 1] === escape) return undefined;
  const between = text.slice(end, run.span.start);
  if (!/^[ \t]*\r?\n[ \t]*$/.test(between)) return undefined;
  const eol = between.includes('\r\n') ? '\r\n' : '\n';
  return { edits: [{ start: end, end: run.argsSpan.start, text: ` && ${escape}${eol}    ` }] };
}

/** The same flags, in the same order: only then can the two share one RUN. */
function sameFlags(a: Instruction, b: Instruction): boolean {
  if (a.flags.length !== b.flags.length) return false;
  for (let i = 0; i < a.flags.length; i++) if (a.flags[i].name !== b.flags[i].name || a.flags[i].value !== b.flags[i].value) return false;
  return true;
}

export const runConsecutive = defineRule({
  code: 'run-consecutive',
  severity: 'hint',
  summary: 'Consecutive RUN instructions that could be one layer.',
  hadolint: 'DL3059',
  check(ctx, report) {
    const { doc } = ctx;
    for (const stage of doc.stages) {
      const list = stage.instructions;
      for (let i = 1; i < list.length; i++) {
        const previous = list[i - 1];
        const run = list[i];
        if (run.keyword !== 'RUN' || previous.keyword !== 'RUN' || previous.json || run.json) continue;
        if (!sameFlags(previous, run)) continue;
        report({
          span: run.keywordSpan,
          message: "This RUN follows another RUN: joining them with '&&' makes one layer instead of two.",
          data: joinEdit(doc.text, doc.escape, previous, run),
        });
      }
    }
  },
  // A matter of taste (caching may want them apart): offered, never the automatic choice.
  fix: (f) => fixFromData(f, 'Join with the RUN before', false),
});
