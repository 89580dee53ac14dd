/**
 * The npm package of the CLI, berth-cli, installed the way a user or a CI job installs it: made by
 * scripts/package-cli.mjs from dist/cli.js, packed with `npm pack`, installed from the tarball into
 * an empty folder offline (so it can have no dependency the bundle does not carry), and run with
 * `npx --no-install berth`.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBuilt, ROOT } from '../lsp/build';

const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** npm's own settings from an enclosing `npm run` (npm_config_*, npm_package_*) stay out. */
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_'))),
  npm_config_update_notifier: 'false',
};

function run(command: string, args: string[], cwd: string, options: SpawnSyncOptions = {}) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000, ...options });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe('berth-cli, the npm package of the berth command', () => {
  let tmp: string;
  let pkgDir: string;
  let project: string;
  let tarball: string;

  before(() => {
    ensureBuilt();
    tmp = mkdtempSync(path.join(tmpdir(), 'berth-cli-package-'));
    pkgDir = path.join(tmp, 'package');
    project = path.join(tmp, 'project');
    mkdirSync(project);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('is made from dist/cli.js with its own package.json: name, the extension version, the bin, no dependencies', () => {
    const made = run(process.execPath, [path.join(ROOT, 'scripts', 'package-cli.mjs'), '--out', pkgDir], ROOT);
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, /publish with: npm publish /);
    const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(pkg.name, 'berth-cli');
    assert.equal(pkg.version, version);
    assert.deepEqual(pkg.bin, { berth: 'cli.js' });
    assert.equal(pkg.license, 'MIT');
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'scripts']) assert.equal(pkg[field], undefined, field);
    assert.match(readFileSync(path.join(pkgDir, 'README.md'), 'utf8'), /npx --package=berth-cli berth lint/);
  });

  it('packs to a tarball of the bundles, package.json, README and LICENSE', () => {
    const pack = run('npm', ['pack', '--json', '--pack-destination', tmp], pkgDir);
    assert.equal(pack.status, 0, pack.stderr);
    const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    assert.deepEqual(packed.files.map((f) => f.path).sort(), [
      'LICENSE',
      'README.md',
      'cli-compose.js',
      'cli-run.js',
      'cli.js',
      'composeValidators.js',
      'package.json',
      'yaml.js',
    ]);
    tarball = path.join(tmp, packed.filename);
    assert.equal(path.basename(tarball), `berth-cli-${version}.tgz`);
  });

  it('installs from the tarball into an empty folder offline, with the berth bin', () => {
    const install = run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--cache', path.join(tmp, 'npm-cache'), tarball],
      project,
    );
    assert.equal(install.status, 0, `${install.stdout}\n${install.stderr}`);
    assert.match(install.stdout, /added 1 package/, 'the package alone: nothing else to fetch');

    // The bin npx runs: the rest of the checks call it directly, which is quicker than npx.
    const shown = run(path.join(project, 'node_modules', '.bin', 'berth'), ['--version'], project);
    assert.equal(shown.status, 0, shown.stderr);
    assert.equal(shown.stdout.trim(), version);
  });

  it('npx --no-install berth lint: a Dockerfile with a finding prints it and exits 1; a clean one exits 0', () => {
    writeFileSync(path.join(project, 'Dockerfile'), 'FROM node:latest\nRUN apt-get update\nUSER node\n');
    const lint = run('npx', ['--offline', '--no-install', 'berth', 'lint', 'Dockerfile'], project);
    assert.equal(lint.status, 1, lint.stderr);
    assert.match(lint.stdout, /^Dockerfile:1:\d+ warning image-latest /m);
    assert.match(lint.stdout, /^Dockerfile:2:\d+ warning apt-update-alone /m);

    const berth = path.join(project, 'node_modules', '.bin', 'berth');
    const json = run(berth, ['lint', '--format', 'json', '-'], project, { input: 'FROM node:latest\n' });
    assert.equal(json.status, 1, json.stderr);
    assert.ok((JSON.parse(json.stdout) as Array<{ code: string }>).some((f) => f.code === 'image-latest'));

    writeFileSync(path.join(project, 'Dockerfile'), 'FROM node:22.11-bookworm\nUSER node\n');
    const clean = run(berth, ['lint', '.'], project);
    assert.equal(clean.status, 0, `${clean.stdout}\n${clean.stderr}`);
    assert.equal(clean.stdout, '');
  });

  it('berth run comes from its own bundle in the package: its help and its usage errors', () => {
    const berth = path.join(project, 'node_modules', '.bin', 'berth');
    const help = run(berth, ['help', 'run'], project);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: berth run /);
    const bad = run(berth, ['run', '--no-such-option'], project);
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /^berth run: unknown option '--no-such-option'/, 'a usage error, not an internal one');
  });
});

describe("the documentation names the package, never npm's unrelated `berth`", () => {
  it('every npx line in the READMEs, docs and walkthroughs runs berth from berth-cli', () => {
    const markdown = (dir: string): string[] =>
      readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith('.md'))
        .map((e) => path.join(e.parentPath, e.name));
    const files = [path.join(ROOT, 'README.md'), ...markdown('docs'), ...markdown('media'), ...markdown('cli-package')];
    const wrong: string[] = [];
    let right = 0;
    for (const file of files) {
      for (const [k, line] of readFileSync(file, 'utf8').split('\n').entries()) {
        for (const npx of line.matchAll(/\bnpx((?:\s+--?[\w-]+(?:=\S+)?)*)\s+berth\b/g)) {
          if (/--package=berth-cli\b/.test(npx[1])) right++;
          else wrong.push(`${path.relative(ROOT, file)}:${k + 1}: ${line.trim()}`);
        }
      }
    }
    assert.deepEqual(wrong, [], 'npx berth downloads and runs the npm package named berth, which is not ours');
    assert.ok(right > 0, 'the READMEs show the right line');
  });
});
