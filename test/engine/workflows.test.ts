/**
 * The everyday workflows on the real engine: live stats checked against the container's own
 * cgroup, commit, rename, export, save and load, and Docker Hub search (which cannot reach Hub
 * from here, so its offline message is what is tested). Every container is labelled and removed.
 */
import assert from 'node:assert/strict';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { extract } from 'tar-stream';
import type { ContainerStats, Engine } from '../../src/engine/types';
import { EngineError } from '../../src/engine/types';
import { IMAGE, LABEL, cleanupLabelled, docker, sharedEngine, uniqueName, waitFor } from './helpers';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

before(() => requireTestImage(BUSYBOX_IMAGE));

/** Runs a labelled busybox container in the background; resolves with its id. */
function runDetached(name: string, script: string): Promise<string> {
  return docker(['run', '-d', '--label', `${LABEL}=1`, '--name', name, IMAGE, 'sh', '-c', script]);
}

/** The container's CPU time in ns, as its own cgroup (v1 or v2) counts it. */
async function cgroupCpuNs(id: string): Promise<number> {
  const out = await docker([
    'exec',
    id,
    'sh',
    '-c',
    'if [ -f /sys/fs/cgroup/cpuacct/cpuacct.usage ]; then echo ns; cat /sys/fs/cgroup/cpuacct/cpuacct.usage; else echo us; sed -n "s/^usage_usec //p" /sys/fs/cgroup/cpu.stat; fi',
  ]);
  const [unit, value] = out.split('\n');
  return Number(value) * (unit === 'us' ? 1000 : 1);
}

/** Memory in use by the cgroup's own account: usage minus inactive file pages, as docker stats shows it. */
async function cgroupMemory(id: string): Promise<number> {
  const out = await docker([
    'exec',
    id,
    'sh',
    '-c',
    'if [ -f /sys/fs/cgroup/memory/memory.usage_in_bytes ]; then cat /sys/fs/cgroup/memory/memory.usage_in_bytes; sed -n "s/^total_inactive_file //p" /sys/fs/cgroup/memory/memory.stat; else cat /sys/fs/cgroup/memory.current; sed -n "s/^inactive_file //p" /sys/fs/cgroup/memory.stat; fi',
  ]);
  const [usage = 0, inactive = 0] = out.split('\n').map(Number);
  return inactive < usage ? usage - inactive : usage;
}

/** Readings from the stats stream until `count` have a CPU figure. */
async function readings(engine: Engine, id: string, count: number): Promise<ContainerStats[]> {
  const controller = new AbortController();
  const out: ContainerStats[] = [];
  for await (const reading of engine.containerStats(id, controller.signal)) {
    if (reading.cpuPercent !== undefined) out.push(reading);
    if (out.length >= count) controller.abort();
  }
  return out;
}

