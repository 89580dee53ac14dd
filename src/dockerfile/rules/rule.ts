/**
 * What a rule is: its stable code, default severity and the peers' names for it, the check that
 * finds it and the quick fixes that repair it. Each rule lives in `rules/<code>.ts` and is listed
 * once in catalog.ts, which derives the `RuleCode` type from the list.
 */
import type { Span } from '../model';
import type { SeverityLevel } from '../settings';
import type { RuleContext } from './context';
import type { Fixer } from './fixer';

/** The facts about a rule that settings, docs, SARIF and pragmas read. */
export interface RuleInfo<C extends string = string> {
  readonly code: C;
  /** The level it reports at unless settings say otherwise; `off` rules run only when asked for. */
  readonly severity: SeverityLevel;
  /** One line for SARIF and settings descriptions. */
  readonly summary: string;
  /** hadolint's code for the same check, so its pragmas and config keep working. */
  readonly hadolint?: string;
  /** BuildKit's build check for the same thing (`docker build --check`). */
  readonly buildkit?: string;
  /** Its fixes decide something for the user (which user an image runs as): Fix All leaves them alone. */
  readonly needsAPerson?: boolean;
  /**
   * The rule's quick fixes for one of its diagnostics, offered through `offer()`. The one marked
   * preferred is what Fix All and `berth lint --fix` apply unattended.
   */
  fix?(f: Fixer): void;
}

/** A source edit carried in a finding's data; quick fixes apply it as the current lint computed it. */
export interface DataEdit {
  start: number;
  end: number;
  text: string;
}

/** One thing a rule found: where, what to tell the user, and what its quick fixes read. */
export interface Finding {
  span: Span;
  message: string;
  /** Handed to quick fixes through Diagnostic.data; `edits` are applied by `fixFromData`. */
  data?: { edits?: DataEdit[] } & Record<string, unknown>;
}

/** One rule: reports findings of its own code only. */
export interface Rule<C extends string = string> extends RuleInfo<C> {
  check(ctx: RuleContext, report: (finding: Finding) => void): void;
}

/**
 * Several rules found by one pass that cannot be split without doing the work twice (the
 * builder's own checks). Prefer a Rule: a family is for checks that truly share their walk.
 */
export interface RuleFamily<C extends string = string> {
  readonly rules: readonly RuleInfo<C>[];
  check(ctx: RuleContext, report: (code: C, finding: Finding) => void): void;
}

/** Declares a rule; `code` keeps its literal type so the catalog can derive `RuleCode`. */
export function defineRule<const C extends string>(rule: Rule<C>): Rule<C> {
  return rule;
}

/** Declares a family of rules sharing one pass. */
export function defineFamily<const C extends string>(family: RuleFamily<C>): RuleFamily<C> {
  return family;
}
