/**
 * What every rule reads: the parsed file, the settings rules need, and the analysis several rules
 * share, each computed on first use and kept for the rest of one lint.
 */
import type { Dockerfile, Instruction } from '../model';
import { splitCommands, type SimpleCommand } from '../shell';
import { resolveBase, type ResolvedBase } from './shared/images';
import { collectRuns, hintMask, type Run, type RunHint } from './shared/runs';
import { collectGlobalArgs, collectStageNames, globalArgNames } from './shared/scope';
import { shellText } from './shared/source';

export interface RuleContext {
  readonly doc: Dockerfile;
  /** Registries FROM may use (`.hadolint.yaml` `trustedRegistries`); empty means any. */
  readonly trustedRegistries: readonly string[];
  /** Default values of the global ARGs (before the first FROM); undefined value = declared without one. */
  globalArgs(): Map<string, string | undefined>;
  /** Every name a global ARG declares, default or not. */
  globalArgNames(): Set<string>;
  /** The first stage of each lower-cased name. */
  stageNames(): Map<string, number>;
  /** `splitCommands(shellText(instruction))`, split once per lint for every rule that reads it. */
  commands(instruction: Instruction): SimpleCommand[];
  /** The external image each stage starts from, by stage index (see resolveBase). */
  bases(): readonly (ResolvedBase | undefined)[];
  /**
   * The RUNs whose text contains one of the words, with their stage's shell state and their
   * script split once (see shared/runs.ts).
   */
  runs(...words: RunHint[]): readonly Run[];
  /** Whether an apt.conf file written anywhere in the file sets an APT option, e.g. `Assume-Yes`. */
  aptConfigured(option: string): boolean;
}

/** A rule context over a parsed file, its shared analysis computed on first use. */
export function ruleContext(doc: Dockerfile, trustedRegistries: readonly string[] = []): RuleContext {
  let globals: Map<string, string | undefined> | undefined;
  let globalNames: Set<string> | undefined;
  let names: Map<string, number> | undefined;
  let bases: (ResolvedBase | undefined)[] | undefined;
  let runs: Run[] | undefined;
  const runsWith = new Map<number, Run[]>();
  const configured = new Map<string, boolean>();
  // Rules run inside sharingSplits (lint.ts), whose memo already keeps each text's split.
  const commands = (instruction: Instruction) => splitCommands(shellText(instruction));
  const ctx: RuleContext = {
    doc,
    trustedRegistries,
    globalArgs: () => (globals ??= collectGlobalArgs(doc)),
    globalArgNames: () => (globalNames ??= globalArgNames(doc)),
    stageNames: () => (names ??= collectStageNames(doc)),
    commands,
    bases: () => (bases ??= doc.stages.map((stage) => resolveBase(doc, stage, ctx.globalArgs(), ctx.stageNames()))),
    runs(...words) {
      const mask = hintMask(words);
      let found = runsWith.get(mask);
      if (!found) {
        const all = (runs ??= collectRuns(doc.stages, doc.escape, commands));
        runsWith.set(mask, (found = all.filter((run) => (run.hints & mask) !== 0)));
      }
      return found;
    },
    aptConfigured(option) {
      let found = configured.get(option);
      if (found === undefined) configured.set(option, (found = aptConfigures(doc.text, option)));
      return found;
    },
  };
  return ctx;
}

/** An apt option written to an apt.conf file (echo … > /etc/apt/apt.conf.d/…, or a heredoc). */
function aptConfigures(text: string, option: string): boolean {
  if (!text.includes(option)) return false;
  return new RegExp(`apt\\.conf[\\s\\S]{0,300}APT::(?:Get::)?${option}|APT::(?:Get::)?${option}[^\\n]*apt\\.conf`, 'i').test(text);
}
