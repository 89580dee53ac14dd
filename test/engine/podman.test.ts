/**
 * Berth against Podman's Docker-compatible API (Podman 4.3 answers API 1.41), through Berth's own
 * Engine, event watcher and view model, on a private `podman system service` with its own storage
 * (graph root, run root, volumes, network configs, event log, all in a temporary folder), so the
 * machine's podman and docker state are never touched. One exception Podman offers no flag for:
 * as root, an import records blob digests in its cache /var/lib/containers/cache.
 *
 * No container is ever started: on these machines crun cannot start one (`setrlimit RLIMIT_NPROC:
 * Operation not permitted`, even with explicit --ulimit), a limit of the sandbox, not of Berth or
 * Podman. Start, stop, logs, exec and their events (e.g. `die` and its exit code) stay untested here.
 *
 * Where Podman answers differently from Docker and Berth shows or does the wrong thing, the test
 * was a `todo` naming the difference until mappers.ts, model.ts and hover.ts learned it.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createEngine } from '../../src/engine/httpEngine';
import { parseHost } from '../../src/engine/endpoint';
import { EventWatcher } from '../../src/engine/eventWatcher';
import { LocalImages } from '../../src/engine/localImages';
import { EngineError, type ContainerSummary, type Engine, type EngineEvent, type ImageSummary } from '../../src/engine/types';
import { findLocalImage } from '../../src/dockerfile/hover';
import {
  containerRoots,
  imageRoots,
  networkRoots,
  viewsForEvent,
  volumeRoots,
  type ComposeGroupNode,
  type ContainerNode,
} from '../../src/extension/views/model';
import { freePort } from '../fixtures/net';
import { LABEL, sharedEngine, uniqueName, waitFor } from './helpers';

const execFileP = promisify(execFile);

const PODMAN_VERSION = spawnSync('podman', ['--version'], { encoding: 'utf8' });
const missing = PODMAN_VERSION.error ? 'podman is not installed (apt-get install podman crun; scripts/provision.sh does)' : false;
// CI provisions podman (scripts/provision.sh), so there its absence fails instead.
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const BUSYBOX = '/bin/busybox';

/** A podman service on its own storage; the CLI and the service share it through podman's locks. */
class PrivatePodman {
  readonly dir = mkdtempSync(join(tmpdir(), 'bp-'));
  readonly socket = join(this.dir, 'p.sock');
  private child?: ChildProcess;
  private log = '';
  private readonly env: NodeJS.ProcessEnv;
  private readonly globals: string[];

