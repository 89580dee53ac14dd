/**
 * Running a workspace in a real container on the real engine, with busybox:local
 * (scripts/test-images.sh builds it without a registry). Every failure must leave no
 * container behind.
 */
import assert from 'node:assert/strict';
import { chownSync, mkdtempSync, mkdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Dockerode from 'dockerode';
import { presetConfig, type RunConfig } from '../../src/devenv/config';
import { runWorkspace, RunError, type RunningWorkspace } from '../../src/devenv/runner';
import { buildRunSpec, type Workspace } from '../../src/devenv/spec';
import { resolveEndpoint } from '../../src/engine/endpoint';
import { createEngine } from '../../src/engine/httpEngine';
import { freePort } from '../fixtures/net';
import { waitFor } from '../fixtures/waitFor';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

const docker = new Dockerode();
const engine = createEngine(resolveEndpoint());
const IMAGE = BUSYBOX_IMAGE;
const roots: string[] = [];
const running: RunningWorkspace[] = [];

function workspace(name: string, uid = 1234): Workspace {
  const root = mkdtempSync(path.join(tmpdir(), 'berth-run-'));
  roots.push(root);
  const folder = path.join(root, name);
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'hello.txt'), 'hello from the host\n');
  // The workspace belongs to the (simulated) host user, as a real one does.
  chownSync(folder, uid, uid);
  return { folder, name, uid, gid: uid };
}

function config(command: string[], extra: Partial<RunConfig> = {}): RunConfig {
  return { ...presetConfig('go', () => undefined), toolchain: undefined, image: IMAGE, command, ports: [], caches: false, ...extra };
}

