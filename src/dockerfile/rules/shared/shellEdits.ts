/** Edits inside RUN scripts that the shell rules carry in their findings' data. */
import type { Instruction } from '../../model';
import type { SimpleCommand } from '../../shell';
import type { DataEdit } from '../rule';
import { wordsSpan, type RunScript } from './runScript';

/** An edit inserting `text` after word `index`, when the word stands verbatim on one line of the source. */
export function insertAfter(
  source: string,
  run: Instruction,
  script: RunScript,
  command: SimpleCommand,
  index: number,
  text: string,
): { edits: DataEdit[] } | undefined {
  const span = wordsSpan(source, run, script, command, index);
  return source.slice(span.start, span.end) === command.words[index] ? { edits: [{ start: span.end, end: span.end, text }] } : undefined;
}

/** The end of the whitespace after `at` on the same line, or -1 when a line break follows. */
export function trailingSpace(source: string, at: number): number {
  let end = at;
  while (source[end] === ' ' || source[end] === '\t') end++;
  return end > at && source[end] !== '\n' && source[end] !== '\r' ? end : -1;
}

/** `at` moved back over trailing whitespace. */
export function trimmedEnd(source: string, at: number): number {
  while (at > 0 && /\s/.test(source[at - 1])) at--;
  return at;
}

/** A mount target that holds `path`: the path itself or a folder above it. */
export function covers(targets: string[], path: string): boolean {
  for (const t of targets) if (t === path || path.startsWith(t + '/')) return true;
  return false;
}
