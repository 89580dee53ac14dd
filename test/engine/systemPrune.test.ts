/**
 * `docker system prune` as a plan, then the prunes, on a private dockerd of its own: a system
 * prune removes everything unused on an engine, and the shared engine holds other work's
 * containers and images. The busybox image reaches the private engine by save and load.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEngine } from '../../src/engine/httpEngine';
import { planSystemPrune, runSystemPrune } from '../../src/engine/systemPrune';
import type { Engine } from '../../src/engine/types';
import { IMAGE, PrivateDaemon, docker, sharedEngine } from './helpers';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

before(() => requireTestImage(BUSYBOX_IMAGE));

describe('system prune on a private engine', () => {
  let daemon: PrivateDaemon;
  let engine: Engine;
  const cli = (...args: string[]) => docker(args, daemon.host);

  before(async () => {
    daemon = new PrivateDaemon('prune');
    await daemon.start();
    engine = createEngine(daemon.endpoint);
    const shared = sharedEngine();
    try {
      await engine.loadImages(await shared.saveImages([IMAGE]));
    } finally {
      shared.dispose();
    }
    // --bridge=none: containers run with no network here.
    await cli('run', '-d', '--network', 'none', '--name', 'keeps-running', '-v', 'in-use:/data', IMAGE, 'sleep', '3600');
    await cli(
      'run',
      '--network',
      'none',
      '--name',
      'stopped',
      '-v',
      'left-over:/data',
      IMAGE,
      'sh',
      '-c',
      'head -c 3000000 /dev/zero > /big',
    );
    await cli('network', 'create', '--internal', 'unused-net');
    await cli('volume', 'create', 'named-unused');
    // A dangling image: committed from a container, never tagged.
    await cli('create', '--network', 'none', '--name', 'to-commit', IMAGE, 'true');
    await engine.commitContainer('to-commit', { changes: ['LABEL berth.dangling=1'] });
    await cli('rm', 'to-commit');
  });

  after(async () => {
    engine?.dispose();
    await daemon?.destroy();
  });

  it('plans what goes, and the space it frees, before anything is removed', async () => {
    const plan = await planSystemPrune(engine, { volumes: true, anonymousVolumesOnly: false });
    assert.deepEqual(
      plan.containers.map((c) => c.name),
      ['stopped'],
    );
    assert.ok(plan.containers[0]!.size >= 3_000_000, `the stopped container's layer: ${plan.containers[0]!.size}`);
    assert.deepEqual(
      plan.networks.map((n) => n.name),
      ['unused-net'],
    );
    assert.equal(plan.images.length, 1, JSON.stringify(plan.images));
    assert.deepEqual(plan.volumes.map((v) => v.name).sort(), ['left-over', 'named-unused']);
    assert.ok(plan.bytes >= 3_000_000);
    // Nothing went.
    assert.match(await cli('ps', '-a', '--format', '{{.Names}}'), /stopped/);
  });

  it('without volumes, plans none; engines from API 1.42 keep named volumes', async () => {
    assert.deepEqual((await planSystemPrune(engine, { volumes: false, anonymousVolumesOnly: false })).volumes, []);
    assert.deepEqual((await planSystemPrune(engine, { volumes: true, anonymousVolumesOnly: true })).volumes, []);
  });

  it('prunes what the plan listed, and keeps what is in use', async () => {
    const planned = await planSystemPrune(engine, { volumes: true, anonymousVolumesOnly: false });
    const outcome = await runSystemPrune(engine, { volumes: true });
    assert.deepEqual(outcome.containers.deleted.length, 1);
    assert.deepEqual(outcome.networks.deleted, ['unused-net']);
    assert.ok(
      outcome.images.deleted.some((d) => d.startsWith('sha256:')),
      JSON.stringify(outcome.images),
    );
    assert.deepEqual(outcome.volumes?.deleted.sort(), ['left-over', 'named-unused']);
    assert.ok(outcome.bytes >= planned.containers[0]!.size, `reclaimed ${outcome.bytes}`);
    assert.equal(await cli('ps', '-a', '--format', '{{.Names}}'), 'keeps-running');
    assert.equal(await cli('volume', 'ls', '--format', '{{.Name}}'), 'in-use');
    assert.match(await cli('image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'), /busybox:local/);
    const after = await planSystemPrune(engine, { volumes: true, anonymousVolumesOnly: false });
    assert.deepEqual([after.containers, after.networks, after.images, after.volumes], [[], [], [], []]);
  });
});
