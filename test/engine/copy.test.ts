/**
 * `docker cp` both ways through the archive API on the real engine, with the CLI's rules for what
 * lands where, symlinks and ownership; checked on both sides with the docker CLI and the file
 * system. (Archives crafted to escape the target are in test/unit/copy.test.ts.)
 */
import assert from 'node:assert/strict';
import {
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CopyError, copyFromContainer, copyIntoContainer } from '../../src/engine/copy';
import type { Engine } from '../../src/engine/types';
import { IMAGE, LABEL, cleanupLabelled, docker, sharedEngine, uniqueName } from './helpers';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

before(() => requireTestImage(BUSYBOX_IMAGE));

describe('docker cp through the archive API', () => {
  let engine: Engine;
  let id: string;
  let host: string;
  const sh = (script: string) => docker(['exec', id, 'sh', '-c', script]);

  before(async () => {
    engine = sharedEngine();
    host = mkdtempSync(path.join(tmpdir(), 'berth-cp-'));
    id = await docker([
      'run',
      '-d',
      '--label',
      `${LABEL}=1`,
      '--name',
      uniqueName('cp'),
      IMAGE,
      'sh',
      '-c',
      'mkdir -p /data/sub && echo alpha > /data/a.txt && echo beta > /data/sub/b.txt && ln -s /etc/passwd /data/passwd && ln -s /etc /data/etc && sleep 3600',
    ]);
  });

  after(async () => {
    await cleanupLabelled();
    engine.dispose();
    rmSync(host, { recursive: true, force: true });
  });

  describe('out of the container', () => {
    it('a file to a new name, and into an existing folder under its own name', async () => {
      const result = await copyFromContainer(engine, id, '/data/a.txt', path.join(host, 'renamed.txt'));
      assert.equal(readFileSync(path.join(host, 'renamed.txt'), 'utf8'), 'alpha\n');
      assert.equal(result.written, path.join(host, 'renamed.txt'));
      mkdirSync(path.join(host, 'into'));
      await copyFromContainer(engine, id, '/data/a.txt', path.join(host, 'into'));
      assert.equal(readFileSync(path.join(host, 'into', 'a.txt'), 'utf8'), 'alpha\n');
    });

    it('a folder to a new path takes that name; into an existing folder it goes inside; dir/. brings its contents', async () => {
      await copyFromContainer(engine, id, '/data', path.join(host, 'copy'));
      assert.equal(readFileSync(path.join(host, 'copy', 'sub', 'b.txt'), 'utf8'), 'beta\n');
      mkdirSync(path.join(host, 'parent'));
      await copyFromContainer(engine, id, '/data', path.join(host, 'parent'));
      assert.equal(readFileSync(path.join(host, 'parent', 'data', 'a.txt'), 'utf8'), 'alpha\n');
      mkdirSync(path.join(host, 'flat'));
      await copyFromContainer(engine, id, '/data/.', path.join(host, 'flat'));
      assert.equal(readFileSync(path.join(host, 'flat', 'a.txt'), 'utf8'), 'alpha\n');
      assert.equal(existsSync(path.join(host, 'flat', 'data')), false);
    });

    it('symlinks come out as symlinks, pointing where they pointed; -L follows the source', async () => {
      await copyFromContainer(engine, id, '/data', path.join(host, 'links'));
      assert.equal(readlinkSync(path.join(host, 'links', 'passwd')), '/etc/passwd');
      assert.equal(readlinkSync(path.join(host, 'links', 'etc')), '/etc');
      await copyFromContainer(engine, id, '/data/passwd', path.join(host, 'followed'), { followLink: true });
      assert.equal(lstatSync(path.join(host, 'followed')).isFile(), true);
      assert.match(readFileSync(path.join(host, 'followed'), 'utf8'), /^root:/);
    });

    it('files copied out belong to whoever runs Berth', async () => {
      await sh('echo owned > /data/owned.txt && chown 1234:1234 /data/owned.txt');
      await copyFromContainer(engine, id, '/data/owned.txt', path.join(host, 'owned.txt'));
      assert.equal(lstatSync(path.join(host, 'owned.txt')).uid, process.getuid!());
    });

    it('refuses what the CLI refuses: a folder onto a file, a missing source, a missing folder', async () => {
      writeFileSync(path.join(host, 'plain.txt'), 'x');
      await assert.rejects(copyFromContainer(engine, id, '/data', path.join(host, 'plain.txt')), CopyError);
      await assert.rejects(copyFromContainer(engine, id, '/data/absent', path.join(host, 'x')), /does not exist in the container/);
      await assert.rejects(
        copyFromContainer(engine, id, '/data/a.txt', path.join(host, 'no', 'such', 'dir', 'x')),
        /does not exist on this machine/,
      );
    });

    it('a symlink chosen as the target folder is followed, as the user chose it', async () => {
      mkdirSync(path.join(host, 'real'));
      symlinkSync(path.join(host, 'real'), path.join(host, 'alias'));
      await copyFromContainer(engine, id, '/data/a.txt', path.join(host, 'alias'));
      assert.equal(readFileSync(path.join(host, 'real', 'a.txt'), 'utf8'), 'alpha\n');
    });
  });

  describe('into the container', () => {
    it('a file into a folder, and to a new name', async () => {
      writeFileSync(path.join(host, 'in.txt'), 'from the host\n');
      const result = await copyIntoContainer(engine, id, path.join(host, 'in.txt'), '/tmp');
      assert.equal(result.written, '/tmp/in.txt');
      assert.equal(await sh('cat /tmp/in.txt'), 'from the host');
      await copyIntoContainer(engine, id, path.join(host, 'in.txt'), '/tmp/other-name.txt');
      assert.equal(await sh('cat /tmp/other-name.txt'), 'from the host');
    });

    it('a file onto a file replaces it', async () => {
      writeFileSync(path.join(host, 'new-a.txt'), 'replaced\n');
      await copyIntoContainer(engine, id, path.join(host, 'new-a.txt'), '/data/a.txt');
      assert.equal(await sh('cat /data/a.txt'), 'replaced');
    });

    it('a folder to a new path, into a folder, and its contents with dir/.', async () => {
      const src = path.join(host, 'tree');
      mkdirSync(path.join(src, 'deep'), { recursive: true });
      writeFileSync(path.join(src, 'top.txt'), 'top');
      writeFileSync(path.join(src, 'deep', 'leaf.txt'), 'leaf');
      symlinkSync('top.txt', path.join(src, 'link'));
      await copyIntoContainer(engine, id, src, '/tmp/newtree');
      assert.equal(await sh('cat /tmp/newtree/deep/leaf.txt'), 'leaf');
      assert.equal(await sh('readlink /tmp/newtree/link'), 'top.txt', 'symlinks go in as symlinks');
      await copyIntoContainer(engine, id, src, '/tmp');
      assert.equal(await sh('cat /tmp/tree/top.txt'), 'top');
      await sh('mkdir -p /tmp/flat');
      await copyIntoContainer(engine, id, `${src}/.`, '/tmp/flat');
      assert.equal(await sh('cat /tmp/flat/top.txt'), 'top');
      assert.equal(await sh('test -e /tmp/flat/tree && echo yes || echo no'), 'no');
    });

    it('files belong to the container’s root, unless the owners are kept (-a)', async () => {
      const file = path.join(host, 'owned-in.txt');
      writeFileSync(file, 'owned');
      chownSync(file, 4321, 4321);
      await copyIntoContainer(engine, id, file, '/tmp/root-owned.txt');
      assert.equal(await sh('stat -c %u:%g /tmp/root-owned.txt'), '0:0');
      await copyIntoContainer(engine, id, file, '/tmp/kept-owner.txt', { keepOwnership: true });
      assert.equal(await sh('stat -c %u:%g /tmp/kept-owner.txt'), '4321:4321');
    });

    it('refuses a folder onto a file, and a target whose folder is missing', async () => {
      await assert.rejects(copyIntoContainer(engine, id, path.join(host, 'tree'), '/data/a.txt'), /Cannot copy the directory/);
      await assert.rejects(
        copyIntoContainer(engine, id, path.join(host, 'in.txt'), '/no/such/dir/x.txt'),
        /is not a directory in the container/,
      );
      await assert.rejects(copyIntoContainer(engine, id, path.join(host, 'absent.txt'), '/tmp'), /does not exist on this machine/);
    });

    it('works on a stopped container too', async () => {
      const stopped = await docker(['create', '--label', `${LABEL}=1`, '--name', uniqueName('cp-stopped'), IMAGE, 'true']);
      await copyIntoContainer(engine, stopped, path.join(host, 'in.txt'), '/in.txt');
      await copyFromContainer(engine, stopped, '/in.txt', path.join(host, 'back.txt'));
      assert.equal(readFileSync(path.join(host, 'back.txt'), 'utf8'), 'from the host\n');
    });
  });
});
