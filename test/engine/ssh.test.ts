/**
 * ssh:// engines against a private sshd on 127.0.0.1 (Debian's openssh-server, our own config,
 * host key and authorized key), whose remote `docker system dial-stdio` reaches the shared engine.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createEngine } from '../../src/engine/httpEngine';
import { parseHost } from '../../src/engine/endpoint';
import { sshArgs } from '../../src/engine/sshAgent';
import { EngineError, type Engine } from '../../src/engine/types';
import { cleanupLabelled, createContainer, docker, uniqueName, waitFor } from './helpers';
import { freePort } from '../fixtures/net';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

const execFileP = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const SSHD = '/usr/sbin/sshd';

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

describe('ssh:// engines through the user’s own ssh', {
  skip: !existsSync(SSHD) && `${SSHD} is missing (apt-get install openssh-server; scripts/provision.sh does)`,
}, () => {
  let dir: string;
  let port: number;
  let sshd: ChildProcess;
  let sshdLog = '';
  /** An ssh config like a user's: an alias, the port, the user, the key and the known host. */
  let config: string;
  let engine: Engine;

  // busybox:local checked by what it holds, not trusted by its tag (scripts/test-images.sh).
  before(() => requireTestImage(BUSYBOX_IMAGE));
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-ssh-'));
    port = await freePort();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id_ed25519')]);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id_ed25519.pub')));
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        '',
      ].join('\n'),
    );
    // sshd insists on its privilege separation directory.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    sshd.stderr!.on('data', (c: Buffer) => {
      sshdLog = (sshdLog + c.toString()).slice(-4000);
    });
    await waitFor(`sshd on port ${port} (log: ${sshdLog})`, () => accepts(port), 10_000, 50);

    const sshDir = join(dir, 'home', '.ssh');
    mkdirSync(sshDir, { recursive: true, mode: 0o700 });
    const hostKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
    writeFileSync(join(sshDir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
    writeFileSync(join(sshDir, 'id_ed25519'), readFileSync(join(dir, 'id_ed25519')));
    chmodSync(join(sshDir, 'id_ed25519'), 0o600);
    config = join(sshDir, 'config');
    writeFileSync(
      config,
      [
        'Host berth-test-box',
        '  HostName 127.0.0.1',
        `  Port ${port}`,
        '  User root',
        'Host berth-test-box 127.0.0.1',
        `  IdentityFile ${join(sshDir, 'id_ed25519')}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${join(sshDir, 'known_hosts')}`,
        '  StrictHostKeyChecking yes',
        '',
      ].join('\n'),
    );
    engine = createEngine(parseHost(`ssh://root@127.0.0.1:${port}`, 'setting'), { ssh: { extraArgs: ['-F', config] } });
  });

  after(async () => {
    engine?.dispose();
    await cleanupLabelled();
    if (sshd && sshd.exitCode === null) {
      const gone = new Promise((r) => sshd.once('exit', r));
      sshd.kill();
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds ssh argv without a shell, host after --', () => {
    const args = sshArgs(parseHost('ssh://me@box:2222', 'setting'), ['-F', '/x']);
    assert.deepEqual(args, ['-p', '2222', '-l', 'me', '-o', 'BatchMode=yes', '-F', '/x', '--', 'box', 'docker', 'system', 'dial-stdio']);
  });

  it('lists containers over ssh://root@127.0.0.1:<port>', async () => {
    const name = uniqueName('ssh');
    await createContainer(name);
    await engine.ping();
    assert.equal((await engine.version()).apiVersion, '1.41');
    const names = (await engine.listContainers()).map((c) => c.name);
    assert.ok(names.includes(name), `${name} listed over ssh`);
  });

  it('keeps its ssh connections: twenty calls do not make twenty ssh processes', async () => {
    const sessions = () => sshdLog.match(/Accepted publickey/g)?.length ?? 0;
    const before = sessions();
    await Promise.all(Array.from({ length: 20 }, () => engine.listImages()));
    // sshd -e logs each accepted session; the agent keeps at most 8 alive and reuses them.
    const made = sessions() - before;
    assert.ok(made <= 8, `${made} new ssh sessions for 20 calls`);
  });

  it('streams events and runs a TTY exec over ssh', async () => {
    const name = uniqueName('sshev');
    const id = await createContainer(name);
    const controller = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of engine.events(controller.signal)) if (e.id === id) seen.push(e.action);
    })();
    await waitFor('the start event over ssh', async () => {
      if (!seen.includes('start')) await docker(['restart', '-t', '0', id]);
      return seen.includes('start');
    });
    const session = await engine.exec(id, { cmd: ['sh'], tty: true });
    let out = '';
    session.stream.on('data', (c: Buffer) => (out += c.toString()));
    session.stream.write('echo over-$((40+2))\n');
    await waitFor('exec output over ssh', () => out.includes('over-42'));
    session.stream.write('exit 3\n');
    assert.equal(await session.exitCode(), 3);
    controller.abort();
    await reading;
  });

  it('uses ~/.ssh/config itself: an alias with its port, user and key, from the real home of the user', async () => {
    // ssh reads ~/.ssh from the passwd home, not $HOME: give a client process its own /root by a
    // bind mount in a private mount namespace, so the real /root/.ssh is never touched.
    const home = join(dir, 'home');
    // The config names the files by absolute path; within the namespace they are also under /root.
    const { stdout } = await execFileP(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        '--',
        'sh',
        '-c',
        'mount --bind "$0" /root && cd "$1" && shift && exec "$@"',
        home,
        ROOT,
        process.execPath,
        '--import',
        'tsx',
        join(ROOT, 'test/fixtures/engine/probe.ts'),
        'ssh://berth-test-box',
      ],
      { env: { ...process.env, TSX_DISABLE_CACHE: '1' } },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.endpoint, 'ssh://berth-test-box');
    assert.ok(result.count >= 0);
  });

  it('says what is wrong: refused key, and no sshd at all', async () => {
    writeFileSync(
      join(dir, 'empty_config'),
      `Host *\n  IdentityFile ${join(dir, 'nope')}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${join(dir, 'home', '.ssh', 'known_hosts')}\n`,
    );
    const refused = createEngine(parseHost(`ssh://root@127.0.0.1:${port}`, 'setting'), {
      ssh: { extraArgs: ['-F', join(dir, 'empty_config')] },
    });
    await assert.rejects(refused.ping(), (err: unknown) => {
      assert.ok(err instanceof EngineError);
      assert.equal(err.kind, 'ssh', err.message);
      assert.match(err.message, /Permission denied/);
      assert.match(err.hint ?? '', /BatchMode/);
      return true;
    });
    refused.dispose();
    const closed = await freePort();
    const nobody = createEngine(parseHost(`ssh://root@127.0.0.1:${closed}`, 'setting'), {
      ssh: { extraArgs: ['-F', join(dir, 'empty_config')] },
    });
    await assert.rejects(
      nobody.ping(),
      (err: unknown) => err instanceof EngineError && err.kind === 'unreachable' && /Connection refused/.test(err.message),
    );
    nobody.dispose();
  });
});
