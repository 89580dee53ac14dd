/** What every rule reads: the parsed file, settings, and analysis shared between rules. */
import type { Dockerfile, Instruction, Span } from '../model';
import type { LintSettings } from '../settings';
import { splitCommands, type SimpleCommand } from '../shell';
import { expandVariables, keyValues } from '../variables';

export interface Finding {
  code: string;
  span: Span;
  message: string;
  /** Handed to quick fixes through Diagnostic.data. */
  data?: Record<string, unknown>;
}

export interface RuleContext {
  doc: Dockerfile;
  settings: LintSettings;
  report(finding: Finding): void;
  /** Default values of the global ARGs (before the first FROM); undefined value = declared without one. */
  globalArgs(): Map<string, string | undefined>;
  /** The first stage of each lower-cased name. */
  stageNames(): Map<string, number>;
  /** `splitCommands(shellText(instruction))`, split once per lint for every rule that reads it. */
  commands(instruction: Instruction): SimpleCommand[];
}

/** The first stage of each lower-cased stage name, built once instead of comparing every pair. */
export function collectStageNames(doc: Dockerfile): Map<string, number> {
  const out = new Map<string, number>();
  for (const stage of doc.stages) {
    const key = stage.name?.value.toLowerCase();
    if (key !== undefined && !out.has(key)) out.set(key, stage.index);
  }
  return out;
}

/** A rule context over a parsed file, its shared analysis computed on first use. */
export function ruleContext(doc: Dockerfile, settings: LintSettings, report: (f: Finding) => void): RuleContext {
  let globals: Map<string, string | undefined> | undefined;
  let names: Map<string, number> | undefined;
  return {
    doc,
    settings,
    report,
    globalArgs: () => (globals ??= collectGlobalArgs(doc)),
    stageNames: () => (names ??= collectStageNames(doc)),
    // Rules run inside sharingSplits (lint.ts), whose memo already keeps each text's split.
    commands: (instruction) => splitCommands(shellText(instruction)),
  };
}

export type Rule = (ctx: RuleContext) => void;

/** Global ARG defaults, later declarations overriding earlier ones, as the builder reads them. */
export function collectGlobalArgs(doc: Dockerfile): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const arg of doc.globalArgs) {
    for (const { name, value } of keyValues(
      arg.args.map((a) => a.value),
      doc.escape,
    )) {
      out.set(name, value === undefined ? undefined : expandVariables(value, (n) => out.get(n), doc.escape).value);
    }
  }
  return out;
}

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
