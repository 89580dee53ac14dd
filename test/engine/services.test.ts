/**
 * Run Workspace with services, on the real engine with docker-compose 1.29: the services start
 * first (their healthchecks waited for), the workspace container reaches them by name on their
 * network, and the run's end stops, takes down or keeps them. Services are busybox httpd
 * (scripts/test-images.sh); `berth run` does the same from a terminal.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { detectCompose, type ComposeCli } from '../../src/devenv/compose/cli';
import { composeEnvironment } from '../../src/devenv/compose/environment';
import { execProcess } from '../../src/devenv/compose/process';
import { ComposeRunner } from '../../src/devenv/compose/runner';
import { presetConfig, type RunConfig } from '../../src/devenv/config';
import { prepareComposeWorkspace, startComposeWorkspace, type ComposeWorkspacePlan } from '../../src/devenv/devcontainerCompose';
import { resolveRunConfig } from '../../src/devenv/resolve';
import { readServices, type ServicesPlan } from '../../src/devenv/services';
import { prepareServices, runWorkspaceWithServices, ServicesError, type RunningWithServices } from '../../src/devenv/servicesRunner';
import { buildRunSpec, containerName } from '../../src/devenv/spec';
import { dockerConfigDir, nodeDeps } from '../../src/engine/endpoint';
import type { Engine } from '../../src/engine/types';
import { composeText, writeComposeProject } from '../fixtures/composeProjects';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';
import { cleanupLabelled, sharedEngine, waitFor } from './helpers';

let engine: Engine;
let cli: ComposeCli;
let runner: ComposeRunner;
let env: Record<string, string>;
const cacheDir = mkdtempSync(path.join(tmpdir(), 'berth-services-cache-'));

before(async () => {
  await requireTestImage(BUSYBOX_IMAGE);
  engine = sharedEngine();
  env = composeEnvironment(engine.endpoint, process.env, dockerConfigDir(nodeDeps()));
  const found = await detectCompose(execProcess, undefined, env);
  assert.ok(!('missing' in found));
  cli = found;
  runner = new ComposeRunner({ cli, env, engine });
});

after(async () => {
  await cleanupLabelled();
  engine?.dispose();
});

/** A service that serves `page` on port 8080 inside its network, healthy once it answers. */
const httpService = (page: string) => ({
  image: BUSYBOX_IMAGE,
  command: ['sh', '-c', `mkdir -p /www && echo ${page} > /www/index.html && exec httpd -f -p 8080 -h /www`],
  healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/index.html'], interval: '1s', retries: 30 },
});

/** The workspace: fetch from `url` by name, print it, then wait to be stopped. */
function workspaceConfig(url: string, extra: Partial<RunConfig>): RunConfig {
  return {
    ...presetConfig('go', () => undefined),
    toolchain: undefined,
    image: BUSYBOX_IMAGE,
    command: ['sh', '-c', `wget -q -O- ${url}; echo fetched; sleep 600`],
    ports: [],
    caches: false,
    mount: false,
    ...extra,
  };
}

function folder(name: string): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'berth-services-')), name);
  mkdirSync(dir);
  return dir;
}

/** Starts the run as the command and berth run do; the output seen so far is returned with it. */
async function start(dir: string, config: RunConfig): Promise<{ run: RunningWithServices; output: () => string; plan: ServicesPlan }> {
  const workspace = { folder: dir, name: path.basename(dir), uid: process.getuid?.(), gid: process.getgid?.() };
  const plan = prepareServices({ folder: dir, containerName: containerName(workspace), config, env, cacheDir, major: cli.major });
  assert.ok(plan && !('error' in plan), JSON.stringify(plan));
  const run = await runWorkspaceWithServices(engine, buildRunSpec(workspace, config), { runner, plan });
  let text = run.startOutput;
  run.stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  run.stream.resume();
  return { run, output: () => text, plan };
}

async function projectHoldings(project: string): Promise<string[]> {
  const r = await runner.resources(project);
  return [
    ...r.containers.map((c) => `container ${c.labels['com.docker.compose.service']} ${c.state}`),
    ...r.networks.map((n) => `network ${n.name}`),
    ...r.volumes.map((v) => `volume ${v.name}`),
  ].sort();
}