describe('live stats on the real engine', () => {
  let engine: Engine;
  before(() => {
    engine = sharedEngine();
  });
  after(async () => {
    await cleanupLabelled();
    engine.dispose();
  });

  it('a busy loop’s CPU % matches what its cgroup counted over the same seconds', async () => {
    const id = await runDetached(uniqueName('burn'), 'while :; do :; done');
    const wallStart = process.hrtime.bigint();
    const cpuStart = await cgroupCpuNs(id);
    const got = await readings(engine, id, 3);
    const cpuEnd = await cgroupCpuNs(id);
    const wallNs = Number(process.hrtime.bigint() - wallStart);
    const cgroupPercent = ((cpuEnd - cpuStart) / wallNs) * 100;
    const berthPercent = got.reduce((sum, r) => sum + (r.cpuPercent ?? 0), 0) / got.length;
    // On an idle machine both read about 100; on a busy one both read what the loop got. Leaving out
    // the online CPUs (or counting them twice) is off by a factor of two, far outside the margin.
    assert.ok(cgroupPercent > 5, `the loop burned CPU: cgroup says ${cgroupPercent.toFixed(1)} %`);
    assert.ok(
      Math.abs(berthPercent - cgroupPercent) < Math.max(8, cgroupPercent * 0.25),
      `Berth ${berthPercent.toFixed(1)} % vs the cgroup ${cgroupPercent.toFixed(1)} % (readings ${got.map((r) => r.cpuPercent?.toFixed(1)).join(', ')})`,
    );
    assert.ok(
      got.every((r) => r.cpuPercent! <= 100 * 2 + 5),
      'a single loop never reads more than the machine’s CPUs',
    );
    assert.equal(got[0]!.pids, 1);
  });

  it('an idle container reads almost no CPU, and the one-shot reading has a CPU figure', async () => {
    const id = await runDetached(uniqueName('idle'), 'sleep 3600');
    const once = await engine.containerStatsOnce(id);
    assert.notEqual(once.cpuPercent, undefined, 'stream=0 reads twice, so there is a CPU figure');
    assert.ok(once.cpuPercent! < 5, `idle: ${once.cpuPercent}`);
    assert.ok(once.memoryLimitBytes > 0);
    assert.ok(once.networkRxBytes >= 0 && once.blockReadBytes >= 0);
  });

  it('memory held by the container reads as its cgroup accounts it, against the limit it was given', async () => {
    // 48 MB held in a shell variable, then idle.
    const id = await docker([
      'run',
      '-d',
      '--label',
      `${LABEL}=1`,
      '--memory',
      '256m',
      '--name',
      uniqueName('mem'),
      IMAGE,
      'sh',
      '-c',
      // The loop keeps the shell (and its variable) alive: a last plain `sleep` would be exec'd in its place.
      'x=$(head -c 48000000 /dev/zero | tr "\\0" a); echo ready; while :; do sleep 3600; done',
    ]);
    await waitFor('the container to hold its memory', async () => /ready/.test(await docker(['logs', id])), 30_000, 200);
    const [reading] = await readings(engine, id, 1);
    const cgroup = await cgroupMemory(id);
    assert.ok(reading!.memoryBytes > 40e6, `holds the 48 MB: ${reading!.memoryBytes}`);
    assert.ok(Math.abs(reading!.memoryBytes - cgroup) < cgroup * 0.1 + 2e6, `Berth ${reading!.memoryBytes} vs the cgroup ${cgroup}`);
    assert.equal(reading!.memoryLimitBytes, 256 * 1024 * 1024);
  });

  it('the stream ends when the container stops', async () => {
    const id = await runDetached(uniqueName('stops'), 'sleep 2');
    const controller = new AbortController();
    let count = 0;
    for await (const _ of engine.containerStats(id, controller.signal)) count++;
    assert.equal(controller.signal.aborted, false, 'it ended by itself');
    assert.ok(count >= 1 && count < 10, `${count} readings from a container that ran two seconds`);
  });

  it('the stream stops when its signal aborts', async () => {
    const id = await runDetached(uniqueName('abort'), 'sleep 3600');
    const controller = new AbortController();
    let count = 0;
    const started = Date.now();
    for await (const _ of engine.containerStats(id, controller.signal)) {
      count++;
      controller.abort();
    }
    assert.equal(count, 1);
    assert.ok(Date.now() - started < 10_000, 'the loop ended at the abort, not at a deadline');
  });
});

describe('commit, rename and export on the real engine', () => {
  let engine: Engine;
  const images: string[] = [];
  let dir: string;
  before(() => {
    engine = sharedEngine();
    dir = mkdtempSync(path.join(tmpdir(), 'berth-workflows-'));
  });
  after(async () => {
    await cleanupLabelled();
    for (const image of images) await docker(['image', 'rm', '-f', image]).catch(() => undefined);
    engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits a container’s changes into a new image with a message, an author and a new CMD', async () => {
    const name = uniqueName('commit');
    await docker(['run', '--label', `${LABEL}=1`, '--name', name, IMAGE, 'sh', '-c', 'echo kept > /kept.txt']);
    const reference = `${uniqueName('committed')}:v1`;
    images.push(reference);
    const id = await engine.commitContainer(name, {
      reference,
      message: 'keep the note',
      author: 'Berth Test <test@example.com>',
      changes: ['CMD ["cat","/kept.txt"]', 'ENV KEPT=yes'],
    });
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    const info = JSON.parse(await docker(['image', 'inspect', reference])) as [
      { Id: string; Comment: string; Author: string; Config: { Cmd: string[]; Env: string[] } },
    ];
    assert.equal(info[0].Id, id);
    assert.equal(info[0].Comment, 'keep the note');
    assert.equal(info[0].Author, 'Berth Test <test@example.com>');
    assert.deepEqual(info[0].Config.Cmd, ['cat', '/kept.txt']);
    assert.ok(info[0].Config.Env.includes('KEPT=yes'));
    // The new image runs its new command and holds the change.
    assert.equal(await docker(['run', '--rm', '--label', `${LABEL}=1`, reference]), 'kept');
  });

  it('commits without a reference into an untagged image', async () => {
    const name = uniqueName('commit-bare');
    await docker(['create', '--label', `${LABEL}=1`, '--name', name, IMAGE, 'true']);
    const id = await engine.commitContainer(name, {});
    images.push(id);
    const tags = await docker(['image', 'inspect', '--format', '{{len .RepoTags}}', id]);
    assert.equal(tags, '0');
  });

  it('renames a container; a taken name is a conflict with the fix', async () => {
    const first = uniqueName('old');
    const other = uniqueName('other');
    await docker(['create', '--label', `${LABEL}=1`, '--name', first, IMAGE, 'true']);
    await docker(['create', '--label', `${LABEL}=1`, '--name', other, IMAGE, 'true']);
    const renamed = uniqueName('new');
    await engine.renameContainer(first, renamed);
    assert.equal(await docker(['inspect', '--format', '{{.Name}}', renamed]), `/${renamed}`);
    await assert.rejects(engine.renameContainer(renamed, other), (error: unknown) => {
      assert.ok(error instanceof EngineError);
      assert.equal(error.kind, 'conflict');
      assert.match(error.message, /already in use/);
      return true;
    });
  });

  it('exports a container’s file system as a tar with its changes', async () => {
    const name = uniqueName('export');
    await docker(['run', '--label', `${LABEL}=1`, '--name', name, IMAGE, 'sh', '-c', 'echo exported > /exported.txt']);
    const file = path.join(dir, 'export.tar');
    await pipeline(await engine.exportContainer(name), createWriteStream(file));
    const names = await tarNames(file);
    assert.ok(names.includes('exported.txt'), names.slice(0, 20).join(', '));
    assert.ok(names.some((n) => /^bin\/busybox$/.test(n)));
  });
});

