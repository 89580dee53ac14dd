/**
 * "A Dockerfile → build it and run it": the ports a Dockerfile EXPOSEs, how a build is chosen
 * and configured, its run spec, and the build context sent to the engine (real files on disk).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { extract, type Headers } from 'tar-stream';
import { dockerfileConfig, parseRunConfig, serializeRunConfig } from '../../src/devenv/config';
import { defaultImageTag, exposedPorts, findDockerfile, stageNames } from '../../src/devenv/dockerfileRun';
import { resolveRunConfig } from '../../src/devenv/resolve';
import { buildRunSpec, validate, type Workspace } from '../../src/devenv/spec';
import { contextEntries, packContext } from '../../src/engine/buildContext';

const files = (map: Record<string, string>) => ({
  entries: Object.keys(map).map((k) => k.split('/')[0]),
  read: (name: string) => map[name],
});
const ws: Workspace = { folder: '/home/me/My App', name: 'My App', uid: 1000, gid: 1000 };

describe('exposedPorts', () => {
  it('publishes what the last stage and the stages it builds on EXPOSE', () => {
    const text = 'FROM busybox AS base\nEXPOSE 9000\nFROM golang AS build\nEXPOSE 7000\nFROM base\nEXPOSE 8080 53/udp 8443/tcp\n';
    assert.deepEqual(exposedPorts(text), [
      { container: 9000, protocol: 'tcp' },
      { container: 8080, protocol: 'tcp' },
      { container: 53, protocol: 'udp' },
      { container: 8443, protocol: 'tcp' },
    ]);
    assert.deepEqual(exposedPorts(text, 'BUILD'), [{ container: 7000, protocol: 'tcp' }]);
    assert.deepEqual(exposedPorts(text, 'nope'), []);
  });
  it('expands ARG and ENV values, build arguments first, and leaves out what stays unknown', () => {
    const text = 'ARG BASE=alpine\nFROM $BASE\nARG PORT=3000\nENV ADMIN=1${PORT}\nEXPOSE $PORT ${ADMIN} ${UNSET} "5000"\n';
    assert.deepEqual(
      exposedPorts(text).map((p) => p.container),
      [3000, 13000, 5000],
    );
    assert.deepEqual(
      exposedPorts(text, undefined, { PORT: '4000' }).map((p) => p.container),
      [4000, 14000, 5000],
    );
  });
  it('takes the first port of a range, skips sctp and duplicates, and never throws on junk', () => {
    assert.deepEqual(exposedPorts('FROM x\nEXPOSE 8000-8010 8000 1/sctp 0 99999 abc\n'), [{ container: 8000, protocol: 'tcp' }]);
    assert.deepEqual(exposedPorts(''), []);
    assert.deepEqual(exposedPorts('EXPOSE 80\n'), []);
  });
  it('names an image after its folder in the lower case repositories need', () => {
    assert.equal(defaultImageTag('/home/me/My Ünïcode App'), 'my-unicode-app:latest');
    assert.equal(defaultImageTag('C:\\work\\.hidden_'), 'hidden:latest');
    assert.equal(defaultImageTag('/'), 'image:latest');
  });
  it('finds the Dockerfile by the names builders pick up, and lists stage names', () => {
    assert.equal(
      findDockerfile((n) => (n === 'Containerfile' ? '' : undefined)),
      'Containerfile',
    );
    assert.equal(
      findDockerfile(() => undefined),
      undefined,
    );
    assert.deepEqual(stageNames('FROM a AS one\nFROM b\nFROM c as Two\n'), ['one', 'Two']);
  });
});

describe('choosing a build', () => {
  const dockerfile = 'FROM busybox:local\nEXPOSE 8080\nCMD ["httpd", "-f"]\n';
  it('builds a folder whose only recognisable file is a Dockerfile, as built: no mount, its own user and command', () => {
    const resolved = resolveRunConfig(files({ Dockerfile: dockerfile }), 'app');
    assert.ok(!('error' in resolved), JSON.stringify(resolved));
    assert.equal(resolved.source, 'preset dockerfile');
    const { config } = resolved;
    assert.deepEqual(config.build, { dockerfile: 'Dockerfile', context: '.', args: {} });
    assert.deepEqual(config.ports, [{ container: 8080, protocol: 'tcp' }]);
    assert.deepEqual([config.mount, config.user, config.command, config.image, config.caches], [false, '', [], '', false]);
  });
  it('runs a Go module as Go even when it ships a Dockerfile, unless asked to build', () => {
    const folder = files({ 'go.mod': 'module x\n', Dockerfile: dockerfile });
    const go = resolveRunConfig(folder, 'app');
    assert.ok(!('error' in go) && go.config.toolchain === 'go' && go.config.build === undefined);
    const built = resolveRunConfig(folder, 'app', { toolchain: 'dockerfile' });
    assert.ok(!('error' in built) && built.config.build?.dockerfile === 'Dockerfile');
  });
  it('an image given with a lone Dockerfile runs that image, without building', () => {
    const resolved = resolveRunConfig(files({ Dockerfile: dockerfile }), 'app', { image: 'busybox:local' });
    assert.ok(!('error' in resolved) && resolved.config.build === undefined && resolved.config.image === 'busybox:local');
  });
  it('reads build settings from .berth.yaml and takes the ports from the stage it builds', () => {
    const yaml =
      'run:\n  build:\n    dockerfile: docker/Dev.Dockerfile\n    target: dev\n    args: {PORT: 7000}\n  mount: true\n  user: host\n';
    const text = 'FROM a AS dev\nARG PORT=1\nEXPOSE $PORT\nFROM a\nEXPOSE 80\n';
    const resolved = resolveRunConfig(files({ '.berth.yaml': yaml, 'docker/Dev.Dockerfile': text }), 'app');
    assert.ok(!('error' in resolved), JSON.stringify(resolved));
    assert.deepEqual(resolved.notes, []);
    assert.equal(resolved.config.toolchain, 'dockerfile');
    assert.deepEqual(resolved.config.build, { dockerfile: 'docker/Dev.Dockerfile', context: '.', target: 'dev', args: { PORT: '7000' } });
    assert.deepEqual(resolved.config.ports, [{ container: 7000, protocol: 'tcp' }]);
    assert.deepEqual([resolved.config.mount, resolved.config.user], [true, 'host']);
  });
  it('a devcontainer.json with a build mounts the workspace, as Dev Containers do', () => {
    const resolved = resolveRunConfig(
      files({
        '.devcontainer/devcontainer.json': '{"build": {"dockerfile": "Dockerfile"}, "forwardPorts": [3000]}',
        '.devcontainer/Dockerfile': dockerfile,
      }),
      'app',
    );
    assert.ok(!('error' in resolved), JSON.stringify(resolved));
    assert.deepEqual(resolved.config.build, { dockerfile: '.devcontainer/Dockerfile', context: '.devcontainer', args: {} });
    assert.deepEqual(
      [resolved.config.mount, resolved.config.command, resolved.config.ports.map((p) => p.container)],
      [true, ['sh'], [3000]],
    );
  });
  it('says what is missing when asked to build a folder without a Dockerfile', () => {
    const resolved = resolveRunConfig(files({ 'README.md': '' }), 'app', { toolchain: 'dockerfile' });
    assert.ok('error' in resolved);
    assert.match(resolved.error, /has none \(Dockerfile, Containerfile\)/);
  });
  it('reports bad build settings and keeps the rest', () => {
    const { config, problems } = parseRunConfig('run:\n  build: {dockerfile: 5, context: "", nope: 1, args: [1]}\n  mount: maybe\n');
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.deepEqual(config.build, {});
    assert.deepEqual(parseRunConfig('build: Containerfile\n').config.build, { dockerfile: 'Containerfile' });
  });
  it('BuildKit settings: platform, pull, secrets from files and variables, ssh; and what is wrong with bad ones', () => {
    const { config, problems } = parseRunConfig(
      'run:\n  build:\n    platform: linux/arm64\n    pull: true\n    secrets: { npm: .npmrc, token: { env: TOKEN } }\n    ssh: true\n',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(config.build, {
      platform: 'linux/arm64',
      pull: true,
      secrets: { npm: '.npmrc', token: { env: 'TOKEN' } },
      ssh: ['default'],
    });
    const bad = parseRunConfig('run:\n  build: { pull: yes-please, secrets: [a], ssh: "my agent" }\n');
    assert.deepEqual(bad.problems, [
      'line 2: build.pull must be true or false',
      'line 2: build.secrets must be a mapping of id: file path, or id: { env: VARIABLE }',
      'line 2: build.ssh must be true (the default agent) or a list of ids such as [default]',
    ]);
    const spec = buildRunSpec(ws, {
      ...dockerfileConfig(() => 'FROM busybox\n', { secrets: { npm: '.npmrc', token: { env: 'TOKEN' } }, ssh: ['default'] }),
    });
    assert.deepEqual(spec.build?.secrets, [
      { id: 'npm', file: '/home/me/My App/.npmrc' },
      { id: 'token', env: 'TOKEN' },
    ]);
    assert.deepEqual(spec.build?.ssh, [{ id: 'default', sockets: [] }]);
  });
  it('round-trips a build through .berth.yaml', () => {
    const config = {
      ...dockerfileConfig((n) => (n === 'Dockerfile' ? dockerfile : undefined), {
        target: 'prod',
        args: { A: 'b c' },
        platform: 'linux/arm64',
        secrets: { npm: '.npmrc', token: { env: 'TOKEN' } },
        ssh: ['default'],
      }),
      ports: [{ container: 8080, host: 9090, protocol: 'tcp' as const }],
    };
    const again = resolveRunConfig(files({ '.berth.yaml': serializeRunConfig(config), Dockerfile: dockerfile }), 'app');
    assert.ok(!('error' in again));
    assert.deepEqual(again.config, config);
  });
});

describe('a build run spec', () => {
  const config = dockerfileConfig((n) => (n === 'Dockerfile' ? 'FROM x\nEXPOSE 8080\n' : undefined));
  it('builds under a lower-case tag per folder and runs the image as built', () => {
    const spec = buildRunSpec(ws, config);
    assert.match(spec.build!.tag, /^berth-my-app-[0-9a-f]{8}:latest$/);
    assert.deepEqual(
      { ...spec.build, tag: undefined },
      {
        context: '/home/me/My App',
        dockerfile: 'Dockerfile',
        tag: undefined,
        args: {},
        labels: { 'berth.managed': 'true', 'berth.workspace': '/home/me/My App' },
      },
    );
    assert.equal(spec.create.Image, spec.build!.tag);
    assert.equal(spec.create.Cmd, undefined);
    assert.equal(spec.create.User, undefined);
    assert.equal(spec.create.WorkingDir, '');
    assert.deepEqual(spec.create.HostConfig.Mounts, []);
    assert.ok(!spec.create.Env.some((e) => e.startsWith('HOME=')));
    assert.deepEqual(spec.create.HostConfig.PortBindings, { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
  });
  it('keeps a chosen tag, resolves paths against the folder, and mounts and runs as the user on request', () => {
    const spec = buildRunSpec(ws, {
      ...config,
      image: 'me/app:dev',
      mount: true,
      user: 'host',
      build: { dockerfile: 'ops/Dockerfile', context: 'ops', args: {} },
    });
    assert.deepEqual([spec.build!.tag, spec.build!.context, spec.build!.dockerfile], ['me/app:dev', '/home/me/My App/ops', 'Dockerfile']);
    assert.equal(spec.create.User, '1000:1000');
    assert.equal(spec.create.WorkingDir, '/workspace');
    assert.deepEqual(spec.create.HostConfig.Mounts, [{ Type: 'bind', Source: '/home/me/My App', Target: '/workspace' }]);
  });
  it('refuses a Dockerfile outside its build context', () => {
    assert.match(
      validate({ ...config, build: { dockerfile: 'Dockerfile', context: 'sub', args: {} } }).join(' '),
      /must be inside the build context/,
    );
    assert.deepEqual(validate(config), []);
  });
});

describe('the build context', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'berth context '));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (rel: string, text = rel) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  write('Dockerfile', 'FROM x\n');
  write('src/main.go');
  write('src/main_test.go');
  write('node_modules/a/index.js');
  write('logs/keep.log');
  write('logs/drop.log');
  write('.git/HEAD');
  write('ünïcode dir/file name.txt');
  symlinkSync('src/main.go', path.join(root, 'link'));
  write('.dockerignore', ['# comment', 'node_modules', '.git', '**/*_test.go', 'logs', '!logs/keep.log', 'Dockerfile', ''].join('\n'));

  it('leaves out what .dockerignore excludes, with exceptions, and always sends the Dockerfile', async () => {
    const { entries, ignored } = await contextEntries(root, 'Dockerfile');
    assert.deepEqual(
      [...entries].sort(),
      ['.dockerignore', 'Dockerfile', 'link', 'logs/keep.log', 'src', 'src/main.go', 'ünïcode dir', 'ünïcode dir/file name.txt'].sort(),
    );
    assert.equal(ignored, 4);
  });
  it('sends the folder as a tar stream owned by root, symlinks as links', async () => {
    const { entries } = await contextEntries(root, 'Dockerfile');
    const seen = new Map<string, Headers>();
    await new Promise<void>((resolve, reject) => {
      const tar = extract();
      tar.on('entry', (header, stream, next) => {
        seen.set(header.name, header);
        stream.on('end', next);
        stream.resume();
      });
      tar.on('finish', resolve);
      tar.on('error', reject);
      packContext(root, entries).pipe(tar);
    });
    assert.deepEqual([...seen.keys()].sort(), [...entries].sort());
    for (const header of seen.values()) assert.deepEqual([header.uid, header.gid], [0, 0], header.name);
    assert.equal(seen.get('link')?.type, 'symlink');
    assert.equal(seen.get('link')?.linkname, 'src/main.go');
    assert.equal(seen.get('src')?.type, 'directory');
  });
});

describe('the build context of a Dockerfile with its own ignore file', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'berth context '));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (rel: string, text = rel) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  write('docker/app.Dockerfile', 'FROM x\n');
  write('docker/app.Dockerfile.dockerignore', 'web\n*.Dockerfile.dockerignore\n');
  write('docker/web.Dockerfile', 'FROM x\n');
  write('.dockerignore', 'api\n');
  write('api/main.go');
  write('web/index.html');

  it('uses <Dockerfile>.dockerignore beside the Dockerfile over the context root .dockerignore, as BuildKit does', async () => {
    const { entries } = await contextEntries(root, 'docker/app.Dockerfile');
    assert.ok(entries.includes('api/main.go'), 'the root .dockerignore does not apply');
    assert.ok(!entries.includes('web/index.html'), 'the Dockerfile-specific file applies');
    // Sent although it excludes itself, so a builder on the engine's side reads the same patterns.
    assert.ok(entries.includes('docker/app.Dockerfile.dockerignore'));
  });
  it('falls back to the context root .dockerignore for a Dockerfile without one', async () => {
    const { entries } = await contextEntries(root, 'docker/web.Dockerfile');
    assert.ok(!entries.includes('api/main.go'));
    assert.ok(entries.includes('web/index.html'));
  });
});
