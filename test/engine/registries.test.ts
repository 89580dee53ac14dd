/**
 * The registry client against real registries on 127.0.0.1 (Debian's docker-registry): open,
 * with Basic authentication (htpasswd) and with Bearer tokens from a token service; catalog,
 * tags with their details, manifests and deletes, each checked against what the engine pushed.
 * And logins: what Berth stores is what the docker CLI uses, and the other way round, through
 * config.json and through a credential helper.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parseRegistryAddress } from '../../src/engine/registry/address';
import { RegistryClient } from '../../src/engine/registry/client';
import { RegistryError } from '../../src/engine/registry/http';
import { platformName } from '../../src/engine/registry/manifest';
import { findCredentials } from '../../src/engine/registryAuth';
import { eraseCredentials, storeCredentials } from '../../src/engine/registryLogin';
import type { Engine } from '../../src/engine/types';
import { IMAGE, LABEL, cleanupLabelled, docker, sharedEngine, uniqueName } from './helpers';
import { registryMissing, startRegistry, TEST_LOGIN, type Registry } from '../fixtures/registry';
import { startTokenService, type TokenService } from '../fixtures/tokenService';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

const execFileP = promisify(execFile);
const LOGIN = { username: TEST_LOGIN.username, password: TEST_LOGIN.password };

before(() => requireTestImage(BUSYBOX_IMAGE));

/** Tags busybox as `ref` and pushes it; resolves with the digest the engine reports. */
async function push(engine: Engine, ref: string, image = IMAGE, auth?: { username: string; password: string }): Promise<string> {
  const slash = ref.lastIndexOf(':');
  await engine.tagImage(image, ref.slice(0, slash), ref.slice(slash + 1));
  let digest = '';
  await engine.pushImage(ref, auth ? { ...auth, serveraddress: ref.split('/')[0]! } : undefined, (e) => {
    const m = /digest: (sha256:[0-9a-f]{64})/.exec(e.status);
    if (m) digest = m[1]!;
  });
  assert.ok(digest, `the push of ${ref} reported its digest`);
  return digest;
}

describe('the registry client on an open registry', { skip: registryMissing() }, () => {
  let registry: Registry;
  let engine: Engine;
  let client: RegistryClient;
  const refs: string[] = [];
  let digest: string;
  let otherImage: string;

  before(async () => {
    registry = await startRegistry();
    engine = sharedEngine();
    client = new RegistryClient(parseRegistryAddress(registry.host));
    // v1 and v2 the same image; v3 another, committed from a container.
    digest = await push(engine, `${registry.host}/team/app:v1`);
    await push(engine, `${registry.host}/team/app:v2`);
    const name = uniqueName('other');
    await docker(['run', '--label', `${LABEL}=1`, '--name', name, IMAGE, 'sh', '-c', 'echo other > /other']);
    otherImage = await engine.commitContainer(name, {});
    await push(engine, `${registry.host}/team/app:v3`, otherImage);
    await push(engine, `${registry.host}/tools:latest`);
    refs.push(
      `${registry.host}/team/app:v1`,
      `${registry.host}/team/app:v2`,
      `${registry.host}/team/app:v3`,
      `${registry.host}/tools:latest`,
    );
  });

  after(async () => {
    for (const ref of refs) await docker(['image', 'rm', ref]).catch(() => undefined);
    if (otherImage) await docker(['image', 'rm', otherImage]).catch(() => undefined);
    await cleanupLabelled();
    engine?.dispose();
    await registry?.stop();
  });

  it('answers the version check without asking for credentials', async () => {
    assert.deepEqual(await client.check(), { auth: 'none', authenticated: false });
  });

  it('lists its repositories from the catalog and each repository’s tags', async () => {
    assert.deepEqual((await client.repositories()).sort(), ['team/app', 'tools']);
    assert.deepEqual((await client.tags('team/app')).sort(), ['v1', 'v2', 'v3']);
  });

  it('a tag’s details: the digest the engine pushed, its size, platform and date', async () => {
    const details = await client.tagDetails('team/app', 'v1');
    assert.equal(details.digest, digest);
    assert.equal(details.kind, 'image');
    const info = JSON.parse(await docker(['image', 'inspect', IMAGE])) as [{ Created: string; Architecture: string; Os: string }];
    assert.deepEqual(details.platforms.map(platformName), [`${info[0].Os}/${info[0].Architecture}`]);
    assert.equal(Date.parse(details.created!), Date.parse(info[0].Created));
    // Compressed layers and the config: smaller than the image unpacked, but not nothing.
    assert.ok(details.size! > 100_000, String(details.size));
  });

  it('reads a manifest as JSON, by tag and by digest', async () => {
    const byTag = await client.manifest('team/app', 'v1');
    assert.equal(byTag.digest, digest);
    assert.equal((byTag.json as { schemaVersion: number }).schemaVersion, 2);
    const byDigest = await client.manifest('team/app', digest);
    assert.deepEqual(byDigest.json, byTag.json);
  });

  it('a missing repository is not-found in the registry’s words', async () => {
    await assert.rejects(client.tags('team/absent'), (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.equal(error.kind, 'not-found');
      assert.match(error.message, /NAME_UNKNOWN/);
      return true;
    });
  });

  it('deleting a tag deletes its manifest, and every tag on that digest goes with it', async () => {
    assert.equal(await client.deleteTag('team/app', 'v1'), digest);
    // v2 was the same image: it goes too; v3 stays.
    assert.deepEqual(await client.tags('team/app'), ['v3']);
    await assert.rejects(
      client.manifest('team/app', 'v2'),
      (error: unknown) => error instanceof RegistryError && error.kind === 'not-found',
    );
  });
});

