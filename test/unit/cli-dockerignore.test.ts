/** `berth lint` reads the ignore file beside each Dockerfile for copy-ignored-file (spawns the shipped bundle). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JsonFinding } from '../../src/cli/format';
import { CLI, ensureBuilt } from '../lsp/build';

describe('berth lint and .dockerignore', () => {
  let dir: string;
  before(() => {
    ensureBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'berth-cli-dockerignore-'));
    const dockerfile = 'FROM node:20\nCOPY package.json app.env /app/\nUSER node\n';
    for (const sub of ['plain', 'beside', 'none']) {
      mkdirSync(path.join(dir, sub));
      writeFileSync(path.join(dir, sub, 'Dockerfile'), dockerfile);
    }
    writeFileSync(path.join(dir, 'plain', '.dockerignore'), '*.env\n');
    // The Dockerfile's own ignore file wins over the context's.
    writeFileSync(path.join(dir, 'beside', '.dockerignore'), '*.env\n');
    writeFileSync(path.join(dir, 'beside', 'Dockerfile.dockerignore'), 'package.json\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the sources each Dockerfile’s ignore file excludes', () => {
    const run = spawnSync(process.execPath, [CLI, 'lint', '--format', 'json', '.'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    const findings = (JSON.parse(run.stdout) as JsonFinding[]).filter((f) => f.code === 'copy-ignored-file');
    assert.deepEqual(
      findings.map((f) => [f.file.split(path.sep).join('/'), /'([^']+)'/.exec(f.message)?.[1]]),
      [
        ['beside/Dockerfile', 'package.json'],
        ['plain/Dockerfile', 'app.env'],
      ],
    );
    assert.match(findings[0].message, /Dockerfile\.dockerignore/);
  });

  it('--context DIR reads DIR/.dockerignore for a Dockerfile without its own ignore file', () => {
    const lint = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, 'lint', '--format', 'json', ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    const ignored = (stdout: string) =>
      (JSON.parse(stdout) as JsonFinding[]).filter((f) => f.code === 'copy-ignored-file').map((f) => /'([^']+)'/.exec(f.message)?.[1]);
    // none/ has no ignore file of its own; plain/ (as the context) excludes *.env.
    assert.deepEqual(ignored(lint('none/Dockerfile').stdout), []);
    assert.deepEqual(ignored(lint('--context', 'plain', 'none/Dockerfile').stdout), ['app.env']);
    // The Dockerfile's own ignore file still wins over the context's.
    assert.deepEqual(ignored(lint('--context', 'plain', 'beside/Dockerfile').stdout), ['package.json']);
    const missing = lint('--context', 'nowhere', 'none/Dockerfile');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--context nowhere: no such folder/);
  });
});
