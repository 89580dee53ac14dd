/**
 * Agreement with the peers' own test suites: hadolint's rule specs and BuildKit's parser and
 * build-check tests, extracted as JSON into ../shared/external (outside this repository; the
 * project's tests never read them). Prints one table and writes bench/results/suites.md and .json.
 *
 *   npm run suites            # or: node --import tsx bench/suites.ts [--details] [DIR]
 *
 * What "agree" means, per suite:
 * - hadolint: each spec case names one DL rule and whether hadolint's spec expects it to fire
 *   ("catch") or not ("not"). Berth agrees when its rule for that DL code fires exactly then. The
 *   rule is switched on for the case (the package-pin rules are off by default), with the case's
 *   trusted registries where it has them. Many specs are fragments without a FROM (hadolint checks
 *   instructions wherever they are; Berth checks stages): those get `FROM scratch` in front. Cases of
 *   DL rules Berth has no equivalent for are counted apart, as "no equivalent".
 * - BuildKit parser: a valid file agrees when Berth reads the same instructions with the same flags
 *   (ONBUILD triggers included) and reports no parse error; an invalid file agrees when Berth reports
 *   at least one error.
 * - BuildKit checks: for each case and each BuildKit check Berth has an equivalent of, the lines the
 *   test expects the check on, against the lines Berth reports its rule on. A (case, check) pair is
 *   compared when either side reports the check, or when the case's test is about that check.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { lint } from '../src/dockerfile/lint';
import type { Instruction } from '../src/dockerfile/model';
import { parse } from '../src/dockerfile/parser';
import { RULE_INFO, ruleCode, type RuleCode } from '../src/dockerfile/rules/catalog';
import type { LintSettings } from '../src/dockerfile/settings';

const ROOT = path.join(__dirname, '..');
const args = process.argv.slice(2);
const details = args.includes('--details');
const DIR = args.find((a) => !a.startsWith('--')) ?? path.join(ROOT, '..', 'shared', 'external');

/**
 * BuildKit's check names and the Berth rule that checks the same thing: the catalog's `buildkit`
 * aliases first, then the codes proposed for checks Berth does not have yet.
 */
const BUILDKIT_EQUIVALENTS: Record<string, string> = {
  ConsistentInstructionCasing: 'keyword-casing',
  MultipleInstructionsDisallowed: 'instruction-repeated',
  UndefinedVar: 'variable-undefined',
  UndefinedArgInFrom: 'from-arg-undefined',
  SecretsUsedInArgOrEnv: 'secret-in-arg-env',
  LegacyKeyValueFormat: 'legacy-key-value',
  ExposeInvalidFormat: 'expose-invalid',
  JSONArgsRecommended: 'json-args-recommended',
  MaintainerDeprecated: 'maintainer-deprecated',
  DuplicateStageName: 'stage-name-duplicate',
  WorkdirRelativePath: 'workdir-relative',
  StageNameCasing: 'stage-name-casing',
  FromAsCasing: 'from-as-casing',
  CopyIgnoredFile: 'copy-ignored-file',
  InvalidDefaultArgInFrom: 'from-arg-default-invalid',
  ReservedStageName: 'stage-name-reserved',
  NoEmptyContinuation: 'continuation-empty',
  FromPlatformFlagConstDisallowed: 'from-platform-constant',
  RedundantTargetPlatform: 'from-platform-redundant',
  ExposeProtoCasing: 'expose-protocol-casing',
  InvalidDefinitionDescription: 'definition-description-invalid',
};
for (const info of RULE_INFO.values()) if (info.buildkit) BUILDKIT_EQUIVALENTS[info.buildkit] = info.code;

interface SuiteResult {
  name: string;
  compared: number;
  agree: number;
  /** Cases left out of `compared`, and why. */
  skipped: Record<string, number>;
  /** Disagreements, grouped by rule. */
  misses: Record<string, string[]>;
  /** Observations that do not count either way. */
  notes: Record<string, string[]>;
}

function miss(result: SuiteResult, key: string, what: string): void {
  (result.misses[key] ??= []).push(what);
}

function everyRuleOn(code: RuleCode, extra: LintSettings = {}): LintSettings {
  const severities: LintSettings['severities'] = {};
  severities[code] = 'warning';
  return { ...extra, severities };
}

// --- hadolint -----------------------------------------------------------------------------

interface HadolintCase {
  id: string;
  title: string;
  rule: string;
  expect: 'catch' | 'not';
  variant: string;
  dockerfile: string;
  trustedRegistries?: string[];
}