describe('a registry that does not allow deletes', { skip: registryMissing() }, () => {
  it('says so, with what its administrator can do', async () => {
    const registry = await startRegistry({ deletes: false });
    const engine = sharedEngine();
    const ref = `${registry.host}/team/kept:v1`;
    try {
      await push(engine, ref);
      const client = new RegistryClient(parseRegistryAddress(registry.host));
      await assert.rejects(client.deleteTag('team/kept', 'v1'), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.equal(error.kind, 'unsupported');
        assert.match(error.hint ?? '', /storage\.delete\.enabled/);
        return true;
      });
      assert.deepEqual(await client.tags('team/kept'), ['v1']);
    } finally {
      await docker(['image', 'rm', ref]).catch(() => undefined);
      engine.dispose();
      await registry.stop();
    }
  });
});

for (const auth of ['basic', 'bearer'] as const) {
  describe(`a registry with ${auth === 'basic' ? 'Basic authentication (htpasswd)' : 'Bearer tokens from a token service'}`, {
    skip: registryMissing(),
  }, () => {
    let registry: Registry;
    let tokens: TokenService | undefined;
    let engine: Engine;
    let ref: string;

    before(async () => {
      if (auth === 'bearer') tokens = await startTokenService();
      registry = await startRegistry(auth === 'basic' ? { htpasswd: TEST_LOGIN.htpasswd } : { token: tokens! });
      engine = sharedEngine();
      ref = `${registry.host}/private/app:v1`;
      await push(engine, ref, IMAGE, LOGIN);
    });

    after(async () => {
      await docker(['image', 'rm', ref]).catch(() => undefined);
      engine?.dispose();
      await registry?.stop();
      await tokens?.stop();
    });

    it('announces its authentication, and nothing is listed without credentials', async () => {
      const anonymous = new RegistryClient(parseRegistryAddress(registry.host));
      assert.deepEqual(await anonymous.check(), { auth, authenticated: false });
      await assert.rejects(
        anonymous.tags('private/app'),
        (error: unknown) => error instanceof RegistryError && error.kind === 'unauthorized',
      );
    });

    it('wrong credentials are refused as unauthorized, with what to do', async () => {
      const wrong = new RegistryClient(parseRegistryAddress(registry.host), {
        credentials: async () => ({ username: TEST_LOGIN.username, password: 'wrong' }),
      });
      await assert.rejects(wrong.check(), (error: unknown) => {
        assert.ok(error instanceof RegistryError, String(error));
        assert.equal(error.kind, 'unauthorized');
        assert.match(error.hint ?? '', /[Ll]og in/);
        return true;
      });
    });

    it('with the right credentials: catalog, tags, details and delete', async () => {
      let asked = 0;
      const client = new RegistryClient(parseRegistryAddress(registry.host), {
        credentials: async () => {
          asked++;
          return LOGIN;
        },
      });
      assert.deepEqual(await client.check(), { auth, authenticated: true });
      assert.deepEqual(await client.repositories(), ['private/app']);
      assert.deepEqual(await client.tags('private/app'), ['v1']);
      const details = await client.tagDetails('private/app', 'v1');
      assert.match(details.digest, /^sha256:/);
      assert.equal(await client.deleteTag('private/app', 'v1'), details.digest);
      assert.deepEqual(await client.tags('private/app'), []);
      assert.equal(asked, 1, 'the credentials are asked for once');
      if (tokens) {
        // One token per scope, each asked for with the account, and kept while it lasts.
        const scopes = tokens.requests.filter((r) => r.authenticated).map((r) => r.scope);
        assert.ok(scopes.includes('registry:catalog:*'), scopes.join(', '));
        assert.ok(scopes.includes('repository:private/app:pull'));
        assert.ok(scopes.includes('repository:private/app:delete'));
        assert.equal(scopes.filter((s) => s === 'repository:private/app:pull').length, 1, scopes.join(', '));
      }
    });
  });
}

