/**
 * Registry credentials from a temporary HOME's ~/.docker/config.json, with real credential-helper
 * processes: small scripts named docker-credential-<name> on a temporary PATH that answer the way
 * the real helpers do (JSON on stdout, "credentials not found" with exit 1).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  DOCKER_HUB_SERVER,
  RegistryAuthError,
  findCredentials,
  hostOf,
  isDockerHub,
  registryOf,
  requireCredentials,
} from '../../src/engine/registryAuth';

const temps: string[] = [];
after(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A HOME with this config.json, a bin/ for helpers, and the env to use them. */
function home(config: unknown | string | undefined, helpers: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-auth-'));
  temps.push(dir);
  if (config !== undefined) {
    fs.mkdirSync(path.join(dir, '.docker'));
    fs.writeFileSync(path.join(dir, '.docker/config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  }
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const [name, script] of Object.entries(helpers)) {
    fs.writeFileSync(path.join(bin, `docker-credential-${name}`), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  }
  const env = { HOME: dir, PATH: `${bin}:/usr/bin:/bin` };
  return { dir, env, log: path.join(dir, 'helper.log') };
}

/** A helper that logs its argv and stdin, then answers for one server address. */
function helperFor(logFile: string, server: string, username: string, secret: string): string {
  return [
    'input=$(cat)',
    `printf '%s|%s\\n' "$*" "$input" >> '${logFile}'`,
    `if [ "$input" = '${server}' ]; then`,
    `  printf '{"ServerURL":"%s","Username":"${username}","Secret":"${secret}"}' "$input"`,
    'else',
    '  echo "credentials not found in native keychain"; exit 1',
    'fi',
  ].join('\n');
}

describe('registry names', () => {
  it('Docker Hub has many names', () => {
    for (const name of ['docker.io', 'index.docker.io', 'https://index.docker.io/v1/', 'registry-1.docker.io', 'HTTPS://Docker.IO']) {
      assert.ok(isDockerHub(name), name);
    }
    assert.ok(!isDockerHub('ghcr.io'));
    assert.ok(!isDockerHub('docker.example.com'));
  });

  it('the registry of an image reference', () => {
    assert.equal(registryOf('node:20'), 'docker.io');
    assert.equal(registryOf('me/app'), 'docker.io');
    assert.equal(registryOf('docker.io/me/app:1'), 'docker.io');
    assert.equal(registryOf('index.docker.io/library/node'), 'docker.io');
    assert.equal(registryOf('ghcr.io/me/app:1'), 'ghcr.io');
    assert.equal(registryOf('localhost:5000/app'), 'localhost:5000');
    assert.equal(registryOf('Registry.Example.com:443/team/app@sha256:' + '0'.repeat(64)), 'registry.example.com:443');
  });

  it('hostOf drops the scheme and path of a server address', () => {
    assert.equal(hostOf('https://registry.example.com:5000/v2/'), 'registry.example.com:5000');
    assert.equal(hostOf('ghcr.io'), 'ghcr.io');
  });
});

describe('auths in config.json', () => {
  it('decodes base64 user:password, keeping colons in the password', async () => {
    const { env } = home({ auths: { 'ghcr.io': { auth: b64('me:pa:ss') } } });
    assert.deepEqual(await findCredentials('ghcr.io/me/app:1', { env }), { username: 'me', password: 'pa:ss', serveraddress: 'ghcr.io' });
  });

  it('matches keys written as URLs with a path', async () => {
    const { env } = home({ auths: { 'https://registry.example.com:5000/v1/': { auth: b64('u:p') } } });
    const auth = await findCredentials('registry.example.com:5000/team/app', { env });
    assert.equal(auth?.username, 'u');
    assert.equal(auth?.password, 'p');
  });

  it('finds Docker Hub credentials stored under any of its names', async () => {
    for (const key of [DOCKER_HUB_SERVER, 'docker.io', 'index.docker.io', 'https://index.docker.io/v1']) {
      const { env } = home({ auths: { [key]: { auth: b64('hubuser:hubpass') } } });
      for (const ref of ['node', 'me/app:2', 'docker.io/me/app', 'index.docker.io/me/app']) {
        const auth = await findCredentials(ref, { env });
        assert.equal(auth?.username, 'hubuser', `${key} for ${ref}`);
        assert.equal(auth?.serveraddress, DOCKER_HUB_SERVER);
      }
    }
  });

  it('does not hand one registry the credentials of another', async () => {
    const { env } = home({ auths: { 'ghcr.io': { auth: b64('me:secret') } } });
    assert.equal(await findCredentials('node:20', { env }), undefined);
    assert.equal(await findCredentials('ghcr.io.evil.example/app', { env }), undefined);
  });

  it('passes identity tokens through', async () => {
    const { env } = home({ auths: { 'myacr.azurecr.io': { identitytoken: 'tok' } } });
    assert.deepEqual(await findCredentials('myacr.azurecr.io/app', { env }), {
      identitytoken: 'tok',
      username: undefined,
      serveraddress: 'myacr.azurecr.io',
    });
  });

  it('honours DOCKER_CONFIG over HOME', async () => {
    const { dir, env } = home(undefined);
    const other = path.join(dir, 'elsewhere');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: b64('a:b') } } }));
    assert.equal((await findCredentials('ghcr.io/x', { env: { ...env, DOCKER_CONFIG: other } }))?.username, 'a');
  });
});

