/**
 * The registry client's pure parts and its Docker Hub and GitHub paths. Docker Hub, its token
 * service and GitHub's API cannot be reached from this machine, so those paths run against
 * recorded answers in the shape the services' documentation gives (handed in as the client's
 * HTTP function; said so here because it is a stand-in). The generic v2 paths run against a real
 * registry in test/engine/registryClient.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiRepository, imageReference, parseRegistryAddress } from '../../src/engine/registry/address';
import { hubNamespaces, hubRepositories, ghcrRepositories } from '../../src/engine/registry/catalogs';
import { parseChallenges } from '../../src/engine/registry/challenge';
import { RegistryClient } from '../../src/engine/registry/client';
import type { HttpAnswer, HttpRequest } from '../../src/engine/registry/http';
import { RegistryError } from '../../src/engine/registry/http';
import { MEDIA_TYPES, platformName, summariseManifest } from '../../src/engine/registry/manifest';
import { searchResult } from '../../src/engine/mappers';

/** A recorded service: answers by method and URL; every request is kept for the assertions. */
function recorded(routes: Record<string, (req: HttpRequest) => Partial<HttpAnswer> & { json?: unknown }>) {
  const requests: HttpRequest[] = [];
  const fetch = async (req: HttpRequest): Promise<HttpAnswer> => {
    requests.push(req);
    const key = `${req.method ?? 'GET'} ${req.url}`;
    const route = routes[key];
    if (!route) return { status: 404, headers: {}, body: Buffer.from('{"message":"not recorded"}'), url: req.url };
    const answer = route(req);
    return {
      status: answer.status ?? 200,
      headers: answer.headers ?? {},
      body: answer.body ?? Buffer.from(JSON.stringify(answer.json ?? {})),
      url: req.url,
    };
  };
  return { fetch, requests };
}

