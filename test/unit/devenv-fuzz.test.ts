/**
 * Bad input of any kind for "Run Workspace": .berth.yaml, devcontainer.json and Dockerfiles
 * made of seeded random pieces. Reading them never throws; every problem comes back as words,
 * and whatever resolves either builds a run spec or is refused with a reason.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRunConfig } from '../../src/devenv/config';
import { readDevcontainer } from '../../src/devenv/devcontainer';
import { exposedPorts } from '../../src/devenv/dockerfileRun';
import { resolveRunConfig } from '../../src/devenv/resolve';
import { buildRunSpec, validate } from '../../src/devenv/spec';
import { prng } from '../fixtures/prng';

const SEED = Number(process.env.BERTH_FUZZ_SEED ?? 4242);
const RUNS = 1500;

const YAML_PIECES = [
  'run:',
  '  ',
  '\n',
  'toolchain: ',
  'go',
  'dockerfile',
  'cobol',
  'image: ',
  '"busybox:local"',
  'command: ',
  '[sh, -c, "x"]',
  '"echo hi"',
  '[]',
  'ports: ',
  '[1313, "8080:80", "x:y", 70000, {container: 1}]',
  '{host: 1}',
  'build: ',
  '{dockerfile: D, target: t, args: {A: 1}}',
  '[1]',
  'null',
  '~',
  'mount: ',
  'true',
  'maybe',
  'env: ',
  '{A: 1, "1B": 2}',
  'memory: ',
  '2g',
  'lots',
  'cpus: ',
  '-1',
  '1.5',
  'bind: ',
  '0.0.0.0',
  'everywhere',
  '- ',
  ': ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '&a',
  '*a',
  '!!binary',
  '#',
  '\t',
  '\u0000',
  'é',
  '\r\n',
];
const JSON_PIECES = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"image"',
  '"busybox:local"',
  '"build"',
  '{"dockerfile": "D", "context": ".."}',
  '"forwardPorts"',
  '[3000, "db:5432", "x"]',
  '"runArgs"',
  '["-p", "1:2", "--cap-add", "X", "-e"]',
  '"containerEnv"',
  '{"A": "${localEnv:X}"}',
  '"workspaceFolder"',
  '"/w/${localWorkspaceFolderBasename}"',
  'null',
  'true',
  '1e9',
  '// c\n',
  '/* c',
  '*/',
  '"\\u0000"',
  '\n',
];
const DOCKERFILE_PIECES = [
  'FROM ',
  'busybox',
  ' AS ',
  'a',
  '\n',
  'ARG ',
  'PORT=80',
  'ENV ',
  'X ',
  '$PORT',
  '${PORT:-1}',
  '${',
  'EXPOSE ',
  '80/udp',
  '1-2',
  '99999',
  '/sctp',
  '0',
  ' ',
  '\\\n',
  '# escape=`\n',
  '`\n',
  '<<EOF\n',
  'EOF\n',
  '"',
  "'",
  'é',
  '\r',
];

function pieces(rand: () => number, from: string[], max: number): string {
  let out = '';
  const n = Math.floor(rand() * max);
  for (let i = 0; i < n; i++) out += from[Math.floor(rand() * from.length)];
  return out;
}

describe('fuzz: run configuration', () => {
  it(`reads any .berth.yaml, devcontainer.json and Dockerfile without throwing (${RUNS} folders, seed ${SEED})`, (t) => {
    const rand = prng(SEED);
    let specs = 0;
    let refused = 0;
    for (let i = 0; i < RUNS; i++) {
      const yaml = pieces(rand, YAML_PIECES, 30);
      const json = pieces(rand, JSON_PIECES, 20);
      const dockerfile = pieces(rand, DOCKERFILE_PIECES, 40);
      const files: Record<string, string> = rand() < 0.6 ? { Dockerfile: dockerfile, D: dockerfile } : {};
      if (rand() < 0.5) files['.berth.yaml'] = yaml;
      if (rand() < 0.5) files['.devcontainer/devcontainer.json'] = json;
      const context = `seed ${SEED} run ${i}`;
      try {
        for (const problem of parseRunConfig(yaml).problems) assert.equal(typeof problem, 'string');
        readDevcontainer(json, 'ws');
        for (const port of exposedPorts(dockerfile, rand() < 0.5 ? 'a' : undefined))
          assert.ok(port.container >= 1 && port.container <= 65535);
        const resolved = resolveRunConfig({ entries: Object.keys(files).map((f) => f.split('/')[0]), read: (n) => files[n] }, 'ws');
        if ('error' in resolved) {
          assert.ok(resolved.error.length > 0);
          refused++;
          continue;
        }
        if (validate(resolved.config).length) {
          assert.throws(() => buildRunSpec({ folder: '/w s', name: 'w s', uid: 1, gid: 1 }, resolved.config));
          refused++;
        } else {
          const spec = buildRunSpec({ folder: '/w s', name: 'w s', uid: 1, gid: 1 }, resolved.config);
          assert.ok(spec.create.Image.length > 0);
          specs++;
        }
      } catch (error) {
        throw new Error(
          `${context}: ${error instanceof Error ? error.stack : String(error)}\n--- yaml\n${yaml}\n--- json\n${json}\n--- Dockerfile\n${dockerfile}`,
          { cause: error },
        );
      }
    }
    t.diagnostic(`${specs} run specs, ${refused} refused with a reason`);
    // Both outcomes occur, so the inputs reach past the first check.
    assert.ok(specs > RUNS / 10 && refused > RUNS / 20, `${specs} specs, ${refused} refused`);
  });
});
