/**
 * .pre-commit-hooks.yaml: pre-commit hands `berth lint` exactly the files `berth lint FOLDER`
 * would pick (Dockerfiles and Compose files), and installing this folder as pre-commit does (npm pack, language: node) yields the
 * `berth` bin.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { isLintedName, NON_VARIANT_SUFFIXES } from '../../src/cli/files';

const ROOT = path.join(__dirname, '..', '..');

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  exclude?: string;
  types?: string[];
}

const hooks = parse(readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const hook = hooks.find((h) => h.id === 'berth-lint');

/** pre-commit's patterns are Python regexes searched in the path; `(?i)` is their one Python-only part here. */
function pythonRegex(pattern: string): RegExp {
  const caseless = pattern.startsWith('(?i)');
  const body = caseless ? pattern.slice('(?i)'.length) : pattern;
  assert.doesNotMatch(body, /\(\?[a-zP<]/, `no other Python-only syntax in ${pattern}`);
  return new RegExp(body, caseless ? 'i' : '');
}

/** Whether pre-commit passes `file` (a path relative to the repository) to the hook. */
function selected(file: string): boolean {
  assert.ok(hook);
  return pythonRegex(hook.files).test(file) && !(hook.exclude && pythonRegex(hook.exclude).test(file));
}

describe('.pre-commit-hooks.yaml', () => {
  it('declares berth-lint as a node hook that runs berth lint on text files', () => {
    assert.ok(hook, 'a hook with id berth-lint');
    assert.equal(hook.entry, 'berth lint');
    assert.equal(hook.language, 'node');
    assert.deepEqual(hook.types, ['text']);
  });

  it('selects exactly the files berth lint picks in a folder (Dockerfiles and Compose files), in any folder and any case', () => {
    const names = [
      'Dockerfile',
      'dockerfile',
      'DOCKERFILE',
      'Containerfile',
      'containerfile',
      'Dockerfile.dev',
      'Dockerfile.prod.arm64',
      'Containerfile.ci',
      'app.Dockerfile',
      'web.dockerfile',
      'api.Containerfile',
      'x.containerfile',
      'dockerfile.ts',
      'Dockerfile.dockerignore',
      'app.Dockerfile.dockerignore',
      '.dockerignore',
      '.dockerfile',
      'Dockerfile.',
      'Dockerfiles',
      'mydockerfile',
      'dockerfile-lint.sh',
      'README.md',
      'compose.yaml',
      'compose.yml',
      'docker-compose.yaml',
      'docker-compose.yml',
      'compose.override.yaml',
      'docker-compose.override.yml',
      'compose.prod.yaml',
      'docker-compose.ci.arm64.yml',
      'Compose.YAML',
      'DOCKER-COMPOSE.YML',
      'compose.yaml.bak',
      'compose.json',
      'compose',
      'compose.yaml.dockerignore',
      'my-compose.yaml',
      'docker-compose-dev.yml',
      'composer.yaml',
      'compose.',
      '.compose.yaml',
      'values.yaml',
    ];
    // Every suffix that makes Dockerfile.<suffix> something else, plain, after a variant, and under .dockerfile.
    for (const suffix of NON_VARIANT_SUFFIXES)
      names.push(`Dockerfile.${suffix}`, `containerfile.prod.${suffix.toUpperCase()}`, `x.${suffix}.dockerfile`);
    const paths = names.flatMap((name) => [name, `docker/${name}`, `a b/c.d/${name}`, `Dockerfile.d/${name}`]);
    const disagreements = paths.filter((p) => selected(p) !== isLintedName(path.posix.basename(p)));
    assert.deepEqual(disagreements, [], 'paths where the hook and berth lint FOLDER disagree');
    // Both directions are exercised: the list holds names each side takes and names it leaves.
    assert.ok(paths.some(selected) && !paths.every(selected));
    assert.ok(selected('deploy/compose.prod.yaml') && !selected('deploy/values.yaml'), 'Compose files are selected, other YAML is not');
  });

  it('installs as pre-commit does: npm pack of this folder holds the berth bin and its bundles', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.equal(path.posix.normalize(pkg.bin.berth), 'dist/cli.js');
    assert.match(pkg.scripts.prepack, /scripts\/build\.mjs/, 'npm pack builds dist/cli.js first');
    // --ignore-scripts: list what would be packed without building; the list depends on .npmignore only.
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const files = (JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path).sort();
    assert.deepEqual(files, [
      'LICENSE',
      'README.md',
      'dist/cli-compose.js',
      'dist/cli-run.js',
      'dist/cli.js',
      'dist/composeValidators.js',
      'dist/yaml.js',
      'package.json',
    ]);
  });
});
