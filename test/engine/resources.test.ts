import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine } from '../../src/engine/httpEngine';
import { EngineError, type Engine } from '../../src/engine/types';
import { IMAGE, LABEL, PrivateDaemon, cleanupLabelled, createContainer, docker, sharedEngine, uniqueName } from './helpers';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

/** A one-file image tarball; `docker import` of it without a tag makes a dangling image. */
function tinyTar(dir: string, content: string): string {
  writeFileSync(join(dir, 'hello.txt'), content);
  const tar = join(dir, `${Math.random().toString(36).slice(2)}.tar`);
  execFileSync('tar', ['-C', dir, '-cf', tar, 'hello.txt']);
  return tar;
}

// busybox:local checked by what it holds, not trusted by its tag (scripts/test-images.sh).
before(() => requireTestImage(BUSYBOX_IMAGE));

describe('images, volumes and networks on the real engine', () => {
  let engine: Engine;
  const tags: string[] = [];
  before(() => {
    engine = sharedEngine();
  });
  after(async () => {
    for (const t of tags) await docker(['image', 'rm', t]).catch(() => undefined);
    await cleanupLabelled();
    engine.dispose();
  });

  it('lists images with tags, size and age, and reads history', async () => {
    const images = await engine.listImages();
    const bb = images.find((i) => i.repoTags.includes(IMAGE));
    assert.ok(bb, `${IMAGE} is listed (built by scripts/test-images.sh)`);
    assert.match(bb.id, /^sha256:[0-9a-f]{64}$/);
    assert.ok(bb.size > 500_000, 'busybox-static is over half a megabyte');
    assert.ok(bb.created > 1.6e9);
    assert.equal(bb.dangling, false);
    const history = await engine.imageHistory(IMAGE);
    assert.ok(history.length >= 1);
    assert.ok(history[0].tags.includes(IMAGE));
    assert.ok(
      history.some((l) => l.size > 500_000),
      'the imported layer carries the size',
    );
  });

  it('tags an image (repository with a slash and a registry port), inspects and removes the tag', async () => {
    const repo = `localhost:5000/berth-test/${uniqueName('tag')}`;
    tags.push(`${repo}:v1`);
    await engine.tagImage(IMAGE, repo, 'v1');
    const listed = (await engine.listImages()).find((i) => i.repoTags.includes(`${repo}:v1`));
    assert.ok(listed, 'the new tag is listed');
    assert.ok(listed.repoTags.includes(IMAGE), 'on the same image');
    const info = (await engine.inspectImage(`${repo}:v1`)) as { RepoTags: string[] };
    assert.ok(info.RepoTags.includes(`${repo}:v1`));
    await engine.removeImage(`${repo}:v1`);
    assert.equal(
      (await engine.listImages()).find((i) => i.repoTags.includes(`${repo}:v1`)),
      undefined,
    );
    assert.ok(
      (await engine.listImages()).some((i) => i.repoTags.includes(IMAGE)),
      'untagging leaves the image',
    );
  });

  it('refuses to remove an image a container uses, with conflict', async () => {
    const repo = `berth-test/${uniqueName('inuse')}`;
    tags.push(`${repo}:x`);
    await engine.tagImage(IMAGE, repo, 'x');
    const id = await docker(['create', '--label', `${LABEL}=1`, `${repo}:x`, 'true']);
    // By id, with several tags and a container using it: the engine refuses with 409.
    const imageId = (await engine.listImages()).find((i) => i.repoTags.includes(`${repo}:x`))!.id;
    await assert.rejects(
      engine.removeImage(imageId),
      (err: unknown) => err instanceof EngineError && err.kind === 'conflict' && err.statusCode === 409,
    );
    await docker(['rm', id]);
  });

  it('fails a pull clearly when no registry is reachable', async () => {
    const events: unknown[] = [];
    await assert.rejects(
      engine.pullImage('localhost:1/berth-test/nothing:1', (e) => events.push(e)),
      (err: unknown) => err instanceof EngineError && /localhost:1|connection refused|dial tcp/i.test(err.message),
    );
  });

  it('creates, inspects and removes a volume', async () => {
    const name = uniqueName('vol');
    const v = await engine.createVolume(name, { labels: { [LABEL]: '1', purpose: 'test' } });
    assert.equal(v.name, name);
    assert.equal(v.driver, 'local');
    assert.equal(v.labels.purpose, 'test');
    assert.ok((await engine.listVolumes()).some((x) => x.name === name && x.mountpoint.includes(name)));
    assert.equal(((await engine.inspectVolume(name)) as { Name: string }).Name, name);
    await engine.removeVolume(name);
    assert.equal(
      (await engine.listVolumes()).find((x) => x.name === name),
      undefined,
    );
    await assert.rejects(engine.removeVolume(name), (err: unknown) => err instanceof EngineError && err.kind === 'not-found');
  });

  it('refuses to remove a volume in use, with conflict', async () => {
    const name = uniqueName('usedvol');
    await engine.createVolume(name, { labels: { [LABEL]: '1' } });
    await createContainer(uniqueName('volu'), ['-v', `${name}:/v`]);
    await assert.rejects(engine.removeVolume(name), (err: unknown) => err instanceof EngineError && err.kind === 'conflict');
  });

  it('creates a network, connects and disconnects a container, lists and removes it', async () => {
    const name = uniqueName('net');
    const net = await engine.createNetwork(name, { labels: { [LABEL]: '1' } });
    assert.equal(net.name, name);
    assert.equal(net.driver, 'bridge');
    assert.equal(net.builtIn, false);
    assert.equal(net.subnets.length, 1, 'the engine assigned a subnet');
    const listed = (await engine.listNetworks()).find((n) => n.id === net.id);
    assert.deepEqual(listed, net);
    assert.equal((await engine.listNetworks()).find((n) => n.name === 'bridge')?.builtIn, true);

    const cname = uniqueName('member');
    const cid = await createContainer(cname);
    await engine.startContainer(cid);
    await engine.connectNetwork(net.id, cid);
    const members = await engine.networkContainers(net.id);
    assert.deepEqual(
      members.map((m) => [m.id, m.name]),
      [[cid, cname]],
    );
    assert.match(members[0].ipv4 ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    assert.ok((await engine.listContainers()).find((c) => c.id === cid)?.networks.includes(name));
    await assert.rejects(
      engine.removeNetwork(net.id),
      (err: unknown) => err instanceof EngineError && (err.kind === 'conflict' || err.kind === 'api'),
    );
    await engine.disconnectNetwork(net.id, cid);
    assert.deepEqual(await engine.networkContainers(net.id), []);
    await engine.removeNetwork(net.id);
    assert.equal(
      (await engine.listNetworks()).find((n) => n.id === net.id),
      undefined,
    );
  });

  describe('prune, on a private engine (pruning the shared one would delete other work)', () => {
    let daemon: PrivateDaemon;
    let priv: Engine;
    let dir: string;
    before(async () => {
      daemon = new PrivateDaemon('prune');
      await daemon.start();
      priv = createEngine(daemon.endpoint);
      dir = mkdtempSync(join(tmpdir(), 'berth-prune-'));
    });
    after(async () => {
      priv?.dispose();
      await daemon?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('prunes dangling images only', async () => {
      const keep = await docker(['import', tinyTar(dir, 'keep'), 'berth-test/keep:1'], daemon.host);
      const dangling = await docker(['import', tinyTar(dir, 'dangling')], daemon.host);
      const images = await priv.listImages();
      assert.equal(images.find((i) => i.id === dangling)?.dangling, true);
      assert.equal(images.find((i) => i.id === keep)?.dangling, false);
      const result = await priv.pruneImages({ danglingOnly: true });
      assert.ok(result.deleted.includes(dangling), `deleted ${JSON.stringify(result.deleted)}`);
      assert.ok(result.spaceReclaimed > 0);
      const after = (await priv.listImages()).map((i) => i.id);
      assert.ok(!after.includes(dangling));
      assert.ok(after.includes(keep));
    });

    it('prunes unused volumes and networks, keeping those in use', async () => {
      await priv.createVolume('unused');
      await priv.createVolume('used');
      await docker(['create', '--name', 'holder', '-v', 'used:/u', '--network', 'none', 'berth-test/keep:1', 'x'], daemon.host);
      const volumes = await priv.pruneVolumes();
      assert.deepEqual(volumes.deleted, ['unused']);
      assert.deepEqual(
        (await priv.listVolumes()).map((v) => v.name),
        ['used'],
      );

      await priv.createNetwork('lonely', { driver: 'bridge' });
      const nets = await priv.pruneNetworks();
      assert.deepEqual(nets.deleted, ['lonely']);
      assert.deepEqual((await priv.listNetworks()).map((n) => n.name).sort(), ['host', 'none']);
    });
  });
});
