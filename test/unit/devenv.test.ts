/** Run-workspace core: toolchain detection, .berth.yaml, the Dev Containers subset, run specs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeConfig, parsePort, parseRunConfig, presetConfig, readFields, serializeRunConfig } from '../../src/devenv/config';
import { parseJsonc, readDevcontainer } from '../../src/devenv/devcontainer';
import { defaultCommand, detectToolchains } from '../../src/devenv/presets';
import { buildRunSpec, containerName, memoryBytes, validate, type Workspace } from '../../src/devenv/spec';

const files = (map: Record<string, string>) => (name: string) => map[name];
const ws: Workspace = { folder: '/home/me/site', name: 'site', uid: 1000, gid: 1000 };

describe('detectToolchains', () => {
  it('puts the most specific toolchain first', () => {
    assert.deepEqual(detectToolchains(['hugo.toml', 'package.json', 'content']), ['hugo', 'node']);
    assert.deepEqual(detectToolchains(['go.mod', 'Dockerfile']), ['go', 'dockerfile']);
    assert.deepEqual(detectToolchains(['Cargo.toml']), ['rust']);
    assert.deepEqual(detectToolchains(['requirements.txt', 'Gemfile']), ['python', 'ruby']);
  });
  it('reads an old config.toml as Hugo only next to a content folder', () => {
    assert.deepEqual(detectToolchains(['config.toml', 'content']), ['hugo']);
    assert.deepEqual(detectToolchains(['config.toml']), []);
  });
  it('finds nothing in an empty folder', () => {
    assert.deepEqual(detectToolchains([]), []);
  });
});

describe('defaultCommand', () => {
  it('runs the dev script, else start, else the package itself', () => {
    assert.deepEqual(defaultCommand('node', files({ 'package.json': '{"scripts":{"dev":"vite","start":"node ."}}' })), [
      'npm',
      'run',
      'dev',
    ]);
    assert.deepEqual(defaultCommand('node', files({ 'package.json': '{"scripts":{"start":"node ."}}' })), ['npm', 'start']);
    assert.deepEqual(defaultCommand('node', files({ 'package.json': 'not json' })), ['node', '.']);
  });
  it('knows Django and the presets as written', () => {
    assert.deepEqual(defaultCommand('python', files({ 'manage.py': '' })), ['python', 'manage.py', 'runserver', '0.0.0.0:8000']);
    assert.deepEqual(defaultCommand('hugo', files({})), ['hugo', 'server', '--bind', '0.0.0.0', '-w']);
    assert.deepEqual(defaultCommand('go', files({})), ['go', 'run', '.']);
  });
});

describe('.berth.yaml', () => {
  it('reads every field of a run section', () => {
    const { config, problems } = parseRunConfig(
      [
        'run:',
        '  toolchain: hugo',
        '  image: local/hugo:1',
        '  command: [hugo, server]',
        '  ports: [1313, "8080:80", "5353/udp"]',
        '  mountTarget: /src',
        '  user: root',
        '  env: {A: 1, B: x}',
        '  network: none',
        '  bind: 0.0.0.0',
        '  memory: 2g',
        '  cpus: 1.5',
        '  caches: false',
        '  detach: true',
      ].join('\n'),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(config, {
      toolchain: 'hugo',
      image: 'local/hugo:1',
      command: ['hugo', 'server'],
      ports: [
        { container: 1313, protocol: 'tcp' },
        { container: 80, host: 8080, protocol: 'tcp' },
        { container: 5353, protocol: 'udp' },
      ],
      mountTarget: '/src',
      user: 'root',
      env: { A: '1', B: 'x' },
      network: 'none',
      bindAddress: '0.0.0.0',
      memory: '2g',
      cpus: 1.5,
      caches: false,
      detach: true,
    });
  });
  it('runs a command string through sh -c, as written', () => {
    assert.deepEqual(parseRunConfig('command: hugo server --bind 0.0.0.0 && echo done').config.command, [
      'sh',
      '-c',
      'hugo server --bind 0.0.0.0 && echo done',
    ]);
  });
  it('reports each bad field and keeps the good ones', () => {
    const { config, problems } = parseRunConfig(
      'run:\n  image: ok:1\n  ports: [70000, "a:b"]\n  mountTarget: rel\n  toolchain: cobol\n  env: {"1BAD": x}\n  bind: everywhere\n  memory: lots\n  caches: sometimes\n',
    );
    assert.equal(config.image, 'ok:1');
    assert.equal(problems.length, 8, problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('70000')));
    assert.ok(problems.some((p) => p.includes('cobol')));
  });
  it('says where broken YAML is broken, without throwing', () => {
    const { problems } = parseRunConfig('run:\n  image: [unclosed\n  ports: 1\n');
    assert.ok(problems.length > 0);
    assert.match(problems[0], /^line \d+:/);
    assert.deepEqual(parseRunConfig('- a list').problems, ['line 1: the file must be a mapping with a `run:` section']);
    assert.deepEqual(parseRunConfig('').problems, []);
    assert.deepEqual(parseRunConfig('run: 5\n').problems, ['line 1: run: must be a mapping of settings (image, command, ports, …)']);
  });
  it("points each problem at its key or value, and names a typo's likely setting", () => {
    const text = 'run:\n  imgae: busybox\n  ports: [70000]\n  toolchain: go\n  Detach: true\n  nonsense: 1\n  COMAND: sh\n';
    const { located, problems, config } = parseRunConfig(text);
    const at = (p: { start: number; end: number }) => text.slice(p.start, p.end);
    assert.deepEqual(
      located.map((p) => [p.message, at(p)]),
      [
        ["'imgae' is not a run setting (did you mean 'image'?)", 'imgae'],
        ['port 70000 is not between 1 and 65535', '[70000]'],
        ["'Detach' is not a run setting (did you mean 'detach'?)", 'Detach'],
        ["'nonsense' is not a run setting", 'nonsense'],
        ["'COMAND' is not a run setting (did you mean 'command'?)", 'COMAND'],
      ],
    );
    assert.match(problems[1], /^line 3: port 70000/);
    assert.equal(config.toolchain, 'go', 'the good settings still apply');
  });
  it('round-trips through serialize and parse', () => {
    const config = mergeConfig(presetConfig('go', files({})), {
      ports: [{ container: 8080, host: 9090, protocol: 'tcp' }],
      env: { CGO_ENABLED: '0' },
      memory: '1g',
    });
    const back = parseRunConfig(serializeRunConfig(config));
    assert.deepEqual(back.problems, []);
    assert.deepEqual(mergeConfig(presetConfig('node', files({})), back.config), config);
  });
  it('accepts ports as objects from tasks and arguments', () => {
    assert.deepEqual(parsePort({ container: 3000, host: 3001 }), { container: 3000, host: 3001, protocol: 'tcp' });
    assert.equal(typeof parsePort({ container: 0 }), 'string');
    const problems: string[] = [];
    assert.deepEqual(readFields({ detach: 'yes' }, problems), {});
    assert.deepEqual(problems, ['detach must be true or false']);
  });
});

describe('devcontainer.json subset', () => {
  it('reads JSON with comments and trailing commas', () => {
    assert.deepEqual(parseJsonc('{\n// c\n"a": "x // not a comment", /* b */ "b": [1,2,],\n}'), { a: 'x // not a comment', b: [1, 2] });
  });
  it('maps image, ports, user, folder, env and the runArgs it can honour', () => {
    const read = readDevcontainer(
      `{
        "image": "mcr.microsoft.com/devcontainers/go:1.22",
        "forwardPorts": [8080, "db:5432"],
        "appPort": "3000:3000",
        "remoteUser": "vscode",
        "workspaceFolder": "/workspaces/\${localWorkspaceFolderBasename}",
        "containerEnv": { "GOFLAGS": "-mod=mod", "X": "\${localEnv:HOME}" },
        "runArgs": ["--memory=2g", "--cap-add=SYS_PTRACE", "-e", "K=v"],
        "features": {},
      }`,
      'site',
    );
    assert.deepEqual(read.problems, []);
    assert.equal(read.config.image, 'mcr.microsoft.com/devcontainers/go:1.22');
    assert.deepEqual(read.config.ports, [
      { container: 8080, protocol: 'tcp' },
      { container: 3000, host: 3000, protocol: 'tcp' },
    ]);
    assert.equal(read.config.user, 'vscode');
    assert.equal(read.config.mountTarget, '/workspaces/site');
    assert.deepEqual(read.config.env, { GOFLAGS: '-mod=mod', K: 'v' });
    assert.equal(read.config.memory, '2g');
    assert.ok(read.ignored.some((i) => i.startsWith('runArgs --cap-add')));
    assert.ok(read.ignored.some((i) => i.startsWith('features')));
    assert.ok(read.ignored.some((i) => i.includes('db:5432')));
  });
  it('reads a Compose-based file: its files, service, runServices, workspaceFolder and ports', () => {
    const read = readDevcontainer(
      `{
        "dockerComposeFile": ["../compose.yaml", "compose.dev.yaml"],
        "service": "app",
        "runServices": ["app", "db"],
        "workspaceFolder": "/workspaces/\${localWorkspaceFolderBasename}",
        "overrideCommand": true,
        "shutdownAction": "none",
        "forwardPorts": [3000, "db:5432", "app:9229"],
        "remoteUser": "node",
      }`,
      'shop',
    );
    assert.deepEqual(read.problems, []);
    assert.deepEqual(read.config.compose, {
      files: ['compose.yaml', '.devcontainer/compose.dev.yaml'],
      service: 'app',
      runServices: ['app', 'db'],
      workspaceFolder: '/workspaces/shop',
      overrideCommand: true,
      shutdownAction: 'none',
      servicePorts: [{ service: 'db', port: 5432 }],
    });
    assert.deepEqual(read.config.ports, [
      { container: 3000, protocol: 'tcp' },
      { container: 9229, protocol: 'tcp' },
    ]);
    assert.equal(read.config.user, 'node');
    assert.equal(read.config.mountTarget, undefined, 'the folder goes where the Compose files say');
  });
  it('says what a Compose-based file lacks, and why any file cannot be read', () => {
    assert.match(readDevcontainer('{"dockerComposeFile": "compose.yaml"}', 'x').problems[0], /"service" must name the Compose service/);
    assert.match(readDevcontainer('{"dockerComposeFile": 3, "service": "a"}', 'x').problems[0], /dockerComposeFile must be a path/);
    assert.match(readDevcontainer('{}', 'x').problems[0], /neither "image", "build.dockerfile" nor "dockerComposeFile"/);
    assert.match(readDevcontainer('{oops', 'x').problems[0], /cannot be read/);
  });
  it('builds a Dockerfile with paths relative to the devcontainer.json', () => {
    const read = readDevcontainer(
      '{"build": {"dockerfile": "Dockerfile", "context": "..", "target": "dev", "args": {"V": "1", "U": "${localEnv:USER}"}}}',
      'x',
    );
    assert.deepEqual(read.problems, []);
    assert.deepEqual(read.config.build, { dockerfile: '.devcontainer/Dockerfile', context: '.', target: 'dev', args: { V: '1' } });
    assert.deepEqual(readDevcontainer('{"dockerFile": "Dev.Dockerfile"}', 'x', '.').config.build, {
      dockerfile: 'Dev.Dockerfile',
      context: '.',
    });
  });
});

