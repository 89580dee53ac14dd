/**
 * The Compose runner's pure parts: which Compose runs, its argv for v2 and 1.x, the environment
 * that names Berth's engine, and the reading of its output. The 1.x output is recorded from
 * docker-compose 1.29.2 on this machine; the v2 output has the shape Compose v2 prints in plain
 * mode (recorded in public test suites), since no v2 is installed here: that is said per test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeArgv, type ComposeTarget } from '../../src/devenv/compose/argv';
import {
  composeCommandFromSetting,
  detectCompose,
  parseComposeVersion,
  type ComposeCli,
  type ExecResult,
} from '../../src/devenv/compose/cli';
import { composeEnvironment, dockerHostOf } from '../../src/devenv/compose/environment';
import { describeFailure, parseFailure, parseProgressLine, serviceOfContainer } from '../../src/devenv/compose/output';
import {
  composeProjectName,
  normalizeProjectName,
  projectFromLabels,
  targetForFile,
  targetFromLabels,
} from '../../src/devenv/compose/project';
import type { Endpoint } from '../../src/engine/types';

const V2: ComposeCli = { argv: ['docker', 'compose'], version: '2.24.5', major: 2, source: 'plugin' };
const V1: ComposeCli = { argv: ['docker-compose'], version: '1.29.2', major: 1, source: 'standalone' };
const target: ComposeTarget = { directory: '/ws/app', files: [], profiles: [] };

describe('which Compose runs', () => {
  it('reads the version of either Compose', () => {
    assert.deepEqual(parseComposeVersion('Docker Compose version v2.24.5\n'), { version: '2.24.5', major: 2 });
    assert.deepEqual(parseComposeVersion('Docker Compose version 2.27.0-desktop.2'), { version: '2.27.0-desktop.2', major: 2 });
    assert.deepEqual(
      parseComposeVersion('docker-compose version 1.29.2, build unknown\ndocker-py version: 5.0.3\nCPython version: 3.11.2\n'),
      { version: '1.29.2', major: 1 },
    );
    assert.deepEqual(parseComposeVersion('podman-compose version 1.0.6\npodman version 4.3.1\n'), { version: '1.0.6', major: 1 });
    assert.equal(parseComposeVersion("docker: 'compose' is not a docker command."), undefined);
  });

  it('takes the setting as words, never through a shell', () => {
    assert.deepEqual(composeCommandFromSetting('podman compose'), ['podman', 'compose']);
    assert.deepEqual(composeCommandFromSetting(['/opt/my compose/bin/compose']), ['/opt/my compose/bin/compose']);
    assert.equal(composeCommandFromSetting(''), undefined);
    assert.equal(composeCommandFromSetting([]), undefined);
    assert.equal(composeCommandFromSetting(42), undefined);
  });

  /** A fake exec that answers from a table: stands in for processes, whose real run is in test/engine/compose.test.ts. */
  const answers =
    (table: Record<string, Partial<ExecResult>>) =>
    async (argv: string[]): Promise<ExecResult> => ({ code: 1, stdout: '', stderr: '', ...(table[argv.join(' ')] ?? { missing: true }) });

  it('prefers the v2 plugin, falls back to docker-compose, and says how to install either', async () => {
    const both = answers({
      'docker compose version': { code: 0, stdout: 'Docker Compose version v2.24.5\n' },
      'docker-compose version': { code: 0, stdout: 'docker-compose version 1.29.2, build unknown\n' },
    });
    assert.deepEqual(await detectCompose(both), { ...V2, source: 'plugin' });
    const v1Only = answers({
      'docker compose version': { code: 1, stderr: "docker: 'compose' is not a docker command.\n" },
      'docker-compose version': { code: 0, stdout: 'docker-compose version 1.29.2, build unknown\n' },
    });
    assert.deepEqual(await detectCompose(v1Only), V1);
    const none = await detectCompose(answers({}));
    assert.ok('missing' in none && /docker-compose-plugin/.test(none.message) && /berth\.compose\.command/.test(none.message));
  });

  it('a setting that does not run Compose is an error naming the setting, not a reason to run another', async () => {
    const exec = answers({ 'docker compose version': { code: 0, stdout: 'Docker Compose version v2.24.5\n' } });
    const result = await detectCompose(exec, ['nerdctl', 'compose']);
    assert.ok('missing' in result);
    assert.match(result.message, /berth\.compose\.command setting \(nerdctl compose\).*nerdctl was not found/);
    const ok = await detectCompose(answers({ 'podman-compose version': { code: 0, stdout: 'podman-compose version 1.0.6\n' } }), [
      'podman-compose',
    ]);
    assert.deepEqual(ok, { argv: ['podman-compose'], version: '1.0.6', major: 1, source: 'setting' });
  });
});

