/**
 * `berth run` however it ends: signals at any moment, the engine dying under it, an engine that
 * does not answer or answers with a redirect, a socket it may not use, and inputs that used to
 * fail late with the wrong story. The built CLI, on the real engine (busybox:local), a private
 * engine that can be stopped, and the stand-in engine of test/fixtures/fakeEngine.ts for the
 * misbehaviour a real engine cannot show.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { asEngine, FakeEngine, json, noContent, redirect, silent, stalled } from '../fixtures/fakeEngine';
import { docker, PrivateDaemon, waitFor } from './helpers';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A folder of its own for each run, so its containers are found by their berth.workspace label. */
function folder(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'berth-cli-robust-'));
  roots.push(root);
  chmodSync(root, 0o755);
  writeFileSync(path.join(root, 'note.txt'), 'from the host\n');
  return root;
}

/** `berth run` in the background: its output so far, and its exit. */
function start(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, [CLI, 'run', ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

/** The ids of containers labelled with the folder, running or not, on `host` (the shared engine by default). */
async function containersOf(dir: string, host?: string): Promise<string> {
  return docker(['ps', '-aq', '--filter', `label=berth.workspace=${dir}`], host);
}

async function exitWithin(run: ReturnType<typeof start>, ms: number): Promise<number | null> {
  return Promise.race([
    run.exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => {
        run.child.kill('SIGKILL');
        reject(new Error(`berth run still running after ${ms} ms; stderr: ${run.stderr()}`));
      }, ms).unref(),
    ),
  ]);
}

const STATUS: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGTERM: 143 };

describe('berth run: a signal at any time removes the container', () => {
  for (const signal of ['SIGINT', 'SIGQUIT', 'SIGTERM'] as const) {
    it(`${signal} while the container starts`, async () => {
      const dir = folder();
      const run = start(dir, ['--image', 'busybox:local', '--', 'sh', '-c', 'echo ready; exec sleep 600']);
      // The moment the container exists, inside the start-up window.
      await waitFor('the container to be created', () => containersOf(dir), 20_000, 10);
      run.child.kill(signal);
      assert.equal(await exitWithin(run, 30_000), STATUS[signal], run.stderr());
      assert.equal(await containersOf(dir), '', `nothing left behind; stderr: ${run.stderr()}`);
    });
  }

  for (const signal of ['SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} while the command runs`, async () => {
      const dir = folder();
      const run = start(dir, ['--image', 'busybox:local', '--', 'sh', '-c', 'echo ready; exec sleep 600']);
      await waitFor('the command to run', () => run.stdout().includes('ready'), 20_000);
      run.child.kill(signal);
      assert.equal(await exitWithin(run, 30_000), STATUS[signal], run.stderr());
      assert.match(run.stderr(), new RegExp(`${signal}: stopping and removing berth-`));
      assert.equal(await containersOf(dir), '', `nothing left behind; stderr: ${run.stderr()}`);
    });
  }

  it('stdout closed under it (berth run … | head): the container goes too', async () => {
    const dir = folder();
    const run = start(dir, ['--image', 'busybox:local', '--', 'sh', '-c', 'echo ready; while true; do echo tick; sleep 0.1; done']);
    await waitFor('the command to run', () => run.stdout().includes('tick'), 20_000);
    run.child.stdout.destroy();
    assert.equal(await exitWithin(run, 30_000), 141, run.stderr());
    assert.equal(await containersOf(dir), '');
  });
});

