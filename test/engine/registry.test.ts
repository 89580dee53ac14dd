/**
 * Push and pull with progress, against a private registry on 127.0.0.1 (Debian's docker-registry;
 * the engine trusts 127.0.0.0/8 without TLS). No outside registry is reachable here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EngineError, type Engine, type ProgressEvent } from '../../src/engine/types';
import { IMAGE, docker, sharedEngine, uniqueName } from './helpers';
import { registryMissing, startRegistry, type Registry } from '../fixtures/registry';
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
