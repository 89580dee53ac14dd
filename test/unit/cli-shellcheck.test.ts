/**
 * `berth lint` with ShellCheck, the shipped bundle against the real `shellcheck`: findings on
 * exact positions, `--shellcheck PATH|off`, `.hadolint.yaml` and pragmas, one run for all the
 * files, and a missing program (one note, or an error when the user named it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JsonFinding } from '../../src/cli/format';
import { CLI, ensureBuilt } from '../lsp/build';

let dir: string;
before(() => {
  ensureBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'berth-cli-shellcheck-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function berth(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const findings = (stdout: string) =>
  (JSON.parse(stdout) as JsonFinding[]).map((f) => [f.file, f.code, f.line, f.column, f.endColumn, f.severity].join(' '));

describe('berth lint with ShellCheck', () => {
  it('reports ShellCheck findings in RUN on their exact position, with the rules', () => {
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM debian:12\nRUN mkdir -p /opt && \\\n    echo $missing\nUSER nobody\n');
    const run = berth(['lint', '-f', 'json', 'Dockerfile']);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, '');
    assert.deepEqual(findings(run.stdout), ['Dockerfile SC2086 3 10 18 info', 'Dockerfile SC2154 3 10 18 warning']);
    const text = berth(['lint', 'Dockerfile']);
    assert.match(text.stdout, /^Dockerfile:3:10 warning SC2154 missing is referenced but not assigned\.$/m);
  });

  it('--shellcheck off leaves them out; .hadolint.yaml and pragmas suppress single checks', () => {
    assert.deepEqual(findings(berth(['lint', '-f', 'json', '--shellcheck', 'off', 'Dockerfile']).stdout), []);
    const sub = path.join(dir, 'configured');
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, '.hadolint.yaml'), 'ignored: [SC2086]\n');
    writeFileSync(
      path.join(sub, 'Dockerfile'),
      'FROM debian:12\nRUN echo $one\nWORKDIR /app\n# hadolint ignore=SC2154\nRUN echo $two\nUSER nobody\n',
    );
    const run = berth(['lint', '-f', 'json', 'configured/Dockerfile']);
    assert.equal(run.stderr, '');
    assert.deepEqual(findings(run.stdout), ['configured/Dockerfile SC2154 2 10 14 warning']);
  });

  it('checks the RUNs of every file with one ShellCheck run', () => {
    const log = path.join(dir, 'runs.log');
    const counting = path.join(dir, 'counting-shellcheck');
    writeFileSync(counting, `#!/bin/sh\necho run >> '${log}'\nexec shellcheck "$@"\n`);
    chmodSync(counting, 0o755);
    const many = path.join(dir, 'many');
    for (const name of ['a', 'b', 'c']) {
      mkdirSync(path.join(many, name), { recursive: true });
      writeFileSync(path.join(many, name, 'Dockerfile'), `FROM debian:12\nRUN echo $${name}1\nRUN echo "$${name}2"\nUSER nobody\n`);
    }
    const run = berth(['lint', '-f', 'json', '--shellcheck', counting, 'many']);
    assert.equal(run.stderr, '');
    assert.equal((JSON.parse(run.stdout) as JsonFinding[]).filter((f) => f.code === 'SC2154').length, 6);
    assert.equal(readFileSync(log, 'utf8').split('\n').filter(Boolean).length, 1);
  });

  it('without shellcheck on the PATH: one note, the rules as ever; a program named but missing is an error', () => {
    const run = berth(['lint', '-f', 'json', 'Dockerfile', 'configured/Dockerfile'], { ...process.env, PATH: path.join(dir, 'empty') });
    assert.equal(run.status, 0);
    assert.deepEqual(findings(run.stdout), []);
    assert.equal(
      run.stderr,
      'berth: note: shellcheck is not installed, so RUN scripts were not checked by it (install ShellCheck, or pass --shellcheck off)\n',
    );
    const named = berth(['lint', '--shellcheck', path.join(dir, 'nowhere', 'shellcheck'), 'Dockerfile']);
    assert.equal(named.status, 2);
    assert.match(named.stderr, /^berth: --shellcheck: .*nowhere\/shellcheck was not found; RUN scripts were not checked by it$/m);
    assert.equal(berth(['lint', '--shellcheck', '', 'Dockerfile']).status, 2);
  });
});