describe('berth run: the engine goes away while the command runs', () => {
  it('a crash (the stand-in engine drops every connection): status 125, says so; the next run removes the leftover', async () => {
    const id = 'c0ffee'.repeat(10) + 'beef';
    const engine = await FakeEngine.start();
    asEngine(engine)
      .on('GET', '/containers/json', json([]))
      .on('GET', /^\/images\/busybox(:|%3A)local\/json$/, json({ Id: 'sha256:1', Config: {} }))
      .on('POST', '/containers/create', json({ Id: id }, 201))
      .on('POST', `/containers/${id}/start`, noContent())
      // The exit code would come when the container exits; the engine crashes first.
      .on('POST', `/containers/${id}/wait`, stalled())
      .onUpgrade(`/containers/${id}/attach`, (_req, socket) =>
        socket.write(
          'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nready\r\n',
        ),
      );
    const dir = folder();
    const run = start(dir, ['--host', engine.host, '--image', 'busybox:local', '--', 'sleep', '600']);
    try {
      await waitFor('the command to run', () => run.stdout().includes('ready') || run.child.exitCode !== null, 20_000);
      assert.equal(run.child.exitCode, null, run.stderr());
    } finally {
      await engine.stop();
    }
    assert.equal(await exitWithin(run, 30_000), 125, run.stderr());
    assert.match(run.stderr(), /The engine at unix:\/\/\S+ closed the connection while container c0ffeec0ffee ran/);
    assert.match(run.stderr(), /berth-\S+ is removed by the next berth run once the engine is back/);

    // The engine is back, with the container exited: the next run removes it before anything else.
    const back = asEngine(await FakeEngine.start());
    try {
      back.on('GET', '/containers/json', (req, res) => {
        const filters = new URL(req.url ?? '/', 'http://e').searchParams.get('filters') ?? '';
        const leftover = {
          Id: id,
          Names: ['/berth-x'],
          Image: 'busybox:local',
          ImageID: 'sha256:1',
          Command: 'sleep 600',
          Created: 1,
          State: 'exited',
          Status: 'Exited (137)',
          Labels: { 'berth.transient': 'true' },
        };
        json(filters.includes('berth.transient') ? [leftover] : [])(req, res, Buffer.alloc(0));
      });
      back.on('DELETE', `/containers/${id}`, noContent()).on('GET', /^\/images\/busybox(:|%3A)local\/json$/, silent());
      const next = start(folder(), ['--host', back.host, '--image', 'busybox:local', '--', 'true']);
      await waitFor('the leftover to be removed', () => back.calls(`/containers/${id}`).some((c) => c.method === 'DELETE'), 20_000);
      next.child.kill('SIGTERM');
      await exitWithin(next, 30_000);
    } finally {
      await back.stop();
    }
  });

  it('a shutdown (a real engine stopped under it): non-zero, and nothing left behind', async () => {
    const daemon = new PrivateDaemon('cli');
    try {
      await daemon.start();
      // The private engine has no images: give it busybox:local (argv only; the shell just pipes).
      const loaded = spawnSync('sh', ['-c', 'docker save busybox:local | DOCKER_HOST="$1" docker load', 'sh', daemon.host], {
        encoding: 'utf8',
      });
      assert.equal(loaded.status, 0, loaded.stderr);
      const dir = folder();
      // No bridge on the private engine: the run uses no network.
      const run = start(dir, [
        '--host',
        daemon.host,
        '--network',
        'none',
        '--image',
        'busybox:local',
        '--',
        'sh',
        '-c',
        'echo ready; exec sleep 600',
      ]);
      await waitFor('the command to run', () => run.stdout().includes('ready'), 30_000);
      await daemon.stop();
      const status = await exitWithin(run, 60_000);
      assert.notEqual(status, 0, run.stderr());
      // The engine stops the command on its way down; either Berth removed the container before
      // the engine went, or it says it could not and the next run does.
      if (status === 125) assert.match(run.stderr(), /removed by the next berth run once the engine is back/);
      else assert.match(run.stderr(), /the command was ended by SIGTERM \(status 143\)/);
      await daemon.start();
      const next = spawnSync(
        process.execPath,
        [CLI, 'run', '--host', daemon.host, '--network', 'none', '--image', 'busybox:local', '--', 'true'],
        {
          cwd: folder(),
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      assert.equal(next.status, 0, next.stderr);
      assert.equal(await containersOf(dir, daemon.host), '', 'nothing of the first run is left');
    } finally {
      await daemon.destroy();
    }
  });
});

describe('berth run against an engine that misbehaves (the stand-in engine)', () => {
  it('one that never answers: a clear message within seconds, status 125', async () => {
    const fake = await FakeEngine.start();
    try {
      fake.on('GET', '/_ping', silent()).on('HEAD', '/_ping', silent());
      const run = start(folder(), ['--host', fake.host, '--image', 'busybox:local', '--', 'true']);
      assert.equal(await exitWithin(run, 30_000), 125);
      assert.match(run.stderr(), /did not answer "ping" within 10 s\. The engine is slow or stuck/);
    } finally {
      await fake.stop();
    }
  });

  it('one that answers with a redirect: a bad answer, status 125, no stack trace', async () => {
    const fake = asEngine(await FakeEngine.start());
    try {
      for (const method of ['GET', 'POST']) fake.on(method, /^\/(containers|images)\//, redirect('http://127.0.0.1:9/elsewhere'));
      const run = start(folder(), ['--host', fake.host, '--image', 'busybox:local', '--', 'true']);
      assert.equal(await exitWithin(run, 30_000), 125);
      assert.match(run.stderr(), /answered with a redirect \(HTTP 302 to http:\/\/127\.0\.0\.1:9\/elsewhere\).*does not follow it/);
      assert.doesNotMatch(run.stderr(), /\n\s+at |Unhandled|internal error/);
    } finally {
      await fake.stop();
    }
  });
});

describe('berth run: the real cause, up front', () => {
  const berth = (cwd: string, ...args: string[]) =>
    spawnSync(process.execPath, [CLI, 'run', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

  it('a socket this user may not use: the engine layer’s hint, not a raw EACCES', () => {
    const dir = folder();
    const run = spawnSync(
      'setpriv',
      ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', process.execPath, CLI, 'run', '--image', 'busybox:local', '--', 'true'],
      { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 60_000 },
    );
    assert.equal(run.status, 125, run.stderr);
    assert.match(
      run.stderr,
      /Permission denied on the engine socket unix:\/\/\/var\/run\/docker\.sock\. Add your user to the docker group/,
    );
    assert.doesNotMatch(run.stderr, /connect EACCES/);
  });

  it('a mount over /dev is refused before anything runs, naming the real problem', () => {
    const run = berth(folder(), '--image', 'busybox:local', '--mount-target', '/dev', '--', 'true');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /mountTarget '\/dev' is inside \/dev, which the container runtime provides itself/);
    assert.doesNotMatch(run.stderr, /cannot see the workspace folder|remote engine/);
  });

  it('a bind address that is not one, or not this machine’s', () => {
    const bad = berth(folder(), '--image', 'busybox:local', '--bind', '999.999.999.999', '-p', '8080', '--', 'true');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /bind '999\.999\.999\.999' must be an IP address/);
    const foreign = berth(folder(), '--image', 'busybox:local', '--bind', '192.0.2.1', '-p', '8080', '--', 'true');
    assert.equal(foreign.status, 125);
    assert.match(foreign.stderr, /Cannot publish port 8080 on 192\.0\.2\.1: this machine has no such address/);
    assert.doesNotMatch(foreign.stderr, /already in use/);
  });

  it('an image name with spaces', () => {
    const run = berth(folder(), '--image', 'my image', '--', 'true');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /image 'my image' is not an image reference/);
    assert.doesNotMatch(run.stderr, /unescaped characters/);
  });

  it('an unreadable .berth.yaml stops the run instead of pulling the Go preset', () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'go.mod'), 'module x\n');
    writeFileSync(path.join(dir, '.berth.yaml'), 'run:\n  image: [busybox:local\n');
    const run = berth(dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /\.berth\.yaml cannot be read \(line \d+: .*\)\. Fix it, or remove it/);
    assert.doesNotMatch(run.stderr, /golang/);
  });
});
