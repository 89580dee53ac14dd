/**
 * Copying out of a container never writes outside the chosen target, whatever the archive holds:
 * archives crafted here with `..` names, absolute names, symlinks to write through and hard links
 * out are extracted into a temporary folder next to a "victim" folder that must stay untouched.
 * (The engine never sends such archives; a compromised container's engine or a proxy could.)
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pack } from 'tar-stream';
import { CopyError, extractUnder } from '../../src/engine/copy';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link' | 'fifo'; body?: string; linkname?: string; mode?: number };

/** A tar stream of these entries, in order. */
function archive(entries: Entry[]): Readable {
  const p = pack();
  for (const e of entries) {
    p.entry(
      {
        name: e.name,
        type: e.type ?? 'file',
        linkname: e.linkname,
        mode: e.mode ?? (e.type === 'directory' ? 0o755 : 0o644),
        mtime: new Date('2024-01-02T03:04:05Z'),
      },
      e.body ?? '',
    );
  }
  p.finalize();
  return p as unknown as Readable;
}

describe('extracting a container’s archive', () => {
  let base: string;
  let target: string;
  let victim: string;
  before(() => {
    base = mkdtempSync(path.join(tmpdir(), 'berth-copy-'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  const fresh = () => {
    const dir = mkdtempSync(path.join(base, 'case-'));
    target = path.join(dir, 'target');
    victim = path.join(dir, 'victim');
    mkdirSync(target);
    mkdirSync(victim);
    writeFileSync(path.join(victim, 'keep.txt'), 'original');
  };

  it('rebases the top entry to the chosen name, keeping modes, times and symlinks as they are', async () => {
    fresh();
    const result = await extractUnder(
      archive([
        { name: 'app', type: 'directory', mode: 0o750 },
        { name: 'app/run.sh', body: '#!/bin/sh\n', mode: 0o755 },
        { name: 'app/conf', type: 'directory', mode: 0o555 },
        { name: 'app/conf/a.txt', body: 'a' },
        { name: 'app/passwd', type: 'symlink', linkname: '/etc/passwd' },
        { name: 'app/same', type: 'link', linkname: 'app/run.sh' },
        { name: 'app/pipe', type: 'fifo' },
      ]),
      target,
      'copied',
    );
    const root = path.join(target, 'copied');
    assert.equal(readFileSync(path.join(root, 'run.sh'), 'utf8'), '#!/bin/sh\n');
    assert.equal(statSync(path.join(root, 'run.sh')).mode & 0o777, 0o755);
    assert.equal(statSync(root).mode & 0o777, 0o750);
    assert.equal(statSync(path.join(root, 'conf')).mode & 0o777, 0o555, 'a read-only directory gets its mode after its files');
    assert.equal(readFileSync(path.join(root, 'conf/a.txt'), 'utf8'), 'a');
    assert.equal(readlinkSync(path.join(root, 'passwd')), '/etc/passwd', 'a symlink is copied as a symlink, not followed');
    assert.equal(statSync(path.join(root, 'same')).ino, statSync(path.join(root, 'run.sh')).ino);
    assert.equal(statSync(path.join(root, 'run.sh')).mtime.toISOString(), '2024-01-02T03:04:05.000Z');
    assert.equal(result.entries, 6);
    assert.deepEqual(result.skipped, ['app/pipe: a fifo, which is not copied']);
  });

  it('names with .. are left out; an absolute name is rebased under the target like any other', async () => {
    fresh();
    const result = await extractUnder(
      archive([
        { name: 'x', type: 'directory' },
        { name: 'x/../../victim/keep.txt', body: 'overwritten' },
        { name: '/abs.txt', body: 'absolute' },
        { name: 'x/ok.txt', body: 'ok' },
      ]),
      target,
      'x',
    );
    assert.equal(readFileSync(path.join(victim, 'keep.txt'), 'utf8'), 'original');
    assert.equal(readFileSync(path.join(target, 'x/ok.txt'), 'utf8'), 'ok');
    // `/abs.txt`: its first component (empty) is the top entry's place, so it lands as x/abs.txt.
    assert.equal(readFileSync(path.join(target, 'x/abs.txt'), 'utf8'), 'absolute');
    assert.equal(existsSync('/abs.txt'), false);
    assert.deepEqual(result.skipped, ['x/../../victim/keep.txt: its name leads outside the target']);
  });

  it('a file is never written through a symlink the archive made', async () => {
    fresh();
    await assert.rejects(
      extractUnder(
        archive([
          { name: 'x', type: 'directory' },
          { name: 'x/escape', type: 'symlink', linkname: victim },
          { name: 'x/escape/keep.txt', body: 'overwritten' },
          { name: 'x/escape/new.txt', body: 'planted' },
        ]),
        target,
        'x',
      ),
      (error: unknown) => error instanceof CopyError && /symlink/.test(error.message),
    );
    assert.equal(readFileSync(path.join(victim, 'keep.txt'), 'utf8'), 'original');
    assert.equal(existsSync(path.join(victim, 'new.txt')), false);
  });

  it('nor through a symlink that was in the target already', async () => {
    fresh();
    symlinkSync(victim, path.join(target, 'x'));
    await assert.rejects(extractUnder(archive([{ name: 'x/keep.txt', body: 'overwritten' }]), target, 'x'), CopyError);
    assert.equal(readFileSync(path.join(victim, 'keep.txt'), 'utf8'), 'original');
  });

  it('a file replaces a symlink at its own path rather than writing where it points', async () => {
    fresh();
    mkdirSync(path.join(target, 'x'));
    symlinkSync(path.join(victim, 'keep.txt'), path.join(target, 'x', 'keep.txt'));
    await extractUnder(archive([{ name: 'x/keep.txt', body: 'new content' }]), target, 'x');
    assert.equal(readFileSync(path.join(victim, 'keep.txt'), 'utf8'), 'original');
    assert.equal(lstatSync(path.join(target, 'x', 'keep.txt')).isFile(), true);
    assert.equal(readFileSync(path.join(target, 'x', 'keep.txt'), 'utf8'), 'new content');
  });

  it('a hard link to something outside is left out', async () => {
    fresh();
    const result = await extractUnder(
      archive([
        { name: 'x', type: 'directory' },
        { name: 'x/hl', type: 'link', linkname: '../victim/keep.txt' },
        { name: 'x/hl2', type: 'link', linkname: '/etc/passwd' },
        { name: 'x/escape', type: 'symlink', linkname: victim },
        { name: 'x/hl3', type: 'link', linkname: 'x/escape/keep.txt' },
      ]),
      target,
      'x',
    );
    assert.equal(existsSync(path.join(target, 'x/hl')), false);
    assert.equal(existsSync(path.join(target, 'x/hl2')), false);
    assert.equal(existsSync(path.join(target, 'x/hl3')), false, 'not through a symlink either');
    assert.equal(result.skipped.length, 3);
  });

  it('contents mode puts what is under the top entry straight into the target', async () => {
    fresh();
    await extractUnder(
      archive([
        { name: '.', type: 'directory', mode: 0o700 },
        { name: './a.txt', body: 'a' },
        { name: './d', type: 'directory' },
        { name: './d/b.txt', body: 'b' },
      ]),
      target,
      undefined,
    );
    assert.equal(readFileSync(path.join(target, 'a.txt'), 'utf8'), 'a');
    assert.equal(readFileSync(path.join(target, 'd/b.txt'), 'utf8'), 'b');
    assert.notEqual(statSync(target).mode & 0o777, 0o700, 'the chosen folder keeps its own mode');
  });

  it('a directory in the way of a file is an error, not replaced', async () => {
    fresh();
    mkdirSync(path.join(target, 'x', 'sub'), { recursive: true });
    await assert.rejects(extractUnder(archive([{ name: 'x/sub', body: 'file' }]), target, 'x'), /Cannot replace the directory/);
    assert.equal(statSync(path.join(target, 'x', 'sub')).isDirectory(), true);
  });
});
