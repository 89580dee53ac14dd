/**
 * `berth lint` on input meant to hurt: special files (FIFOs, devices, folders where files are
 * expected), terminal escapes and XML-illegal characters in Dockerfiles and file names, --fix
 * through links and over edits saved meanwhile, and names that only look like Dockerfiles. The
 * end-to-end cases spawn the shipped bundle; the seeded fuzz runs `main` in process on files on
 * disk, every format checked for structure.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decode, writeFixed, type Source } from '../../src/cli/files';
import { FORMATS } from '../../src/cli/format';
import { main } from '../../src/cli/main';
import { prng } from '../fixtures/prng';
import { wellFormedXml } from '../fixtures/xml';
import { CLI, ensureBuilt } from '../lsp/build';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function berth(args: string[], cwd: string, input: string | Buffer = ''): Run {
  // The timeout only turns a hang (the bug these tests are about) into a failure.
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, input, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** In process: the same `main` the bundle runs, its output captured. */
async function lintInProcess(args: string[], cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const status = await main(['lint', ...args], {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    readStdin: () => Promise.resolve(Buffer.alloc(0)),
    cwd,
    version: '0.0.0-test',
  });
  return { status, stdout, stderr };
}

/** Bytes a terminal acts on: C0 controls but newline, DEL, and C1 (U+009B is a one-byte CSI). */
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** The structure each format promises, for any input. */
function assertValid(format: string, run: Run, what: string): void {
  const out = run.stdout;
  switch (format) {
    case 'json':
    case 'gitlab': {
      const rows = JSON.parse(out) as unknown[];
      assert.ok(Array.isArray(rows), what);
      break;
    }
    case 'sarif': {
      interface Result {
        ruleId: string;
        ruleIndex: number;
        message: { text: string };
        locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[];
      }
      const sarif = JSON.parse(out) as {
        version: string;
        runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: Result[] }[];
      };
      assert.equal(sarif.version, '2.1.0', what);
      const results = sarif.runs[0].results;
      for (const result of results) {
        assert.equal(typeof result.ruleId, 'string', what);
        assert.equal(typeof result.message.text, 'string', what);
        const location = result.locations[0].physicalLocation;
        assert.equal(typeof location.artifactLocation.uri, 'string', what);
        for (const key of ['startLine', 'startColumn', 'endLine', 'endColumn'])
          assert.ok(Number.isInteger(location.region[key]) && location.region[key] >= 1, what);
        assert.equal(sarif.runs[0].tool.driver.rules[result.ruleIndex]?.id, result.ruleId, what);
      }
      break;
    }
    case 'checkstyle':
      assert.deepEqual(wellFormedXml(out), [], `${what}:\n${out}`);
      break;
    default:
      // text and github are read by people in terminals and log viewers.
      assert.doesNotMatch(out, TERMINAL_CONTROL, `${what}: ${JSON.stringify(out)}`);
  }
  assert.doesNotMatch(run.stderr, TERMINAL_CONTROL, `${what} stderr: ${JSON.stringify(run.stderr)}`);
}

