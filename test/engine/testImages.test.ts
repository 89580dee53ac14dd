/**
 * The test image scripts check an image by what it holds, not by its tag: a foreign or stale image
 * under the tag fails `--check` with the reason, and a build run replaces it (leaving the old one
 * in place). Works on tags of its own, so the shared busybox:local is never touched.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';
import { LABEL, docker } from './helpers';

const SCRIPTS = path.join(__dirname, '..', '..', 'scripts');
const REPO = `berth-test-images-${process.pid}`;
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n';
const GROUP = 'root:x:0:\nnogroup:x:65534:\n';

function script(name: string, ...args: string[]) {
  const run = spawnSync('bash', [path.join(SCRIPTS, name), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, out: run.stdout + run.stderr };
}

/** Imports a one-layer image from files, labelled so the engine tests' cleanup finds it too. */
function importImage(tag: string, files: Record<string, string>, cmd: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'berth-image-'));
  try {
    for (const [file, from] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      if (from.startsWith('/')) copyFileSync(from, path.join(root, file));
      else writeFileSync(path.join(root, file), from);
    }
    mkdirSync(path.join(root, 'tmp'));
    chmodSync(path.join(root, 'tmp'), 0o1777);
    const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
    const imported = spawnSync('docker', ['import', '-c', `CMD ${cmd}`, '-c', `LABEL ${LABEL}=1`, '-', tag], {
      input: tar.stdout,
      encoding: 'utf8',
    });
    assert.equal(imported.status, 0, imported.stderr);
    return imported.stdout.trim();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('test images are checked by what they hold', () => {
  const made = new Set<string>();

  before(() => requireTestImage(BUSYBOX_IMAGE));

  after(async () => {
    // Only what this test made: its tags and the images behind them.
    const tags = (await docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', REPO])).split('\n').filter(Boolean);
    for (const ref of [...tags, ...made]) await docker(['image', 'rm', '-f', ref]).catch(() => undefined);
  });

  it('busybox: a foreign image under the tag fails the check with its reason, and a build replaces it', async () => {
    const tag = `${REPO}:foreign`;
    const alt = `${REPO}:foreign-alt`;
    const foreign = importImage(
      tag,
      {
        'bin/busybox': '/bin/busybox',
        'bin/sh': '/bin/busybox',
        'etc/passwd': 'root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n',
        'etc/group': GROUP,
      },
      '["/bin/sh"]',
    );
    made.add(foreign);

    const check = script('test-images.sh', '--check', tag, alt);
    assert.equal(check.status, 1, check.out);
    assert.match(
      check.out,
      /foreign's \/etc\/passwd is not the test image's \(root and nobody only\); rebuild it with: bash scripts\/test-images.sh/,
    );

    const build = script('test-images.sh', tag, alt);
    assert.equal(build.status, 0, build.out);
    assert.match(build.out, /building berth-test-images-\d+:foreign/);
    const rebuilt = await docker(['image', 'inspect', '--format', '{{.Id}}', tag]);
    made.add(rebuilt);
    assert.notEqual(rebuilt, foreign, 'the tag names a new image');
    assert.equal(await docker(['image', 'inspect', '--format', '{{.Id}}', alt]), rebuilt, 'the second tag follows');
    assert.equal(await docker(['image', 'inspect', '--format', '{{.Id}}', foreign]), foreign, 'the foreign image is left, not removed');

    const again = script('test-images.sh', '--check', tag, alt);
    assert.equal(again.status, 0, again.out);
  });

  it('busybox: a stale busybox binary, or applets missing, is named', () => {
    const tag = `${REPO}:stale`;
    made.add(
      importImage(tag, { 'bin/busybox': '/bin/true', 'bin/sh': '/bin/busybox', 'etc/passwd': PASSWD, 'etc/group': GROUP }, '["/bin/sh"]'),
    );
    const stale = script('test-images.sh', '--check', tag, `${tag}-alt`);
    assert.equal(stale.status, 1, stale.out);
    assert.match(stale.out, /\/bin\/busybox is not this machine's \/bin\/busybox \(stale or foreign\)/);

    const few = `${REPO}:few-applets`;
    made.add(importImage(few, { 'bin/busybox': '/bin/busybox', 'etc/passwd': PASSWD, 'etc/group': GROUP }, '["/bin/sh"]'));
    const lacking = script('test-images.sh', '--check', few, `${few}-alt`);
    assert.equal(lacking.status, 1, lacking.out);
    assert.match(lacking.out, /lacks busybox applets in \/bin: /);
  });

  it('busybox: the second tag must be the same image', async () => {
    const alt = `${REPO}:other-alt`;
    await docker(['tag', BUSYBOX_IMAGE, `${REPO}:other`]);
    made.add(importImage(alt, { 'etc/passwd': PASSWD }, '["/bin/sh"]'));
    const check = script('test-images.sh', '--check', `${REPO}:other`, alt);
    assert.equal(check.status, 1, check.out);
    assert.match(check.out, /other-alt is another image than berth-test-images-\d+:other/);
  });

  it('toolchain: an image without Go, or with the wrong command, fails the check with its reason', async () => {
    const sh = `${REPO}:toolchain-sh`;
    await docker(['tag', BUSYBOX_IMAGE, sh]);
    const wrongCmd = script('toolchain-image.sh', '--check', sh);
    assert.equal(wrongCmd.status, 1, wrongCmd.out);
    assert.match(wrongCmd.out, /runs \["\/bin\/sh"\], not \["\/bin\/bash"\]; rebuild it with: bash scripts\/toolchain-image.sh/);

    const noGo = `${REPO}:toolchain-nogo`;
    made.add(importImage(noGo, { 'bin/busybox': '/bin/busybox', 'bin/sh': '/bin/busybox' }, '["/bin/bash"]'));
    const missing = script('toolchain-image.sh', '--check', noGo);
    assert.equal(missing.status, 1, missing.out);
    assert.match(missing.out, /cannot run go version and hugo version: .*go/);
  });
});
