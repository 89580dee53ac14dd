/**
 * Suppression pragmas: `# berth ignore=<code>[,<code>]` for the next instruction, `# berth stage
 * ignore=…` for the stage it stands in and `# berth global ignore=…` for the file. hadolint's own
 * pragmas and BuildKit's `# check=skip=…` directive are honored for the rules that match, so teams
 * moving over keep their suppressions. ShellCheck codes (`# hadolint ignore=SC2086`) reach the
 * ShellCheck findings of the RUN below.
 */
import type { Dockerfile } from './model';
import { BUILDKIT_RULE_CODES, ruleCode, type RuleCode } from './rules/catalog';
import { shellCheckCode, type ShellCheckCode } from './settings';

/** What a pragma may name: a rule (by any of its codes) or a single ShellCheck check. */
export type SuppressedCode = RuleCode | ShellCheckCode;

/** A trailing `# reason` after the codes is a comment on the pragma (hadolint allows it). */
const PRAGMA = /^\s*(berth|hadolint)\s+(?:(global|stage)\s+)?ignore\s*=\s*([A-Za-z0-9_,\s-]+?)\s*(?:#.*)?$/i;
/** BuildKit's `# check=skip=A,B;error=true`: for the file as a directive, for the next instruction as a later comment. */
const CHECK = /^\s*check\s*=\s*(.*?)\s*$/i;

export interface Suppressions {
  /** Codes ignored everywhere in the file. */
  global: Set<SuppressedCode>;
  /** Codes ignored per stage, by stage index. */
  byStage: Map<number, Set<SuppressedCode>>;
  /** Codes ignored per instruction, by the instruction's start offset. */
  byInstruction: Map<number, Set<SuppressedCode>>;
  /** `# check=error=true`: the findings of rules BuildKit also checks fail the build. */
  buildkitErrors: boolean;
}

function codesOf(list: string): SuppressedCode[] {
  return list
    .split(',')
    .map((c) => ruleCode(c) ?? shellCheckCode(c))
    .filter((c): c is SuppressedCode => c !== undefined);
}

function addAll(map: Map<number, Set<SuppressedCode>>, key: number, codes: SuppressedCode[]): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  for (const c of codes) set.add(c);
}

/** Reads `skip=…` and `error=…` of a check directive or comment into `skipped`; a `// note` after it is a comment. */
function readCheck(value: string, skipped: Set<SuppressedCode>): boolean {
  let errors = false;
  for (const part of value.replace(/\s\/\/.*$/, '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const v = part.slice(eq + 1).trim();
    if (key === 'skip') {
      if (v.toLowerCase() === 'all') for (const c of BUILDKIT_RULE_CODES) skipped.add(c);
      else for (const c of codesOf(v)) skipped.add(c);
    } else if (key === 'error') errors = /^(?:true|1)$/i.test(v);
  }
  return errors;
}

export function readSuppressions(doc: Dockerfile): Suppressions {
  const global = new Set<SuppressedCode>();
  const byStage = new Map<number, Set<SuppressedCode>>();
  const byInstruction = new Map<number, Set<SuppressedCode>>();
  let buildkitErrors = false;
  let next = 0;
  const directiveStarts = new Set(doc.directives.map((d) => d.span.start));
  for (const comment of doc.comments) {
    // The instruction a pragma stands above: the first one starting after it.
    const check = CHECK.exec(comment.text);
    if (check) {
      // As a parser directive it covers the file; as a later comment only the next instruction.
      if (
        directiveStarts.has(comment.span.start) ||
        doc.directives.some((d) => d.span.start <= comment.span.start && comment.span.end <= d.span.end)
      ) {
        buildkitErrors = readCheck(check[1], global) || buildkitErrors;
        continue;
      }
      const codes = new Set<SuppressedCode>();
      readCheck(check[1], codes);
      while (next < doc.instructions.length && doc.instructions[next].span.start < comment.span.end) next++;
      const target = doc.instructions[next];
      if (target) addAll(byInstruction, target.span.start, [...codes]);
      continue;
    }
    if (!/ignore/i.test(comment.text)) continue;
    const m = PRAGMA.exec(comment.text);
    if (!m) continue;
    const codes = codesOf(m[3]);
    const scope = m[2]?.toLowerCase();
    if (scope === 'global') {
      for (const c of codes) global.add(c);
      continue;
    }
    while (next < doc.instructions.length && doc.instructions[next].span.start < comment.span.end) next++;
    if (scope === 'stage') {
      // The stage the pragma stands in, or the one its FROM opens.
      const stage = doc.instructions[next]?.stage ?? doc.instructions[next - 1]?.stage ?? -1;
      if (stage >= 0) addAll(byStage, stage, codes);
      continue;
    }
    const target = doc.instructions[next];
    if (target) addAll(byInstruction, target.span.start, codes);
  }
  return { global, byStage, byInstruction, buildkitErrors };
}
