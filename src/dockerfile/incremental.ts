/**
 * Re-parsing after an edit without walking the whole file again. The parser walks lines and
 * holds no state at the line where an instruction starts; so the walk may begin at the last
 * instruction before the edit and stop at the first instruction after it that also started a
 * line of the old parse: from there on the text, and so the parse, is the old one moved.
 * The result equals `parse` of the new text (test/unit/incremental.test.ts checks thousands
 * of random edits).
 *
 * The edit consumes the old model: the instructions and comments after the edit are moved in
 * place and belong to the new one. Copying them cost more than the keystroke's whole lint on a
 * long file (an edit at the top moves every instruction). Whoever holds a model across an edit
 * must take the new one: an editor's document keeps only its current model.
 */
import type { Comment, Dockerfile, Instruction } from './model';
import { assemble, editorLineStarts, parse, shiftInstruction, shiftSpan, walkLines, type Walk } from './parser';

/** One replacement of `[start, end)` of the old text by `text`, as LSP's incremental sync sends. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * The model of `old.text` with `edit` applied, reusing every instruction the edit cannot change;
 * `old` is not to be used afterwards.
 * `edited` is that text when the caller holds it already (an editor's document), to share it.
 */
export function reparse(old: Dockerfile, edit: TextEdit, edited?: string): Dockerfile {
  const start = Math.max(0, Math.min(edit.start, old.text.length));
  const end = Math.max(start, Math.min(edit.end, old.text.length));
  const text = edited ?? old.text.slice(0, start) + edit.text + old.text.slice(end);
  const oldStarts = old.lineStarts;
  const lineStarts = editedLineStarts(oldStarts, start, end, edit.text, text.length - old.text.length);
  const lineDelta = count(edit.text, 0, edit.text.length) - count(old.text, start, end);
  // Editors' lines differ from BuildKit's only around a lone \r: rare enough to parse afresh.
  if (oldStarts.length + lineDelta !== lineStarts.length || editorLineStarts(text, lineStarts) !== lineStarts) return parse(text);

  const firstLine = lineOf(oldStarts, start);
  // The directives, and the line after them that ended them, decide the escape character.
  if (firstLine <= old.directives.length) return parse(text);

  const instructions = old.instructions;
  // The last instruction starting on or before the edit's first line is walked again, from the line
  // after the one before it: not from its own first line, since lines holding only an escape
  // before its first word (`\` then `RUN`) already belong to it.
  const nextLineStart = firstLine + 1 < oldStarts.length ? oldStarts[firstLine + 1] : old.text.length + 1;
  const kept = firstAtOrAfter(instructions, 0, nextLineStart) - 1;
  const before = kept >= 1 ? instructions[kept - 1].span : undefined;
  const resumeLine = before ? lineOf(oldStarts, Math.max(before.start, before.end - 1)) + 1 : old.directives.length;
  const resumeAt = oldStarts[resumeLine];

  const comments: Comment[] = [];
  for (const c of old.comments) {
    if (c.span.start >= resumeAt) break;
    comments.push(c);
  }
  const walk: Walk = {
    text,
    lineStarts,
    escapeCode: old.escape.charCodeAt(0),
    comments,
    instructions: instructions.slice(0, Math.max(kept, 0)),
  };

  // Past the edit's last line, an old instruction's first line is a place both walks agree on.
  const lastLine = lineOf(lineStarts, start + edit.text.length);
  let reuseFrom = -1;
  const stoppedAt = walkLines(walk, resumeLine, (line) => {
    if (line <= lastLine) return false;
    const oldLine = line - lineDelta;
    const from = oldStarts[oldLine];
    const j = firstAtOrAfter(instructions, Math.max(kept, 0), from);
    if (j >= instructions.length || (oldLine + 1 < oldStarts.length && instructions[j].span.start >= oldStarts[oldLine + 1])) return false;
    reuseFrom = j;
    return true;
  });

  if (reuseFrom >= 0) {
    const delta = text.length - old.text.length;
    for (let j = reuseFrom; j < instructions.length; j++) {
      const instruction = instructions[j];
      if (delta !== 0) shiftInstruction(instruction, delta);
      walk.instructions.push(instruction);
    }
    const from = oldStarts[stoppedAt - lineDelta];
    for (const c of old.comments) {
      if (c.span.start < from) continue;
      if (delta !== 0) shiftSpan(c.span, delta);
      comments.push(c);
    }
  }
  return assemble(text, old.escape, old.directives, comments, walk.instructions, lineStarts);
}

/**
 * The line starts of the edited text from the old ones: kept before the edit, found in the
 * inserted text, moved after it. Scanning the whole text again cost more than the rest of a
 * keystroke's re-parse on a long file.
 */
function editedLineStarts(oldStarts: number[], start: number, end: number, inserted: string, delta: number): number[] {
  const first = lineOf(oldStarts, start);
  const last = lineOf(oldStarts, end);
  const out = oldStarts.slice(0, first + 1);
  for (let at = inserted.indexOf('\n'); at >= 0; at = inserted.indexOf('\n', at + 1)) out.push(start + at + 1);
  for (let k = last + 1; k < oldStarts.length; k++) out.push(oldStarts[k] + delta);
  return out;
}

/** Index of the line holding `offset`. */
function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The first instruction from `lo` on whose span starts at or after `offset`. */
function firstAtOrAfter(instructions: Instruction[], lo: number, offset: number): number {
  let hi = instructions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (instructions[mid].span.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function count(text: string, from: number, to: number): number {
  let n = 0;
  for (let at = text.indexOf('\n', from); at >= 0 && at < to; at = text.indexOf('\n', at + 1)) n++;
  return n;
}
