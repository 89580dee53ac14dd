/** The one safe reader for files from users and folders (src/shared/regularFile.ts), async and sync. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readRegularFile, readRegularFileSync, type ReadResult } from '../../src/shared/regularFile';

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'berth regular '));
  writeFileSync(path.join(dir, 'small'), 'FROM a\n');
  writeFileSync(path.join(dir, 'big'), Buffer.alloc(2000, 'x'));
  symlinkSync(path.join(dir, 'small'), path.join(dir, 'link-to-small'));
  symlinkSync('/dev/zero', path.join(dir, 'link-to-zero'));
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const readers: [string, (file: string, max: number) => Promise<ReadResult> | ReadResult][] = [
  ['readRegularFile', readRegularFile],
  ['readRegularFileSync', readRegularFileSync],
];

for (const [name, read] of readers) {
  describe(name, () => {
    it('reads a regular file, and one through a link', async () => {
      for (const file of ['small', 'link-to-small']) {
        const result = await read(path.join(dir, file), 1000);
        assert.ok('bytes' in result);
        assert.equal(result.bytes.toString(), 'FROM a\n');
      }
    });

    it('refuses a FIFO without blocking, devices, folders, and says which', async () => {
      const cases: [string, string, RegExp][] = [
        [path.join(dir, 'fifo'), 'not-a-file', /named pipe/],
        [path.join(dir, 'link-to-zero'), 'not-a-file', /device/],
        ['/dev/zero', 'not-a-file', /device/],
        [dir, 'not-a-file', /folder/],
        [path.join(dir, 'nothing'), 'missing', /no such file/],
      ];
      for (const [file, kind, message] of cases) {
        const result = await read(file, 1000);
        assert.ok('problem' in result, file);
        assert.equal(result.problem.kind, kind, file);
        assert.match(result.problem.message, message, file);
      }
    });

    it('refuses a file over the cap', async () => {
      const result = await read(path.join(dir, 'big'), 1000);
      assert.ok('problem' in result);
      assert.equal(result.problem.kind, 'too-large');
      assert.ok('bytes' in (await read(path.join(dir, 'big'), 2000)));
    });
  });
}
