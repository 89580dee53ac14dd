/**
 * What every rule reads: the parsed file, the settings rules need, and the analysis several rules
 * share, each computed on first use and kept for the rest of one lint.
 */
import type { Dockerfile, Instruction } from '../model';
import type { DockerignoreFile } from '../settings';
import { splitCommands, type SimpleCommand } from '../shell';
import { resolveBase, type ResolvedBase } from './shared/images';
import { collectRuns, hintMask, type Run, type RunHint } from './shared/runs';
import { collectGlobalArgs, collectStageNames, globalArgNames } from './shared/scope';
import { shellText } from './shared/source';

export interface RuleContext {
  readonly doc: Dockerfile;
  /** Registries FROM may use (`.hadolint.yaml` `trustedRegistries`); empty means any. */
  readonly trustedRegistries: readonly string[];
  /** The build context's ignore file, when the host found one. */
  readonly dockerignore: DockerignoreFile | undefined;
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
export function ruleContext(doc: Dockerfile, trustedRegistries: readonly string[] = [], dockerignore?: DockerignoreFile): RuleContext {
  return new LintContext(doc, trustedRegistries, dockerignore);
}

/** One lint's context. A class, so a lint allocates one object rather than a closure per analysis. */
class LintContext implements RuleContext {
  private globals: Map<string, string | undefined> | undefined;
  private globalNames: Set<string> | undefined;
  private names: Map<string, number> | undefined;
  private resolved: (ResolvedBase | undefined)[] | undefined;
  private allRuns: Run[] | undefined;
  private runsWith: Map<number, Run[]> | undefined;
  private configured: Map<string, boolean> | undefined;

  constructor(
    readonly doc: Dockerfile,
    readonly trustedRegistries: readonly string[],
    readonly dockerignore: DockerignoreFile | undefined,
  ) {}

  globalArgs(): Map<string, string | undefined> {
    return (this.globals ??= collectGlobalArgs(this.doc));
  }

  globalArgNames(): Set<string> {
    return (this.globalNames ??= globalArgNames(this.doc));
  }

  stageNames(): Map<string, number> {
    return (this.names ??= collectStageNames(this.doc));
  }

  // Rules run inside sharingLintMemo (lint.ts), whose memo already keeps each text's split.
  commands(instruction: Instruction): SimpleCommand[] {
    return splitCommands(shellText(instruction));
  }

  bases(): readonly (ResolvedBase | undefined)[] {
    if (!this.resolved) {
      const globals = this.globalArgs();
      const names = this.stageNames();
      this.resolved = this.doc.stages.map((stage) => resolveBase(this.doc, stage, globals, names));
    }
    return this.resolved;
  }

  runs(...words: RunHint[]): readonly Run[] {
    const mask = hintMask(words);
    const cache = (this.runsWith ??= new Map());
    let found = cache.get(mask);
    if (!found) {
      const all = (this.allRuns ??= collectRuns(this.doc.stages, this.doc.escape, (i) => this.commands(i)));
      cache.set(mask, (found = all.filter((run) => (run.hints & mask) !== 0)));
    }
    return found;
  }

  aptConfigured(option: string): boolean {
    const configured = (this.configured ??= new Map());
    let found = configured.get(option);
    if (found === undefined) configured.set(option, (found = aptConfigures(this.doc.text, option)));
    return found;
  }
}

/** An apt option written to an apt.conf file (echo … > /etc/apt/apt.conf.d/…, or a heredoc). */
function aptConfigures(text: string, option: string): boolean {
  if (!text.includes(option)) return false;
  return new RegExp(`apt\\.conf[\\s\\S]{0,300}APT::(?:Get::)?${option}|APT::(?:Get::)?${option}[^\\n]*apt\\.conf`, 'i').test(text);
}
