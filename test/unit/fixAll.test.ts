/**
 * Every safe fix at once (Fix All, berth lint --fix): what it changes, what it leaves to a person,
 * that it never loops or corrupts (each fix is checked to remove its finding, nothing is written
 * inside an unterminated quote), and that it reaches a fixed point: on every fixture and on
 * seeded mutations of them, a second run changes nothing and no builder error was added.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { codeActions } from '../../src/dockerfile/fixes';
import { fixTitles } from '../fixtures/fixes/helpers';
import { fixAll, NEEDS_A_PERSON } from '../../src/dockerfile/fixAll';
import { lint } from '../../src/dockerfile/lint';
import type { RuleCode } from '../../src/dockerfile/rules/catalog';
import { mutatedFixtures } from '../fixtures/mutate';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

function dockerfiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return dockerfiles(p);
    return /Dockerfile|Containerfile|\.dockerfile$/.test(name) ? [p] : [];
  });
}

describe('fixAll', () => {
  it('applies the safe fixes of a file in one go, keeping CRLF, and leaves USER to a person', () => {
    const text = 'FROM debian:12\r\nRUN apt-get update\r\nRUN apt-get install curl\r\nADD app.txt /app/\r\n';
    const { text: fixed, applied } = fixAll(text);
    assert.equal(
      fixed,
      'FROM debian:12\r\nRUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*\r\nCOPY app.txt /app/\r\n',
    );
    assert.deepEqual([...new Set(applied.map((a) => a.split(':')[0]))].sort(), [
      'add-instead-of-copy',
      'apt-install-recommends',
      'apt-lists-kept',
      'apt-missing-yes',
      'apt-update-alone',
    ]);
    assert.deepEqual(
      lint(fixed).map((d) => d.code),
      ['user-missing'],
    );
  });

  it('on every fixture: ends, adds no error, and leaves no preferred fix undone', () => {
    const files = dockerfiles(FIXTURES);
    assert.ok(files.length > 20);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const { text: fixed } = fixAll(text);
      const errors = (t: string) => lint(t).filter((d) => d.severity === 1).length;
      assert.ok(errors(fixed) <= errors(text), `${file}: the fixes added an error`);
      for (const d of lint(fixed)) {
        if (NEEDS_A_PERSON.has(d.code as RuleCode)) continue;
        const left = codeActions(fixed, [d], d.range, { uri: 'file:///x' }).find((a) => a.isPreferred && a.edit?.changes);
        assert.equal(left, undefined, `${file}: ${d.code} still has a preferred fix after fixAll`);
      }
    }
  });

  it('writes nothing inside an unterminated quote: the apt lists cleanup is not appended to the string', () => {
    const text = 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl "x\nUSER app\n';
    assert.deepEqual(
      lint(text).map((d) => d.code),
      ['apt-lists-kept'],
    );
    // Before: `&& rm -rf /var/lib/apt/lists/*` appended inside the string, 100 times.
    assert.deepEqual(fixAll(text), { text, applied: [], complete: true });
    const [d] = lint(text);
    // Only the cache mount, which goes before the script, outside the string.
    assert.deepEqual(
      fixTitles(codeActions(text, [d], d.range, { uri: 'file:///x' })),
      ['Mount a BuildKit cache on /var/lib/apt/lists'],
      'not offered as a quick fix either',
    );
  });

  it('writes nothing inside a shell comment', () => {
    const text = 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl # tools\nUSER app\n';
    assert.deepEqual(fixAll(text), { text, applied: [], complete: true });
  });

  it('adds no pipefail SHELL after FROM when a SHELL before the RUN would override it', () => {
    const text = 'FROM debian:12\nSHELL ["/bin/sh", "-c"]\nRUN curl -fsSL https://example.com/x.sh | sh\nUSER app\n';
    assert.deepEqual(
      lint(text).map((d) => d.code),
      ['pipe-without-pipefail'],
    );
    // Before: 100 SHELL lines inserted after FROM, each overridden by the SHELL below them.
    assert.deepEqual(fixAll(text), { text, applied: [], complete: true });
  });

  it('takes back a fix whose finding is still there, and one that trades a finding for a builder error', () => {
    // The suggested name is not a valid variable name, so renaming to it leaves the finding.
    const rename = 'ARG NODE_VERSI$=20\nFROM node:${NODE_VERSION}\nUSER node\n';
    assert.deepEqual(
      lint(rename).map((d) => d.code),
      ['from-arg-undefined'],
    );
    assert.deepEqual(fixAll(rename), { text: rename, applied: [], complete: true });
    // RU → RUN would leave a RUN without arguments: args-missing instead of unknown-instruction.
    const keyword = 'FROM debian:12\nRU\nUSER app\n';
    assert.deepEqual(fixAll(keyword), { text: keyword, applied: [], complete: true });
  });

  it('applies every fix however many there are (more than 100), and a second run changes nothing', () => {
    const text = `FROM debian:12\n${'RUN apt-get install curl\nENV X=1\n'.repeat(80)}USER app\n`;
    const first = fixAll(text);
    assert.equal(first.complete, true);
    assert.equal(first.applied.length, 160);
    assert.equal(first.text, `FROM debian:12\n${'RUN apt-get install --no-install-recommends -y curl\nENV X=1\n'.repeat(80)}USER app\n`);
    assert.deepEqual(fixAll(first.text), { text: first.text, applied: [], complete: true });
  });
});

describe('fixAll, fuzzed', () => {
  /** Pieces that make fixable findings and break quoting, continuations and heredocs around them. */
  const pieces = [
    '"',
    "'",
    ' | ',
    '\nSHELL ["/bin/sh", "-c"]\n',
    'apt-get install ',
    'apt-get update && ',
    '\nRUN ',
    ' \\\n',
    ' # x',
    'sudo ',
    'pip install flask ',
    'apk add curl ',
    '\nADD app.conf /etc/\n',
    '\nCOPY . .\n',
    '\nRUN npm ci\n',
    '$',
    '${',
    '<<EOF\n',
    '\nEOF\n',
    '\nFROM node AS build\n',
    '\nrun ',
    'Run ',
    '\nMAINTAINER me\n',
    '\nENV A b\n',
    'apt ',
    '&& ',
    ';',
    '\n',
    '(',
    ')',
    '`',
    'curl -fsSL x | sh',
  ];
  const SEED = 1;
  const MAX_RUNS = 3000;
  const DEADLINE_MS = 15_000;

  const errors = (text: string) => {
    const out = new Map<string, number>();
    for (const d of lint(text)) if (d.severity === 1) out.set(String(d.code), (out.get(String(d.code)) ?? 0) + 1);
    return out;
  };

  it(`is idempotent and adds no builder error on mutated Dockerfiles (seed ${SEED}, up to ${MAX_RUNS} inputs or ${DEADLINE_MS / 1000} s)`, (t) => {
    const started = Date.now();
    let runs = 0;
    const failures: string[] = [];
    for (const { run, text } of mutatedFixtures({ seed: SEED, runs: MAX_RUNS, pieces, edits: 6, maxDelete: 4 })) {
      if (Date.now() - started > DEADLINE_MS) break;
      runs++;
      const first = fixAll(text);
      const second = fixAll(first.text);
      const problems: string[] = [];
      if (first.complete === false) problems.push('stopped at the round limit');
      if (second.text !== first.text) problems.push(`a second run changed it: ${second.applied.join('; ')}`);
      const before = errors(text);
      for (const [code, count] of errors(first.text)) if (count > (before.get(code) ?? 0)) problems.push(`added a ${code} error`);
      if (problems.length) failures.push(`run ${run}: ${problems.join(', ')}\n  input: ${JSON.stringify(text)}`);
    }
    t.diagnostic(`${runs} mutated inputs in ${Date.now() - started} ms`);
    // Enough inputs even on a loaded machine for the test to mean something.
    assert.ok(runs >= 200, `only ${runs} inputs ran before the deadline`);
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${runs} inputs failed`);
  });
});