describe('Compose argv', () => {
  it('global options come first, in the same words for both shapes', () => {
    const t: ComposeTarget = {
      directory: '/ws/app',
      files: ['/ws/app/compose.yaml', '/ws/app/compose.dev.yaml'],
      project: 'app',
      profiles: ['debug'],
      projectDirectory: true,
    };
    const tail = [
      '--ansi',
      'never',
      '-f',
      '/ws/app/compose.yaml',
      '-f',
      '/ws/app/compose.dev.yaml',
      '-p',
      'app',
      '--project-directory',
      '/ws/app',
      '--profile',
      'debug',
    ];
    assert.deepEqual(composeArgv(V2, t, { verb: 'up', detach: true, services: ['web', 'db'] }), [
      'docker',
      'compose',
      ...tail,
      'up',
      '-d',
      'web',
      'db',
    ]);
    assert.deepEqual(composeArgv(V1, t, { verb: 'up', detach: true, services: [], build: true }), [
      'docker-compose',
      ...tail,
      'up',
      '-d',
      '--build',
    ]);
  });

  it('down, logs, lifecycle verbs and lists', () => {
    assert.deepEqual(composeArgv(V2, target, { verb: 'down', volumes: true, removeOrphans: true }).slice(4), [
      'down',
      '--volumes',
      '--remove-orphans',
    ]);
    assert.deepEqual(composeArgv(V1, target, { verb: 'logs', services: ['web'], follow: true, tail: 100 }).slice(3), [
      'logs',
      '--no-color',
      '--follow',
      '--tail=100',
      'web',
    ]);
    assert.deepEqual(composeArgv(V2, target, { verb: 'restart', services: ['worker'] }).slice(4), ['restart', 'worker']);
    assert.deepEqual(composeArgv(V1, target, { verb: 'config', list: 'profiles' }).slice(3), ['config', '--profiles']);
    assert.deepEqual(composeArgv(V2, target, { verb: 'config', list: 'services' }).slice(4), ['config', '--services']);
  });

  it('commands shown to people leave out what only Berth reads', () => {
    assert.deepEqual(composeArgv(V2, { ...target, project: 'p' }, { verb: 'logs', services: [], follow: true }, false), [
      'docker',
      'compose',
      '-p',
      'p',
      'logs',
      '--follow',
    ]);
  });
});

describe('the engine Compose talks to', () => {
  const unix: Endpoint = {
    kind: 'unix',
    socketPath: '/run/user/1000/docker.sock',
    display: 'unix:///run/user/1000/docker.sock',
    source: 'rootless',
  };

  it('names the same engine as the views, whatever chose it', () => {
    const env = composeEnvironment(unix, { PATH: '/usr/bin', DOCKER_CONTEXT: 'other' }, '/home/me/.docker');
    assert.deepEqual(env, { PATH: '/usr/bin', DOCKER_HOST: 'unix:///run/user/1000/docker.sock' });
    assert.equal(dockerHostOf({ kind: 'ssh', host: 'box', user: 'me', port: 2222, display: '', source: 'setting' }), 'ssh://me@box:2222');
    assert.equal(dockerHostOf({ kind: 'tcp', host: '::1', port: 2375, display: '', source: 'setting' }), 'tcp://[::1]:2375');
  });

  it("a context's TLS certificates are named by their folder; DOCKER_HOST's stay the user's", () => {
    const fromContext: Endpoint = {
      kind: 'tcp',
      host: 'build.example',
      port: 2376,
      tls: { verify: true, ca: 'x' },
      display: 'tcp://build.example:2376',
      source: 'context',
      context: 'ci',
    };
    const env = composeEnvironment(fromContext, { DOCKER_CERT_PATH: '/elsewhere', DOCKER_TLS_VERIFY: '' }, '/home/me/.docker');
    assert.equal(env.DOCKER_HOST, 'tcp://build.example:2376');
    assert.equal(env.DOCKER_TLS_VERIFY, '1');
    assert.match(env.DOCKER_CERT_PATH, /^\/home\/me\/\.docker\/contexts\/tls\/[0-9a-f]{64}\/docker$/);
    const fromEnv = composeEnvironment(
      { ...fromContext, context: undefined, source: 'DOCKER_HOST' },
      { DOCKER_CERT_PATH: '/certs', DOCKER_TLS_VERIFY: '1' },
      '/x',
    );
    assert.deepEqual([fromEnv.DOCKER_CERT_PATH, fromEnv.DOCKER_TLS_VERIFY], ['/certs', '1']);
  });
});

