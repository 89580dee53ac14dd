/**
 * Suppression pragmas: `# berth ignore=<code>[,<code>]` for the next instruction and
 * `# berth global ignore=…` for the file. hadolint's own pragmas are honored for the
 * rules that match, so teams moving over keep their suppressions.
 */
import type { Dockerfile } from './model';
import { ruleCode, type RuleCode } from './rules/catalog';

const PRAGMA = /^\s*(berth|hadolint)\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s-]+?)\s*$/i;

export interface Suppressions {
  /** Codes ignored everywhere in the file. */
  global: Set<RuleCode>;
  /** Codes ignored per instruction, by the instruction's start offset. */
  byInstruction: Map<number, Set<RuleCode>>;
}

export function readSuppressions(doc: Dockerfile): Suppressions {
  const global = new Set<RuleCode>();
  const byInstruction = new Map<number, Set<RuleCode>>();
  let next = 0;
  for (const comment of doc.comments) {
    if (!/ignore/i.test(comment.text)) continue;
    const m = PRAGMA.exec(comment.text);
    if (!m) continue;
    const codes = m[3]
      .split(',')
      .map((c) => ruleCode(c))
      .filter((c): c is RuleCode => c !== undefined);
    if (m[2]) {
      for (const c of codes) global.add(c);
      continue;
    }
    // The instruction the pragma stands above: the first one starting after it.
    while (next < doc.instructions.length && doc.instructions[next].span.start < comment.span.end) next++;
    const target = doc.instructions[next];
    if (!target) continue;
    let set = byInstruction.get(target.span.start);
    if (!set) byInstruction.set(target.span.start, (set = new Set()));
    for (const c of codes) set.add(c);
  }
  return { global, byInstruction };
}