describe('WWW-Authenticate challenges', () => {
  it('reads a Bearer challenge with its realm, service and scope', () => {
    const [c] = parseChallenges(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
    );
    assert.deepEqual(c, {
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' },
    });
  });

  it('reads Basic, several challenges in one header, escapes and unknown schemes', () => {
    assert.deepEqual(parseChallenges('Basic realm="Registry Realm"'), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
    const many = parseChallenges(['Negotiate abc==, Basic realm="a \\"quoted\\" realm", charset=UTF-8', 'bearer realm=https://x/token']);
    assert.deepEqual(many, [
      { scheme: 'basic', params: { realm: 'a "quoted" realm', charset: 'UTF-8' } },
      { scheme: 'bearer', params: { realm: 'https://x/token' } },
    ]);
    assert.deepEqual(parseChallenges(undefined), []);
    assert.deepEqual(parseChallenges('garbage ,,, ="'), []);
  });
});

describe('registry addresses', () => {
  it('knows Docker Hub by every name, with the key docker login uses', () => {
    for (const name of ['docker.io', 'index.docker.io', 'https://index.docker.io/v1/', 'registry-1.docker.io', 'hub.docker.com']) {
      const a = parseRegistryAddress(name);
      assert.equal(a.kind, 'dockerhub', name);
      assert.equal(a.credentialKey, 'https://index.docker.io/v1/');
      assert.equal(a.apiBase, 'https://registry-1.docker.io');
    }
  });

  it('ghcr.io is GitHub’s; loopback is plain http; other hosts https unless told', () => {
    assert.equal(parseRegistryAddress('ghcr.io').kind, 'ghcr');
    assert.equal(parseRegistryAddress('localhost:5000').apiBase, 'http://localhost:5000');
    assert.equal(parseRegistryAddress('127.0.0.1:5000').credentialKey, '127.0.0.1:5000');
    assert.equal(parseRegistryAddress('harbor.example.com').apiBase, 'https://harbor.example.com');
    assert.equal(parseRegistryAddress('http://10.0.0.5:5000/v2/').apiBase, 'http://10.0.0.5:5000');
    assert.equal(parseRegistryAddress('https://Nexus.Example.com:8443').host, 'nexus.example.com:8443');
  });

  it('refuses what is not a registry address, saying why', () => {
    assert.throws(() => parseRegistryAddress(''), /Enter a registry address/);
    assert.throws(() => parseRegistryAddress('ftp://x.example'), /http or https/);
    assert.throws(() => parseRegistryAddress('not a host!'), /not a registry address/);
    assert.throws(() => parseRegistryAddress('x.example:70000'), /port/);
  });

  it('Hub’s official images live under library/, which references leave out', () => {
    const hub = parseRegistryAddress('docker.io');
    assert.equal(apiRepository(hub, 'busybox'), 'library/busybox');
    assert.equal(apiRepository(hub, 'me/app'), 'me/app');
    assert.equal(imageReference(hub, 'library/busybox', '1.36'), 'busybox:1.36');
    const local = parseRegistryAddress('127.0.0.1:5000');
    assert.equal(imageReference(local, 'team/app', 'v1'), '127.0.0.1:5000/team/app:v1');
    assert.equal(imageReference(local, 'team/app', `sha256:${'a'.repeat(64)}`), `127.0.0.1:5000/team/app@sha256:${'a'.repeat(64)}`);
  });
});

describe('manifests', () => {
  it('an image manifest: config plus layers, its config digest, a date from the annotation', () => {
    const m = summariseManifest({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:c', size: 1000 },
      layers: [{ size: 2000 }, { size: 3000 }],
      annotations: { 'org.opencontainers.image.created': '2024-05-01T10:00:00Z' },
    });
    assert.deepEqual(m, {
      kind: 'image',
      mediaType: MEDIA_TYPES.ociManifest,
      size: 6000,
      platforms: [],
      configDigest: 'sha256:c',
      created: '2024-05-01T10:00:00Z',
    });
  });

  it('an index: its platforms, without BuildKit’s attestation entries', () => {
    const m = summariseManifest(
      {
        schemaVersion: 2,
        manifests: [
          { digest: 'sha256:1', platform: { os: 'linux', architecture: 'amd64' } },
          { digest: 'sha256:2', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
          {
            digest: 'sha256:3',
            platform: { os: 'unknown', architecture: 'unknown' },
            annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
          },
        ],
      },
      `${MEDIA_TYPES.ociIndex}; charset=utf-8`,
    );
    assert.equal(m.kind, 'index');
    assert.equal(m.mediaType, MEDIA_TYPES.ociIndex);
    assert.deepEqual(m.platforms.map(platformName), ['linux/amd64', 'linux/arm64/v8']);
  });

  it('schema 1 and other JSON are refused with the reason', () => {
    assert.throws(() => summariseManifest({ schemaVersion: 1, fsLayers: [] }), /schema 1/);
    assert.throws(() => summariseManifest([1, 2]), /not a JSON object/);
    assert.throws(() => summariseManifest({ schemaVersion: 2 }), /neither/);
  });
});

describe('Docker Hub through recorded answers', () => {
  const token = (req: HttpRequest) => {
    const body = JSON.parse(req.body ?? '{}') as { identifier?: string; secret?: string };
    return body.identifier === 'berthuser' && body.secret === 'dckr_pat_x'
      ? { json: { access_token: 'hub-jwt' } }
      : { status: 401, json: { detail: 'Incorrect authentication credentials' } };
  };

  it('lists the user’s namespaces, their own first', async () => {
    const { fetch, requests } = recorded({
      'POST https://hub.docker.com/v2/auth/token': token,
      'GET https://hub.docker.com/v2/repositories/namespaces/': (req) =>
        req.headers?.Authorization === 'Bearer hub-jwt' ? { json: { namespaces: ['berthorg', 'berthuser'] } } : { status: 401 },
    });
    assert.deepEqual(await hubNamespaces({ username: 'berthuser', password: 'dckr_pat_x' }, { fetch }), ['berthuser', 'berthorg']);
    assert.ok(requests.every((r) => r.url.startsWith('https://hub.docker.com/')));
  });

  it('wrong credentials are an unauthorized error with what to do', async () => {
    const { fetch } = recorded({ 'POST https://hub.docker.com/v2/auth/token': token });
    await assert.rejects(hubNamespaces({ username: 'berthuser', password: 'wrong' }, { fetch }), (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.equal(error.kind, 'unauthorized');
      assert.match(error.message, /Incorrect authentication credentials/);
      assert.match(error.hint ?? '', /personal access token/);
      return true;
    });
  });

  it('lists a namespace’s repositories over its pages, following only Hub’s own links', async () => {
    const page1 = 'https://hub.docker.com/v2/namespaces/berthorg/repositories?page_size=100';
    const page2 = 'https://hub.docker.com/v2/namespaces/berthorg/repositories?page=2&page_size=100';
    const { fetch } = recorded({
      'POST https://hub.docker.com/v2/auth/token': token,
      [`GET ${page1}`]: () => ({
        json: {
          count: 3,
          next: page2,
          results: [
            { name: 'api', namespace: 'berthorg' },
            { name: 'web', namespace: 'berthorg' },
          ],
        },
      }),
      [`GET ${page2}`]: () => ({
        json: { count: 3, next: 'https://evil.example/next', results: [{ name: 'worker', namespace: 'berthorg' }] },
      }),
    });
    assert.deepEqual(await hubRepositories('berthorg', { username: 'berthuser', password: 'dckr_pat_x' }, { fetch }), [
      'berthorg/api',
      'berthorg/web',
      'berthorg/worker',
    ]);
  });

  it('reads a tag of an official image through the registry’s Bearer token service, anonymously', async () => {
    const challenge = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"';
    const manifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.dockerList,
      manifests: [
        { digest: 'sha256:a', platform: { os: 'linux', architecture: 'amd64' } },
        { digest: 'sha256:b', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      ],
    };
    const { fetch, requests } = recorded({
      'GET https://registry-1.docker.io/v2/library/busybox/manifests/1.36': (req) =>
        req.headers?.Authorization === 'Bearer anon-token'
          ? { json: manifest, headers: { 'docker-content-digest': 'sha256:index', 'content-type': MEDIA_TYPES.dockerList } }
          : {
              status: 401,
              headers: { 'www-authenticate': challenge },
              json: { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
            },
      'GET https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fbusybox%3Apull': (req) =>
        req.headers?.Authorization ? { status: 400 } : { json: { token: 'anon-token', expires_in: 300 } },
    });
    const client = new RegistryClient(parseRegistryAddress('docker.io'), { fetch });
    const details = await client.tagDetails('busybox', '1.36');
    assert.equal(details.digest, 'sha256:index');
    assert.equal(details.kind, 'index');
    assert.deepEqual(details.platforms.map(platformName), ['linux/amd64', 'linux/arm/v7']);
    // The token is kept: a second read goes straight to the registry with it.
    const before = requests.length;
    await client.manifest('busybox', '1.36');
    assert.equal(requests.length, before + 1);
  });
});

describe('GitHub’s registry through recorded answers', () => {
  it('lists the token user’s container packages over their pages', async () => {
    const first = 'https://api.github.com/user/packages?package_type=container&per_page=100';
    const second = 'https://api.github.com/user/packages?package_type=container&per_page=100&page=2';
    const { fetch, requests } = recorded({
      [`GET ${first}`]: () => ({
        json: [{ name: 'App', owner: { login: 'Berth-Dev' } }],
        headers: { link: `<${second}>; rel="next", <${second}>; rel="last"` },
      }),
      [`GET ${second}`]: () => ({ json: [{ name: 'tools', owner: { login: 'berth-dev' } }] }),
    });
    assert.deepEqual(await ghcrRepositories({ username: 'me', password: 'ghp_token' }, { fetch }), ['berth-dev/app', 'berth-dev/tools']);
    assert.equal(requests[0]!.headers?.Authorization, 'Bearer ghp_token');
  });

  it('a token without read:packages is told so', async () => {
    const { fetch } = recorded({
      'GET https://api.github.com/user/packages?package_type=container&per_page=100': () => ({
        status: 403,
        json: { message: 'Resource not accessible' },
      }),
    });
    await assert.rejects(ghcrRepositories({ username: 'me', password: 'ghp_x' }, { fetch }), /read:packages|refused/);
  });
});

describe('Docker Hub search answers through the engine', () => {
  it('reads the engine’s search answer (recorded: Hub is not reachable here) with stars and the official mark', () => {
    const answer = [
      { star_count: 3300, is_official: true, name: 'busybox', is_automated: false, description: 'Busybox base image.' },
      { star_count: 12, is_official: false, name: 'someone/busybox-tools', is_automated: true, description: '' },
    ];
    assert.deepEqual(answer.map(searchResult), [
      { name: 'busybox', description: 'Busybox base image.', stars: 3300, official: true, automated: false },
      { name: 'someone/busybox-tools', description: '', stars: 12, official: false, automated: true },
    ]);
  });
});