describe('Run Workspace with services', () => {
  it('inline services: healthy first, reached by name, and taken down with nothing left when the run ends', async () => {
    const dir = folder('shop');
    const services = readServices({ db: httpService('from-db') }, []);
    const { run, output, plan } = await start(dir, workspaceConfig('http://db:8080/index.html', { services, servicesOnExit: 'down' }));
    try {
      assert.deepEqual(run.services?.networks, [plan.network]);
      await waitFor('the workspace to fetch from db by name', async () => (output().includes('fetched') ? true : undefined), 30_000);
      assert.match(output(), /from-db/);
      const [db] = await runner.containers(plan.project);
      const health = ((await engine.inspectContainer(db.id)) as { State: { Health: { Status: string } } }).State.Health.Status;
      assert.equal(health, 'healthy', 'the workspace started only once db was healthy');
    } finally {
      await run.stop();
    }
    assert.match(await run.services!.end(), /^Services taken down: db\.$/);
    assert.deepEqual(await projectHoldings(plan.project), []);
    assert.equal((await engine.listContainers({ filters: { name: [`^/${run.name}$`] } })).length, 0);
  });

  it("the folder's own services: only those named start, one already running is left, and stop is the default", async () => {
    const page = (name: string) =>
      `    image: ${BUSYBOX_IMAGE}\n    command: ["sh", "-c", "mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p 8080 -h /www"]\n    labels: { berth.test: "1" }`;
    const p = writeComposeProject('own', composeText({ db: page('own-db'), cache: page('own-cache'), web: page('web') }));
    // cache runs already, from a terminal: the run uses it and leaves it running.
    await runner.up({ directory: p.folder, files: [], profiles: [] }, p.project, { services: ['cache'] });
    const { run, output } = await start(
      p.folder,
      workspaceConfig('http://db:8080/index.html http://cache:8080/index.html', { services: { kind: 'project', names: ['db', 'cache'] } }),
    );
    try {
      await waitFor('the workspace to fetch from db and cache', async () => (output().includes('fetched') ? true : undefined), 30_000);
      assert.match(output(), /own-db[\s\S]*own-cache/);
      assert.deepEqual(run.services?.started, ['db']);
    } finally {
      await run.stop();
    }
    assert.match(await run.services!.end(), /^Services stopped: db\.$/);
    assert.deepEqual(await projectHoldings(p.project), ['container cache running', 'container db exited', `network ${p.project}_default`]);
    await runner.down({ project: p.project, target: { directory: p.folder, files: [], profiles: [] } });
  });

  it('an unhealthy service stops the run before the workspace starts, and nothing is left', async () => {
    const dir = folder('sick');
    const services = readServices(
      { db: { image: BUSYBOX_IMAGE, command: ['sleep', '600'], healthcheck: { test: ['CMD', 'false'], interval: '1s', retries: 1 } } },
      [],
    );
    const config = workspaceConfig('http://db:8080/', { services, servicesOnExit: 'keep' });
    const workspace = { folder: dir, name: path.basename(dir), uid: process.getuid?.(), gid: process.getgid?.() };
    const plan = prepareServices({
      folder: dir,
      containerName: containerName(workspace),
      config,
      env,
      cacheDir,
      major: cli.major,
    }) as ServicesPlan;
    const error = await runWorkspaceWithServices(engine, buildRunSpec(workspace, config), { runner, plan }).catch((e: unknown) => e);
    assert.ok(error instanceof ServicesError, String(error));
    assert.match(error.message, /^Service db is unhealthy/);
    assert.deepEqual(await projectHoldings(plan.project), []);
  });

  it('berth run --print shows the compose and docker commands; berth run does it for real and leaves nothing', () => {
    const dir = folder('cli');
    writeFileSync(
      path.join(dir, '.berth.yaml'),
      [
        'run:',
        `  image: ${BUSYBOX_IMAGE}`,
        '  command: [sh, -c, "wget -q -O- http://db:8080/index.html"]',
        '  mount: false',
        '  caches: false',
        '  servicesOnExit: down',
        '  services:',
        '    db:',
        `      image: ${BUSYBOX_IMAGE}`,
        '      command: [sh, -c, "mkdir -p /www && echo cli-db > /www/index.html && exec httpd -f -p 8080 -h /www"]',
        '      healthcheck: { test: [CMD, wget, -q, -O, /dev/null, "http://127.0.0.1:8080/index.html"], interval: 1s, retries: 30 }',
      ].join('\n'),
    );
    const cliPath = path.join(__dirname, '..', '..', 'dist', 'cli.js');
    const runEnv = { ...process.env, XDG_CACHE_HOME: cacheDir };
    const printed = spawnSync(process.execPath, [cliPath, 'run', '--print'], { cwd: dir, encoding: 'utf8', env: runEnv, timeout: 60_000 });
    assert.equal(printed.status, 0, printed.stderr);
    const project = containerName({ folder: dir, name: 'cli' }).toLowerCase();
    assert.match(printed.stdout, new RegExp(`^mkdir -p ${cacheDir}/berth/services/${project}\n`));
    assert.match(printed.stdout, /<<'BERTH_COMPOSE'\n# Written by Berth[\s\S]*\nBERTH_COMPOSE\n/);
    assert.match(printed.stdout, new RegExp(`\ndocker-compose -f \\S+ -p ${project} --project-directory \\S+ up -d db\n`));
    assert.match(printed.stdout, new RegExp(`\ndocker run .*--network ${project}_default `));
    assert.match(printed.stdout, /# When the run ends \(servicesOnExit: down\):\ndocker-compose .* down --remove-orphans\n$/);

    const ran = spawnSync(process.execPath, [cliPath, 'run'], { cwd: dir, encoding: 'utf8', env: runEnv, timeout: 120_000 });
    assert.equal(ran.status, 0, ran.stderr);
    assert.match(ran.stdout, /cli-db/);
    assert.match(ran.stderr, /joined .*_default: the services answer by name \(db\)/);
    assert.match(ran.stderr, /Services taken down: db\./);
    const left = spawnSync('docker', ['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project}`], { encoding: 'utf8' });
    assert.equal(left.stdout.trim(), '');
    const nets = spawnSync('docker', ['network', 'ls', '-q', '--filter', `name=${project}_default`], { encoding: 'utf8' });
    assert.equal(nets.stdout.trim(), '');
  });

  it('devcontainer.json with dockerComposeFile: the service is the workspace, the folder where the file says, the other services by name', async () => {
    const page = `    image: ${BUSYBOX_IMAGE}\n    command: ["sh", "-c", "mkdir -p /www && echo dc-db > /www/index.html && exec httpd -f -p 8080 -h /www"]\n    labels: { berth.test: "1" }`;
    const app = `    image: ${BUSYBOX_IMAGE}\n    labels: { berth.test: "1" }`;
    const extra = `    image: ${BUSYBOX_IMAGE}\n    command: ["sleep", "600"]\n    labels: { berth.test: "1" }`;
    const p = writeComposeProject('dc', composeText({ app, db: page, extra }));
    writeFileSync(path.join(p.folder, 'hello.txt'), 'from the folder\n');
    mkdirSync(path.join(p.folder, '.devcontainer'));
    writeFileSync(
      path.join(p.folder, '.devcontainer', 'devcontainer.json'),
      JSON.stringify({
        dockerComposeFile: '../compose.yaml',
        service: 'app',
        runServices: ['app', 'db'],
        workspaceFolder: '/workspaces/${localWorkspaceFolderBasename}',
        overrideCommand: true,
      }),
    );
    const files = {
      entries: readdirSync(p.folder),
      read: (relative: string) => {
        try {
          return readFileSync(path.join(p.folder, relative), 'utf8');
        } catch {
          return undefined;
        }
      },
    };
    const resolved = resolveRunConfig(files, path.basename(p.folder));
    assert.ok(!('error' in resolved));
    assert.equal(resolved.source, '.devcontainer/devcontainer.json');
    const plan = prepareComposeWorkspace({
      folder: p.folder,
      workspaceName: path.basename(p.folder),
      config: resolved.config,
      env,
      cacheDir,
      major: cli.major,
    });
    assert.ok(plan && !('error' in plan), JSON.stringify(plan));
    assert.equal(plan.project, p.project, "the Compose file's own project, as docker compose in the folder names it");
    const run = await startComposeWorkspace(engine, runner, plan as ComposeWorkspacePlan);
    let text = '';
    run.stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    run.stream.resume();
    try {
      run.stream.write('pwd; cat hello.txt; wget -q -O- http://db:8080/index.html; echo done-$((40+2))\n');
      await waitFor('the shell to answer', async () => (text.includes('done-42') ? true : undefined), 30_000);
      assert.match(text, new RegExp(`/workspaces/${p.project}\\r?\\n`));
      assert.match(text, /from the folder/);
      assert.match(text, /dc-db/);
      const running = (await runner.containers(plan.project)).map((c) => c.composeService).sort();
      assert.deepEqual(running, ['app', 'db'], 'runServices only');
      run.stream.write('exit\n');
      assert.equal(await run.exited, 0);
    } finally {
      await run.stop();
    }
    assert.deepEqual(await projectHoldings(plan.project), [
      'container app exited',
      'container db exited',
      `network ${plan.project}_default`,
    ]);
    await runner.down({ project: plan.project, target: plan.target });
  });
});