function hadolint(): SuiteResult | undefined {
  const file = path.join(DIR, 'hadolint', 'cases.json');
  if (!existsSync(file)) return undefined;
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: HadolintCase[] };
  const result: SuiteResult = { name: "hadolint's rule specs", compared: 0, agree: 0, skipped: {}, misses: {}, notes: {} };
  for (const c of cases) {
    const code = ruleCode(c.rule);
    if (!code) {
      result.skipped[`no equivalent of ${c.rule}`] = (result.skipped[`no equivalent of ${c.rule}`] ?? 0) + 1;
      continue;
    }
    result.compared++;
    const text = parse(c.dockerfile).stages.length > 0 ? c.dockerfile : `FROM scratch\n${c.dockerfile}`;
    const found = lint(text, everyRuleOn(code, c.trustedRegistries ? { trustedRegistries: c.trustedRegistries } : {})).some(
      (d) => d.code === code,
    );
    if (found === (c.expect === 'catch')) result.agree++;
    else miss(result, `${c.rule} ${code}`, `${c.id} (${c.variant}) expects ${c.expect}: ${c.title}`);
  }
  return result;
}

// --- BuildKit parser ----------------------------------------------------------------------

interface ParserCase {
  name: string;
  dockerfile: string;
  result?: string;
}

/** `(copy ["--from=a"] "x" "y")` → `copy --from=a`; `(onbuild (run …))` → `onbuild run`. */
function expectedShape(result: string): string[] {
  return result
    .split('\n')
    .filter((line) => line.startsWith('('))
    .map((line) => {
      const words: string[] = [];
      const outer = /^\((\w+)\s*(\(\w+)?\s*(\[[^\]]*\])?/.exec(line);
      if (!outer) return line;
      words.push(outer[1]);
      if (outer[2]) words.push(outer[2].slice(1));
      if (outer[3]) for (const flag of outer[3].matchAll(/"((?:[^"\\]|\\.)*)"/g)) words.push(flag[1]);
      return words.join(' ');
    });
}

function berthShape(instruction: Instruction): string {
  const words = [instruction.keyword.toLowerCase()];
  const target = instruction.trigger ?? instruction;
  if (instruction.trigger) words.push(instruction.trigger.keyword.toLowerCase());
  for (const flag of target.flags) words.push(flag.value === undefined ? `--${flag.name}` : `--${flag.name}=${flag.value}`);
  return words.join(' ');
}

/**
 * Errors of the parser proper. The parser's valid files are fragments (no FROM) and some are valid
 * only to the parser (`HEALTHCHECK` alone is rejected when the builder reads the instruction), so
 * builder errors on them are listed for information, not counted against agreement.
 */
const PARSE_ERRORS = new Set(['heredoc-unterminated', 'escape-invalid']);

function buildkitParser(): SuiteResult | undefined {
  const file = path.join(DIR, 'buildkit', 'parser.json');
  if (!existsSync(file)) return undefined;
  const suite = JSON.parse(readFileSync(file, 'utf8')) as { positive: ParserCase[]; negative: ParserCase[] };
  const result: SuiteResult = { name: "BuildKit's parser test files", compared: 0, agree: 0, skipped: {}, misses: {}, notes: {} };
  for (const c of suite.positive) {
    result.compared++;
    const expected = expectedShape(c.result ?? '');
    const actual = parse(c.dockerfile).instructions.map(berthShape);
    const allErrors = lint(c.dockerfile).filter((d) => d.severity === 1);
    const errors = allErrors.filter((d) => PARSE_ERRORS.has(String(d.code)));
    const same = expected.length === actual.length && expected.every((e, i) => e === actual[i]);
    for (const e of allErrors.filter((d) => !PARSE_ERRORS.has(String(d.code)))) {
      (result.notes[`builder errors on parser-valid files`] ??= []).push(`${c.name}: ${e.code} line ${e.range.start.line + 1}`);
    }
    if (same && errors.length === 0) result.agree++;
    else if (!same)
      miss(result, 'valid file read differently', `${c.name}: expected ${JSON.stringify(expected)}, read ${JSON.stringify(actual)}`);
    else
      miss(
        result,
        'valid file reported as broken',
        `${c.name}: ${errors.map((e) => `${e.code} line ${e.range.start.line + 1}`).join(', ')}`,
      );
  }
  for (const c of suite.negative) {
    result.compared++;
    const errors = lint(c.dockerfile).filter((d) => d.severity === 1);
    if (errors.length > 0) result.agree++;
    else miss(result, 'invalid file not flagged', c.name);
  }
  return result;
}

