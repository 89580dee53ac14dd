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
import type { SimpleCommand } from './shell';
import type { VariableRef } from './variables';

/** One kind of answer by text: what the last lint asked for, and no more, stays. */
export class TextMemo<T> {
  private used = new Map<string, T>();
  private older = new Map<string, T>();

  get(text: string): T | undefined {
    let answer = this.used.get(text);
    if (answer === undefined) {
      answer = this.older.get(text);
      if (answer !== undefined) this.used.set(text, answer);
    }
    return answer;
  }

  set(text: string, answer: T): void {
    this.used.set(text, answer);
  }

  /** `get`, or `compute` once and remember it. */
  answer(text: string, compute: (text: string) => T): T {
    let answer = this.get(text);
    if (answer === undefined) this.set(text, (answer = compute(text)));
    return answer;
  }

  /** Drops the answers the last lint did not ask for. */
  age(): void {
    this.older = this.used;
    this.used = new Map();
  }
}

/** What a document's lints share: one memo per kind of per-text answer. */
export class LintMemo {
  /** splitCommands (shell.ts). */
  readonly splits = new TextMemo<SimpleCommand[]>();
  /** findVariables with the default escape (variables.ts). */
  readonly variables = new TextMemo<VariableRef[]>();
  /** The RUN hint words of a RUN's arguments or heredoc body (rules/shared/runs.ts). */
  readonly hints = new TextMemo<number>();

  age(): void {
    this.splits.age();
    this.variables.age();
    this.hints.age();
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
