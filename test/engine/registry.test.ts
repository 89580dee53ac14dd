/**
 * Push and pull with progress, against a private registry on 127.0.0.1 (Debian's docker-registry;
 * the engine trusts 127.0.0.0/8 without TLS), with and without a password. No outside registry
 * is reachable here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { presetConfig } from '../../src/devenv/config';
import { runWorkspace } from '../../src/devenv/runner';
import { buildRunSpec } from '../../src/devenv/spec';
import { EngineError, type Engine, type ProgressEvent } from '../../src/engine/types';
import { IMAGE, docker, sharedEngine, uniqueName } from './helpers';
import { registryMissing, startRegistry, TEST_LOGIN, type Registry } from '../fixtures/registry';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

describe('push and pull with progress', { skip: registryMissing() }, () => {
  let registry: Registry | undefined;
  let engine: Engine;
  let ref: string;

  // busybox:local checked by what it holds, not trusted by its tag (scripts/test-images.sh).
  before(() => requireTestImage(BUSYBOX_IMAGE));
  before(async () => {
    registry = await startRegistry();
    engine = sharedEngine();
    ref = `${registry.host}/berth-test/${uniqueName('bb')}:v1`;
  });

  after(async () => {
    await docker(['image', 'rm', ref]).catch(() => undefined);
    engine?.dispose();
    await registry?.stop();
  });

  it('pushes with per-layer progress', async () => {
    const slash = ref.lastIndexOf(':');
    await engine.tagImage(IMAGE, ref.slice(0, slash), ref.slice(slash + 1));
    const events: ProgressEvent[] = [];
    await engine.pushImage(ref, undefined, (e) => events.push(e));
    assert.ok(
      events.some((e) => e.id && /Pushed|Layer already exists/.test(e.status)),
      JSON.stringify(events.map((e) => e.status)),
    );
    assert.ok(
      events.some((e) => /digest: sha256:/.test(e.status)),
      'the final digest is reported',
    );
    assert.ok(events.every((e) => !e.error));
  });

  it('pulls back with progress after the local tag is gone', async () => {
    await engine.removeImage(ref);
    assert.equal(
      (await engine.listImages()).find((i) => i.repoTags.includes(ref)),
      undefined,
    );
    const events: ProgressEvent[] = [];
    await engine.pullImage(ref, (e) => events.push(e));
    assert.ok(events.some((e) => /Pulling from/.test(e.status)));
    assert.ok(
      events.some((e) => /Status: (Downloaded newer image|Image is up to date)/.test(e.status)),
      JSON.stringify(events.map((e) => e.status)),
    );
    const pulled = (await engine.listImages()).find((i) => i.repoTags.includes(ref));
    assert.ok(pulled, 'the pulled image is listed');
    assert.ok(pulled.repoDigests.some((d) => d.includes('@sha256:')));
  });

  it('a pull of a missing tag fails with the registry’s reason', async () => {
    const events: ProgressEvent[] = [];
    await assert.rejects(
      engine.pullImage(`${registry!.host}/berth-test/absent:1`, (e) => events.push(e)),
      (err: unknown) => {
        assert.ok(err instanceof EngineError);
        assert.match(err.message, /not found|manifest unknown/i);
        return true;
      },
    );
  });
});

/**
 * A password-protected registry: Run Workspace's runner and `berth run` pull a private image with
 * the user's own credentials (DOCKER_CONFIG's config.json, as `docker login` leaves it), as the
 * Images view's pull does.
 */
describe('a private image, pulled with the user’s credentials', { skip: registryMissing() }, () => {
  let registry: Registry | undefined;
  let engine: Engine;
  let ref: string;
  let home: string;
  const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
  const savedConfig = process.env.DOCKER_CONFIG;
  const roots: string[] = [];

  function folder(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-private-'));
    roots.push(dir);
    return dir;
  }

  before(async () => {
    registry = await startRegistry({ htpasswd: TEST_LOGIN.htpasswd });
    engine = sharedEngine();
    ref = `${registry.host}/berth-test/${uniqueName('private')}:v1`;
    home = folder();
    // What `docker login 127.0.0.1:<port>` writes.
    const auth = Buffer.from(`${TEST_LOGIN.username}:${TEST_LOGIN.password}`).toString('base64');
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }));
    const slash = ref.lastIndexOf(':');
    await engine.tagImage(IMAGE, ref.slice(0, slash), ref.slice(slash + 1));
    await engine.pushImage(
      ref,
      { username: TEST_LOGIN.username, password: TEST_LOGIN.password, serveraddress: registry.host },
      () => undefined,
    );
  });

  after(async () => {
    if (savedConfig === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = savedConfig;
    await docker(['image', 'rm', ref]).catch(() => undefined);
    engine?.dispose();
    await registry?.stop();
    for (const dir of roots) rmSync(dir, { recursive: true, force: true });
  });

  it('is refused without them, so the tests below show the credentials at work', async () => {
    await docker(['image', 'rm', ref]);
    await assert.rejects(
      engine.pullImage(ref, () => undefined),
      /no basic auth credentials|unauthorized|authentication required/i,
    );
  });

  it('Run Workspace’s runner pulls it, then runs it', async () => {
    await docker(['image', 'rm', ref]).catch(() => undefined);
    process.env.DOCKER_CONFIG = home;
    const ws = { folder: folder(), name: 'private', uid: process.getuid?.(), gid: process.getgid?.() };
    const config = {
      ...presetConfig('go', () => undefined),
      toolchain: undefined,
      image: ref,
      command: ['sh', '-c', 'echo private-ok'],
      ports: [],
      caches: false,
    };
    // No credentials option: the runner finds the user's own, as every caller gets them.
    const run = await runWorkspace(engine, buildRunSpec(ws, config), { startupWindowMs: 300 });
    try {
      assert.equal(await run.exited, 0);
      assert.match(run.startOutput, /private-ok/);
    } finally {
      await run.stop();
      delete process.env.DOCKER_CONFIG;
    }
    assert.ok(await docker(['image', 'inspect', '--format', '{{.Id}}', ref]), 'the image was pulled');
  });

  it('berth run pulls it too', async () => {
    await docker(['image', 'rm', ref]).catch(() => undefined);
    const run = spawnSync(process.execPath, [CLI, 'run', '--image', ref, '--', 'sh', '-c', 'echo private-ok'], {
      cwd: folder(),
      env: { ...process.env, DOCKER_CONFIG: home },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /private-ok/);
    // The registry answered the pull (it refuses anonymous ones, as the first test shows).
    assert.match(run.stderr, /berth run: pull v1: Pulling from berth-test\//);
  });
});
