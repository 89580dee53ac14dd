/**
 * How the cost of parse, lint and code actions grows with the input, on the fuzz tests' generator
 * (test/fixtures/fuzzDockerfiles.ts). These were timed assertions in test/unit/fuzz.test.ts; a
 * clock is the machine's, so they are measured here and the table says whether a target is met.
 *  - growth: shapes that break naive parsers (deep continuations, long lines, heredoc openers, …)
 *    at n and 10n lines; ten runs on n lines stand in for "10 × n", their results kept alive so
 *    they allocate and retain as much as one run on 10n lines and the garbage collector's step
 *    up is not counted as superlinear. Linear work gives a ratio near 1, quadratic near 10.
 *  - fuzz inputs: every generated input against a generous per-input bound, 100 ms plus 20 µs
 *    per character; the slowest relative to its bound is reported.
 */
import { performance } from 'node:perf_hooks';
import type { Range } from 'vscode-languageserver-types';
import { codeActions } from '../src/dockerfile/fixes';
import { lint, lintDocument } from '../src/dockerfile/lint';
import { parse } from '../src/dockerfile/parser';
import { ALL_RULE_CODES } from '../src/dockerfile/rules/catalog';
import type { LintSettings } from '../src/dockerfile/settings';
import { fuzzInputs, realistic } from '../test/fixtures/fuzzDockerfiles';
import { manyPackages, stageChain } from '../test/fixtures/hostile';

const N = 2000;
/** What the fuzz test used to assert: 10n lines cost less than this times ten runs on n lines. */
export const GROWTH_TARGET = 3;
const FUZZ_SEED = 20240601;
const FUZZ_RUNS = 3000;
const EVERY_RULE_ON: LintSettings = { severities: Object.fromEntries(ALL_RULE_CODES.map((c) => [c, 'hint' as const])) };

type Shape = [name: string, make: (n: number) => string];

const PARSE_SHAPES: Shape[] = [
  ['realistic file', (n) => realistic(n)],
  ['one RUN continued over every line', (n) => 'FROM a\nRUN x \\\n' + '  && echo a b "c d" \\\n'.repeat(n) + '  && done\n'],
  ['comment and blank lines inside a continuation', (n) => 'RUN a \\\n' + '# c\n\n'.repeat(n) + ' b\n'],
  ['stages that build on each other', (n) => Array.from({ length: n }, (_, k) => `FROM s${k} AS S${k + 1}`).join('\n')],
  ['one long line', (n) => 'RUN ' + 'word "quoted word" $VAR '.repeat(n)],
  ['a heredoc body', (n) => 'RUN <<EOF\n' + 'echo line\n'.repeat(n) + 'EOF\n'],
  ['heredoc openers on one line', (n) => 'COPY ' + '<<A '.repeat(n) + '/x\n' + 'body\nA\n'.repeat(n)],
  ['valueless flags', (n) => 'RUN ' + '--flag '.repeat(n) + 'x=1'],
  ['nested ONBUILD', (n) => 'ONBUILD '.repeat(n) + 'RUN x'],
  ['directive with blanks', (n) => '# syntax=a' + ' '.repeat(n * 10) + 'b\nFROM a'],
  ['lone-CR line ends', (n) => 'FROM a\rRUN b\r'.repeat(n)],
];

const LINT_SHAPES: Shape[] = [
  ['realistic file', (n) => realistic(n)],
  [
    'one RUN continued over every line',
    (n) => 'FROM a\nRUN apt-get update \\\n' + '  && apt-get install -y pkg \\\n'.repeat(n) + '  && done\n',
  ],
  ['stages that build on each other', (n) => Array.from({ length: n }, (_, k) => `FROM s${k} AS S${k + 1}\nUSER root`).join('\n')],
  ['copies and installs', (n) => 'FROM node:20\n' + 'COPY . .\nRUN npm ci\n'.repeat(n / 2)],
  // Each stage's scope holds every ENV of the chain before it: copying it per stage was quadratic.
  ['a chain of stages, each adding an ENV', (n) => stageChain(n)],
  // One finding per package, each needing its word's offset in the command.
  ['one apt-get install of n packages (apt-unpinned on)', (n) => manyPackages(n)],
];

export interface GrowthShape {
  name: string;
  /** Ten runs on n lines, ms (the best of several rounds). */
  tenSmallMs: number;
  /** One run on 10n lines, ms (the best of several rounds). */
  largeMs: number;
  ratio: number;
}

export interface FuzzWorst {
  feature: 'parse' | 'lint' | 'codeActions';
  inputs: number;
  /** The input slowest relative to its bound: its seed (BERTH_FUZZ_SEED reproduces it), size and time. */
  seed: number;
  chars: number;
  ms: number;
  boundMs: number;
  overBound: number;
}

export interface GrowthResult {
  n: number;
  parse: GrowthShape[];
  lint: GrowthShape[];
  fuzz: FuzzWorst[];
  realistic: { lines: number; chars: number; parseMs: number };
}

function clock(run: () => unknown): number {
  const t0 = performance.now();
  run();
  return performance.now() - t0;
}

