/** Where RUN text and words come from in the source, for tight ranges and edits. */
import type { Dockerfile, Instruction, Span } from '../../model';

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

/** The instruction whose span holds `offset` (its end included), by binary search. */
export function instructionAt(doc: Dockerfile, offset: number): Instruction | undefined {
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
