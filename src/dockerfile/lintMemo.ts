/**
 * Answers kept from one lint of a document to the next, keyed by the text they were computed
 * from: a keystroke changes one instruction, so the next lint finds every other instruction's
 * shell split, variable references and RUN hint words here instead of computing them again.
 * The texts of unchanged instructions are the same string objects from one parse to the next
 * (incremental.ts shares them), so a lookup costs a hash the string already holds.
 *
 * Only a caller that keeps the document (the language server) holds a memo across lints; a
 * one-off lint gets one for its own duration, so rules asking for the same text share one
 * answer. Answers are shared between rules and lints: read-only.
 */
import type { Install } from './installers';
import type { SimpleCommand } from './shell';
import type { VariableRef } from './variables';

/**
 * One kind of answer by text. Answers the last lint did not ask for are dropped once they
 * outnumber the ones it did, so memory stays within a few lints' worth; marking use in place
 * (rather than moving the used answers into a new map after every lint) allocates nothing on a hit.
 */
export class TextMemo<T> {
  private readonly entries = new Map<string, { answer: T; lint: number }>();
  /** Which lint is running: entries marked with an older one were not asked for by it yet. */
  private lint = 0;
  private used = 0;

  get(text: string): T | undefined {
    const entry = this.entries.get(text);
    if (entry === undefined) return undefined;
    if (entry.lint !== this.lint) {
      entry.lint = this.lint;
      this.used++;
    }
    return entry.answer;
  }

  set(text: string, answer: T): void {
    if (this.entries.get(text)?.lint !== this.lint) this.used++;
    this.entries.set(text, { answer, lint: this.lint });
  }

  /** `get`, or `compute` once and remember it. */
  answer(text: string, compute: (text: string) => T): T {
    let answer = this.get(text);
    if (answer === undefined) this.set(text, (answer = compute(text)));
    return answer;
  }

  /** Ends a lint: drops the answers it did not ask for when they have come to outnumber the ones it did. */
  age(): void {
    if (this.entries.size > 2 * this.used + 64) {
      for (const [text, entry] of this.entries) if (entry.lint !== this.lint) this.entries.delete(text);
    }
    this.lint++;
    this.used = 0;
  }

  /** How many answers are kept (for tests). */
  get size(): number {
    return this.entries.size;
  }
}

/** The first dependency install of a script: its commands, which one, and what it installs. */
export interface FirstInstall {
  readonly commands: SimpleCommand[];
  readonly at: number;
  readonly install: Install;
}

/** What a document's lints share: one memo per kind of per-text answer. */
export class LintMemo {
  /** splitCommands (shell.ts). */
  readonly splits = new TextMemo<SimpleCommand[]>();
  /** findVariables with the default escape (variables.ts). */
  readonly variables = new TextMemo<VariableRef[]>();
  /** The RUN hint words of a RUN's arguments or heredoc body (rules/shared/runs.ts). */
  readonly hints = new TextMemo<number>();
  /** Whether a RUN's script names a dependency installer (installers.ts). */
  readonly installers = new TextMemo<boolean>();
  /** A RUN script's first dependency install, or null when it has none (rules/shared/layerCache.ts). */
  readonly installs = new TextMemo<FirstInstall | null>();

  age(): void {
    this.splits.age();
    this.variables.age();
    this.hints.age();
    this.installers.age();
    this.installs.age();
  }
}

let active: LintMemo | undefined;

/** The memo of the lint running now, if any. */
export function activeLintMemo(): LintMemo | undefined {
  return active;
}

/** Runs `fn` (a lint) with the per-text answers read from and kept in `memo`. */
export function withLintMemo<T>(memo: LintMemo, fn: () => T): T {
  const outer = active;
  active = memo;
  try {
    return fn();
  } finally {
    active = outer;
    memo.age();
  }
}

/** Runs `fn` (one lint) in the caller's memo if one is in place, else in one that lives for this call only. */
export function sharingLintMemo<T>(fn: () => T): T {
  return active ? fn() : withLintMemo(new LintMemo(), fn);
}