describe('buildRunSpec', () => {
  const hugo = () => presetConfig('hugo', files({}));

  it('mounts the workspace, runs as the host user with a writable HOME, publishes on loopback', () => {
    const spec = buildRunSpec(ws, hugo());
    assert.equal(spec.create.User, '1000:1000');
    assert.equal(spec.create.WorkingDir, '/workspace');
    assert.ok(spec.create.Env.includes('HOME=/tmp'));
    assert.deepEqual(spec.create.HostConfig.Mounts[0], { Type: 'bind', Source: '/home/me/site', Target: '/workspace' });
    assert.deepEqual(spec.create.HostConfig.PortBindings, { '1313/tcp': [{ HostIp: '127.0.0.1', HostPort: '1313' }] });
    assert.deepEqual(spec.published, [{ host: 1313, container: 1313, protocol: 'tcp', address: '127.0.0.1' }]);
    assert.equal(spec.create.HostConfig.Init, true);
    assert.equal(spec.create.Labels['berth.managed'], 'true');
    assert.equal(spec.create.Labels['berth.workspace'], '/home/me/site');
    assert.deepEqual(spec.create.Cmd, ['hugo', 'server', '--bind', '0.0.0.0', '-w']);
  });
  it('takes any folder path as it is: spaces, colons, quotes and non-ASCII letters', () => {
    const folder = `/home/me/my "site": été's`;
    const spec = buildRunSpec({ ...ws, folder, name: `my "site": été's` }, hugo());
    assert.equal(spec.create.HostConfig.Mounts[0].Source, folder);
    assert.match(spec.name, /^berth-[A-Za-z0-9][A-Za-z0-9_.-]*-[0-9a-f]{8}$/);
  });
  it('names containers per folder', () => {
    assert.notEqual(containerName({ ...ws, folder: '/a/site' }), containerName({ ...ws, folder: '/b/site' }));
    assert.match(containerName({ ...ws, name: '---' }), /^berth-workspace-/);
  });
  it('mounts the toolchain caches and points the tool at them', () => {
    const spec = buildRunSpec(ws, presetConfig('go', files({})));
    assert.deepEqual(
      spec.caches.map((c) => c.volume),
      ['berth-cache-go-mod-1000', 'berth-cache-go-build-1000'],
    );
    assert.ok(
      spec.create.HostConfig.Mounts.some(
        (m) => m.Type === 'volume' && m.Source === 'berth-cache-go-mod-1000' && m.Target === '/cache/go-mod',
      ),
    );
    assert.ok(spec.create.Env.includes('GOMODCACHE=/cache/go-mod'));
    const without = buildRunSpec(ws, { ...presetConfig('go', files({})), caches: false });
    assert.equal(without.create.HostConfig.Mounts.length, 1);
    assert.ok(!without.create.Env.some((e) => e.startsWith('GOMODCACHE=')));
  });
  it('publishes on 0.0.0.0 on request, and nothing on host or no network', () => {
    assert.equal(buildRunSpec(ws, { ...hugo(), bindAddress: '0.0.0.0' }).create.HostConfig.PortBindings['1313/tcp'][0].HostIp, '0.0.0.0');
    for (const network of ['host', 'none']) {
      const spec = buildRunSpec(ws, { ...hugo(), network });
      assert.deepEqual(spec.create.HostConfig.PortBindings, {}, network);
      assert.deepEqual(spec.published, [], network);
      assert.equal(spec.create.HostConfig.NetworkMode, network);
    }
  });
  it('runs as a named user or the image default when asked, and leaves ownership to the engine without host ids', () => {
    assert.equal(buildRunSpec(ws, { ...hugo(), user: 'root' }).create.User, 'root');
    assert.equal(buildRunSpec(ws, { ...hugo(), user: '' }).create.User, undefined);
    assert.equal(buildRunSpec({ folder: 'C:\\site', name: 'site' }, hugo()).create.User, undefined);
  });
  it('converts limits and lets env override the preset', () => {
    const spec = buildRunSpec(ws, { ...presetConfig('go', files({})), memory: '512m', cpus: 1.5, env: { GOCACHE: '/elsewhere' } });
    assert.equal(spec.create.HostConfig.Memory, 512 * 1024 * 1024);
    assert.equal(spec.create.HostConfig.NanoCpus, 1_500_000_000);
    assert.ok(spec.create.Env.includes('GOCACHE=/elsewhere'));
    assert.equal(memoryBytes('2g'), 2 * 1024 ** 3);
    assert.throws(() => memoryBytes('much'));
  });
  it('refuses what cannot run, before anything is created', () => {
    assert.deepEqual(validate({ ...hugo(), image: '', command: [] }), [
      'No image is set: choose a toolchain or set image.',
      'No command is set.',
    ]);
    assert.match(
      validate({
        ...hugo(),
        ports: [
          { container: 80, host: 8080, protocol: 'tcp' },
          { container: 81, host: 8080, protocol: 'tcp' },
        ],
      })[0],
      /8080\/tcp is published twice/,
    );
    assert.throws(() => buildRunSpec(ws, { ...hugo(), mountTarget: 'relative' }), /absolute/);
  });
});
