import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { listContexts, nodeDeps, parseHost, resolveEndpoint, type EndpointDeps } from '../../src/engine/endpoint';
import { EngineError } from '../../src/engine/types';

const homes: string[] = [];
after(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

/** A temporary HOME with the real file system; `sockets` are the paths that "exist" outside it. */
function world(env: Record<string, string> = {}, sockets: string[] = ['/var/run/docker.sock']): EndpointDeps & { home: string } {
  const home = mkdtempSync(join(tmpdir(), 'berth-endpoint-'));
  homes.push(home);
  const real = nodeDeps();
  return {
    ...real,
    env,
    home,
    exists: (p) => (p.startsWith(home) ? real.exists(p) : sockets.includes(p)),
  };
}

function writeContext(
  home: string,
  name: string,
  host: string,
  opts: { skipTLSVerify?: boolean; tls?: Record<string, string>; description?: string } = {},
): string {
  const digest = createHash('sha256').update(name).digest('hex');
  const meta = join(home, '.docker', 'contexts', 'meta', digest);
  mkdirSync(meta, { recursive: true });
  writeFileSync(
    join(meta, 'meta.json'),
    JSON.stringify({
      Name: name,
      Metadata: { Description: opts.description ?? '' },
      Endpoints: { docker: { Host: host, SkipTLSVerify: opts.skipTLSVerify ?? false } },
    }),
  );
  if (opts.tls) {
    const dir = join(home, '.docker', 'contexts', 'tls', digest, 'docker');
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(opts.tls)) writeFileSync(join(dir, file), text);
  }
  return digest;
}

function writeConfig(home: string, config: unknown): void {
  mkdirSync(join(home, '.docker'), { recursive: true });
  writeFileSync(join(home, '.docker', 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
}

const throwsKind = (fn: () => unknown, kind: string, pattern: RegExp) =>
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof EngineError, `expected an EngineError, got ${err}`);
    assert.equal(err.kind, kind);
    assert.match(err.message, pattern);
    assert.ok(err.hint && err.hint.length > 10, 'has a hint');
    return true;
  });