  constructor() {
    // Config files of our own: the machine's (or a user's) containers.conf and storage.conf must
    // not decide where things go. vfs makes no kernel mounts, so nothing outlives a killed service.
    writeFileSync(join(this.dir, 'containers.conf'), '');
    writeFileSync(
      join(this.dir, 'storage.conf'),
      `[storage]\ndriver = "vfs"\ngraphroot = "${join(this.dir, 'root')}"\nrunroot = "${join(this.dir, 'runroot')}"\n`,
    );
    this.env = {
      ...process.env,
      CONTAINERS_CONF: join(this.dir, 'containers.conf'),
      CONTAINERS_STORAGE_CONF: join(this.dir, 'storage.conf'),
    };
    mkdirSync(join(this.dir, 'net'));
    this.globals = [
      '--tmpdir',
      join(this.dir, 'tmp'),
      '--volumepath',
      join(this.dir, 'volumes'),
      '--network-config-dir',
      join(this.dir, 'net'),
      '--cgroup-manager',
      'cgroupfs',
      '--events-backend',
      'file',
    ];
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  get networkConfigDir(): string {
    return join(this.dir, 'net');
  }

  /** Runs the podman CLI on this storage; resolves with stdout. */
  async cli(args: string[], input?: Buffer): Promise<string> {
    const run = execFileP('podman', [...this.globals, ...args], { env: this.env, maxBuffer: 64 * 1024 * 1024 });
    if (input) run.child.stdin!.end(input);
    const { stdout } = await run;
    return stdout.trim();
  }

  async start(engine: Engine): Promise<void> {
    // An idle limit rather than --time=0: a service orphaned by a killed test run ends by itself.
    const child = spawn('podman', [...this.globals, 'system', 'service', '--time=300', this.host], {
      env: this.env,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    child.stderr!.on('data', (c: Buffer) => {
      this.log = (this.log + c.toString()).slice(-4000);
    });
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`podman system service exited (code ${code}):\n${this.log}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([waitFor('the podman service to answer', () => engine.ping().then(() => true), 20_000, 50), exited]);
  }

  async destroy(): Promise<void> {
    const child = this.child;
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const signal = (sig: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, sig);
        } catch {
          /* the group is gone already */
        }
      };
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** A tar of busybox-static with a few applet links, as scripts/test-images.sh makes for docker. */
async function busyboxTar(dir: string): Promise<Buffer> {
  const root = join(dir, 'image-root');
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
  for (const applet of ['sh', 'sleep', 'true', 'ls']) linkSync(join(root, 'bin', 'busybox'), join(root, 'bin', applet));
  const { stdout } = await execFileP('tar', ['-C', root, '-c', '.'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

describe('Podman through its Docker-compatible API', { skip: !inCi && missing }, () => {
  let podman: PrivatePodman;
  let engine: Engine;
  let docker: Engine;
  let imageId: string;
  // Podman names an imported `busybox:local` in its own local namespace.
  const IMAGE = 'localhost/busybox:local';
  const find = async (id: string) => (await engine.listContainers()).find((c) => c.id === id);

  before(async () => {
    if (missing) throw new Error(missing);
    docker = sharedEngine();
    podman = new PrivatePodman();
    engine = createEngine(parseHost(podman.host, 'setting'));
    await podman.start(engine);
    imageId = (await podman.cli(['import', '-q', '-c', 'CMD ["/bin/sh"]', '-', 'busybox:local'], await busyboxTar(podman.dir))).replace(
      /^(sha256:)?/,
      'sha256:',
    );
  });

  after(async () => {
    engine?.dispose();
    docker?.dispose();
    await podman?.destroy();
  });

  it('answers ping and version with Podman’s version and API version', async () => {
    await engine.ping();
    const version = await engine.version();
    const cliVersion = /(\d+\.\d+\.\d+)/.exec(PODMAN_VERSION.stdout)?.[1];
    assert.equal(version.version, cliVersion, 'the service is the podman on PATH');
    assert.match(version.apiVersion, /^1\.\d+$/, 'the Docker API version, not libpod’s');
    assert.ok(Number(version.apiVersion.split('.')[1]) >= 40, `API ${version.apiVersion} is one Berth speaks`);
    assert.equal(version.os, 'linux');
    assert.ok(version.arch);
  });

  it('names the engine Podman, so the status bar can say so', async () => {
    // statusBar.ts: state.version.platform?.includes('Podman') ? 'Podman' : 'Docker'
    assert.match((await engine.version()).platform ?? '', /Podman/);
  });

  describe('containers, created but never started', () => {
    let port: number;
    let project: string;
    let composed: ContainerSummary;
    let loose: ContainerSummary;

    before(async () => {
      port = await freePort();
      project = uniqueName('proj');
      const composedName = uniqueName('web');
      const composedId = await podman.cli([
        'create',
        '--name',
        composedName,
        '--label',
        `${LABEL}=1`,
        '--label',
        `com.docker.compose.project=${project}`,
        '--label',
        'com.docker.compose.service=web',
        '-p',
        `127.0.0.1:${port}:80`,
        IMAGE,
        'sleep',
        '3600',
      ]);
      const looseId = await podman.cli(['create', '--name', uniqueName('loose'), '--label', `${LABEL}=1`, IMAGE, 'true']);
      composed = (await find(composedId))!;
      loose = (await find(looseId))!;
    });

    it('lists a created container with name, state, image, port, labels and compose project', () => {
      assert.ok(composed, 'the created container is listed');
      assert.match(composed.name, /^berth-test-web-/);
      assert.equal(composed.state, 'created');
      assert.equal(composed.status, 'Created');
      assert.equal(composed.image, IMAGE);
      assert.equal(composed.imageId, imageId);
      assert.equal(composed.command, 'sleep 3600');
      assert.ok(Math.abs(composed.created - Date.now() / 1000) < 300, `created ${composed.created} is now`);
      assert.deepEqual(composed.ports, [{ privatePort: 80, publicPort: port, hostIp: '127.0.0.1', type: 'tcp' }]);
      assert.equal(composed.labels[LABEL], '1');
      assert.equal(composed.composeProject, project);
      assert.equal(composed.composeService, 'web');
      assert.equal(composed.health, undefined);
      // Podman's own name for its default network; see the networks test for what the list says.
      assert.deepEqual(composed.networks, ['podman']);
      assert.ok(loose, 'the second container is listed');
      assert.equal(loose.composeProject, undefined);
    });

    it('the view groups it under its compose project, the other stands alone', () => {
      const roots = containerRoots([loose, composed], Date.now());
      const group = roots.find((n): n is ComposeGroupNode => n.kind === 'composeGroup' && n.project === project);
      assert.ok(group, `a group for ${project}: ${roots.map((r) => r.label).join(', ')}`);
      assert.deepEqual(
        group.containers.map((c) => c.id),
        [composed.id],
      );
      assert.equal(group.description, '0/1 running');
      assert.equal(group.contextValue, 'compose.stopped');
      const node = roots.find((n): n is ContainerNode => n.kind === 'container' && n.container.id === loose.id);
      assert.ok(node, 'the loose container is a top-level node');
      assert.equal(node.description, `${IMAGE} · Created`);
      assert.equal(node.contextValue, 'container.created', 'so Start is offered');
      assert.deepEqual(node.icon, { id: 'vm-outline' });
    });

    it('inspects it', async () => {
      const info = (await engine.inspectContainer(composed.id)) as {
        Id: string;
        Name: string;
        State: { Status: string };
        Config: { Labels: Record<string, string> };
      };
      assert.equal(info.Id, composed.id);
      assert.equal(info.Name, `/${composed.name}`);
      assert.equal(info.State.Status, 'created');
      assert.equal(info.Config.Labels['com.docker.compose.project'], project);
    });

    it('removes it through the Engine', async () => {
      await engine.removeContainer(loose.id);
      assert.equal(await find(loose.id), undefined);
      assert.ok(await find(composed.id), 'only that one');
    });
  });

  describe('images', () => {
    let repo: string;
    let images: ImageSummary[];

    before(() => {
      repo = `berth-test/${uniqueName('pm')}`;
    });

    it('lists the imported image as localhost/busybox:local, and the view shows that repository', async () => {
      const bb = (await engine.listImages()).find((i) => i.id === imageId);
      assert.ok(bb, 'the imported image is listed');
      assert.deepEqual(bb.repoTags, [IMAGE]);
      assert.equal(bb.dangling, false);
      assert.ok(bb.size > 500_000, 'busybox-static is over half a megabyte');
      assert.ok(bb.created > 1.6e9);
      const roots = imageRoots([bb], false, Date.now());
      assert.deepEqual(
        roots.map((r) => [r.label, r.description, r.tags.map((t) => t.reference)]),
        [['localhost/busybox', 'local', [IMAGE]]],
      );
      const info = (await engine.inspectImage(IMAGE)) as { Id: string; RepoTags: string[] };
      assert.equal(info.Id, imageId);
      const history = await engine.imageHistory(IMAGE);
      assert.ok(
        history.some((l) => l.size > 500_000),
        'the imported layer carries the size',
      );
    });

    it('tags an image through the Engine; Podman qualifies the name with docker.io', async () => {
      await engine.tagImage(IMAGE, repo, 'v1');
      images = await engine.listImages();
      const tagged = images.find((i) => i.id === imageId);
      assert.equal(tagged?.repoTags.length, 2);
      assert.ok(tagged.repoTags.some((t) => t.endsWith(`${repo}:v1`)));
      // Podman's own answer, where Docker says `${repo}:v1`; the short name still finds it.
      const info = (await engine.inspectImage(`${repo}:v1`)) as { Id: string; RepoTags: string[] };
      assert.equal(info.Id, imageId);
      assert.ok(info.RepoTags.includes(`docker.io/${repo}:v1`), `RepoTags ${info.RepoTags}`);
    });

    it('the Images view shows the tag as on Docker', () => {
      const roots = imageRoots(images, false, Date.now());
      assert.ok(
        roots.some((r) => r.label === repo),
        `a repository ${repo}: ${roots.map((r) => r.label).join(', ')}`,
      );
    });

    it('the language server finds the tag in the local engine (hover)', async () => {
      const saved = process.env.DOCKER_HOST;
      process.env.DOCKER_HOST = podman.host;
      try {
        const lookup = new LocalImages();
        const local = await lookup.list();
        lookup.dispose();
        assert.ok(
          local.some((i) => i.id === imageId),
          'the language server reads Podman’s list',
        );
        assert.equal(findLocalImage(`${repo}:v1`, local)?.id, imageId);
      } finally {
        if (saved === undefined) delete process.env.DOCKER_HOST;
        else process.env.DOCKER_HOST = saved;
      }
    });

    it('removes the tag, leaving the image', async () => {
      await engine.removeImage(`${repo}:v1`);
      const after = (await engine.listImages()).find((i) => i.id === imageId);
      assert.deepEqual(after?.repoTags, [IMAGE]);
    });

    it('refuses to remove an image a container uses, with conflict, as Docker does', async () => {
      const id = await podman.cli(['create', '--label', `${LABEL}=1`, IMAGE, 'true']);
      await assert.rejects(
        engine.removeImage(imageId),
        (err: unknown) => err instanceof EngineError && err.kind === 'conflict' && err.statusCode === 409 && /in use/.test(err.message),
      );
      await engine.removeContainer(id);
    });
  });

  describe('volumes', () => {
    it('creates, lists, inspects and removes a volume, stored in the private folder', async () => {
      const name = uniqueName('vol');
      const v = await engine.createVolume(name, { labels: { [LABEL]: '1', purpose: 'podman' } });
      assert.equal(v.name, name);
      assert.equal(v.driver, 'local');
      assert.equal(v.scope, 'local');
      assert.equal(v.labels.purpose, 'podman');
      assert.ok(v.mountpoint.startsWith(podman.dir), `${v.mountpoint} is in ${podman.dir}`);
      assert.ok((await engine.listVolumes()).some((x) => x.name === name));
      assert.equal(((await engine.inspectVolume(name)) as { Name: string }).Name, name);
      assert.equal(
        (await docker.listVolumes()).find((x) => x.name === name),
        undefined,
        'Docker does not see it',
      );

      // A container using it: the view counts it, and removal is refused while it exists.
      const cid = await podman.cli(['create', '--label', `${LABEL}=1`, '-v', `${name}:/data:ro`, IMAGE, 'true']);
      const user = (await find(cid))!;
      assert.deepEqual(user.mounts, [
        { type: 'volume', source: join(podman.dir, 'volumes', name, '_data'), destination: '/data', name, readOnly: true },
      ]);
      const node = volumeRoots(await engine.listVolumes(), await engine.listContainers()).find((n) => n.volume.name === name);
      assert.equal(node?.contextValue, 'volume.used');
      assert.deepEqual(
        node.users.map((c) => c.id),
        [cid],
      );
      await assert.rejects(
        engine.removeVolume(name),
        (err: unknown) => err instanceof EngineError && err.kind === 'conflict' && err.statusCode === 409,
      );

      await engine.removeContainer(cid);
      await engine.removeVolume(name);
      assert.equal(
        (await engine.listVolumes()).find((x) => x.name === name),
        undefined,
      );
      await assert.rejects(
        engine.removeVolume(name),
        (err: unknown) => err instanceof EngineError && err.kind === 'not-found' && err.statusCode === 404,
      );
    });
  });

  describe('networks', () => {
    let member: ContainerSummary;
    before(async () => {
      member = (await find(await podman.cli(['create', '--name', uniqueName('member'), '--label', `${LABEL}=1`, IMAGE, 'true'])))!;
    });

    it('lists Podman’s default network as the built-in bridge, and inspects it', async () => {
      const bridge = (await engine.listNetworks()).find((n) => n.name === 'bridge');
      assert.ok(bridge, 'Podman lists its default network `podman` as `bridge` to Docker clients');
      assert.equal(bridge.builtIn, true, 'so it offers no Remove');
      assert.equal(bridge.driver, 'bridge');
      assert.equal(bridge.subnets.length, 1);
      assert.equal(((await engine.inspectNetwork(bridge.id)) as { Id: string }).Id, bridge.id);
      assert.ok(
        (await engine.networkContainers(bridge.id)).some((m) => m.id === member.id && m.name === member.name),
        'inspect lists the container on it',
      );
      const node = networkRoots(await engine.listNetworks(), []).find((n) => n.network.id === bridge.id);
      assert.equal(node?.contextValue, 'network.builtin');
    });

    it('the Networks view shows a container under Podman’s default network', async () => {
      const node = networkRoots(await engine.listNetworks(), await engine.listContainers()).find((n) => n.network.name === 'bridge');
      assert.ok(node?.attached.some((c) => c.id === member.id));
    });

    it('creates, lists, inspects and removes a network, its config in the private folder', async () => {
      const name = uniqueName('net');
      const net = await engine.createNetwork(name, { labels: { [LABEL]: '1' } });
      assert.equal(net.name, name);
      assert.equal(net.driver, 'bridge');
      assert.equal(net.builtIn, false);
      assert.equal(net.labels[LABEL], '1');
      assert.equal(net.subnets.length, 1, 'Podman assigned a subnet');
      assert.deepEqual(
        (await engine.listNetworks()).find((n) => n.id === net.id),
        net,
      );
      assert.equal(((await engine.inspectNetwork(net.id)) as { Name: string }).Name, name);
      assert.ok(readdirSync(podman.networkConfigDir).includes(`${name}.conflist`), 'the CNI config is ours, not /etc/cni/net.d’s');
      assert.equal(
        (await docker.listNetworks()).find((n) => n.name === name),
        undefined,
        'Docker does not see it',
      );
      await engine.removeNetwork(net.id);
      assert.equal(
        (await engine.listNetworks()).find((n) => n.id === net.id),
        undefined,
      );
      assert.equal(existsSync(join(podman.networkConfigDir, `${name}.conflist`)), false);
    });
  });

  describe('events', () => {
    let watcher: EventWatcher;
    const events: EngineEvent[] = [];
    let probe: string;
    let removal: EngineEvent;

    before(async () => {
      watcher = new EventWatcher(engine, { onEvent: (e) => events.push(e), initialDelayMs: 50 });
      await waitFor('the watcher to connect', () => watcher.state === 'connected');
      // Connected means the request went out, not that Podman follows its log yet: make volumes
      // until one shows up in the stream (each is given a second).
      probe = await waitFor(
        'the stream to be live',
        async () => {
          const name = uniqueName('probe');
          await engine.createVolume(name, { labels: { [LABEL]: '1' } });
          return waitFor(
            'the probe',
            () => events.some((e) => e.type === 'volume' && e.action === 'create' && e.attributes.name === name) && name,
            1000,
          ).catch(() => undefined);
        },
        20_000,
      );
    });

    after(async () => {
      watcher?.dispose();
      await watcher?.done;
      for (const v of await engine.listVolumes()) if (v.labels[LABEL] === '1') await engine.removeVolume(v.name).catch(() => undefined);
    });

    it('the watcher receives create and remove of a container, within seconds', async () => {
      const name = uniqueName('ev');
      const id = await podman.cli(['create', '--name', name, '--label', `${LABEL}=1`, IMAGE, 'true']);
      const created = await waitFor(
        'the create event',
        () => events.find((e) => e.type === 'container' && e.action === 'create' && e.id === id),
        10_000,
      );
      assert.equal(created.attributes.name, name);
      assert.equal(created.attributes.image, IMAGE);
      assert.equal(created.attributes[LABEL], '1', 'labels come as attributes, as on Docker');
      assert.ok(created.timeNano > 1.6e18);
      assert.deepEqual(viewsForEvent(created), ['containers', 'volumes', 'networks']);

      await engine.removeContainer(id);
      // Docker says `destroy`; Podman 4.3 says `remove`.
      removal = await waitFor(
        'the removal event',
        () => events.find((e) => e.type === 'container' && e.id === id && /^(destroy|remove)$/.test(e.action)),
        10_000,
      );
      assert.equal(removal.attributes.name, name);
      assert.equal(watcher.connects, 1, 'one stream all along');
    });

    it('a container’s removal reads as `destroy`, as from Docker', () => {
      assert.equal(removal?.action, 'destroy');
      assert.deepEqual(viewsForEvent(removal), ['containers', 'volumes', 'networks']);
    });

    it('a volume event carries the volume’s name as its id, as from Docker', () => {
      const e = events.find((x) => x.type === 'volume' && x.attributes.name === probe);
      assert.equal(e?.id, probe);
    });
  });

  describe('errors, compared with Docker', () => {
    it('a missing container is not-found (404) on both', async () => {
      const missingName = uniqueName('missing');
      for (const [which, e, message] of [
        ['docker', docker, /No such container/],
        ['podman', engine, /no container with name or ID/],
      ] as const) {
        await assert.rejects(
          e.removeContainer(missingName),
          (err: unknown) =>
            err instanceof EngineError && err.kind === 'not-found' && err.statusCode === 404 && message.test(err.message) && !!err.hint,
          which,
        );
        await assert.rejects(
          e.inspectContainer(missingName),
          (err: unknown) => err instanceof EngineError && err.kind === 'not-found',
          which,
        );
      }
      await assert.rejects(
        engine.removeImage('localhost/berth-test-none:1'),
        (err: unknown) => err instanceof EngineError && err.kind === 'not-found',
      );
      await assert.rejects(engine.inspectNetwork(missingName), (err: unknown) => err instanceof EngineError && err.kind === 'not-found');
    });

    it('Docker sees none of Podman’s containers', async () => {
      const ours = new Set((await engine.listContainers()).map((c) => c.id));
      assert.ok(ours.size > 0, 'Podman has containers from the tests above');
      assert.equal((await docker.listContainers()).filter((c) => ours.has(c.id)).length, 0);
    });
  });
});
