/**
 * What a RUN hands to a shell, split into commands once for every rule that reads RUN text,
 * with the source positions of command words for tight ranges and fixes.
 */
import type { Flag, Instruction, Span, Word } from '../../model';
import { commandWords, programName, splitCommands, type SimpleCommand } from '../../shell';
import { shellSpan, shellText } from './source';

export interface RunScript {
  /** The scanned text: shell form (plus heredoc bodies the shell runs), or the exec form's `-c` script. */
  text: string;
  commands: SimpleCommand[];
  /** Exec form: ranges cover the whole array and no fix edits inside it. */
  exec: boolean;
  /** Exec form without a shell: the words run as one program, no shell in between. */
  noShell: boolean;
  /** A heredoc script that names its own interpreter (`#!/bin/bash`, `#!/usr/bin/env python3`). */
  shebang: boolean;
  /** Where each argument word starts in `argsText`, built on the first range asked for. */
  wordStarts?: number[];
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox']);
const HEREDOC_OPENER = /<<-?\s*(["']?)[A-Za-z0-9_.-]+\1/g;

/**
 * The script a RUN runs, undefined for anything but RUN (ONBUILD triggers run in another build).
 * `split` splits `shellText(instruction)`, so a lint can share the split between rules.
 */
export function runScript(
  instruction: Instruction,
  split: (i: Instruction) => SimpleCommand[] = (i) => splitCommands(shellText(i)),
): RunScript | undefined {
  if (instruction.keyword !== 'RUN') return undefined;
  const json = instruction.json;
  if (json) {
    const values = json.values;
    const dashC = SHELLS.has(programName(values[0])) ? values.findIndex((v, i) => i > 0 && /^-[a-z]*c$/.test(v)) : -1;
    if (dashC > 0) {
      const text = values[dashC + 1] ?? '';
      return { text, commands: splitCommands(text), exec: true, noShell: false, shebang: false };
    }
    const text = values.join(' ');
    const commands = values.length > 0 ? [{ words: values, start: 0, end: text.length, next: '' }] : [];
    return { text, commands, exec: true, noShell: true, shebang: false };
  }
  if (instruction.heredocs.length === 0) {
    return { text: instruction.argsText, commands: split(instruction), exec: false, noShell: false, shebang: false };
  }
  // `RUN <<EOF` (or `RUN bash <<EOF`) runs the body as the script; `RUN python3 <<EOF` or
  // `RUN cat <<EOF > file` feeds it to a program as data, which is no shell text at all.
  const rest = instruction.argsText.replace(HEREDOC_OPENER, '').trim();
  const script = rest === '' || /^(?:\S*\/)?(?:ba|da|a|z|k)?sh(?:\s+-[a-z]+)*$/.test(rest);
  // A `#!` line makes the builder run the body as a file with that interpreter: shell text
  // only when the interpreter is a shell, and then not under SHELL's options either.
  const foreign = instruction.heredocs.some(
    (h) => h.body.startsWith('#!') && !/^#!\s*(?:\S*\/)?(?:env\s+)?(?:ba|da|a|z|k)?sh\b/.test(h.body),
  );
  if (!script || foreign) {
    const text = instruction.argsText;
    return { text, commands: splitCommands(text), exec: false, noShell: false, shebang: foreign };
  }
  const shebang = instruction.heredocs.some((h) => h.body.startsWith('#!'));
  return { text: shellText(instruction), commands: split(instruction), exec: false, noShell: false, shebang };
}

/** Index into `command.words` where commandWords() starts: past sudo, env and assignments. */
export function programIndex(command: SimpleCommand): number {
  return command.words.length - commandWords(command).length;
}

/**
 * Where each word of a command starts in the scanned text, found left to right; a quoted
 * or escaped word that does not appear verbatim gets the previous word's end.
 */
export function wordOffsets(text: string, command: SimpleCommand): number[] {
  // Remembered per command: a rule reporting each of 8,000 packages asks 8,000 times.
  const known = offsetsOf.get(command);
  if (known !== undefined && known.text === text) return known.offsets;
  const offsets = findOffsets(text, command);
  offsetsOf.set(command, { text, offsets });
  return offsets;
}

const offsetsOf = new WeakMap<SimpleCommand, { text: string; offsets: number[] }>();

function findOffsets(text: string, command: SimpleCommand): number[] {
  const out: number[] = [];
  let cursor = command.start;
  for (const word of command.words) {
    const at = text.indexOf(word, cursor);
    const found = at >= 0 && at < command.end ? at : cursor;
    out.push(found);
    cursor = found + word.length;
  }
  return out;
}

/** The source span of words [from, to] of a command (inclusive), as a diagnostic range. */
export function wordsSpan(
  source: string,
  instruction: Instruction,
  script: RunScript,
  command: SimpleCommand,
  from: number,
  to = from,
): Span {
  const offsets = wordOffsets(script.text, command);
  const start = offsets[from] ?? command.start;
  const end = (offsets[to] ?? command.start) + (command.words[to]?.length ?? 0);
  return scriptSpan(source, instruction, script, start, Math.max(start + 1, end));
}

/**
 * shellSpan() for [from, to) of `script.text`, finding the argument word by binary search: a RUN
 * of thousands of commands reports as many findings, and a scan per finding would be quadratic.
 */
export function scriptSpan(source: string, instruction: Instruction, script: RunScript, from: number, to: number): Span {
  const args = instruction.argsText;
  if (script.exec || from > args.length || script.text.length < args.length) return shellSpan(source, instruction, from, to);
  const words = instruction.args;
  const starts = (script.wordStarts ??= argumentStarts(args, words));
  const toSource = (at: number, end: boolean): number => {
    // The last word starting at or before `at` (before it, for an end offset).
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (end ? starts[mid] < at : starts[mid] <= at) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const word = words[found];
    if (!word || starts[found] < 0) return end ? instruction.argsSpan.end : instruction.argsSpan.start;
    const start = starts[found];
    const stop = start + word.value.length;
    const inside = end ? at > start && at <= stop : at >= start && at < stop;
    if (!inside) return end ? instruction.argsSpan.end : instruction.argsSpan.start;
    const oneLine = word.span.end - word.span.start === word.value.length;
    if (oneLine) return word.span.start + (at - start);
    return end ? word.span.end : word.span.start;
  };
  return { start: toSource(from, false), end: toSource(to, true) };
}

/** Where each argument word's value starts in `args`, as shellSpan() finds them; -1 past a miss. */
function argumentStarts(args: string, words: Word[]): number[] {
  const out: number[] = [];
  let cursor = 0;
  for (const word of words) {
    const start = cursor < 0 ? -1 : args.indexOf(word.value, cursor);
    out.push(start);
    cursor = start < 0 ? -1 : start + word.value.length;
  }
  return out;
}

/** `type=cache` or `type=tmpfs` mounts of a RUN: their targets, where nothing stays in the layer. */
export function discardedTargets(flags: Flag[]): string[] {
  const out: string[] = [];
  for (const flag of flags) {
    if (flag.name !== 'mount' || !flag.value) continue;
    const fields = new Map(
      flag.value.split(',').map((f) => {
        const eq = f.indexOf('=');
        return eq < 0 ? [f.trim(), ''] : [f.slice(0, eq).trim(), f.slice(eq + 1).trim()];
      }),
    );
    const type = fields.get('type');
    if (type !== 'cache' && type !== 'tmpfs') continue;
    const target = fields.get('target') ?? fields.get('dst') ?? fields.get('destination');
    if (target) out.push(target.replace(/\/+$/, ''));
  }
  return out;
}