describe('credential helpers', () => {
  it('credsStore: runs docker-credential-<store> get with the Hub server address on stdin', async () => {
    const h = home({ auths: { [DOCKER_HUB_SERVER]: {} }, credsStore: 'fake' });
    fs.writeFileSync(
      path.join(h.dir, 'bin/docker-credential-fake'),
      `#!/bin/sh\n${helperFor(h.log, DOCKER_HUB_SERVER, 'storeuser', 's3cret')}\n`,
      { mode: 0o755 },
    );
    assert.deepEqual(await findCredentials('me/app:1', { env: h.env }), {
      username: 'storeuser',
      password: 's3cret',
      serveraddress: DOCKER_HUB_SERVER,
    });
    assert.equal(fs.readFileSync(h.log, 'utf8'), `get|${DOCKER_HUB_SERVER}\n`);
  });

  it('credHelpers wins over credsStore for its registry; the host goes on stdin', async () => {
    const h = home({ credsStore: 'store', credHelpers: { 'gcr.io': 'gcloud' } });
    fs.writeFileSync(
      path.join(h.dir, 'bin/docker-credential-gcloud'),
      `#!/bin/sh\n${helperFor(h.log, 'gcr.io', 'oauth2accesstoken', 'ya29')}\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(h.dir, 'bin/docker-credential-store'), '#!/bin/sh\necho store >> ' + `'${h.log}'` + '\nexit 1\n', {
      mode: 0o755,
    });
    const auth = await findCredentials('gcr.io/project/app:1', { env: h.env });
    assert.equal(auth?.password, 'ya29');
    assert.equal(fs.readFileSync(h.log, 'utf8'), 'get|gcr.io\n');
  });

  it('a helper answering <token> gives an identity token', async () => {
    const h = home({ credHelpers: { 'example.azurecr.io': 'acr' } });
    fs.writeFileSync(
      path.join(h.dir, 'bin/docker-credential-acr'),
      `#!/bin/sh\n${helperFor(h.log, 'example.azurecr.io', '<token>', 'refresh')}\n`,
      { mode: 0o755 },
    );
    assert.deepEqual(await findCredentials('example.azurecr.io/app', { env: h.env }), {
      identitytoken: 'refresh',
      serveraddress: 'example.azurecr.io',
    });
  });

  it('"credentials not found" from the store falls back to auths, then to none', async () => {
    const h = home({ credsStore: 'fake', auths: { 'ghcr.io': { auth: b64('plain:text') } } });
    fs.writeFileSync(path.join(h.dir, 'bin/docker-credential-fake'), `#!/bin/sh\n${helperFor(h.log, 'nothing-here', 'x', 'y')}\n`, {
      mode: 0o755,
    });
    assert.equal((await findCredentials('ghcr.io/me/app', { env: h.env }))?.username, 'plain');
    assert.equal(await findCredentials('quay.io/me/app', { env: h.env }), undefined);
  });

  it('a missing helper is an error naming the program', async () => {
    const { env } = home({ credsStore: 'nonexistent' });
    await assert.rejects(findCredentials('node', { env }), (error: unknown) => {
      assert.ok(error instanceof RegistryAuthError);
      assert.equal(error.kind, 'helper-missing');
      assert.match(error.message, /docker-credential-nonexistent is not installed/);
      return true;
    });
  });

  it('a failing helper is an error with what it said', async () => {
    const { env } = home({ credHelpers: { 'ghcr.io': 'broken' } }, { broken: 'cat >/dev/null; echo "keyring is locked" >&2; exit 3' });
    await assert.rejects(findCredentials('ghcr.io/a/b', { env }), /docker-credential-broken get failed \(exit 3\): keyring is locked/);
  });

  it('names from the config are never run through a shell', async () => {
    const h = home({ credsStore: 'x; touch pwned' });
    await assert.rejects(findCredentials('node', { env: h.env }), RegistryAuthError);
    assert.ok(!fs.existsSync(path.join(process.cwd(), 'pwned')));
    assert.ok(!fs.existsSync(path.join(h.dir, 'pwned')));
  });

  it('a helper name that is a path is refused, not run', async () => {
    const h = home({ credsStore: '../../bin/sh' });
    await assert.rejects(findCredentials('node', { env: h.env }), /is not a plain program name/);
  });
});

describe('no credentials, broken config', () => {
  it('requireCredentials says which registry and what to run', async () => {
    const { env } = home({ auths: {} });
    await assert.rejects(requireCredentials('localhost:5000/app:1', { env }), (error: unknown) => {
      assert.ok(error instanceof RegistryAuthError);
      assert.equal(error.kind, 'no-credentials');
      assert.equal(error.registry, 'localhost:5000');
      assert.equal(error.message, 'no credentials for registry localhost:5000: run docker login localhost:5000');
      return true;
    });
    await assert.rejects(requireCredentials('me/app', { env }), /no credentials for registry docker.io: run docker login$/);
  });

  it('no config file at all is no credentials, not an error', async () => {
    const { env } = home(undefined);
    assert.equal(await findCredentials('node', { env }), undefined);
  });

  it('a config that is not JSON is an error naming the file', async () => {
    const { dir, env } = home('{ "auths": ');
    await assert.rejects(findCredentials('node', { env }), (error: unknown) => {
      assert.ok(error instanceof RegistryAuthError);
      assert.equal(error.kind, 'bad-config');
      assert.ok(error.message.includes(path.join(dir, '.docker/config.json')));
      return true;
    });
  });
});
