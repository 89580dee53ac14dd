/**
 * Every safe fix at once, as Fix All, fix-on-save and `berth lint --fix` want. A round lints the
 * text once, takes the preferred quick fix of every finding that has one, applies all of them
 * that do not touch each other in one go, and lints the result once to check them: a fix whose
 * finding is still there, or that brought a new builder error, is taken back. Rounds repeat until
 * one has nothing left to apply, so running Fix All again on its result changes nothing. Fixes
 * that decide something for the user (which user an image runs as) are left for the editor.
 */
import type { CodeAction, Diagnostic } from 'vscode-languageserver-types';
import { preferredFixes, type FixContext } from './fixes';
import { lintDocument } from './lint';
import { offsetAt, type Dockerfile } from './model';
import { parse } from './parser';
import { RULE_INFO, ruleCode, type RuleCode } from './rules/catalog';
import type { LintSettings } from './settings';

/** The fixed text and what was done to it. */
export interface FixAllResult {
  text: string;
  /** What was applied, in order: `code: title`. */
  applied: string[];
  /** False when the round limit stopped it with fixes still to apply (a second run would continue). */
  complete: boolean;
}

/** Codes whose fix decides something for the user; never applied unattended. */
export const NEEDS_A_PERSON: ReadonlySet<RuleCode> = new Set([...RULE_INFO.values()].filter((r) => r.needsAPerson).map((r) => r.code));

/**
 * Rounds are few: each applies every fix that does not touch another, so only fixes of the same
 * spot wait for a later round. The limit is a guard, not a budget.
 */
const MAX_ROUNDS = 64;
const URI = 'file:///fix-all/Dockerfile';

/** Applies every safe fix; see the file's header. */
export function fixAll(text: string, settings: LintSettings = {}, ctx: Omit<FixContext, 'uri'> = {}): FixAllResult {
  const steps = fixAllSteps(text, settings, ctx);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * fixAll() in steps, yielding after each lint, so a language server can answer other requests
 * and notice a cancellation or an edit between them.
 */
export function* fixAllSteps(text: string, settings: LintSettings = {}, ctx: Omit<FixContext, 'uri'> = {}): Generator<void, FixAllResult> {
  const applied: string[] = [];
  let doc = parse(text);
  let diagnostics = lintDocument(doc, settings);
  yield;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const actions = preferredFixes(doc, diagnostics, { uri: URI, ...ctx, snippetSupport: false });
    // Findings whose fix failed on this text; a fix it kept out of the batch may now go in.
    const rejected = new Set<number>();
    let batch = plan(doc, diagnostics, actions, rejected);
    let next: Checked | undefined;
    while (batch.length > 0) {
      const candidate = check(doc, diagnostics, batch, settings);
      yield;
      if (candidate.failed.size === 0) {
        next = candidate;
        break;
      }
      for (const i of candidate.failed) rejected.add(batch[i].finding);
      batch = plan(doc, diagnostics, actions, rejected);
    }
    if (!next) return { text: doc.text, applied, complete: true };
    for (const fix of batch) applied.push(`${fix.code}: ${fix.title}`);
    doc = next.doc;
    diagnostics = next.diagnostics;
  }
  return { text: doc.text, applied, complete: false };
}

/** One fix of one finding, as offsets into the text it was computed on. */
interface PlannedFix {
  /** Index of the finding in the round's diagnostics. */
  finding: number;
  code: RuleCode;
  title: string;
  /** Where the finding starts. */
  at: number;
  /** Sorted, non-overlapping. */
  edits: { start: number; end: number; text: string }[];
}

/** The preferred fix of each finding not rejected, keeping only fixes that touch no fix taken before them. */
function plan(doc: Dockerfile, diagnostics: Diagnostic[], actions: (CodeAction | undefined)[], rejected: Set<number>): PlannedFix[] {
  const taken = new SpanSet();
  const out: PlannedFix[] = [];
  actions.forEach((action, i) => {
    if (rejected.has(i)) return;
    const edits = action && offsets(doc, action);
    if (!edits || edits.length === 0) return;
    if (edits.some((e) => taken.touches(e.start, e.end))) return;
    for (const e of edits) taken.add(e.start, e.end);
    const d = diagnostics[i];
    out.push({ finding: i, code: ruleCode(String(d.code))!, title: action.title, at: offsetAt(doc, d.range.start), edits });
  });
  return out;
}

/** The action's edits of this document as sorted offsets, or undefined when it has others. */
function offsets(doc: Dockerfile, action: CodeAction): PlannedFix['edits'] | undefined {
  const changes = action.edit?.changes;
  if (!changes || action.edit?.documentChanges) return undefined;
  const keys = Object.keys(changes);
  if (keys.length !== 1 || keys[0] !== URI) return undefined;
  const out = changes[URI].map((e) => ({ start: offsetAt(doc, e.range.start), end: offsetAt(doc, e.range.end), text: e.newText }));
  out.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let k = 1; k < out.length; k++) if (out[k].start < out[k - 1].end) return undefined;
  return out;
}