describe('parseHost', () => {
  it('reads unix, tcp, ssh and npipe addresses', () => {
    assert.deepEqual(parseHost('unix:///run/x.sock', 'setting'), {
      kind: 'unix',
      socketPath: '/run/x.sock',
      display: 'unix:///run/x.sock',
      source: 'setting',
    });
    assert.deepEqual(parseHost('tcp://10.0.0.2:2376', 'DOCKER_HOST'), {
      kind: 'tcp',
      host: '10.0.0.2',
      port: 2376,
      display: 'tcp://10.0.0.2:2376',
      source: 'DOCKER_HOST',
    });
    assert.deepEqual(parseHost('ssh://me@box.example:2222', 'DOCKER_HOST'), {
      kind: 'ssh',
      host: 'box.example',
      port: 2222,
      user: 'me',
      display: 'ssh://me@box.example:2222',
      source: 'DOCKER_HOST',
    });
    assert.deepEqual(parseHost('ssh://box', 'x'), { kind: 'ssh', host: 'box', display: 'ssh://box', source: 'x' });
    assert.equal(parseHost('npipe:////./pipe/docker_engine', 'x').socketPath, '//./pipe/docker_engine');
    assert.equal(parseHost('box:2375', 'x').kind, 'tcp');
    assert.equal(parseHost('tcp://[::1]:2375', 'x').host, '::1');
  });

  it('refuses malformed addresses with the reason', () => {
    throwsKind(() => parseHost('unix://relative.sock', 'DOCKER_HOST'), 'api', /DOCKER_HOST.*absolute/);
    throwsKind(() => parseHost('ftp://box', 'DOCKER_HOST'), 'api', /unsupported scheme "ftp/);
    throwsKind(() => parseHost('tcp://', 'DOCKER_HOST'), 'api', /DOCKER_HOST/);
    throwsKind(() => parseHost('ssh://box/some/path', 'setting'), 'api', /berth\.docker\.host.*path/);
    throwsKind(() => parseHost('ssh://-oProxyCommand=x@box', 'setting'), 'api', /must not start with "-"/);
    throwsKind(() => parseHost('tcp://box:99999', 'DOCKER_HOST'), 'api', /DOCKER_HOST/);
    throwsKind(() => parseHost('  ', 'DOCKER_HOST'), 'api', /empty/);
  });
});

describe('resolveEndpoint', () => {
  it('prefers the setting over DOCKER_HOST over contexts', () => {
    const w = world({ DOCKER_HOST: 'tcp://from-env:2375', DOCKER_CONTEXT: 'nope' });
    assert.equal(resolveEndpoint('unix:///tmp/mine.sock', w).display, 'unix:///tmp/mine.sock');
    const env = resolveEndpoint('', w);
    assert.equal(env.source, 'DOCKER_HOST');
    assert.equal(env.host, 'from-env');
  });

  it('gives tcp the default ports and reads TLS material from DOCKER_CERT_PATH', () => {
    const w = world({ DOCKER_HOST: 'tcp://box' });
    assert.equal(resolveEndpoint(undefined, w).port, 2375);
    const certs = join(w.home, 'certs');
    mkdirSync(certs);
    writeFileSync(join(certs, 'ca.pem'), 'CA');
    writeFileSync(join(certs, 'cert.pem'), 'CERT');
    writeFileSync(join(certs, 'key.pem'), 'KEY');
    const tls = resolveEndpoint(undefined, { ...w, env: { DOCKER_HOST: 'tcp://box', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs } });
    assert.equal(tls.port, 2376);
    assert.deepEqual(tls.tls, { ca: 'CA', cert: 'CERT', key: 'KEY', verify: true });
  });

  it('reads TLS material from ~/.docker by default and says which file it cannot read', () => {
    const w = world({ DOCKER_HOST: 'tcp://box:2376', DOCKER_TLS_VERIFY: '1' });
    throwsKind(() => resolveEndpoint(undefined, w), 'tls', new RegExp(`${join(w.home, '.docker', 'ca.pem')}.*ENOENT`));
    mkdirSync(join(w.home, '.docker'));
    writeFileSync(join(w.home, '.docker', 'ca.pem'), 'CA');
    writeFileSync(join(w.home, '.docker', 'cert.pem'), 'CERT');
    throwsKind(() => resolveEndpoint(undefined, w), 'tls', /key\.pem is missing/);
    writeFileSync(join(w.home, '.docker', 'key.pem'), 'KEY');
    assert.equal(resolveEndpoint(undefined, w).tls?.key, 'KEY');
  });

  it('names an unreadable TLS file (EISDIR stands in for EACCES, which root bypasses)', () => {
    const w = world({ DOCKER_HOST: 'tcp://box:2376', DOCKER_TLS_VERIFY: '1' });
    mkdirSync(join(w.home, '.docker', 'ca.pem'), { recursive: true });
    throwsKind(() => resolveEndpoint(undefined, w), 'tls', /ca\.pem.*EISDIR/);
  });

  it('refuses a malformed DOCKER_HOST clearly', () => {
    throwsKind(() => resolveEndpoint(undefined, world({ DOCKER_HOST: 'unix://' })), 'api', /DOCKER_HOST is not a valid engine address/);
  });

  it('uses DOCKER_CONTEXT, with the context endpoint and its TLS material', () => {
    const w = world({ DOCKER_CONTEXT: 'remote' });
    writeContext(w.home, 'remote', 'tcp://remote.example:2376', { tls: { 'ca.pem': 'CA', 'cert.pem': 'C', 'key.pem': 'K' } });
    const e = resolveEndpoint(undefined, w);
    assert.equal(e.source, 'DOCKER_CONTEXT');
    assert.equal(e.context, 'remote');
    assert.equal(e.host, 'remote.example');
    assert.deepEqual(e.tls, { ca: 'CA', cert: 'C', key: 'K', verify: true });
  });

  it('honours SkipTLSVerify in a context', () => {
    const w = world({ DOCKER_CONTEXT: 'lax' });
    writeContext(w.home, 'lax', 'tcp://lax.example', { skipTLSVerify: true });
    const e = resolveEndpoint(undefined, w);
    assert.equal(e.port, 2376);
    assert.deepEqual(e.tls, { verify: false });
  });

  it('uses currentContext from config.json, including ssh endpoints', () => {
    const w = world();
    writeConfig(w.home, { auths: {}, currentContext: 'box' });
    writeContext(w.home, 'box', 'ssh://deploy@box.example:2200');
    const e = resolveEndpoint(undefined, w);
    assert.deepEqual(e, {
      kind: 'ssh',
      host: 'box.example',
      port: 2200,
      user: 'deploy',
      display: 'ssh://deploy@box.example:2200',
      source: 'context',
      context: 'box',
    });
  });

  it('follows DOCKER_CONFIG for the configuration directory', () => {
    const w = world();
    const other = join(w.home, 'elsewhere');
    mkdirSync(join(other, 'contexts', 'meta'), { recursive: true });
    writeFileSync(join(other, 'config.json'), JSON.stringify({ currentContext: 'x' }));
    const digest = createHash('sha256').update('x').digest('hex');
    mkdirSync(join(other, 'contexts', 'meta', digest));
    writeFileSync(
      join(other, 'contexts', 'meta', digest, 'meta.json'),
      JSON.stringify({ Name: 'x', Endpoints: { docker: { Host: 'unix:///x.sock' } } }),
    );
    assert.equal(resolveEndpoint(undefined, { ...w, env: { DOCKER_CONFIG: other } }).socketPath, '/x.sock');
  });

  it('says a context is missing and how to fix it', () => {
    throwsKind(
      () => resolveEndpoint(undefined, world({ DOCKER_CONTEXT: 'gone' })),
      'not-found',
      /context "gone" \(from DOCKER_CONTEXT\) does not exist/,
    );
    const w = world();
    writeConfig(w.home, { currentContext: 'gone' });
    throwsKind(() => resolveEndpoint(undefined, w), 'not-found', /context "gone" \(from currentContext in .*config\.json\)/);
  });

  it('reports a broken config.json instead of guessing', () => {
    const w = world();
    writeConfig(w.home, '{ not json');
    throwsKind(() => resolveEndpoint(undefined, w), 'api', /config\.json is not valid JSON/);
  });

  it('treats DOCKER_CONTEXT=default and currentContext "default" as the local socket', () => {
    const w = world({ DOCKER_CONTEXT: 'default' });
    assert.equal(resolveEndpoint(undefined, w).display, 'unix:///var/run/docker.sock');
    const v = world();
    writeConfig(v.home, { currentContext: 'default' });
    assert.equal(resolveEndpoint(undefined, v).source, 'default');
  });

  it('falls back to rootless, then Podman sockets, by existence', () => {
    const run = '/run/user/1000';
    assert.equal(
      resolveEndpoint(undefined, world({ XDG_RUNTIME_DIR: run }, [`${run}/docker.sock`, `${run}/podman/podman.sock`])).source,
      'rootless',
    );
    const p = resolveEndpoint(undefined, world({ XDG_RUNTIME_DIR: run }, [`${run}/podman/podman.sock`]));
    assert.deepEqual([p.source, p.socketPath], ['podman', `${run}/podman/podman.sock`]);
    assert.equal(resolveEndpoint(undefined, world({}, ['/run/podman/podman.sock'])).socketPath, '/run/podman/podman.sock');
    const none = resolveEndpoint(undefined, world({}, []));
    assert.deepEqual([none.source, none.socketPath], ['default', '/var/run/docker.sock']);
  });
});

describe('listContexts', () => {
  it('lists default and every context, marking the current one', () => {
    const w = world();
    writeConfig(w.home, { currentContext: 'b' });
    writeContext(w.home, 'b', 'ssh://b', { description: 'build box' });
    writeContext(w.home, 'a', 'tcp://a:2375');
    const list = listContexts(w);
    assert.deepEqual(
      list.map((c) => [c.name, c.host, c.current]),
      [
        ['default', 'unix:///var/run/docker.sock', false],
        ['a', 'tcp://a:2375', false],
        ['b', 'ssh://b', true],
      ],
    );
    assert.equal(list[2].description, 'build box');
    assert.equal(listContexts({ ...w, env: { DOCKER_CONTEXT: 'a' } })[1].current, true);
  });

  it('shows a broken context with its error rather than failing the list', () => {
    const w = world();
    const digest = writeContext(w.home, 'ok', 'tcp://ok:2375');
    const broken = join(w.home, '.docker', 'contexts', 'meta', 'f'.repeat(64));
    mkdirSync(broken);
    writeFileSync(join(broken, 'meta.json'), '{');
    chmodSync(join(w.home, '.docker', 'contexts', 'meta', digest, 'meta.json'), 0o644);
    const list = listContexts(w);
    assert.equal(list.length, 3);
    assert.match(list.find((c) => c.error)!.error!, /not valid JSON/);
  });
});
