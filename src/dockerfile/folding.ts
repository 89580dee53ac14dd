/** Folding ranges: stages, instructions over several lines, heredocs, and comment blocks. */
import type { FoldingRange } from 'vscode-languageserver-types';
import { FoldingRangeKind } from 'vscode-languageserver-types';
import type { Dockerfile } from './model';
import { positionAt } from './model';

/**
 * Folding ranges of a Dockerfile: each stage from its FROM to its last instruction, each
 * instruction with continuation lines or heredocs, each heredoc from the line before its
 * body to its closing delimiter, and each run of two or more comment lines (kind comment).
 * No two ranges start on the same line: the larger one is kept, as editors show only one.
 * With `limit` (the client's rangeLimit), the largest ranges are kept, so stages fold first.
 */
export function foldingRanges(doc: Dockerfile, limit?: number): FoldingRange[] {
  const byStart = new Map<number, FoldingRange>();
  const lineOf = (offset: number) => positionAt(doc, offset).line;
  /** The line of a span's last character, so a span ending after a newline does not reach the next line. */
  const endLineOf = (start: number, end: number) => lineOf(end > start && /[\r\n]/.test(doc.text[end - 1]) ? end - 1 : end);
  const add = (startLine: number, endLine: number, kind?: string) => {
    if (endLine <= startLine) return;
    const seen = byStart.get(startLine);
    if (seen && seen.endLine >= endLine) return;
    byStart.set(startLine, kind ? { startLine, endLine, kind } : { startLine, endLine });
  };

  for (const stage of doc.stages) {
    const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
    add(lineOf(stage.from.span.start), endLineOf(last.span.start, last.span.end));
  }
  for (const instruction of doc.instructions) {
    const { start, end } = instruction.span;
    add(lineOf(start), endLineOf(start, end));
    for (const heredoc of (instruction.trigger ?? instruction).heredocs) {
      const close = heredoc.closeSpan ?? heredoc.bodySpan;
      add(lineOf(heredoc.bodySpan.start) - 1, endLineOf(heredoc.bodySpan.start, close.end));
    }
  }
  let blockStart = -1;
  let blockEnd = -1;
  for (const comment of doc.comments) {
    const line = lineOf(comment.span.start);
    if (line === blockEnd + 1 && blockStart >= 0) {
      blockEnd = line;
      continue;
    }
    if (blockStart >= 0) add(blockStart, blockEnd, FoldingRangeKind.Comment);
    blockStart = blockEnd = line;
  }
  if (blockStart >= 0) add(blockStart, blockEnd, FoldingRangeKind.Comment);
  let ranges = [...byStart.values()];
  if (limit !== undefined && ranges.length > limit) {
    ranges = ranges
      .sort((a, b) => b.endLine - b.startLine - (a.endLine - a.startLine) || a.startLine - b.startLine)
      .slice(0, Math.max(0, limit));
  }
  return ranges.sort((a, b) => a.startLine - b.startLine);
}