function growth(name: string, make: (n: number) => string, fn: (s: string) => unknown): GrowthShape {
  const small = make(N);
  const large = make(N * 10);
  const tenSmallRun = (): unknown[] => {
    const keep: unknown[] = [];
    for (let k = 0; k < 10; k++) keep.push(fn(small));
    return keep;
  };
  clock(tenSmallRun);
  clock(() => fn(large));
  let tenSmallMs = Infinity;
  let largeMs = Infinity;
  let ratio = Infinity;
  // The two alternate so both see the same load; a ratio over the target gets more rounds, since
  // a burst of load on a shared machine can land on either side.
  for (let attempt = 0; attempt < 3 && ratio >= GROWTH_TARGET; attempt++) {
    for (let round = 0; round < 7; round++) {
      tenSmallMs = Math.min(tenSmallMs, clock(tenSmallRun));
      largeMs = Math.min(
        largeMs,
        clock(() => fn(large)),
      );
    }
    ratio = largeMs / tenSmallMs;
  }
  return { name, tenSmallMs, largeMs, ratio };
}

function fuzzWorst(feature: FuzzWorst['feature'], seed: number, runs: number, fn: (s: string, seed: number) => void): FuzzWorst {
  let worst: FuzzWorst | undefined;
  for (const input of fuzzInputs(seed, runs)) {
    const boundMs = 100 + input.text.length * 0.02;
    let ms = clock(() => fn(input.text, input.seed));
    // Only an input over its bound is timed again: a pause of the machine is not the input's cost.
    for (let retry = 0; retry < 2 && ms > boundMs; retry++)
      ms = Math.min(
        ms,
        clock(() => fn(input.text, input.seed)),
      );
    if (!worst || ms / boundMs > worst.ms / worst.boundMs) {
      worst = { feature, inputs: runs, seed: input.seed, chars: input.text.length, ms, boundMs, overBound: 0 };
    }
    if (ms > boundMs) worst.overBound++;
  }
  return worst!;
}

/** Runs every measurement; about 30 s on 2 cores. */
export function benchGrowth(): GrowthResult {
  const parseGrowth = PARSE_SHAPES.map(([name, make]) => growth(name, make, parse));
  // lint(s) is parse + lintDocument; keeping the model alive too makes ten small runs hold as much
  // memory as one large one.
  const lintGrowth = LINT_SHAPES.map(([name, make]) =>
    growth(name, make, (s) => {
      const doc = parse(s);
      return [doc, lintDocument(doc, EVERY_RULE_ON)];
    }),
  );
  const everything: Range = { start: { line: 0, character: 0 }, end: { line: 1e6, character: 0 } };
  // The same seeds and counts as the fuzz tests, so a slow input found here is one they run.
  const fuzz = [
    fuzzWorst('parse', FUZZ_SEED, FUZZ_RUNS, (s) => parse(s)),
    fuzzWorst('lint', FUZZ_SEED ^ 0x5eed, Math.ceil(FUZZ_RUNS / 2), (s, seed) => lint(s, seed & 1 ? EVERY_RULE_ON : {})),
    fuzzWorst('codeActions', FUZZ_SEED ^ 0xf1c5, Math.ceil(FUZZ_RUNS / 3), (s) => {
      codeActions(s, lint(s, EVERY_RULE_ON), everything, { uri: 'file:///bench/Dockerfile' });
    }),
  ];
  const text = realistic(20_000);
  parse(text);
  let parseMs = Infinity;
  for (let k = 0; k < 5; k++)
    parseMs = Math.min(
      parseMs,
      clock(() => parse(text)),
    );
  for (const shape of [...parseGrowth, ...lintGrowth]) {
    console.error(
      `growth ${shape.name}: 10 x ${N} lines ${shape.tenSmallMs.toFixed(1)} ms, ${N * 10} lines ${shape.largeMs.toFixed(1)} ms (ratio ${shape.ratio.toFixed(2)})`,
    );
  }
  for (const f of fuzz) {
    console.error(
      `fuzz ${f.feature}: slowest ${f.ms.toFixed(1)} ms for ${f.chars} chars (bound ${f.boundMs.toFixed(0)} ms, seed ${f.seed}); ${f.overBound} of ${f.inputs} over`,
    );
  }
  return {
    n: N,
    parse: parseGrowth,
    lint: lintGrowth,
    fuzz,
    realistic: { lines: text.split('\n').length, chars: text.length, parseMs },
  };
}

/** The table's rows: the worst shape per feature, the slowest fuzz input per feature. */
export function growthRows(r: GrowthResult, fmtMs: (ms?: number) => string): string[] {
  const mark = (ok: boolean) => (ok ? '✅ met' : '❌ missed');
  const rows: string[] = [];
  for (const [feature, shapes] of [
    ['Parse', r.parse],
    ['Lint', r.lint],
  ] as const) {
    const worst = shapes.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    rows.push(
      `| ${feature} growth, worst of ${shapes.length} shapes (${worst.name}): ${(r.n * 10).toLocaleString('en-US')} lines ÷ 10 × ${r.n.toLocaleString('en-US')} lines (1 = linear, 10 = quadratic) | ${worst.ratio.toFixed(2)} | | | < ${GROWTH_TARGET} | ${mark(worst.ratio < GROWTH_TARGET)} |`,
    );
  }
  for (const f of r.fuzz) {
    rows.push(
      `| Slowest of ${f.inputs.toLocaleString('en-US')} fuzz inputs, \`${f.feature}\` (ms; ${f.chars.toLocaleString('en-US')} chars, bound 100 ms + 20 µs/char = ${f.boundMs.toFixed(0)}) | ${fmtMs(f.ms)} | | | ≤ bound, every input | ${mark(f.overBound === 0)} |`,
    );
  }
  rows.push(
    `| Parse a ${r.realistic.lines.toLocaleString('en-US')}-line realistic Dockerfile from the fuzz corpus (ms) | ${fmtMs(r.realistic.parseMs)} | | | | |`,
  );
  return rows;
}
