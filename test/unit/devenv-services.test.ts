/**
 * A workspace's services as data: `run.services` read from `.berth.yaml`, inline services written
 * out as a Compose file, the plan for a folder's own project, the commands `berth run --print`
 * shows, and how `user: host` maps onto rootless engines (from recorded `/info` answers).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { composeArgv } from '../../src/devenv/compose/argv';
import type { ComposeCli } from '../../src/devenv/compose/cli';
import { parseRunConfig, presetConfig, serializeRunConfig } from '../../src/devenv/config';
import { planComposeWorkspace } from '../../src/devenv/devcontainerCompose';
import { engineFlavour, hostUserChoice } from '../../src/devenv/hostUser';
import { mapInfo } from '../fixtures/engineInfo';
import { inlineComposeText, planServices, readServices, servicesScript, type ServicesPlan } from '../../src/devenv/services';
import { buildRunSpec } from '../../src/devenv/spec';
import { dockerCommands, shellLine } from '../../src/devenv/dockerCommands';

const V1: ComposeCli = { argv: ['docker-compose'], version: '1.29.2', major: 1, source: 'standalone' };
const V2: ComposeCli = { argv: ['docker', 'compose'], version: '2.24.5', major: 2, source: 'plugin' };

describe('run.services', () => {
  it('a list names services of the folder project; a mapping declares them', () => {
    const listed = parseRunConfig('run:\n  image: busybox:local\n  command: [sh]\n  services: [db, cache]\n  servicesOnExit: down\n');
    assert.deepEqual(listed.problems, []);
    assert.deepEqual(listed.config.services, { kind: 'project', names: ['db', 'cache'] });
    assert.equal(listed.config.servicesOnExit, 'down');

    const inline = parseRunConfig(
      [
        'run:',
        '  services:',
        '    db:',
        '      image: mongo:7.0',
        '      env: { MONGO_INITDB_DATABASE: app, PASSWORD: "pa$$word" }',
        '      ports: [27017]',
        '      volumes: ["data:/data/db"]',
        '      healthcheck: { test: [mongosh, --eval, "db.runCommand(\'ping\')"], interval: 2s, retries: 30 }',
        '    cache: redis:7.2',
      ].join('\n'),
    );
    assert.deepEqual(inline.problems, []);
    assert.deepEqual(inline.config.services, {
      kind: 'inline',
      services: {
        db: {
          image: 'mongo:7.0',
          env: { MONGO_INITDB_DATABASE: 'app', PASSWORD: 'pa$$word' },
          ports: [{ container: 27017, protocol: 'tcp' }],
          volumes: ['data:/data/db'],
          healthcheck: { test: ['CMD', 'mongosh', '--eval', "db.runCommand('ping')"], interval: '2s', retries: 30 },
        },
        cache: { image: 'redis:7.2', env: {}, ports: [], volumes: [] },
      },
    });
  });

  it('names what is wrong, at its place', () => {
    const read = parseRunConfig(
      'run:\n  services:\n    db: { imag: mongo }\n    "-x": { image: a }\n    ok: { image: a, healthcheck: { test: "true", interval: soon } }\n  servicesOnExit: later\n',
    );
    assert.deepEqual(read.problems, [
      'line 3: services.db.imag is not a service setting (image, command, env, environment, ports, volumes, healthcheck)',
      'line 3: services.db needs an image',
      "line 3: services: '-x' is not a service name (letters, digits, ., _ and -)",
      'line 3: services.ok.healthcheck.interval must be a duration such as 2s or 1m30s',
      "line 6: servicesOnExit 'later' is not one of stop, down, keep",
    ]);
    const problems: string[] = [];
    assert.equal(readServices([1, 'db'], problems)?.kind, 'project');
    assert.deepEqual(problems, ['services: 1 is not a service name']);
  });

  it('is remembered in .berth.yaml as it was read', () => {
    const config = {
      ...presetConfig('go', () => undefined),
      services: readServices({ db: { image: 'mongo:7.0', env: { A: 'b' }, healthcheck: 'mongosh --eval 1' } }, [])!,
      servicesOnExit: 'keep' as const,
    };
    const back = parseRunConfig(serializeRunConfig(config));
    assert.deepEqual(back.problems, []);
    assert.deepEqual(back.config.services, config.services);
    assert.equal(back.config.servicesOnExit, 'keep');
  });
});

describe('inline services as a Compose file', () => {
  it('publishes on the bind address, labels as Berth, and keeps $ literal', () => {
    const services = readServices(
      {
        db: {
          image: 'mongo:7.0',
          env: { PASSWORD: 'a$b' },
          ports: ['27018:27017'],
          volumes: ['data:/data/db'],
          healthcheck: ['mongosh', '--quiet'],
        },
      },
      [],
    );
    assert.equal(services?.kind, 'inline');
    const text = inlineComposeText(services.kind === 'inline' ? services.services : {}, '/ws/my app', '127.0.0.1');
    assert.match(text, /^# Written by Berth/);
    assert.deepEqual(parse(text), {
      services: {
        db: {
          image: 'mongo:7.0',
          environment: { PASSWORD: 'a$$b' },
          ports: ['127.0.0.1:27018:27017/tcp'],
          volumes: ['data:/data/db'],
          healthcheck: { test: ['CMD', 'mongosh', '--quiet'] },
          labels: { 'berth.managed': 'true', 'berth.workspace': '/ws/my app' },
        },
      },
      volumes: { data: { labels: { 'berth.managed': 'true' } } },
      networks: { default: { labels: { 'berth.managed': 'true' } } },
    });
  });
});

describe('the services plan', () => {
  const declared = {
    files: ['/ws/app/compose.yaml'],
    services: [
      { name: 'db', profiles: [], builds: false, healthcheck: true },
      { name: 'web', profiles: [], builds: true, healthcheck: false },
      { name: 'mail', profiles: ['dev'], builds: false, healthcheck: false },
    ],
    profiles: ['dev'],
  };
  const base = {
    folder: '/ws/app',
    containerName: 'berth-app-1a2b3c4d',
    bindAddress: '127.0.0.1',
    cacheDir: '/home/me/.cache/berth/services',
    isFile: (p: string) => p === '/ws/app/compose.yaml',
  };

  it("the folder's own services run in its own project, with the profiles they need", () => {
    const plan = planServices({
      ...base,
      services: { kind: 'project', names: ['db', 'mail'] },
      folderProject: { file: '/ws/app/compose.yaml', declared, name: 'app' },
    });
    assert.ok(!('error' in plan));
    assert.deepEqual(plan, {
      project: 'app',
      target: { directory: '/ws/app', files: [], profiles: ['dev'] },
      services: ['db', 'mail'],
      onExit: 'stop',
      network: 'app_default',
      own: false,
    });
  });

  it('a name the project lacks, or no compose.yaml at all, is an error naming the fix', () => {
    const unknown = planServices({
      ...base,
      services: { kind: 'project', names: ['dbb'] },
      folderProject: { file: '/ws/app/compose.yaml', declared, name: 'app' },
    });
    assert.deepEqual(unknown, { error: "run.services: 'dbb' is not a service of compose.yaml (its services: db, web, mail)." });
    const none = planServices({ ...base, services: { kind: 'project', names: ['db'] } });
    assert.ok('error' in none && /has no compose\.yaml.*declare the services in \.berth\.yaml/.test(none.error));
  });

  it('inline services are a project of their own, in the cache folder', () => {
    const plan = planServices({ ...base, services: readServices({ db: 'mongo:7.0' }, [])!, onExit: 'down' });
    assert.ok(!('error' in plan));
    assert.equal(plan.project, 'berth-app-1a2b3c4d');
    assert.equal(plan.file?.path, '/home/me/.cache/berth/services/berth-app-1a2b3c4d/compose.yaml');
    assert.deepEqual(plan.target, {
      directory: '/ws/app',
      files: ['/home/me/.cache/berth/services/berth-app-1a2b3c4d/compose.yaml'],
      project: 'berth-app-1a2b3c4d',
      profiles: [],
      projectDirectory: true,
    });
    assert.equal(plan.network, 'berth-app-1a2b3c4d_default');
  });

  it('berth run --print: the compose file, up, the run on the services network, and the end', () => {
    const plan = planServices({ ...base, services: readServices({ db: 'mongo:7.0' }, [])!, onExit: 'down' }) as ServicesPlan;
    const ws = { folder: '/ws/app', name: 'app', uid: 1000, gid: 1000 };
    const spec = buildRunSpec(ws, { ...presetConfig('go', () => undefined), network: plan.network });
    const run = dockerCommands(spec).map(shellLine);
    const v1 = servicesScript(plan, (a) => composeArgv(V1, plan.target, a, false), 1, run, shellLine);
    assert.deepEqual(v1.slice(0, 2), [
      'mkdir -p /home/me/.cache/berth/services/berth-app-1a2b3c4d',
      "cat > /home/me/.cache/berth/services/berth-app-1a2b3c4d/compose.yaml <<'BERTH_COMPOSE'",
    ]);
    const up = v1.find((l) => l.startsWith('docker-compose'));
    assert.equal(
      up,
      'docker-compose -f /home/me/.cache/berth/services/berth-app-1a2b3c4d/compose.yaml -p berth-app-1a2b3c4d --project-directory /ws/app up -d db',
    );
    assert.ok(v1.some((l) => l.startsWith('docker run') && l.includes('--network berth-app-1a2b3c4d_default')));
    assert.match(v1.at(-1)!, /^docker-compose .* down --remove-orphans$/);
    const v2 = servicesScript(plan, (a) => composeArgv(V2, plan.target, a, false), 2, run, shellLine);
    assert.ok(
      v2.some((l) => /^docker compose .* up -d --wait db$/.test(l)),
      'v2 waits for healthchecks itself',
    );
  });
});

describe('user: host on rootless engines', () => {
  it('reads rootless from recorded /info answers', () => {
    // Recorded from a rootful Docker 20.10 (this machine), rootless Docker 24 and rootless Podman 4.3.
    assert.equal(engineFlavour(mapInfo('docker-rootful'), { platform: 'Docker Engine - Community' }), 'rootful');
    assert.equal(engineFlavour(mapInfo('docker-rootless'), { platform: 'Docker Engine - Community' }), 'rootless-docker');
    assert.equal(engineFlavour(mapInfo('podman-rootless'), { platform: 'Podman Engine' }), 'rootless-podman');
  });

  it('runs as 0:0 on rootless Docker and with keep-id on rootless Podman, and says so', () => {
    const config = { ...presetConfig('go', () => undefined), caches: false };
    const ws = { folder: '/ws/app', name: 'app', uid: 1000, gid: 1001 };
    assert.equal(buildRunSpec(ws, config).create.User, '1000:1001');
    const rootless = buildRunSpec({ ...ws, flavour: 'rootless-docker' }, config);
    assert.equal(rootless.create.User, '0:0');
    assert.equal(rootless.create.HostConfig.UsernsMode, undefined);
    const podman = buildRunSpec({ ...ws, flavour: 'rootless-podman' }, config);
    assert.deepEqual([podman.create.User, podman.create.HostConfig.UsernsMode], ['1000:1001', 'keep-id']);
    assert.ok(dockerCommands(podman)[0].includes('--userns=keep-id'));
    assert.match(hostUserChoice('rootless-docker', 1000, 1001).note, /^Running as 0:0: this is rootless Docker/);
    assert.match(hostUserChoice('rootless-podman', 1000, 1001).note, /--userns=keep-id: this is rootless Podman/);
    assert.equal(
      buildRunSpec({ ...ws, flavour: 'rootless-docker' }, { ...config, user: 'node' }).create.User,
      'node',
      'only user: host is mapped',
    );
  });
});

describe('a Compose devcontainer.json', () => {
  /** An in-memory host: the Compose core reads files through it. */
  const hostOf = (files: Record<string, string>) => ({
    env: {},
    readFile: (p: string) => files[p],
    stat: (p: string) => (p in files ? ('file' as const) : undefined),
  });
  const compose = {
    files: ['.devcontainer/compose.yaml'],
    service: 'app',
    workspaceFolder: '/workspaces/shop',
    overrideCommand: true,
    shutdownAction: 'stopCompose' as const,
    servicePorts: [{ service: 'db', port: 5432 }],
  };
  const base = {
    folder: '/ws/shop',
    workspaceName: 'shop',
    env: {},
    ports: [{ container: 3000, protocol: 'tcp' as const }],
    bindAddress: '127.0.0.1',
    composeEnv: {},
    cacheDir: '/c',
  };

  it('in .devcontainer: the project is <folder>_devcontainer, as Dev Containers name it; the folder is mounted where the file says', () => {
    const host = hostOf({
      '/ws/shop/.devcontainer/compose.yaml':
        'services:\n  app: { image: node:22 }\n  db: { image: postgres:16 }\n  mail: { image: m, profiles: [x] }\n',
    });
    const plan = planComposeWorkspace({ ...base, compose, host });
    assert.ok(!('error' in plan));
    assert.equal(plan.project, 'shop_devcontainer');
    assert.deepEqual(plan.services, ['app', 'db'], 'all services outside profiles, when runServices is absent');
    assert.deepEqual(plan.target.files, ['/ws/shop/.devcontainer/compose.yaml', '/c/shop_devcontainer/devcontainer.override.yaml']);
    assert.deepEqual(parse(plan.file!.text).services, {
      app: {
        entrypoint: ['/bin/sh', '-c', "trap 'exit 0' TERM INT; while sleep 1000 & wait $$!; do :; done"],
        volumes: [{ type: 'bind', source: '/ws/shop', target: '/workspaces/shop' }],
        ports: ['127.0.0.1:3000:3000/tcp'],
        labels: { 'berth.managed': 'true', 'berth.workspace': '/ws/shop' },
      },
      db: { ports: ['127.0.0.1:5432:5432'] },
    });
    assert.deepEqual([plan.onExit, plan.workdir, plan.service], ['stop', '/workspaces/shop', 'app']);
  });

  it('a folder the files already mount is not mounted again; unknown services are named', () => {
    const host = hostOf({
      '/ws/shop/.devcontainer/compose.yaml': 'services:\n  app:\n    image: node:22\n    volumes: ["..:/workspaces:cached"]\n',
    });
    const plan = planComposeWorkspace({ ...base, compose: { ...compose, servicePorts: [], overrideCommand: false }, ports: [], host });
    assert.ok(!('error' in plan));
    assert.deepEqual(parse(plan.file!.text).services.app, { labels: { 'berth.managed': 'true', 'berth.workspace': '/ws/shop' } });
    const bad = planComposeWorkspace({ ...base, compose: { ...compose, runServices: ['dbb'] }, host });
    assert.deepEqual(bad, { error: "devcontainer.json names 'dbb', 'db', which the Compose files do not declare (their services: app)." });
  });
});