describe('save and load on the real engine', () => {
  let engine: Engine;
  let dir: string;
  const tag = `${uniqueName('saved')}:v1`;
  before(async () => {
    engine = sharedEngine();
    dir = mkdtempSync(path.join(tmpdir(), 'berth-save-'));
    await docker(['tag', IMAGE, tag]);
  });
  after(async () => {
    await docker(['image', 'rm', tag]).catch(() => undefined);
    engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves two references into one archive and loads them back, reporting what it loaded', async () => {
    const file = path.join(dir, 'images.tar');
    await pipeline(await engine.saveImages([tag, IMAGE]), createWriteStream(file));
    const names = await tarNames(file);
    assert.ok(names.includes('manifest.json'), 'a docker save archive');
    assert.ok(statSync(file).size > 1_000_000, 'it holds the layers');
    await docker(['image', 'rm', tag]);
    const progress: string[] = [];
    const loaded = await engine.loadImages(createReadStream(file), (e) => progress.push(e.status));
    assert.ok(loaded.includes(tag), `loaded ${loaded.join(', ')}`);
    assert.ok(loaded.includes(IMAGE), `loaded ${loaded.join(', ')}`);
    assert.equal(
      await docker(['image', 'inspect', '--format', '{{.Id}}', tag]),
      await docker(['image', 'inspect', '--format', '{{.Id}}', IMAGE]),
    );
  });

  it('a file that is not an image archive is refused with the engine’s reason', async () => {
    const file = path.join(dir, 'not-images.tar');
    await pipeline(
      (async function* () {
        yield Buffer.from('this is not a tar archive at all\n'.repeat(64));
      })(),
      createWriteStream(file),
    );
    await assert.rejects(engine.loadImages(createReadStream(file)), (error: unknown) => {
      assert.ok(error instanceof EngineError, String(error));
      assert.match(error.message, /load/i);
      return true;
    });
  });

  it('saving an image the engine does not have names it', async () => {
    await assert.rejects(
      (async () => {
        const stream = await engine.saveImages([`${uniqueName('absent')}:none`]);
        for await (const _ of stream) {
          // drain
        }
      })(),
      /No such image|not found|reference does not exist/i,
    );
  });
});

describe('Docker Hub search through the engine', () => {
  it('offline, says Hub cannot be reached from the engine, with what to do', async () => {
    const engine = sharedEngine();
    try {
      await assert.rejects(engine.searchImages('busybox', 5), (error: unknown) => {
        assert.ok(error instanceof EngineError);
        assert.match(error.message, /Docker Hub cannot be reached from the engine/);
        assert.match(error.hint ?? '', /network|proxy/);
        return true;
      });
    } finally {
      engine.dispose();
    }
  });
});

/** The entry names of a tar file. */
async function tarNames(file: string): Promise<string[]> {
  const names: string[] = [];
  const tar = extract();
  tar.on('entry', (header, stream, next) => {
    names.push(header.name.replace(/^\.\//, '').replace(/\/$/, ''));
    stream.on('end', next);
    stream.resume();
  });
  await pipeline(createReadStream(file), tar);
  return names;
}