describe('logins shared with the docker CLI', { skip: registryMissing() }, () => {
  let registry: Registry;
  let engine: Engine;
  let dir: string;
  let ref: string;

  /** The docker CLI with this test's config folder (and PATH, for a credential helper). */
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    execFileP('docker', ['--config', dir, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });

  before(async () => {
    registry = await startRegistry({ htpasswd: TEST_LOGIN.htpasswd });
    engine = sharedEngine();
    dir = mkdtempSync(path.join(tmpdir(), 'berth-login-'));
    ref = `${registry.host}/private/shared:v1`;
    await push(engine, ref, IMAGE, LOGIN);
    await docker(['image', 'rm', ref]);
  });

  after(async () => {
    await docker(['image', 'rm', ref]).catch(() => undefined);
    engine?.dispose();
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Berth’s login lets the docker CLI pull; its logout takes that away; other settings stay', async () => {
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: {}, detachKeys: 'ctrl-e,e', psFormat: 'table {{.Names}}' }));
    await assert.rejects(cli(['pull', ref]), /no basic auth credentials|unauthorized/);
    const place = await storeCredentials(registry.host, LOGIN, { env: { ...process.env, DOCKER_CONFIG: dir } });
    assert.deepEqual(place, { kind: 'file', file: path.join(dir, 'config.json') });
    const { stdout } = await cli(['pull', ref]);
    assert.match(stdout, /Downloaded newer image|Image is up to date/);
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config.detachKeys, 'ctrl-e,e');
    assert.equal(config.psFormat, 'table {{.Names}}');
    await docker(['image', 'rm', ref]);

    assert.equal(await eraseCredentials(registry.host, { env: { ...process.env, DOCKER_CONFIG: dir } }), true);
    await assert.rejects(cli(['pull', ref]), /no basic auth credentials|unauthorized/);
    assert.equal(await eraseCredentials(registry.host, { env: { ...process.env, DOCKER_CONFIG: dir } }), false, 'nothing left to erase');
  });

  it('the docker CLI’s login is Berth’s, and Berth’s logout is the CLI’s', async () => {
    writeFileSync(path.join(dir, 'config.json'), '{}');
    const login = execFile('docker', ['--config', dir, 'login', '--username', TEST_LOGIN.username, '--password-stdin', registry.host]);
    login.stdin!.end(TEST_LOGIN.password);
    await new Promise<void>((resolve, reject) =>
      login.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker login exited ${code}`)))),
    );
    const found = await findCredentials(ref, { env: { ...process.env, DOCKER_CONFIG: dir } });
    assert.equal(found?.username, TEST_LOGIN.username);
    assert.equal(found?.password, TEST_LOGIN.password);
    await eraseCredentials(registry.host, { env: { ...process.env, DOCKER_CONFIG: dir } });
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { auths?: Record<string, unknown> };
    assert.deepEqual(Object.keys(config.auths ?? {}), []);
  });

  it('with a credential helper configured, the password goes to the helper and config.json keeps only the name', async () => {
    // A credential helper that keeps secrets in a file: the real ones (pass, secretservice,
    // osxkeychain, wincred) need a desktop keyring this machine does not have. It speaks the
    // helpers' protocol (get/store/erase on stdin and stdout), so the docker CLI uses it as it would a real one.
    const bin = path.join(dir, 'bin');
    const store = path.join(dir, 'helper-store');
    const helper = path.join(bin, 'docker-credential-berthtest');
    await execFileP('mkdir', ['-p', bin, store]);
    writeFileSync(
      helper,
      [
        '#!/bin/sh',
        `store=${JSON.stringify(store)}`,
        'read -r input',
        'case "$1" in',
        '  store) url=$(printf "%s" "$input" | sed -n \'s/.*"ServerURL":"\\([^"]*\\)".*/\\1/p\'); key=$(printf "%s" "$url" | tr -c "a-zA-Z0-9" _); printf "%s" "$input" > "$store/$key";;',
        '  get) key=$(printf "%s" "$input" | tr -c "a-zA-Z0-9" _); if [ -f "$store/$key" ]; then cat "$store/$key"; else echo "credentials not found in native keychain"; exit 1; fi;;',
        '  erase) key=$(printf "%s" "$input" | tr -c "a-zA-Z0-9" _); if [ -f "$store/$key" ]; then rm "$store/$key"; else echo "credentials not found in native keychain"; exit 1; fi;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(helper, 0o755);
    const env = { ...process.env, DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}` };
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credsStore: 'berthtest' }));
    assert.deepEqual(await storeCredentials(registry.host, LOGIN, { env }), { kind: 'helper', helper: 'berthtest' });
    const text = readFileSync(path.join(dir, 'config.json'), 'utf8');
    assert.ok(
      !text.includes(TEST_LOGIN.password) &&
        !text.includes(Buffer.from(`${TEST_LOGIN.username}:${TEST_LOGIN.password}`).toString('base64')),
    );
    assert.deepEqual(JSON.parse(text).auths, { [registry.host]: {} });
    // The CLI asks the helper, as for any login.
    await cli(['pull', ref], { PATH: env.PATH });
    await docker(['image', 'rm', ref]);
    assert.equal(await eraseCredentials(registry.host, { env }), true);
    await assert.rejects(cli(['pull', ref], { PATH: env.PATH }), /no basic auth credentials|unauthorized/);
  });
});