/** Reads the attach stream until `pattern` appears or the deadline passes. */
function readUntil(run: RunningWorkspace, pattern: RegExp, ms = 15000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = run.startOutput;
    if (pattern.test(seen)) return resolve(seen);
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms; got: ${JSON.stringify(seen)}`)), ms);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        run.stream.off('data', onData);
        resolve(seen);
      }
    };
    run.stream.on('data', onData);
    run.stream.resume();
  });
}

async function containerGone(name: string): Promise<boolean> {
  const found = await docker.listContainers({ all: true, filters: JSON.stringify({ name: [`^/${name}$`] }) });
  return found.length === 0;
}

async function start(ws: Workspace, cfg: RunConfig): Promise<RunningWorkspace> {
  const run = await runWorkspace(engine, buildRunSpec(ws, cfg), { startupWindowMs: 800 });
  running.push(run);
  return run;
}

before(async () => {
  await docker.getImage(IMAGE).inspect(); // fails clearly when the test image was not built
});

after(async () => {
  for (const run of running) await run.stop().catch(() => undefined);
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

// busybox:local checked by what it holds, not trusted by its tag (scripts/test-images.sh).
before(() => requireTestImage(BUSYBOX_IMAGE));

describe('run workspace: the container', () => {
  it('writes into the bind-mounted workspace as the host user', async () => {
    const ws = workspace('owned', 1234);
    const run = await start(ws, config(['sh', '-c', 'set -e; echo made > created.txt; id -u']));
    assert.equal(await run.exited, 0);
    const created = path.join(ws.folder, 'created.txt');
    assert.ok(existsSync(created));
    assert.equal(statSync(created).uid, 1234, 'the file belongs to the host uid, not root');
    await run.stop();
    assert.ok(await containerGone(run.name));
  });

  it('takes a folder with spaces, quotes and non-ASCII letters as it is', async () => {
    const ws = workspace(`my "site" été's`, 1234);
    const run = await start(ws, config(['sh', '-c', 'cat hello.txt; pwd']));
    const out = await readUntil(run, /\/workspace/);
    assert.match(out, /hello from the host/);
    assert.equal(await run.exited, 0);
    await run.stop();
  });

  it('publishes a port on 127.0.0.1 that answers from the host', async () => {
    const ws = workspace('served');
    const port = await freePort();
    const run = await start(
      ws,
      config(['httpd', '-f', '-p', '8080', '-h', '/workspace'], { ports: [{ container: 8080, host: port, protocol: 'tcp' }] }),
    );
    const body = await waitFor(
      'the published port to answer',
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/hello.txt`);
        return res.ok ? res.text() : undefined;
      },
      15_000,
    );
    assert.equal(body, 'hello from the host\n');
    await run.stop();
    assert.ok(await containerGone(run.name));
  });

  it('Ctrl+C reaches the process through the TTY, and stop removes the container', async () => {
    const ws = workspace('interrupted');
    const run = await start(ws, config(['sh', '-c', 'trap "echo got-int; exit 130" INT; echo ready; while true; do sleep 0.2; done']));
    await readUntil(run, /ready/);
    run.stream.write('\x03');
    assert.equal(await run.exited, 130);
    await run.stop();
    assert.ok(await containerGone(run.name));
  });

  it('stop removes a container that still runs (closing the terminal)', async () => {
    const run = await start(workspace('closed'), config(['sleep', '600']));
    await run.stop();
    assert.ok(await containerGone(run.name));
  });

  it('makes a new cache volume writable for the user', async () => {
    const ws = workspace('cached', 4321);
    const volume = `berth-cache-go-mod-4321`;
    await docker
      .getVolume(volume)
      .remove()
      .catch(() => undefined);
    const run = await start(ws, config(['sh', '-c', 'echo cached > /cache/go-mod/probe && echo ok'], { toolchain: 'go', caches: true }));
    assert.equal(await run.exited, 0);
    await run.stop();
    const info = (await docker.getVolume(volume).inspect()) as { Labels?: Record<string, string> };
    assert.equal(info.Labels?.['berth.owner'], '4321:4321');
    await docker
      .getVolume(volume)
      .remove()
      .catch(() => undefined);
    await docker
      .getVolume('berth-cache-go-build-4321')
      .remove()
      .catch(() => undefined);
  });
});

describe('run workspace: bad input leaves nothing behind', () => {
  it('a host port in use', async () => {
    const blocker = await listen();
    const port = (blocker.address() as { port: number }).port;
    const ws = workspace('conflict');
    const spec = buildRunSpec(ws, config(['sleep', '5'], { ports: [{ container: 80, host: port, protocol: 'tcp' }] }));
    await assert.rejects(
      runWorkspace(engine, spec),
      (e: unknown) => e instanceof RunError && e.reason === 'port-in-use' && e.message.includes(String(port)),
    );
    assert.ok(await containerGone(spec.name));
    blocker.close();
  });

  it('an image the engine does not have and cannot pull', async () => {
    const spec = buildRunSpec(workspace('missing'), config(['true'], { image: 'berth-test/no-such-image:0' }));
    await assert.rejects(
      runWorkspace(engine, spec),
      (e: unknown) => e instanceof RunError && e.reason === 'image-missing' && e.message.includes('berth-test/no-such-image:0'),
    );
    assert.ok(await containerGone(spec.name));
  });

  it('a command that exits at once says why, with its output', async () => {
    const spec = buildRunSpec(workspace('failing'), config(['sh', '-c', 'echo boom-here; exit 3']));
    await assert.rejects(
      runWorkspace(engine, spec, { startupWindowMs: 3000 }),
      (e: unknown) => e instanceof RunError && e.reason === 'exited' && /code 3/.test(e.message) && /boom-here/.test(e.message),
    );
    assert.ok(await containerGone(spec.name));
  });

  it('a command that does not exist', async () => {
    const spec = buildRunSpec(workspace('nocommand'), config(['no-such-program-here']));
    await assert.rejects(runWorkspace(engine, spec, { startupWindowMs: 3000 }), RunError);
    assert.ok(await containerGone(spec.name));
  });

  it('a second run of a running workspace', async () => {
    const ws = workspace('twice');
    const first = await start(ws, config(['sleep', '600']));
    await assert.rejects(
      runWorkspace(engine, buildRunSpec(ws, config(['sleep', '600']))),
      (e: unknown) => e instanceof RunError && e.reason === 'already-running',
    );
    await first.stop();
  });
});

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
