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
import type { Dockerfile, Instruction } from './model';
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

  // The lists of the old model are edited in place below: only what was walked again is new.
  const oldComments = old.comments;
  let keptComments = 0;
  while (keptComments < oldComments.length && oldComments[keptComments].span.start < resumeAt) keptComments++;
  const keptInstructions = Math.max(kept, 0);
  const walk: Walk = {
    text,
    lineStarts,
    escapeCode: old.escape.charCodeAt(0),
    comments: [],
    instructions: [],
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

  if (reuseFrom < 0) {
    const comments = oldComments.slice(0, keptComments).concat(walk.comments);
    return assemble(
      text,
      old.escape,
      old.directives,
      comments,
      instructions.slice(0, keptInstructions).concat(walk.instructions),
      lineStarts,
    );
  }
  const delta = text.length - old.text.length;
  const from = oldStarts[stoppedAt - lineDelta];
  let movedComments = keptComments;
  while (movedComments < oldComments.length && oldComments[movedComments].span.start < from) movedComments++;
  if (delta !== 0) {
    for (let j = reuseFrom; j < instructions.length; j++) shiftInstruction(instructions[j], delta);
    for (let j = movedComments; j < oldComments.length; j++) shiftSpan(oldComments[j].span, delta);
  }
  const comments = replaceRange(oldComments, keptComments, movedComments, walk.comments);
  return assemble(
    text,
    old.escape,
    old.directives,
    comments,
    replaceRange(instructions, keptInstructions, reuseFrom, walk.instructions),
    lineStarts,
  );
}

/**
 * `list` with [from, to) replaced by `items`: in place, as a keystroke replaces one or two
 * instructions of thousands, unless so many are new that spreading them as arguments could
 * overflow the stack.
 */
function replaceRange<T>(list: T[], from: number, to: number, items: T[]): T[] {
  if (items.length > 1000) return list.slice(0, from).concat(items, list.slice(to));
  list.splice(from, to - from, ...items);
  return list;
}

/**
 * The line starts of the edited text from the old ones: kept before the edit, found in the
 * inserted text, moved after it. Scanning the whole text again cost more than the rest of a
 * keystroke's re-parse on a long file.
 */
function editedLineStarts(oldStarts: number[], start: number, end: number, inserted: string, delta: number): number[] {
  const first = lineOf(oldStarts, start);
  const last = lineOf(oldStarts, end);
  let added = 0;
  for (let at = inserted.indexOf('\n'); at >= 0; at = inserted.indexOf('\n', at + 1)) added++;
  // Allocated at its size: grown by pushes, a long file's array was copied several times per keystroke.
  const out = new Array<number>(first + 1 + added + oldStarts.length - last - 1);
  let n = 0;
  for (; n <= first; n++) out[n] = oldStarts[n];
  for (let at = inserted.indexOf('\n'); at >= 0; at = inserted.indexOf('\n', at + 1)) out[n++] = start + at + 1;
  for (let k = last + 1; k < oldStarts.length; k++) out[n++] = oldStarts[k] + delta;
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