interface Checked {
  doc: Dockerfile;
  diagnostics: Diagnostic[];
  /** Indexes into the batch of the fixes to take back. */
  failed: Set<number>;
}

/** Applies the batch and lints the result once: which fixes left their finding or added an error. */
function check(doc: Dockerfile, before: Diagnostic[], batch: PlannedFix[], settings: LintSettings): Checked {
  const edits = batch.flatMap((fix, owner) => fix.edits.map((e) => ({ ...e, owner }))).sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  const moved: { start: number; end: number; newStart: number; newEnd: number; owner: number }[] = [];
  let cursor = 0;
  let length = 0;
  for (const e of edits) {
    parts.push(doc.text.slice(cursor, e.start));
    length += e.start - cursor;
    moved.push({ start: e.start, end: e.end, newStart: length, newEnd: length + e.text.length, owner: e.owner });
    parts.push(e.text);
    length += e.text.length;
    cursor = e.end;
  }
  parts.push(doc.text.slice(cursor));
  const next = parse(parts.join(''));
  const after = lintDocument(next, settings);
  const failed = new Set<number>();

  /** Where an offset of the old text is in the new one (an offset inside a replaced span goes to its start). */
  const map = (offset: number): number => {
    let lo = 0;
    let hi = moved.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (moved[mid].start <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return offset;
    const m = moved[found];
    return offset < m.end ? m.newStart : m.newEnd + (offset - m.end);
  };

  // A fix failed when a finding of its code is still where its finding was, or inside what it wrote.
  const startsByCode = new Map<string, number[]>();
  for (const d of after) listFor(startsByCode, String(d.code)).push(offsetAt(next, d.range.start));
  const written = new Map<number, { newStart: number; newEnd: number }[]>();
  for (const m of moved) listFor(written, m.owner).push(m);
  batch.forEach((fix, i) => {
    const starts = startsByCode.get(fix.code);
    if (!starts) return;
    const at = map(fix.at);
    if (anyWithin(starts, at, at) || written.get(i)!.some((w) => anyWithin(starts, w.newStart, w.newEnd))) failed.add(i);
  });

  // A fix must not add a builder error: each new one is charged to the fix that wrote nearest before it.
  const oldErrors = new Map<string, number[]>();
  for (const d of before) if (d.severity === 1) listFor(oldErrors, String(d.code)).push(map(offsetAt(doc, d.range.start)));
  let unexplained = false;
  for (const d of after) {
    if (d.severity !== 1) continue;
    const at = offsetAt(next, d.range.start);
    const old = oldErrors.get(String(d.code));
    const same = old?.indexOf(at) ?? -1;
    if (same >= 0) {
      old!.splice(same, 1);
      continue;
    }
    const culprit = nearestBefore(moved, at, next);
    if (culprit === undefined) unexplained = true;
    else failed.add(culprit);
  }
  // An error no single fix explains: take back the later half of the batch and try again.
  if (unexplained && failed.size === 0) for (let i = Math.floor(batch.length / 2); i < batch.length; i++) failed.add(i);
  return { doc: next, diagnostics: after, failed };
}

function listFor<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

/** Whether the ascending `sorted` holds a value in [from, to]. */
function anyWithin(sorted: number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] <= to;
}

/** The fix whose edit starts last at or before `at`, when that edit is in the instruction (or line) holding `at`. */
function nearestBefore(moved: { newStart: number; newEnd: number; owner: number }[], at: number, doc: Dockerfile): number | undefined {
  let owner: number | undefined;
  let best = -1;
  for (const m of moved) {
    if (m.newStart > at || m.newStart <= best) continue;
    best = m.newStart;
    owner = m.owner;
  }
  if (owner === undefined) return undefined;
  // The error's instruction must hold that edit, or the edit is no explanation.
  const instruction = doc.instructions.find((i) => i.span.start <= at && at <= i.span.end);
  const line = doc.text.lastIndexOf('\n', at - 1) + 1;
  const from = Math.min(instruction?.span.start ?? line, line);
  return best >= from ? owner : undefined;
}

/** Spans taken so far, to tell whether a new one overlaps or touches one of them. */
class SpanSet {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  /** Touching counts: two insertions at one place would land in an order nobody chose. */
  touches(start: number, end: number): boolean {
    const i = this.firstEndingAtOrAfter(start);
    return i < this.starts.length && this.starts[i] <= end;
  }

  add(start: number, end: number): void {
    const i = this.firstEndingAtOrAfter(start);
    this.starts.splice(i, 0, start);
    this.ends.splice(i, 0, end);
  }

  private firstEndingAtOrAfter(offset: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
