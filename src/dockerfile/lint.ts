import type { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Dockerfile } from './model';
import { rangeOf } from './model';
import { parse } from './parser';
import type { LintSettings, SeverityLevel } from './settings';
import { sharingSplits } from './shell';
import { readSuppressions } from './suppressions';
import { checkApt } from './rules/apt';
import { checkBuilder } from './rules/builder';
import { checkCache } from './rules/cache';
import { RULE_INFO, ruleCode, ruleDocUrl } from './rules/catalog';
import { ruleContext, type Finding, type Rule } from './rules/context';
import { checkImages } from './rules/image';
import { checkShellUsage } from './rules/shellUsage';
import { checkStageRefs } from './rules/stageRefs';
import { checkUser } from './rules/user';
import { checkVariables } from './rules/variablesInScope';

const RULES: Rule[] = [checkBuilder, checkImages, checkUser, checkCache, checkApt, checkShellUsage, checkStageRefs, checkVariables];

const SEVERITY: Record<Exclude<SeverityLevel, 'off'>, DiagnosticSeverity> = { error: 1, warning: 2, info: 3, hint: 4 };

/** The severity each rule reports at, with settings (by our code or hadolint's) over the defaults. */
export function effectiveSeverities(settings: LintSettings): Map<string, SeverityLevel> {
  const out = new Map<string, SeverityLevel>();
  for (const [code, info] of RULE_INFO) out.set(code, info.severity);
  for (const [key, level] of Object.entries(settings.severities ?? {})) {
    const code = ruleCode(key);
    if (code && SEVERITY_NAMES.has(level)) out.set(code, level);
  }
  for (const key of settings.ignored ?? []) {
    const code = ruleCode(key);
    if (code) out.set(code, 'off');
  }
  return out;
}
const SEVERITY_NAMES = new Set<string>(['off', 'hint', 'info', 'warning', 'error']);

/** Runs every rule over a parsed file; findings come back in source order, suppressions applied. */
export function lintDocument(doc: Dockerfile, settings: LintSettings = {}): Diagnostic[] {
  const severities = effectiveSeverities(settings);
  const findings: Finding[] = [];
  const ctx = ruleContext(doc, settings, (f) => {
    if (severities.get(f.code) !== 'off') findings.push(f);
  });
  sharingSplits(() => {
    for (const rule of RULES) rule(ctx);
  });
  if (findings.length === 0) return [];

  const suppressions = readSuppressions(doc);
  const starts = doc.instructions.map((i) => i.span.start);
  const diagnostics: Diagnostic[] = [];
  for (const f of findings) {
    if (suppressions.global.has(f.code)) continue;
    const owner = instructionAt(starts, f.span.start);
    if (owner >= 0 && suppressions.byInstruction.get(starts[owner])?.has(f.code)) continue;
    const level = severities.get(f.code) as Exclude<SeverityLevel, 'off'>;
    const diagnostic: Diagnostic = {
      range: rangeOf(doc, f.span),
      severity: SEVERITY[level],
      code: f.code,
      codeDescription: { href: ruleDocUrl(f.code) },
      source: 'berth',
      message: f.message,
    };
    if (f.code === 'maintainer-deprecated') diagnostic.tags = [2 /* Deprecated */];
    if (f.data) diagnostic.data = f.data;
    diagnostics.push(diagnostic);
  }
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return diagnostics;
}

/**
 * Lints a Dockerfile. Every diagnostic has `source: 'berth'`, a stable `code`, a
 * `codeDescription` link to docs/rules/<code>.md, and `data` the quick fixes read.
 */
export function lint(text: string, settings: LintSettings = {}): Diagnostic[] {
  return lintDocument(parse(text), settings);
}

/** Index of the last instruction starting at or before `offset`, or -1. */
function instructionAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
