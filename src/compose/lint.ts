/**
 * Compose diagnostics: every rule over one file of a project, with the severities the settings
 * give (the same `LintSettings` as the Dockerfile rules) and `# berth ignore=<code>` pragmas.
 */
import type { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import { ruleCode } from '../dockerfile/rules/catalog';
import type { SeverityLevel } from '../dockerfile/settings';
import { COMPOSE_RULE_INFO, composeRuleDocUrl } from './catalog';
import { rangeOfSpan, type ComposeDocument } from './document';
import type { ComposeProject } from './project';
import type { ComposeRule, Finding } from './rules/context';
import { checkFiles } from './rules/files';
import { checkImages } from './rules/images';
import { checkPorts } from './rules/ports';
import { checkReferences } from './rules/references';
import { checkSchema, checkVersion, checkYaml } from './rules/schema';
import { checkVariables } from './rules/variables';

/**
 * Per-rule settings for Compose files: the Dockerfile's `LintSettings` fit here, and so do codes
 * only Compose has (`compose-schema`), which the Dockerfile's typed settings do not name.
 */
export interface ComposeLintSettings {
  readonly severities?: Readonly<Partial<Record<string, SeverityLevel>>>;
  readonly ignored?: readonly string[];
}

const RULES: ComposeRule[] = [checkYaml, checkVersion, checkSchema, checkReferences, checkFiles, checkPorts, checkImages, checkVariables];

const SEVERITY: Record<Exclude<SeverityLevel, 'off'>, DiagnosticSeverity> = { error: 1, warning: 2, info: 3, hint: 4 };
const LEVELS = new Set<string>(['off', 'hint', 'info', 'warning', 'error']);

/** A rule code as written in a pragma or a setting: ours, or hadolint's alias of a shared image rule. */
export function composeRuleCode(code: string): string | undefined {
  const trimmed = code.trim();
  if (COMPOSE_RULE_INFO.has(trimmed)) return trimmed;
  const shared = ruleCode(trimmed);
  return shared && COMPOSE_RULE_INFO.has(shared) ? shared : undefined;
}

const severitiesOf = new WeakMap<ComposeLintSettings, Map<string, SeverityLevel>>();

/** The severity each Compose rule reports at, settings over defaults. */
export function composeSeverities(settings: ComposeLintSettings): Map<string, SeverityLevel> {
  // A server lints with the same settings object until they change: once per settings, not per edit.
  let out = severitiesOf.get(settings);
  if (out) return new Map(out);
  out = readSeverities(settings);
  severitiesOf.set(settings, out);
  return new Map(out);
}

function readSeverities(settings: ComposeLintSettings): Map<string, SeverityLevel> {
  const out = new Map<string, SeverityLevel>();
  for (const [code, info] of COMPOSE_RULE_INFO) out.set(code, info.severity);
  for (const [key, level] of Object.entries(settings.severities ?? {})) {
    const code = composeRuleCode(key);
    if (code && level !== undefined && LEVELS.has(level)) out.set(code, level);
  }
  for (const key of settings.ignored ?? []) {
    const code = composeRuleCode(key);
    if (code) out.set(code, 'off');
  }
  return out;
}

/**
 * Lints the project's current file (`project.file`). Diagnostics have `source: 'berth'`, a
 * stable code with a link to its page, and `data` for the quick fixes; in source order.
 */
export function lintCompose(project: ComposeProject, settings: ComposeLintSettings = {}): Diagnostic[] {
  const { file } = project;
  const doc = file.doc;
  let severities = severitiesOf.get(settings);
  if (!severities) severitiesOf.set(settings, (severities = readSeverities(settings)));
  const findings: Finding[] = [];
  const ctx = {
    project,
    file,
    doc,
    report(finding: Finding) {
      if (severities.get(finding.code) !== 'off') findings.push(finding);
    },
  };
  for (const rule of RULES) rule(ctx);
  if (findings.length === 0) return [];
  const suppressed = suppressions(doc);
  const out: Diagnostic[] = [];
  for (const f of findings) {
    const range = rangeOfSpan(doc, f.span);
    if (suppressed.global.has(f.code) || suppressed.byLine.get(range.start.line)?.has(f.code)) continue;
    const level = severities.get(f.code) as Exclude<SeverityLevel, 'off'>;
    const diagnostic: Diagnostic = {
      range,
      severity: SEVERITY[level],
      code: f.code,
      codeDescription: { href: composeRuleDocUrl(f.code) },
      source: 'berth',
      message: f.message,
    };
    if (f.tags) diagnostic.tags = f.tags;
    if (f.data) diagnostic.data = f.data;
    out.push(diagnostic);
  }
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return out;
}

const PRAGMA = /^\s*#\s*berth\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s-]+?)\s*$/i;

/**
 * `# berth ignore=<code>[,<code>]` on the comment lines right above a line ignores those codes
 * on it; `# berth global ignore=…` on any comment line ignores them in the whole file.
 */
export function suppressions(doc: ComposeDocument): { global: Set<string>; byLine: Map<number, Set<string>> } {
  const global = new Set<string>();
  const byLine = new Map<number, Set<string>>();
  const { text, lineStarts } = doc;
  if (!/berth/i.test(text)) return { global, byLine };
  let pending: Set<string> | undefined;
  for (let line = 0; line < lineStarts.length; line++) {
    const start = lineStarts[line];
    const end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length;
    const content = text.slice(start, end).replace(/\r?\n$|\r$/, '');
    const trimmed = content.trimStart();
    if (trimmed.startsWith('#')) {
      const m = PRAGMA.exec(trimmed);
      if (!m) continue;
      const codes = m[2]
        .split(',')
        .map((c) => composeRuleCode(c))
        .filter((c): c is string => c !== undefined);
      if (m[1]) for (const c of codes) global.add(c);
      else {
        pending ??= new Set();
        for (const c of codes) pending.add(c);
      }
      continue;
    }
    if (trimmed === '') continue;
    if (pending) byLine.set(line, pending);
    pending = undefined;
  }
  return { global, byLine };
}
