/**
 * A run whose image is not on the engine pulls it first, with progress, then starts. No outside
 * registry is reachable here, so the image comes from a private one on 127.0.0.1 (Debian's
 * docker-registry; the engine trusts 127.0.0.0/8 without TLS), as in registry.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { presetConfig, type RunConfig } from '../../src/devenv/config';
import { runWorkspace, RunError, type RunningWorkspace } from '../../src/devenv/runner';
import { buildRunSpec, type Workspace } from '../../src/devenv/spec';
import { resolveEndpoint } from '../../src/engine/endpoint';
import { createEngine } from '../../src/engine/httpEngine';
import type { ProgressEvent } from '../../src/engine/types';
import { IMAGE, LABEL, docker, uniqueName, waitFor } from './helpers';
import { registryMissing, startRegistry, type Registry } from '../fixtures/registry';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

describe('a run pulls a missing image', { skip: registryMissing() }, () => {
  const engine = createEngine(resolveEndpoint());
  const imageExists = (reference: string) =>
    docker(['image', 'inspect', reference]).then(
      () => true,
      () => false,
    );
  let dir: string;
  let registry: Registry | undefined;
  let ref: string;
  let ws: Workspace;
  const running: RunningWorkspace[] = [];

  function config(): RunConfig {
    return {
      ...presetConfig('go', () => undefined),
      toolchain: undefined,
      image: ref,
      command: ['sh', '-c', 'echo pulled-ok; sleep 30'],
      ports: [],
      caches: false,
    };
  }

  async function workspaceContainers(): Promise<string> {
    return docker(['ps', '-aq', '--filter', `label=berth.workspace=${ws.folder}`]);
  }

  // busybox:local checked by what it holds, not trusted by its tag (scripts/test-images.sh).
  before(() => requireTestImage(BUSYBOX_IMAGE));
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'berth-pull-'));
    registry = await startRegistry();
    ref = `${registry.host}/berth-test/${uniqueName('pull')}:v1`;
    // A layer of its own on top of busybox:local: removing the tag then removes the layer too, so
    // the pull must download it (a re-tag of busybox:local would pull nothing and report no layers).
    const maker = uniqueName('pull-layer');
    await docker(['run', '--label', `${LABEL}=1`, '--name', maker, IMAGE, 'sh', '-c', `echo ${maker} > /layer-id`]);
    await docker(['commit', '--change', 'CMD ["/bin/sh"]', maker, ref]);
    await docker(['rm', maker]);
    await docker(['push', ref]);
    await docker(['image', 'rm', ref]);
    ws = { folder: mkdtempSync(path.join(dir, 'ws-')), name: 'pullws', uid: process.getuid?.(), gid: process.getgid?.() };
  });

  after(async () => {
    for (const r of running) await r.stop().catch(() => undefined);
    await docker(['image', 'rm', ref]).catch(() => undefined);
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pulls with progress, then starts the container from the pulled image', async (t) => {
    assert.equal(await imageExists(ref), false, 'the local tag is gone before the run');
    const events: ProgressEvent[] = [];
    const started = Date.now();
    const run = await runWorkspace(engine, buildRunSpec(ws, config()), { onProgress: (e) => events.push(e), startupWindowMs: 500 });
    running.push(run);
    t.diagnostic(`pull and start: ${Date.now() - started} ms, ${events.length} progress events`);
    const statuses = JSON.stringify(events.map((e) => `${e.id ?? ''} ${e.status}`));
    for (const step of ['Pulling fs layer', 'Download complete', 'Pull complete']) {
      assert.ok(
        events.some((e) => e.id && e.status === step),
        `a layer reported '${step}': ${statuses}`,
      );
    }
    assert.ok(
      events.some((e) => e.total && e.current),
      `byte progress: ${statuses}`,
    );
    assert.match(events[events.length - 1]?.status ?? '', /Status: Downloaded newer image/, statuses);
    assert.ok(
      events.every((e) => !e.error),
      statuses,
    );

    let output = run.startOutput;
    run.stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    run.stream.resume();
    await waitFor('the command’s output', () => output.includes('pulled-ok'), 10_000);
    assert.equal(await docker(['inspect', '--format', '{{.State.Running}} {{.Config.Image}}', run.id]), `true ${ref}`);
    assert.equal(await imageExists(ref), true, 'the pulled image is now local');

    await run.stop();
    assert.equal(await workspaceContainers(), '');
  });

  it('with the registry gone and the tag removed: image-missing, naming the image, nothing left', async () => {
    // Whatever the first test left running would make this 'already-running' instead.
    for (const r of running) await r.stop();
    await registry?.stop();
    await docker(['image', 'rm', ref]);
    await assert.rejects(runWorkspace(engine, buildRunSpec(ws, config()), { startupWindowMs: 500 }), (e: unknown) => {
      assert.ok(e instanceof RunError, String(e));
      assert.equal(e.reason, 'image-missing');
      assert.ok(e.message.includes(`'${ref}'`), e.message);
      return true;
    });
    assert.equal(await workspaceContainers(), '');
  });
});
