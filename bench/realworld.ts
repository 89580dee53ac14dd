/**
 * Real-world precision of the Dockerfile linter (issue #10): lints a folder of public Dockerfiles
 * with default settings, through `lint` as `berth lint` runs it, and prints what it finds: files,
 * crashes, builder errors per file, findings per rule, and the false-positive rate of every rule
 * that is on by default, from a file of judgements kept beside the corpus.
 *
 *   npm run realworld -- [CORPUS_DIR] [--judgements=FILE] [--list=RULE] [--out=FILE]
 *
 * CORPUS_DIR (or BERTH_REALWORLD_CORPUS) holds the files, each named `*.Dockerfile`; the corpus and
 * its judgements stay outside the repository, because their text is other people's. Judgements
 * (default CORPUS_DIR/judgements.json) are `[{ rule, file, line, verdict: 'tp' | 'fp', reason }]`,
 * one per finding read; `line` is 1-based. `--list=RULE` prints every finding of one rule with its
 * line, to judge from; `--out=FILE` writes the per-rule table as markdown.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-types';
import { lint } from '../src/dockerfile/lint';
import { LINT_CHECKS, RULE_INFO, type RuleCode } from '../src/dockerfile/rules/catalog';

interface Judgement {
  rule: string;
  file: string;
  line: number;
  verdict: 'tp' | 'fp';
  reason: string;
}

const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const corpus = args.find((a) => !a.startsWith('--')) ?? process.env.BERTH_REALWORLD_CORPUS;
if (!corpus || !existsSync(corpus)) {
  console.log(
    `No corpus ${corpus ? `at ${corpus}` : 'given'}: pass a folder of *.Dockerfile files (or set BERTH_REALWORLD_CORPUS). Nothing measured.`,
  );
  process.exit(0);
}

/** The builder's parse checks: a finding of one of these on a file that builds is the worst kind of false positive. */
const BUILDER_CODES = new Set<string>(LINT_CHECKS.find((c) => c.codes.includes('unknown-instruction'))?.codes ?? []);
const DEFAULT_ON = new Set<string>([...RULE_INFO].filter(([, info]) => info.severity !== 'off').map(([code]) => code));

const files = readdirSync(corpus)
  .filter((f) => f.endsWith('.Dockerfile'))
  .sort();
const byRule = new Map<string, { file: string; line: number; message: string }[]>();
const crashes: string[] = [];
const builderErrors: { file: string; line: number; code: string; message: string }[] = [];
let lines = 0;
const started = performance.now();
for (const file of files) {
  const text = readFileSync(path.join(corpus, file), 'utf8');
  lines += text.split('\n').length;
  let diagnostics: Diagnostic[];
  try {
    diagnostics = lint(text, {});
  } catch (error) {
    crashes.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    continue;
  }
  for (const d of diagnostics) {
    const code = String(d.code);
    const line = d.range.start.line + 1;
    if (BUILDER_CODES.has(code))
      builderErrors.push({ file, line, code, message: typeof d.message === 'string' ? d.message : d.message.value });
    let list = byRule.get(code);
    if (!list) byRule.set(code, (list = []));
    list.push({ file, line, message: typeof d.message === 'string' ? d.message : d.message.value });
  }
}
const elapsed = performance.now() - started;

const judgementsFile = option('judgements') ?? path.join(corpus, 'judgements.json');
const judgements: Judgement[] = existsSync(judgementsFile) ? (JSON.parse(readFileSync(judgementsFile, 'utf8')) as Judgement[]) : [];
const found = new Set<string>();
for (const [rule, list] of byRule) for (const f of list) found.add(`${rule}\t${f.file}\t${f.line}`);
// A judgement of a finding that is no longer reported (fixed since) is counted apart, not in the rate.
const current = judgements.filter((j) => found.has(`${j.rule}\t${j.file}\t${j.line}`));
const stale = judgements.length - current.length;
/** False positives judged on findings the rules no longer report: the ones fixed since. */
const fixed = judgements.filter((j) => j.verdict === 'fp' && !found.has(`${j.rule}\t${j.file}\t${j.line}`));
const judgedKeys = new Set(current.map((j) => `${j.rule}\t${j.file}\t${j.line}`));
let judgedFindings = 0;
for (const [rule, list] of byRule) for (const f of list) if (judgedKeys.has(`${rule}\t${f.file}\t${f.line}`)) judgedFindings++;

const listed = option('list');
if (listed) {
  const judged = new Set(current.filter((j) => j.rule === listed).map((j) => `${j.file}\t${j.line}`));
  for (const f of byRule.get(listed) ?? [])
    console.log(`${judged.has(`${f.file}\t${f.line}`) ? 'judged ' : '       '}${f.file}:${f.line}  ${f.message}`);
  process.exit(0);
}

const total = [...byRule.values()].reduce((n, l) => n + l.length, 0);
console.log(`Corpus: ${corpus}`);
console.log(`Files: ${files.length} (${lines} lines), linted in ${elapsed.toFixed(0)} ms`);
console.log(`Crashes: ${crashes.length}`);
for (const c of crashes) console.log(`  ${c}`);
const builderFiles = new Set(builderErrors.map((b) => b.file));
console.log(`Builder errors: ${builderErrors.length} in ${builderFiles.size} files`);
for (const b of builderErrors) console.log(`  ${b.file}:${b.line} ${b.code} ${b.message}`);
console.log(
  `Findings: ${total}${judgements.length ? `; judged ${judgedFindings}${stale ? ` (+${stale} of findings no longer reported, ${fixed.length} of them false positives fixed)` : ''}` : ''}`,
);

const rows: string[] = [];
rows.push('| Rule | Default | Findings | Files | Judged | FP | FP rate | FP fixed | FP rate before the fixes |');
rows.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
const codes = [...new Set([...byRule.keys(), ...fixed.map((j) => j.rule)])].sort(
  (a, b) => (byRule.get(b)?.length ?? 0) - (byRule.get(a)?.length ?? 0) || a.localeCompare(b),
);
for (const code of codes) {
  const list = byRule.get(code) ?? [];
  // Counted by finding: one judgement covers the findings of its rule on its line (apt update && apt install).
  const verdicts = new Map(current.filter((j) => j.rule === code).map((j) => [`${j.file}\t${j.line}`, j.verdict]));
  const judged = list.filter((f) => verdicts.has(`${f.file}\t${f.line}`));
  const fp = judged.filter((f) => verdicts.get(`${f.file}\t${f.line}`) === 'fp').length;
  const severity = RULE_INFO.get(code as RuleCode)?.severity ?? '?';
  const rate = judged.length ? `${((100 * fp) / judged.length).toFixed(1)} %` : '—';
  const fixedHere = fixed.filter((j) => j.rule === code).length;
  rows.push(
    `| ${code} | ${severity} | ${list.length} | ${new Set(list.map((f) => f.file)).size} | ${judged.length} | ${fp} | ${DEFAULT_ON.has(code) ? rate : `${rate} (off by default)`} | ${fixedHere} | ${judged.length + fixedHere ? `${((100 * (fp + fixedHere)) / (judged.length + fixedHere)).toFixed(1)} %` : '—'} |`,
  );
}
console.log(rows.join('\n'));
const out = option('out');
if (out) writeFileSync(out, `${rows.join('\n')}\n`);
