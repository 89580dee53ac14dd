/**
 * Files inside containers: a directory listed by running ls in a running container, and a
 * file read through the archive API from a running or a stopped one, symlinks followed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EngineError, type Engine } from '../../src/engine/types';
import { cleanupLabelled, createContainer, docker, sharedEngine, uniqueName, waitFor } from './helpers';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

// busybox:local checked by what it holds, not trusted by its tag (scripts/test-images.sh).
before(() => requireTestImage(BUSYBOX_IMAGE));

describe('container files', () => {
  let engine: Engine;
  let running: string;
  let stopped: string;

  before(async () => {
    engine = sharedEngine();
    // A tree with a nested folder, a dot file, a name with a space, a relative and an absolute link.
    const setup =
      'mkdir -p "/data/sub dir" && echo hello > /data/a.txt && echo hidden > /data/.dot && echo deep > "/data/sub dir/deep.txt" && ln -s a.txt /data/rel && ln -s "/data/sub dir" /data/dirlink && head -c 3000000 /dev/zero > /data/big && sleep 3600';
    running = await createContainer(uniqueName('files'), [], ['sh', '-c', setup]);
    await docker(['start', running]);
    stopped = await createContainer(uniqueName('files-stopped'), [], ['true']);
    await docker(['cp', '/etc/hostname', `${stopped}:/copied`]);
    // Wait until the setup has written its files.
    await waitFor('the setup to write its files', async () => (await docker(['exec', running, 'ls', '/data'])).includes('rel'));
  });

  after(async () => {
    engine?.dispose();
    await cleanupLabelled();
  });

  it('lists a directory: folders marked, dot files in, links to folders as folders', async () => {
    const entries = await engine.listContainerDirectory(running, '/data');
    assert.deepEqual(
      entries.map((e) => `${e.name}${e.directory ? '/' : ''}`).sort(),
      ['.dot', 'a.txt', 'big', 'dirlink/', 'rel', 'sub dir/'].sort(),
    );
    assert.deepEqual(
      (await engine.listContainerDirectory(running, '/data/sub dir')).map((e) => e.name),
      ['deep.txt'],
    );
  });

  it('a missing directory: says what could not be listed', async () => {
    await assert.rejects(
      engine.listContainerDirectory(running, '/nope'),
      (e: unknown) => e instanceof EngineError && /Cannot list \/nope/.test(e.message),
    );
  });

  it('reads files, following relative and absolute symlinks', async () => {
    const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
    assert.equal(text(await engine.readContainerFile(running, '/data/a.txt', 1 << 20)), 'hello\n');
    assert.equal(text(await engine.readContainerFile(running, '/data/rel', 1 << 20)), 'hello\n');
    assert.equal(text(await engine.readContainerFile(running, '/data/dirlink/deep.txt', 1 << 20)), 'deep\n');
  });

  it('reads from a stopped container too, where nothing can run', async () => {
    const bytes = await engine.readContainerFile(stopped, '/copied', 1 << 20);
    assert.ok(bytes.length > 0);
  });

  it('refuses a directory, a missing file and one over the size limit, each saying which', async () => {
    await assert.rejects(engine.readContainerFile(running, '/data/sub dir', 1 << 20), /is a directory/);
    await assert.rejects(
      engine.readContainerFile(running, '/data/none', 1 << 20),
      (e: unknown) => e instanceof EngineError && e.kind === 'not-found',
    );
    await assert.rejects(engine.readContainerFile(running, '/data/big', 1 << 20), /larger than 1 MB/);
  });
});