// --- BuildKit checks ----------------------------------------------------------------------

interface CheckCase {
  id: string;
  test: string;
  dockerfile: string;
  expected: { rule: string; line: number; detail: string }[];
  /** The build context's `.dockerignore`, for the CopyIgnoredFile tests. */
  dockerignore?: string;
}

/** `testCopyIgnoredFiles` → the check it is about, matched loosely (plural, `Rule` suffix). */
function checkOfTest(test: string): string | undefined {
  const name = test.replace(/^test/, '').toLowerCase();
  return Object.keys(BUILDKIT_EQUIVALENTS).find((check) => {
    const c = check.toLowerCase();
    return name === c || name === `${c}s` || name.startsWith(c) || c.startsWith(name.replace(/s$/, ''));
  });
}

function buildkitChecks(): SuiteResult | undefined {
  const file = path.join(DIR, 'buildkit', 'lint.json');
  if (!existsSync(file)) return undefined;
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: CheckCase[] };
  const result: SuiteResult = { name: "BuildKit's build-check tests", compared: 0, agree: 0, skipped: {}, misses: {}, notes: {} };
  const known = Object.entries(BUILDKIT_EQUIVALENTS).filter(([, code]) => ruleCode(code));
  for (const c of cases) {
    // Every rule on, so a rule that is off by default is still compared; BuildKit's own defaults
    // are what the case's `# check=` directive and the test set up.
    const severities = Object.fromEntries(known.map(([, code]) => [code, 'warning' as const]));
    const dockerignore = c.dockerignore === undefined ? undefined : { name: '.dockerignore', text: c.dockerignore };
    const diagnostics = lint(c.dockerfile, { severities, dockerignore });
    const about = checkOfTest(c.test);
    for (const [check, code] of known) {
      const want = c.expected
        .filter((e) => e.rule === check)
        .map((e) => e.line)
        .sort((a, b) => a - b);
      const got = diagnostics
        .filter((d) => d.code === code)
        .map((d) => d.range.start.line + 1)
        .sort((a, b) => a - b);
      if (want.length === 0 && got.length === 0 && about !== check) continue;
      result.compared++;
      if (want.length === got.length && want.every((line, i) => line === got[i])) result.agree++;
      else miss(result, `${check} ${code}`, `${c.id}: expected lines [${want}], Berth [${got}]`);
    }
  }
  const missing = Object.entries(BUILDKIT_EQUIVALENTS).filter(([, code]) => !ruleCode(code));
  for (const c of cases) {
    for (const e of c.expected) {
      if (missing.some(([check]) => check === e.rule))
        result.skipped[`no rule for ${e.rule}`] = (result.skipped[`no rule for ${e.rule}`] ?? 0) + 1;
    }
  }
  return result;
}

// --- report -------------------------------------------------------------------------------

function percent(n: number, of: number): string {
  return of === 0 ? '—' : `${((100 * n) / of).toFixed(1)}%`;
}

function main(): void {
  if (!existsSync(DIR)) {
    console.log(`suites: ${DIR} is not here, nothing to measure (the suites live outside the repository).`);
    return;
  }
  const results = [hadolint(), buildkitParser(), buildkitChecks()].filter((r): r is SuiteResult => r !== undefined);
  const lines = ['| Suite | Agree | Compared | Agreement | Not compared |', '| --- | ---: | ---: | ---: | --- |'];
  for (const r of results) {
    const skipped = Object.entries(r.skipped)
      .map(([why, n]) => `${n} ${why}`)
      .join('; ');
    lines.push(`| ${r.name} | ${r.agree} | ${r.compared} | ${percent(r.agree, r.compared)} | ${skipped || '—'} |`);
  }
  const table = lines.join('\n');
  const missLines: string[] = [];
  for (const r of results) {
    missLines.push('', `## ${r.name}: ${r.compared - r.agree} differences`);
    for (const [key, list] of Object.entries(r.misses).sort((a, b) => b[1].length - a[1].length)) {
      missLines.push(`- **${key}**: ${list.length}`);
      if (details) for (const m of list) missLines.push(`  - ${m}`);
    }
    for (const [key, list] of Object.entries(r.notes)) {
      missLines.push(`- (not counted) ${key}: ${list.length}`);
      if (details) for (const m of list) missLines.push(`  - ${m}`);
    }
  }
  console.log(table);
  console.log(missLines.join('\n'));
  const out = path.join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'suites.md'), `${table}\n${missLines.join('\n')}\n`);
  writeFileSync(path.join(out, 'suites.json'), `${JSON.stringify(results, null, 1)}\n`);
}

main();
