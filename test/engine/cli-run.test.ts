/** `berth run` end to end: the built CLI on the real engine with busybox:local. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../fixtures/net';
import { waitFor } from './helpers';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const folder = mkdtempSync(path.join(tmpdir(), 'berth cli run '));
writeFileSync(path.join(folder, 'note.txt'), 'from the host\n');
after(() => rmSync(folder, { recursive: true, force: true }));

function berth(...args: string[]) {
  return spawnSync(process.execPath, [CLI, 'run', ...args], { cwd: folder, encoding: 'utf8', timeout: 60_000 });
}

// busybox:local checked by what it holds, not trusted by its tag (scripts/test-images.sh).
before(() => requireTestImage(BUSYBOX_IMAGE));

describe('berth run', () => {
  it('runs the command in the folder and passes its exit status through', () => {
    const ok = berth('--image', 'busybox:local', '--', 'sh', '-c', 'cat note.txt; sleep 2; exit 5');
    assert.equal(ok.status, 5, ok.stderr);
    assert.match(ok.stdout, /from the host/);
  });
  it('a command that fails at once: status 125 and why', () => {
    const failed = berth('--image', 'busybox:local', '--', 'sh', '-c', 'echo nope; exit 9');
    assert.equal(failed.status, 125);
    assert.match(failed.stderr, /exited at once with code 9/);
    assert.match(failed.stderr, /nope/);
  });
  it('an image that is neither here nor pullable: status 125, and the images that are here', () => {
    const missing = berth('--image', '127.0.0.1:9/berth-test/absent:1', '--', 'true');
    assert.equal(missing.status, 125);
    assert.match(missing.stderr, /Image '127\.0\.0\.1:9\/berth-test\/absent:1' is not on this engine and could not be pulled/);
    assert.match(missing.stderr, /images on this engine: .*busybox:local.*; use one with --image/);
  });
  it('a folder with nothing to recognise: status 2 and what to do', () => {
    const none = berth();
    assert.equal(none.status, 2);
    assert.match(none.stderr, /No toolchain recognised.*--image/);
  });
  it('bad arguments: status 2 with the help pointer', () => {
    const bad = berth('--port', 'x:y', '--image', 'busybox:local');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /port 'x:y'.*\n.*berth help run/);
  });
  it('a configuration that cannot run (a host port twice): status 2 and why, not an internal error', () => {
    const twice = berth('--image', 'busybox:local', '-p', '8080', '-p', '8080:80');
    assert.equal(twice.status, 2);
    assert.match(twice.stderr, /^berth run: Host port 8080\/tcp is published twice\./);
  });
  it('--print gives docker commands that run the same thing, and runs nothing itself', async () => {
    const port = await freePort();
    const printed = berth(
      '--print',
      '--detach',
      '--image',
      'busybox:local',
      '-p',
      `${port}:8080`,
      '--',
      'httpd',
      '-f',
      '-p',
      '8080',
      '-h',
      '/workspace',
    );
    assert.equal(printed.status, 0, printed.stderr);
    const lines = printed.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^docker run --rm -d -t --name berth-/);
    const ps = () =>
      spawnSync('docker', ['ps', '-a', '-q', '--filter', `label=berth.workspace=${folder}`], { encoding: 'utf8' }).stdout.trim();
    assert.equal(ps(), '', '--print started nothing');
    // The line goes through a real shell: the folder's spaces must survive its quoting.
    const started = spawnSync('sh', ['-c', lines[0]], { encoding: 'utf8' });
    assert.equal(started.status, 0, started.stderr);
    try {
      const body = await waitFor(
        'the printed command to serve',
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/note.txt`).catch(() => undefined);
          return res?.ok ? res.text() : undefined;
        },
        10_000,
        50,
      );
      assert.equal(body, 'from the host\n');
    } finally {
      spawnSync('docker', ['rm', '-f', started.stdout.trim()]);
    }
  });
  it('leaves no container behind', () => {
    const ps = spawnSync('docker', ['ps', '-a', '--filter', `label=berth.workspace=${folder}`, '-q'], { encoding: 'utf8' });
    assert.equal(ps.stdout.trim(), '');
  });
});
