/**
 * `berth run` as a real non-root user: toolchain.test.ts runs as root and only passes a uid in
 * the Workspace, which cannot catch what a real user meets (the socket's group, a HOME of its
 * own, cache volumes it must be able to write, files it must own afterwards).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LABEL, docker } from './helpers';
import { freePort } from '../fixtures/net';
import { CLI, ensureBuilt } from '../lsp/build';
import { copyForOtherUsers, worldReadableDir } from '../fixtures/otherUser';
import { BUSYBOX_IMAGE, requireTestImage, TOOLCHAIN_IMAGE } from '../fixtures/testImages';

const IMAGE = TOOLCHAIN_IMAGE;
const HOST = process.env.DOCKER_HOST;
const SOCKET = !HOST ? '/var/run/docker.sock' : HOST.startsWith('unix://') ? HOST.slice('unix://'.length) : undefined;
const SETPRIV = '/usr/bin/setpriv';

function groupId(name: string): number | undefined {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[0] === name);
  return line ? Number(line.split(':')[2]) : undefined;
}

/** A uid no account uses, so nothing on the machine already owns its files or volumes. */
function unusedUid(from: number): number {
  const taken = new Set(
    readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((l) => Number(l.split(':')[2])),
  );
  let uid = from;
  while (taken.has(uid)) uid++;
  return uid;
}

const dockerGid = existsSync('/etc/group') ? groupId('docker') : undefined;
const skip =
  process.getuid?.() !== 0
    ? 'needs root to switch to another uid'
    : !existsSync(SETPRIV)
      ? `${SETPRIV} is missing (util-linux)`
      : dockerGid === undefined
        ? "no 'docker' group in /etc/group (docker.io creates it)"
        : SOCKET === undefined
          ? 'DOCKER_HOST is not a unix socket, which the docker group would open to the user'
          : !existsSync(SOCKET) || statSync(SOCKET).gid !== dockerGid
            ? `${SOCKET} is not the docker group's`
            : false;

// CI provisions all of this (scripts/provision.sh), so there a missing piece fails instead.
const inCi = process.env.CI === 'true' || process.env.CI === '1';

