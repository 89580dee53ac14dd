/**
 * Every safe fix at once, as `berth lint --fix` and a pre-commit hook want: the preferred quick
 * fix of the first finding that has one, applied, the text linted again, repeated. Fixes that
 * need a person's choice (which user an image runs as) are left for the editor.
 */
import type { CodeAction, TextEdit } from 'vscode-languageserver-types';
import { codeActions, type FixContext } from './fixes';
import { lint } from './lint';
import { offsetAt, type Dockerfile } from './model';
import { parse } from './parser';
import type { LintSettings } from './settings';

/** Codes whose fix decides something for the user; never applied unattended. */
export const NEEDS_A_PERSON: ReadonlySet<string> = new Set(['user-root', 'user-missing']);

/** The fixed text and what was done to it. */
export interface FixAllResult {
  text: string;
  /** What was applied, in order: `code: title`. */
  applied: string[];
}

/** Applies preferred fixes until none is left (or 100 rounds, a guard against a fix loop). */
export function fixAll(text: string, settings: LintSettings = {}, ctx: Omit<FixContext, 'uri'> = {}): FixAllResult {
  const uri = 'file:///fix-all/Dockerfile';
  const applied: string[] = [];
  for (let round = 0; round < 100; round++) {
    let next: string | undefined;
    for (const d of lint(text, settings)) {
      if (NEEDS_A_PERSON.has(String(d.code))) continue;
      const best = codeActions(text, [d], d.range, { uri, ...ctx, snippetSupport: false }).find((a) => a.isPreferred);
      const edits = best && plainEdits(best, uri);
      if (!edits) continue;
      const changed = applyEdits(text, edits);
      if (changed === text) continue;
      applied.push(`${String(d.code)}: ${best.title}`);
      next = changed;
      break;
    }
    if (next === undefined) break;
    text = next;
  }
  return { text, applied };
}

function plainEdits(action: CodeAction, uri: string): TextEdit[] | undefined {
  const changes = action.edit?.changes;
  if (!changes || action.edit?.documentChanges) return undefined;
  const keys = Object.keys(changes);
  return keys.length === 1 && keys[0] === uri ? changes[uri] : undefined;
}

/** LSP edits on the text, last first so earlier offsets stay valid. */
function applyEdits(text: string, edits: TextEdit[]): string {
  const doc: Pick<Dockerfile, 'lineStarts' | 'text'> = parse(text);
  const spans = edits
    .map((e) => ({ start: offsetAt(doc, e.range.start), end: offsetAt(doc, e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}