describe('reading Compose output', () => {
  const ctx = { project: 'shop', services: ['web', 'worker', 'db'] };

  it('names the service of a container in either naming', () => {
    assert.equal(serviceOfContainer('shop_web_1', ctx), 'web');
    assert.equal(serviceOfContainer('shop-worker-2', ctx), 'worker');
    assert.equal(serviceOfContainer('custom-name', ctx), undefined);
    assert.equal(serviceOfContainer('shop-my-api-1', { project: 'shop' }), 'my-api');
  });

  it('docker-compose 1.29 up, as recorded', () => {
    const lines = [
      'Creating network "shop_default" with the default driver',
      'Pulling db (postgres:16)...',
      'Building web',
      'Creating shop_worker_1 ... ',
      'Creating shop_web_1    ... done',
      'Creating shop_db_1 ... error',
      'shop_worker_1 is up-to-date',
      'Step 1/3 : FROM busybox:local',
    ];
    assert.deepEqual(
      lines.map((l) => parseProgressLine(l, ctx)),
      [
        { resource: 'network', name: 'shop_default', step: 'create', state: 'working' },
        { resource: 'service', name: 'db', service: 'db', step: 'pull', state: 'working', image: 'postgres:16' },
        { resource: 'service', name: 'web', service: 'web', step: 'build', state: 'working' },
        { resource: 'container', name: 'shop_worker_1', step: 'create', state: 'working', service: 'worker' },
        { resource: 'container', name: 'shop_web_1', step: 'create', state: 'done', service: 'web' },
        { resource: 'container', name: 'shop_db_1', step: 'create', state: 'error', service: 'db' },
        { resource: 'container', name: 'shop_worker_1', step: 'start', state: 'done', service: 'worker' },
        undefined,
      ],
    );
  });

  it('Compose v2 plain progress (the shape v2 prints without a TTY; no v2 here to record)', () => {
    const lines = [
      ' db Pulling ',
      ' db Pulled ',
      ' Network shop_default  Creating',
      ' Container shop-web-1  Created',
      ' Container shop-web-1  Started',
      ' ✔ Container shop-db-1  Healthy  2.1s',
      ' Volume "shop_data"  Created',
      ' Container shop-worker-1  Error',
    ];
    assert.deepEqual(
      lines.map((l) => parseProgressLine(l, ctx)),
      [
        { resource: 'service', name: 'db', service: 'db', step: 'pull', state: 'working' },
        { resource: 'service', name: 'db', service: 'db', step: 'pull', state: 'done' },
        { resource: 'network', name: 'shop_default', step: 'create', state: 'working' },
        { resource: 'container', name: 'shop-web-1', step: 'create', state: 'done', service: 'web' },
        { resource: 'container', name: 'shop-web-1', step: 'start', state: 'done', service: 'web' },
        { resource: 'container', name: 'shop-db-1', step: 'ready', state: 'done', service: 'db' },
        { resource: 'volume', name: 'shop_data', step: 'create', state: 'done' },
        { resource: 'container', name: 'shop-worker-1', step: 'start', state: 'error', service: 'worker' },
      ],
    );
  });

  it('a service that cannot start is named, with the reason (1.29, recorded)', () => {
    const output = [
      'Creating network "bad5_default" with the default driver',
      'Creating bad5_ok_1 ... ',
      'Creating bad5_web_1 ... ',
      'Creating bad5_ok_1  ... done',
      'Creating bad5_web_1 ... error',
      '',
      'ERROR: for bad5_web_1  Cannot start service web: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nonexistent-binary": executable file not found in $PATH: unknown',
      '',
      'ERROR: for web  Cannot start service web: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nonexistent-binary": executable file not found in $PATH: unknown',
      'Encountered errors while bringing up the project.',
    ].join('\n');
    const failure = parseFailure(output, { project: 'bad5', services: ['ok', 'web'] });
    assert.equal(failure.kind, 'start');
    assert.equal(failure.service, 'web');
    assert.match(failure.reason, /^Cannot start service web: .*executable file not found/);
    assert.match(
      describeFailure(failure, 'up', 'line one\nline two'),
      /^Service web failed to start: .*\nIts last log lines:\nline one\nline two$/,
    );
  });

  it('a port in use names the port and the service (1.29 recorded; v2 as the daemon words it)', () => {
    const v1 = parseFailure(
      'Creating bad6_web_1 ... error\n\nERROR: for bad6_web_1  Cannot start service web: driver failed programming external connectivity on endpoint bad6_web_1 (d322): Error starting userland proxy: listen tcp4 127.0.0.1:18081: bind: address already in use\n',
      { project: 'bad6' },
    );
    assert.deepEqual([v1.kind, v1.port, v1.service], ['port-in-use', '127.0.0.1:18081', 'web']);
    const v2 = parseFailure(
      ' Container shop-web-1  Starting\nError response from daemon: driver failed programming external connectivity on endpoint shop-web-1 (ab12): Bind for 0.0.0.0:8080 failed: port is already allocated\n',
      ctx,
    );
    assert.deepEqual([v2.kind, v2.port, v2.service], ['port-in-use', '0.0.0.0:8080', 'web']);
    assert.match(describeFailure(v2, 'up'), /Port 0\.0\.0\.0:8080 is already in use \(service web\)\. Stop what uses it, or publish/);
  });

  it('an invalid file, a missing env file, an image that cannot be pulled', () => {
    const invalid = parseFailure(
      "The Compose file './compose.yaml' is invalid because:\nUnsupported config option for services.web: 'bogus'\n",
    );
    assert.equal(invalid.kind, 'invalid-file');
    assert.match(
      describeFailure(invalid, 'up'),
      /invalid: The Compose file '\.\/compose\.yaml' is invalid because: Unsupported config option for services\.web: 'bogus' Fix the file/,
    );
    assert.equal(parseFailure('yaml.parser.ParserError: while parsing a flow node\nexpected the node content\n').kind, 'invalid-file');
    assert.equal(
      parseFailure("validating /ws/compose.yaml: services.web additional properties 'bogus' not allowed\n").kind,
      'invalid-file',
    );

    const env = parseFailure("Couldn't find env file: /tmp/cr-try/bad3/missing.env\n");
    assert.deepEqual([env.kind, env.file], ['env-file', '/tmp/cr-try/bad3/missing.env']);
    const env2 = parseFailure('env file /ws/.env.local not found: stat /ws/.env.local: no such file or directory\n');
    assert.deepEqual([env2.kind, env2.file], ['env-file', '/ws/.env.local']);
    assert.match(
      describeFailure(env, 'up'),
      /env file \/tmp\/cr-try\/bad3\/missing\.env is missing\. Create it, or remove it from env_file/,
    );

    const pull = parseFailure(
      'Creating network "bad4_default" with the default driver\nPulling web (nosuch.invalid/none:1)...\nGet "https://nosuch.invalid/v2/": dial tcp: lookup nosuch.invalid on 10.255.255.53:53: no such host\n',
    );
    assert.deepEqual([pull.kind, pull.service, pull.image], ['pull', 'web', 'nosuch.invalid/none:1']);
    assert.match(
      describeFailure(pull, 'up'),
      /image nosuch\.invalid\/none:1 \(service web\) could not be pulled: .*no such host.* Check the registry/,
    );
    const v2pull = parseFailure(
      " web Pulling \n web Error \nError response from daemon: pull access denied for private/app, repository does not exist or may require 'docker login'\n",
      ctx,
    );
    assert.deepEqual([v2pull.kind, v2pull.service, v2pull.image], ['pull', 'web', 'private/app']);
  });

  it('no engine and no such service are their own kinds', () => {
    assert.equal(
      parseFailure('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n').kind,
      'engine',
    );
    assert.equal(parseFailure("Couldn't connect to Docker daemon at http+docker://localhost - is it running?\n").kind, 'engine');
    assert.deepEqual(parseFailure('ERROR: No such service: dbb\n').service, 'dbb');
  });
});

