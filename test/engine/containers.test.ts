import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Engine } from '../../src/engine/types';
import { EngineError } from '../../src/engine/types';
import { IMAGE, LABEL, cleanupLabelled, createContainer, docker, sharedEngine, uniqueName, waitFor } from './helpers';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

// busybox:local checked by what it holds, not trusted by its tag (scripts/test-images.sh).
before(() => requireTestImage(BUSYBOX_IMAGE));

describe('containers on the real engine', () => {
  let engine: Engine;
  before(() => {
    engine = sharedEngine();
  });
  after(async () => {
    await cleanupLabelled();
    engine.dispose();
  });

  const find = async (id: string) => (await engine.listContainers()).find((c) => c.id === id);

  it('lists containers with their fields, compose project, ports, mounts and networks', async () => {
    const name = uniqueName('web');
    const vol = uniqueName('vol');
    const id = await createContainer(name, [
      '--label',
      'com.docker.compose.project=shop',
      '--label',
      'com.docker.compose.service=web',
      '-p',
      '127.0.0.1::80',
      '-v',
      `${vol}:/data:ro`,
    ]);
    await docker(['volume', 'create', '--label', `${LABEL}=1`, vol]).catch(() => undefined);
    const created = await find(id);
    assert.ok(created, 'the new container is listed');
    assert.equal(created.name, name);
    assert.equal(created.state, 'created');
    assert.equal(created.image, IMAGE);
    assert.match(created.imageId, /^sha256:/);
    assert.equal(created.composeProject, 'shop');
    assert.equal(created.composeService, 'web');
    assert.equal(created.labels[LABEL], '1');
    assert.deepEqual(created.networks, ['bridge']);
    assert.equal(created.mounts.length, 1);
    assert.equal(created.mounts[0].destination, '/data');
    assert.equal(created.mounts[0].readOnly, true);
    assert.equal(created.mounts[0].name, vol);
    assert.match(created.command, /sleep 3600/);
    assert.ok(created.created > 1.6e9);

    await engine.startContainer(id);
    const running = await find(id);
    assert.equal(running?.state, 'running');
    assert.match(running!.status, /^Up/);
    const port = running!.ports.find((p) => p.privatePort === 80);
    assert.ok(port?.publicPort && port.publicPort > 0, `a published port: ${JSON.stringify(running!.ports)}`);
    assert.equal(port.hostIp, '127.0.0.1');
    assert.equal(port.type, 'tcp');
  });

  it('starts, pauses, unpauses, restarts, stops, kills and removes, each with its effect', async () => {
    // sleep as PID 1 ignores SIGTERM; this shell exits on it, so stop and restart are quick.
    const id = await createContainer(uniqueName('life'), [], ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait']);
    const state = async () =>
      JSON.parse(await docker(['inspect', '--format', '{{json .State}}', id])) as { Status: string; StartedAt: string; Pid: number };
    await engine.startContainer(id);
    assert.equal((await state()).Status, 'running');
    await engine.startContainer(id); // already started (304) is not an error
    await engine.pauseContainer(id);
    assert.equal((await state()).Status, 'paused');
    assert.equal((await find(id))?.state, 'paused');
    await engine.unpauseContainer(id);
    assert.equal((await state()).Status, 'running');
    const before = await state();
    await engine.restartContainer(id);
    const after = await state();
    assert.equal(after.Status, 'running');
    assert.notEqual(after.StartedAt, before.StartedAt, 'restart starts it again');
    await engine.stopContainer(id, 1);
    assert.equal((await state()).Status, 'exited');
    await engine.startContainer(id);
    await engine.killContainer(id, 'SIGKILL');
    await waitFor('the kill to land', async () => (await state()).Status === 'exited');
    await engine.removeContainer(id);
    assert.equal(await find(id), undefined);
    await assert.rejects(docker(['inspect', id]));
  });

  it('says conflict when removing a running container and not-found for a missing one', async () => {
    const id = await createContainer(uniqueName('busy'));
    await engine.startContainer(id);
    await assert.rejects(engine.removeContainer(id), (err: unknown) => {
      assert.ok(err instanceof EngineError);
      assert.equal(err.kind, 'conflict');
      assert.equal(err.statusCode, 409);
      assert.match(err.message, /running/);
      assert.ok(err.hint);
      return true;
    });
    await engine.removeContainer(id, { force: true });
    await assert.rejects(
      engine.stopContainer(id),
      (err: unknown) => err instanceof EngineError && err.kind === 'not-found' && /No such container/.test(err.message),
    );
    await assert.rejects(
      engine.inspectContainer('berth-no-such-container'),
      (err: unknown) => err instanceof EngineError && err.kind === 'not-found',
    );
  });

  it('inspects a container', async () => {
    const name = uniqueName('insp');
    const id = await createContainer(name);
    const info = (await engine.inspectContainer(name)) as { Id: string; Name: string };
    assert.equal(info.Id, id);
    assert.equal(info.Name, `/${name}`);
  });

  it('reads logs, stdout and stderr in one stream, and follows new lines until aborted', async () => {
    const id = await createContainer(
      uniqueName('logs'),
      [],
      ['sh', '-c', 'echo out-1; echo err-1 >&2; i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.1; done'],
    );
    await engine.startContainer(id);
    await waitFor('first ticks', async () => (await docker(['logs', id])).includes('tick-2'));
    const once = await engine.containerLogs(id, { follow: false });
    let text = '';
    for await (const chunk of once) text += chunk;
    assert.match(text, /out-1\n/);
    assert.match(text, /err-1\n/);
    assert.doesNotMatch(text, /[\x00-\x02]\x00\x00\x00/, 'no multiplexing headers leak into the text');

    const controller = new AbortController();
    const followed = await engine.containerLogs(id, { follow: true, tail: 0 }, controller.signal);
    let seen = '';
    const ended = new Promise<void>((resolve) => followed.on('end', resolve));
    followed.on('data', (c: string) => {
      seen += c;
    });
    // tail 0: only lines written after we started following arrive.
    await waitFor('a followed line', () => /tick-\d+\n/.test(seen));
    const count = (seen.match(/tick-/g) ?? []).length;
    await waitFor('more followed lines', () => (seen.match(/tick-/g) ?? []).length > count + 1);
    assert.doesNotMatch(seen, /out-1/);
    controller.abort();
    await ended;
  });

  it('execs with a TTY: echoes input, resizes, and reports the exit code', async () => {
    const id = await createContainer(uniqueName('exec'));
    await engine.startContainer(id);
    const session = await engine.exec(id, { cmd: ['sh'], tty: true, env: ['PS1=$ '] });
    let out = '';
    session.stream.on('data', (c: Buffer) => {
      out += c.toString();
    });
    await session.resize(123, 45);
    session.stream.write('echo hello-$((6*7))\n');
    // The TTY echoes what we typed, and the shell prints the result.
    await waitFor('the echo and the answer', () => out.includes('echo hello-$((6*7))') && out.includes('hello-42'));
    session.stream.write('stty size\n');
    await waitFor('the new terminal size', () => out.includes('45 123'));
    session.stream.write('exit 7\n');
    assert.equal(await session.exitCode(), 7);
  });

  it('execs without a TTY: output demultiplexed, stdin closed, as another user', async () => {
    const id = await createContainer(uniqueName('exec2'));
    await engine.startContainer(id);
    const session = await engine.exec(id, { cmd: ['sh', '-c', 'id -u; cat; echo done >&2'], tty: false, user: 'nobody', workdir: '/tmp' });
    let out = '';
    session.stream.on('data', (c: Buffer) => {
      out += c.toString();
    });
    session.stream.end('from-stdin\n');
    assert.equal(await session.exitCode(), 0);
    await waitFor('all output', () => out.includes('done'));
    assert.equal(out, '65534\nfrom-stdin\ndone\n');
  });
});