let tmp: string;
before(() => {
  ensureBuilt();
  tmp = mkdtempSync(path.join(tmpdir(), 'berth hostile '));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('berth lint and special files', () => {
  it('a FIFO or a device named as a Dockerfile is an error, not a hang', () => {
    execFileSync('mkfifo', [path.join(tmp, 'Dockerfile.fifo')]);
    for (const file of [path.join(tmp, 'Dockerfile.fifo'), '/dev/zero']) {
      const run = berth(['lint', file], tmp);
      assert.equal(run.status, 2, `${file}: ${run.stderr}`);
      assert.match(run.stderr, /not a regular file/);
    }
  });

  it('a .hadolint.yaml that is a FIFO or a link to /dev/zero is reported, and the Dockerfile still linted', () => {
    for (const [name, make] of [
      ['fifo-config', (file: string) => execFileSync('mkfifo', [file])],
      ['zero-config', (file: string) => symlinkSync('/dev/zero', file)],
    ] as const) {
      const dir = path.join(tmp, name);
      mkdirSync(dir);
      make(path.join(dir, '.hadolint.yaml'));
      writeFileSync(path.join(dir, 'Dockerfile'), 'FROM node\n');
      const run = berth(['lint', '-f', 'json', 'Dockerfile'], dir);
      assert.equal(run.status, 1, run.stderr);
      assert.ok((JSON.parse(run.stdout) as { code: string }[]).some((f) => f.code === 'image-untagged'));
      assert.match(run.stderr, /\.hadolint\.yaml: is .*not a regular file/);
    }
  });

  it('--config naming a folder, a FIFO, a device or nothing: exit 2, one clear line', () => {
    writeFileSync(path.join(tmp, 'Dockerfile'), 'FROM node:22.1\nUSER app\n');
    execFileSync('mkfifo', [path.join(tmp, 'config.fifo')]);
    for (const [config, message] of [
      [tmp, /is a folder/],
      [path.join(tmp, 'config.fifo'), /named pipe/],
      ['/dev/zero', /a device/],
      [path.join(tmp, 'no-such.yaml'), /no such file/],
    ] as const) {
      const run = berth(['lint', '--config', config, 'Dockerfile'], tmp);
      assert.equal(run.status, 2, `--config ${config}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });

  it('standard input is capped like a file', () => {
    const run = berth(['lint', '-'], tmp, Buffer.alloc(17 * 1024 * 1024, 'a'));
    assert.equal(run.status, 2);
    assert.match(run.stderr, /too large/);
  });
});

describe('berth lint folder expansion', () => {
  it('takes what a builder takes as a Dockerfile, and skips a binary one with a note', () => {
    const dir = path.join(tmp, 'names');
    mkdirSync(dir);
    for (const name of [
      'Dockerfile',
      'Dockerfile.dev',
      'api.Dockerfile',
      'Containerfile.prod',
      'Dockerfile.md',
      'Dockerfile.j2',
      'Dockerfile.tar.gz',
    ]) {
      writeFileSync(path.join(dir, name), 'FROM node\n');
    }
    writeFileSync(path.join(dir, 'dockerfile.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    writeFileSync(path.join(dir, 'Dockerfile.bin'), Buffer.from([0x46, 0x52, 0, 0x4d]));
    const run = berth(['lint', '-f', 'json', '.'], dir);
    assert.equal(run.status, 1, run.stderr);
    const files = [...new Set((JSON.parse(run.stdout) as { file: string }[]).map((f) => f.file))].sort();
    assert.deepEqual(files, ['Containerfile.prod', 'Dockerfile', 'Dockerfile.dev', 'api.Dockerfile']);
    assert.match(run.stderr, /^berth: note: Dockerfile\.bin: not a text file .* so it was skipped$/m);
    // Named, any file is linted, and a binary one is an error.
    assert.equal(berth(['lint', 'Dockerfile.md'], dir).status, 1);
    assert.equal(berth(['lint', 'Dockerfile.bin'], dir).status, 2);
  });
});

describe('berth lint --fix', () => {
  const FIXABLE = 'FROM debian:12\nRUN apt-get install curl\n';

  it('does not write through a link to a file outside the folder', () => {
    const repo = path.join(tmp, 'fix-repo');
    const outside = path.join(tmp, 'fix-outside');
    mkdirSync(repo);
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'victim.conf'), FIXABLE);
    symlinkSync(path.join('..', 'fix-outside', 'victim.conf'), path.join(repo, 'Dockerfile'));
    for (const target of [repo, path.join(repo, 'Dockerfile')]) {
      const run = berth(['lint', '--fix', target], tmp);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /not fixed: it is a link to .*victim\.conf, outside /);
      assert.equal(readFileSync(path.join(outside, 'victim.conf'), 'utf8'), FIXABLE);
    }
  });

  it('writes through a link that stays inside the folder', () => {
    const repo = path.join(tmp, 'fix-inside');
    mkdirSync(path.join(repo, 'docker'), { recursive: true });
    writeFileSync(path.join(repo, 'docker', 'real.dockerfile'), FIXABLE);
    symlinkSync(path.join('docker', 'real.dockerfile'), path.join(repo, 'Dockerfile'));
    const run = berth(['lint', '--fix', path.join(repo, 'Dockerfile')], tmp);
    assert.match(run.stderr, /fixed \d+ in/);
    assert.notEqual(readFileSync(path.join(repo, 'docker', 'real.dockerfile'), 'utf8'), FIXABLE);
  });

  it('does not overwrite a file that changed after it was read', async () => {
    const file = path.join(tmp, 'changed.dockerfile');
    writeFileSync(file, FIXABLE);
    const read = decode(file, file, readFileSync(file), tmp) as Source;
    writeFileSync(file, `${FIXABLE}# saved by the user meanwhile\n`);
    const outcome = await writeFixed(read, 'FROM debian:12\n');
    assert.equal(outcome.written, false);
    assert.match(!outcome.written ? outcome.reason : '', /changed on disk/);
    assert.equal(readFileSync(file, 'utf8'), `${FIXABLE}# saved by the user meanwhile\n`);
    // Unchanged, it is written.
    const again = decode(file, file, readFileSync(file), tmp) as Source;
    assert.deepEqual(await writeFixed(again, 'FROM debian:12\n'), { written: true });
    assert.equal(readFileSync(file, 'utf8'), 'FROM debian:12\n');
  });
});

/** A Dockerfile whose names, flags and values carry what a terminal or an XML parser chokes on. */
const HOSTILE = [
  'FROM alpine:3.20 AS b\u001b]0;owned\u0007',
  'COPY --from=\u001b]52;c;ZXZpbA==\u0007 /a /b',
  '\u001b[2JRUN true',
  'COPY --from=x\ufffey\uffff\u009b31m /a /b',
  'RUN echo \u0001 \ud800',
  'USER 0',
].join('\n');

describe('every format on hostile content', () => {
  it('file names with escapes and newlines, content with escapes, U+FFFE and lone surrogates', () => {
    const dir = path.join(tmp, 'escapes');
    mkdirSync(dir);
    const name = 'evil\u001b]0;title\u0007\nsecond line.dockerfile';
    writeFileSync(path.join(dir, name), HOSTILE);
    for (const format of FORMATS) {
      const run = berth(['lint', '-f', format, name], dir);
      assert.equal(run.status, 1, `${format}: ${run.stderr}`);
      assertValid(format, run, format);
    }
    const text = berth(['lint', name], dir).stdout;
    const findings = JSON.parse(berth(['lint', '-f', 'json', name], dir).stdout) as unknown[];
    assert.equal(text.split('\n').length - 1, findings.length, 'one line per finding');
    assert.ok(text.includes('evil\\x1b]0;title\\x07\\x0asecond line.dockerfile:'), text);
  });

  it('seeded fuzz: random hostile Dockerfiles and names, all formats stay valid (200 cases)', async () => {
    const rnd = prng(2024);
    const pieces = [
      '\u001b',
      '\u0007',
      '\u009b',
      '\u0001',
      '\r',
      '\n',
      '\t',
      '\ufffe',
      '\uffff',
      '\ud800',
      '\udc00',
      '\u202e',
      '<',
      '&',
      '"',
      "'",
      ']]>',
      'FROM ',
      'AS ',
      'COPY --from=',
      'RUN ',
      'ENV ',
      '$',
      '${',
      '}',
      ' ',
      'a',
      '%',
      '::',
      ',',
      '\\\n',
    ];
    const dir = path.join(tmp, 'fuzz');
    mkdirSync(dir);
    const nameChars = ['a', '\u001b', '\n', '\u0007', ' ', '%', ':', ',', '&', '<', '\u202e', '\u009b', '\ufffe'];
    for (let run = 0; run < 200; run++) {
      let text = 'FROM alpine:3.20 AS s\n';
      for (let i = 0; i < 40; i++) text += pieces[Math.floor(rnd() * pieces.length)];
      let name = `f${run}`;
      for (let i = 0; i < 4; i++) name += nameChars[Math.floor(rnd() * nameChars.length)];
      writeFileSync(path.join(dir, `${name}.dockerfile`), text);
      for (const format of FORMATS) {
        const result = await lintInProcess(['-f', format, path.join(dir, `${name}.dockerfile`)], dir);
        assert.ok(result.status === 0 || result.status === 1, `run ${run} ${format}: ${result.stderr}`);
        assertValid(format, result, `run ${run} ${format}`);
      }
    }
  });
});
