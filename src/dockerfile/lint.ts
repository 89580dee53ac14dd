import type { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Dockerfile } from './model';
import { rangeOf } from './model';
import { parse } from './parser';
import type { LintSettings, SeverityLevel } from './settings';
import { sharingLintMemo } from './lintMemo';
import { readSuppressions } from './suppressions';
import { BUILDKIT_RULE_CODES, LINT_CHECKS, RULE_INFO, ruleCode, ruleDocUrl, type RuleCode } from './rules/catalog';
import { ruleContext } from './rules/context';
import type { Finding } from './rules/rule';

const SEVERITY: Record<Exclude<SeverityLevel, 'off'>, DiagnosticSeverity> = { error: 1, warning: 2, info: 3, hint: 4 };

/** The severity each rule reports at, with settings (by our code or hadolint's) over the defaults. */
export function effectiveSeverities(settings: LintSettings): Map<RuleCode, SeverityLevel> {
  const out = new Map<RuleCode, SeverityLevel>();
  for (const [code, info] of RULE_INFO) out.set(code, info.severity);
  // Settings may come from JSON: anything but a known code and level is passed over.
  for (const [key, level] of Object.entries(settings.severities ?? {}) as [string, unknown][]) {
    const code = ruleCode(key);
    if (code && typeof level === 'string' && SEVERITY_NAMES.has(level)) out.set(code, level as SeverityLevel);
  }
  for (const key of settings.ignored ?? []) {
    const code = ruleCode(key);
    if (code) out.set(code, 'off');
  }
  return out;
}
const SEVERITY_NAMES = new Set<string>(['off', 'hint', 'info', 'warning', 'error']);

/**
 * effectiveSeverities() for a lint, remembered by the settings' severities and ignored lists: the
 * server lints on every keystroke with the same lists, and the map of every rule is rebuilt otherwise.
 */
function severitiesFor(settings: LintSettings): ReadonlyMap<RuleCode, SeverityLevel> {
  const key = settings.severities ?? NO_SEVERITIES;
  const known = severityMemo.get(key);
  if (known && known.ignored === settings.ignored) return known.severities;
  const severities = effectiveSeverities(settings);
  severityMemo.set(key, { ignored: settings.ignored, severities });
  return severities;
}
const NO_SEVERITIES = {};
const severityMemo = new WeakMap<object, { ignored: LintSettings['ignored']; severities: ReadonlyMap<RuleCode, SeverityLevel> }>();

/** Runs every rule over a parsed file; findings come back in source order, suppressions applied. */
export function lintDocument(doc: Dockerfile, settings: LintSettings = {}): Diagnostic[] {
  const severities = severitiesFor(settings);
  const codes: RuleCode[] = [];
  const findings: Finding[] = [];
  const report = (code: RuleCode, finding: Finding) => {
    if (severities.get(code) === 'off') return;
    codes.push(code);
    findings.push(finding);
  };
  // A single rule reports without naming its code: this is the code of the rule running, which
  // runs only when it is on.
  let running: RuleCode = LINT_CHECKS[0].codes[0];
  const reportRunning = (finding: Finding) => {
    codes.push(running);
    findings.push(finding);
  };
  const ctx = ruleContext(doc, settings.trustedRegistries ?? [], settings.dockerignore);
  sharingLintMemo(() => {
    for (const check of LINT_CHECKS) {
      // A rule that is off is not run at all: the opinionated ones cost nothing until asked for.
      if (!enabled(check.codes, severities)) continue;
      // A family reports its own codes, which are catalog codes.
      if (check.family) check.family.check(ctx, report as (code: string, finding: Finding) => void);
      else {
        running = check.codes[0];
        check.rule.check(ctx, reportRunning);
      }
    }
  });
  if (findings.length === 0) return [];

  const suppressions = readSuppressions(doc);
  const starts = doc.instructions.map((i) => i.span.start);
  const diagnostics: Diagnostic[] = [];
  for (let k = 0; k < findings.length; k++) {
    const f = findings[k];
    const code = codes[k];
    if (suppressions.global.has(code)) continue;
    const owner = instructionAt(starts, f.span.start);
    if (owner >= 0 && suppressions.byInstruction.get(starts[owner])?.has(code)) continue;
    if (owner >= 0 && suppressions.byStage.get(doc.instructions[owner].stage)?.has(code)) continue;
    const level =
      suppressions.buildkitErrors && BUILDKIT_RULE_CODES.has(code) ? 'error' : (severities.get(code) as Exclude<SeverityLevel, 'off'>);
    const diagnostic: Diagnostic = {
      range: rangeOf(doc, f.span),
      severity: SEVERITY[level],
      code,
      codeDescription: { href: ruleDocUrl(code) },
      source: 'berth',
      message: f.message,
    };
    if (code === 'maintainer-deprecated') diagnostic.tags = [2 /* Deprecated */];
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

function enabled(codes: readonly RuleCode[], severities: ReadonlyMap<RuleCode, SeverityLevel>): boolean {
  for (let i = 0; i < codes.length; i++) if (severities.get(codes[i]) !== 'off') return true;
  return false;
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