describe('Compose projects', () => {
  it('names a project as Compose does', () => {
    assert.equal(normalizeProjectName('My App.v2'), 'myappv2');
    assert.equal(normalizeProjectName('_x-y', 2), 'x-y');
    assert.equal(normalizeProjectName('_x-y', 1), '_x-y');
    assert.equal(composeProjectName('/ws/My Shop'), 'myshop');
    assert.equal(composeProjectName('/ws/shop', { env: { COMPOSE_PROJECT_NAME: 'Other' } }), 'other');
    assert.equal(composeProjectName('/ws/shop', { dotenv: '# x\nCOMPOSE_PROJECT_NAME=fromdotenv\n' }), 'fromdotenv');
    assert.equal(composeProjectName('/ws/shop', { nameField: 'named' }), 'named');
    assert.equal(composeProjectName('/ws/shop', { nameField: 'named', major: 1 }), 'shop');
  });

  it('reads where a project is from its labels, in either version', () => {
    const v1 = projectFromLabels({
      'com.docker.compose.project': 'crtry',
      'com.docker.compose.project.working_dir': '/tmp/cr-try',
      'com.docker.compose.project.config_files': 'compose.yaml',
    });
    assert.deepEqual(v1, { project: 'crtry', workingDir: '/tmp/cr-try', configFiles: ['/tmp/cr-try/compose.yaml'] });
    const v2 = projectFromLabels({
      'com.docker.compose.project': 'shop',
      'com.docker.compose.project.working_dir': '/ws/shop',
      'com.docker.compose.project.config_files': '/ws/shop/compose.yaml,/ws/shop/compose.override.yaml',
    });
    assert.deepEqual(v2?.configFiles, ['/ws/shop/compose.yaml', '/ws/shop/compose.override.yaml']);
    assert.equal(projectFromLabels({}), undefined);
    assert.deepEqual(
      targetFromLabels(v2!, () => true),
      {
        directory: '/ws/shop',
        files: ['/ws/shop/compose.yaml', '/ws/shop/compose.override.yaml'],
        project: 'shop',
        profiles: [],
        projectDirectory: true,
      },
    );
    assert.equal(
      targetFromLabels(v2!, (p) => !p.endsWith('override.yaml')),
      undefined,
      'a file that is not here: the engine acts instead',
    );
  });

  it('passes -f only for files Compose would not find by itself', () => {
    const have =
      (...names: string[]) =>
      (p: string) =>
        names.map((n) => `/ws/${n}`).includes(p);
    assert.deepEqual(targetForFile('/ws/compose.yaml', have('compose.yaml', 'compose.override.yaml')).files, []);
    assert.deepEqual(targetForFile('/ws/compose.override.yaml', have('compose.yaml', 'compose.override.yaml')).files, []);
    assert.deepEqual(targetForFile('/ws/compose.dev.yaml', have('compose.yaml', 'compose.dev.yaml')).files, [
      '/ws/compose.yaml',
      '/ws/compose.dev.yaml',
    ]);
    assert.deepEqual(targetForFile('/ws/stack.yml', have('stack.yml')).files, ['/ws/stack.yml']);
    // docker-compose.yml is chosen only when no compose.yaml is there: beside one, it needs -f.
    assert.deepEqual(targetForFile('/ws/docker-compose.yml', have('compose.yaml', 'docker-compose.yml')).files, ['/ws/docker-compose.yml']);
  });
});