describe('berth run as a real non-root user', { skip: !inCi && skip }, () => {
  const uid = unusedUid(3456);
  const gid = uid;
  const volumes = [`berth-cache-go-mod-${uid}`, `berth-cache-go-build-${uid}`];
  let folder: string;
  let home: string;
  let port: number;
  /** dist/cli.js (with dist/cli-run.js beside it), copied where the user can read it: the checkout may sit in a 0700 home. */
  let cli: string;
  let shared: string;

  /** Runs argv as uid:gid with the docker group and only the environment given here. */
  function asUser(argv: string[], timeout = 120_000) {
    const args = [`--reuid=${uid}`, `--regid=${gid}`, `--groups=${dockerGid}`, '--', ...argv];
    return spawnSync(SETPRIV, args, {
      cwd: folder,
      encoding: 'utf8',
      timeout,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, ...(HOST ? { DOCKER_HOST: HOST } : {}) },
    });
  }

  function berthRun(...command: string[]) {
    return asUser([process.execPath, cli, 'run', '--toolchain', 'go', '--image', IMAGE, '--port', `${port}:8080`, '--', ...command]);
  }

  before(async () => {
    if (skip) throw new Error(`cannot run as a non-root user here: ${skip}`);
    // Built by scripts/toolchain-image.sh and scripts/test-images.sh, checked by what they hold.
    await Promise.all([requireTestImage(IMAGE), requireTestImage(BUSYBOX_IMAGE)]);
    ensureBuilt();
    shared = worldReadableDir('berth-nonroot-cli-');
    cli = copyForOtherUsers(CLI, shared);
    // `berth run` is the bundle beside dist/cli.js, read when run is asked for.
    copyForOtherUsers(path.join(path.dirname(CLI), 'cli-run.js'), shared);
    copyForOtherUsers(path.join(path.dirname(CLI), 'composeValidators.js'), shared);
    // Fresh volumes, so the run must create them and hand them to the user.
    for (const v of volumes) await docker(['volume', 'rm', '-f', v]).catch(() => undefined);
    folder = mkdtempSync(path.join(tmpdir(), 'berth-nonroot-'));
    home = mkdtempSync(path.join(tmpdir(), 'berth-nonroot-home-'));
    writeFileSync(path.join(folder, 'go.mod'), 'module example.com/hello\n\ngo 1.19\n');
    writeFileSync(path.join(folder, 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from go") }\n');
    for (const p of [folder, path.join(folder, 'go.mod'), path.join(folder, 'main.go'), home]) chownSync(p, uid, gid);
    // A published port nobody else holds: the go preset publishes 8080 by default.
    port = await freePort();
    const node = asUser([process.execPath, '--version'], 10_000);
    if (node.status !== 0) {
      throw new Error(
        `uid ${uid} cannot run ${process.execPath} (${node.error?.message ?? node.stderr.trim()}): put node where every user can run it`,
      );
    }
  });

  after(async () => {
    const left = (await docker(['ps', '-aq', '--filter', `label=berth.workspace=${folder}`]).catch(() => '')).split('\n').filter(Boolean);
    if (left.length) await docker(['rm', '-f', ...left]).catch(() => undefined);
    for (const v of volumes) await docker(['volume', 'rm', '-f', v]).catch(() => undefined);
    for (const dir of [folder, home, shared]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the child runs as the chosen uid, with the docker group as its only extra group', () => {
    const id = asUser(['id', '-u'], 10_000);
    const groups = asUser(['id', '-G'], 10_000);
    assert.equal(id.stdout.trim(), String(uid), id.stderr);
    assert.deepEqual(
      groups.stdout
        .trim()
        .split(' ')
        .map(Number)
        .sort((a, b) => a - b),
      [gid, dockerGid!].sort((a, b) => a - b),
    );
  });

  it('builds in the container; the binary is the user’s and runs', (t) => {
    const started = Date.now();
    const run = berthRun('go', 'build', '-o', 'hello', '.');
    t.diagnostic(`berth run as ${uid}:${gid}: ${Date.now() - started} ms`);
    assert.equal(run.status, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    const binary = path.join(folder, 'hello');
    assert.ok(existsSync(binary), 'hello was written into the folder');
    const st = statSync(binary);
    assert.deepEqual([st.uid, st.gid], [uid, gid]);
    const hello = asUser(['./hello'], 10_000);
    assert.equal(hello.status, 0, hello.stderr);
    assert.equal(hello.stdout, 'hello from go\n');
  });

  it('the per-user cache volumes exist and everything in them is the user’s', async () => {
    for (const v of volumes) {
      const owner = await docker(['volume', 'inspect', '--format', '{{index .Labels "berth.owner"}}', v]);
      assert.equal(owner, `${uid}:${gid}`, `${v} is labelled with its owner`);
      // Lists whatever the user does not own, with the root's own ids first.
      const out = await docker([
        'run',
        '--rm',
        '--label',
        `${LABEL}=1`,
        '-v',
        `${v}:/c`,
        BUSYBOX_IMAGE,
        'sh',
        '-c',
        `stat -c %u:%g /c; find /c ! -user ${uid} -o ! -group ${gid}`,
      ]);
      assert.equal(out, `${uid}:${gid}`, `${v}: root ids, then anything not the user's`);
    }
    const build = await docker([
      'run',
      '--rm',
      '--label',
      `${LABEL}=1`,
      '-v',
      `${volumes[1]}:/c`,
      BUSYBOX_IMAGE,
      'find',
      '/c',
      '-type',
      'f',
    ]);
    assert.ok(build.split('\n').length > 10, 'the build cache was written to the volume, not elsewhere');
  });

  it('a second run reuses the volumes and still writes as the user', () => {
    const run = berthRun('go', 'build', '-o', 'hello2', '.');
    assert.equal(run.status, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    const st = statSync(path.join(folder, 'hello2'));
    assert.deepEqual([st.uid, st.gid], [uid, gid]);
  });

  it('leaves no container behind', async () => {
    assert.equal(await docker(['ps', '-aq', '--filter', `label=berth.workspace=${folder}`]), '');
  });
});
