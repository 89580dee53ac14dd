import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMPOSE_RULE_INFO } from '../compose/catalog';
import { ruleDocUrl, ruleInfo } from '../dockerfile/rules/catalog';
import { printable } from './io';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** One finding, 1-based; `endColumn` is one past the last character, as in SARIF. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
  /** The rule's documentation, from the diagnostic's codeDescription. */
  helpUri?: string;
}

export const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab', 'checkstyle'] as const;
export type Format = (typeof FORMATS)[number];

/** Stable order for every format: file, then position, then code. */
export function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.code, b.code) || cmp(a.message, b.message);
}

/** `file:line:col severity code message`, one finding a line, nothing from a file able to drive the terminal. */
export function formatText(findings: Finding[]): string {
  return findings
    .map(
      (f) =>
        `${printable(f.file)}:${f.line}:${f.column} ${f.severity} ${printable(f.code)} ${printable(f.message.replace(/\s*\n\s*/g, ' '))}\n`,
    )
    .join('');
}

/** One finding as `--format json` writes it: a Finding without its helpUri. */
export type JsonFinding = Omit<Finding, 'helpUri'>;

export function formatJson(findings: Finding[]): string {
  const rows = findings.map(
    ({ file, line, column, endLine, endColumn, severity, code, message }): JsonFinding => ({
      file,
      line,
      column,
      endLine,
      endColumn,
      severity,
      code,
      message,
    }),
  );
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export interface SarifOptions {
  version: string;
  /** Relative paths resolve against this folder (the current directory). */
  cwd: string;
  /** Inputs that could not be linted, shown as tool notifications. */
  errors: { file: string; message: string }[];
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SARIF 2.1.0 as GitHub code scanning reads it: rules with help links, results with 1-based regions. */
export function formatSarif(findings: Finding[], options: SarifOptions): string {
  const ruleIds = [...new Set(findings.map((f) => f.code))].sort(cmp);
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => {
    const info = ruleInfo(id) ?? COMPOSE_RULE_INFO.get(id);
    const sample = findings.find((f) => f.code === id);
    const rule: Record<string, unknown> = {
      id,
      name: id,
      shortDescription: { text: info?.summary ?? sample?.message ?? id },
      helpUri: sample?.helpUri ?? ruleDocUrl(id),
    };
    if (info && info.severity !== 'off') rule.defaultConfiguration = { level: SARIF_LEVEL[info.severity] };
    return rule;
  });
  const srcRoot = pathToFileURL(options.cwd.endsWith(path.sep) ? options.cwd : options.cwd + path.sep).href;
  const results = findings.map((f) => ({
    ruleId: f.code,
    ruleIndex: ruleIndex.get(f.code),
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(f.file, options.cwd),
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'berth',
            version: options.version,
            semanticVersion: options.version,
            informationUri: 'https://github.com/berth-dev/berth',
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: srcRoot } },
        // LSP and therefore our columns count UTF-16 code units.
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: options.errors.length === 0,
            toolExecutionNotifications: options.errors.map((e) => ({
              level: 'error',
              message: { text: `${e.file}: ${e.message}` },
            })),
          },
        ],
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

const GITHUB_COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/**
 * GitHub Actions workflow commands: each finding becomes an annotation on the pull request's
 * diff, with no code-scanning upload. Values are escaped as the runner requires.
 */
export function formatGithub(findings: Finding[]): string {
  // The log viewer renders ANSI escapes: those are made visible, newlines stay the runner's %0A.
  const data = (s: string) => printable(s, { keepNewlines: true }).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const property = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return findings
    .map((f) => {
      const where = f.file === '-' ? '' : `file=${property(f.file)},`;
      return `::${GITHUB_COMMAND[f.severity]} ${where}line=${f.line},endLine=${f.endLine},col=${f.column},endColumn=${f.endColumn},title=${property(`berth ${f.code}`)}::${data(f.message)}\n`;
    })
    .join('');
}

const GITLAB_SEVERITY: Record<Severity, string> = { error: 'critical', warning: 'major', info: 'minor', hint: 'info' };

/**
 * GitLab's Code Quality report (a subset of Code Climate's format). The fingerprint leaves the
 * line out, so a finding keeps its identity when lines above it move.
 */
export function formatGitlab(findings: Finding[]): string {
  const seen = new Map<string, number>();
  const rows = findings.map((f) => {
    const base = `${f.file}\0${f.code}\0${f.message}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return {
      description: f.message,
      check_name: f.code,
      fingerprint: createHash('sha256').update(`${base}\0${n}`).digest('hex'),
      severity: GITLAB_SEVERITY[f.severity],
      location: { path: f.file, lines: { begin: f.line, end: f.endLine } },
    };
  });
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** Characters outside XML 1.0's Char production: C0 controls but tab and line ends, U+FFFE, U+FFFF, lone surrogates. */
const NOT_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const CHECKSTYLE_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'info', hint: 'info' };

/** Checkstyle XML, which Jenkins' warnings plugin, reviewdog and many CI dashboards read. */
export function formatCheckstyle(findings: Finding[]): string {
  const xml = (s: string) =>
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // Attribute values lose raw tabs and line ends to normalization; references keep them.
      .replace(/\t/g, '&#9;')
      .replace(/\n/g, '&#10;')
      .replace(/\r/g, '&#13;')
      // What XML 1.0 cannot hold at all, even as a reference, shows as U+FFFD.
      .replace(NOT_XML, '\ufffd');
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">'];
  for (const [file, list] of byFile) {
    lines.push(`  <file name="${xml(file)}">`);
    for (const f of list) {
      lines.push(
        `    <error line="${f.line}" column="${f.column}" severity="${CHECKSTYLE_SEVERITY[f.severity]}" message="${xml(f.message)}" source="berth.${xml(f.code)}"/>`,
      );
    }
    lines.push('  </file>');
  }
  lines.push('</checkstyle>');
  return `${lines.join('\n')}\n`;
}

/** Files under the current folder as %SRCROOT%-relative URIs (what code scanning maps to the repo), others as file: URIs. */
function artifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  if (file === '-') return { uri: 'stdin' };
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  }
  return { uri: pathToFileURL(absolute).href };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
