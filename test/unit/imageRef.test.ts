/** The small shared concepts of src/shared: image references read with Docker's grammar ([registry/]path[:tag][@digest]), ids, sizes, local engines. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLocalEndpoint } from '../../src/shared/endpoint';
import { formatSize, shortId } from '../../src/shared/format';
import { canonicalName, isImageReference, parseImageRef, splitReference } from '../../src/shared/imageRef';

const DIGEST = 'sha256:' + '0123456789abcdef'.repeat(4);

describe('parseImageRef', () => {
  it('a bare Docker Hub name', () => {
    assert.deepEqual(parseImageRef('node'), {
      registry: undefined,
      repository: 'node',
      tag: undefined,
      digest: undefined,
      tagStart: -1,
      digestStart: -1,
      nameEnd: 4,
    });
  });

  it('a name with a tag: offsets of the tag and the end of the name', () => {
    const ref = parseImageRef('node:20-alpine');
    assert.equal(ref.tag, '20-alpine');
    assert.equal(ref.tagStart, 5);
    assert.equal(ref.nameEnd, 4);
    assert.equal('node:20-alpine'.slice(ref.tagStart), '20-alpine');
  });

  it('localhost:5000/app is untagged: the colon is the registry port', () => {
    const ref = parseImageRef('localhost:5000/app');
    assert.equal(ref.registry, 'localhost:5000');
    assert.equal(ref.repository, 'app');
    assert.equal(ref.tag, undefined);
    assert.equal(ref.nameEnd, 'localhost:5000/app'.length);
  });

  it('localhost:5000/app:1.4 is tagged', () => {
    const ref = parseImageRef('localhost:5000/app:1.4');
    assert.equal(ref.registry, 'localhost:5000');
    assert.equal(ref.repository, 'app');
    assert.equal(ref.tag, '1.4');
    assert.equal(ref.tagStart, 'localhost:5000/app:'.length);
  });

  it('the first component is a registry when it is localhost or has a dot or colon', () => {
    assert.equal(parseImageRef('localhost/app').registry, 'localhost');
    assert.equal(parseImageRef('registry.example.com/team/app').registry, 'registry.example.com');
    assert.equal(parseImageRef('registry.example.com/team/app').repository, 'team/app');
    assert.equal(parseImageRef('myhost:443/app:1').registry, 'myhost:443');
    assert.equal(parseImageRef('ghcr.io/owner/app:2').tag, '2');
  });

  it('otherwise the first component is a Docker Hub namespace', () => {
    const ref = parseImageRef('team/app:1');
    assert.equal(ref.registry, undefined);
    assert.equal(ref.repository, 'team/app');
    assert.equal(parseImageRef('library/node').registry, undefined);
  });

  it('localhost:5000 alone is the image "localhost" with tag 5000', () => {
    const ref = parseImageRef('localhost:5000');
    assert.equal(ref.registry, undefined);
    assert.equal(ref.repository, 'localhost');
    assert.equal(ref.tag, '5000');
  });

  it('a digest, with or without a tag', () => {
    const pinned = parseImageRef(`app@${DIGEST}`);
    assert.equal(pinned.digest, DIGEST);
    assert.equal(pinned.digestStart, 3);
    assert.equal(pinned.tag, undefined);
    const both = parseImageRef(`node:latest@${DIGEST}`);
    assert.equal(both.tag, 'latest');
    assert.equal(both.digest, DIGEST);
    const registry = parseImageRef(`localhost:5000/app@${DIGEST}`);
    assert.equal(registry.registry, 'localhost:5000');
    assert.equal(registry.tag, undefined);
    assert.equal(registry.digest, DIGEST);
  });

  it('a first component with upper-case letters is a registry, as in Docker', () => {
    assert.equal(parseImageRef('MyRegistry/app:1').registry, 'MyRegistry');
  });
});

describe('canonicalName', () => {
  it('drops Docker Hub defaults so names match `docker images`', () => {
    assert.equal(canonicalName(parseImageRef('node:20')), 'node');
    assert.equal(canonicalName(parseImageRef('library/node:20')), 'node');
    assert.equal(canonicalName(parseImageRef('docker.io/library/node:20')), 'node');
    assert.equal(canonicalName(parseImageRef('index.docker.io/library/node')), 'node');
    assert.equal(canonicalName(parseImageRef('docker.io/team/app')), 'team/app');
  });

  it('keeps other registries', () => {
    assert.equal(canonicalName(parseImageRef('ghcr.io/owner/app:1')), 'ghcr.io/owner/app');
    assert.equal(canonicalName(parseImageRef('localhost:5000/library/app')), 'localhost:5000/library/app');
  });
});

describe('splitReference', () => {
  it('separates repository, tag and digest, leaving a registry port alone', () => {
    assert.deepEqual(splitReference('busybox'), { repository: 'busybox' });
    assert.deepEqual(splitReference('busybox:1.36'), { repository: 'busybox', tag: '1.36' });
    assert.deepEqual(splitReference('localhost:5000/team/app'), { repository: 'localhost:5000/team/app' });
    assert.deepEqual(splitReference('localhost:5000/team/app:v2'), { repository: 'localhost:5000/team/app', tag: 'v2' });
    assert.deepEqual(splitReference(`app@${DIGEST}`), { repository: 'app', digest: DIGEST });
  });

  it('keeps the digest of a reference that has a tag too', () => {
    // The views' copy of this used to drop the digest, the engine's put the tag into the repository.
    assert.deepEqual(splitReference(`localhost:5000/app:1.4@${DIGEST}`), { repository: 'localhost:5000/app', tag: '1.4', digest: DIGEST });
  });
});

describe('shortId and formatSize', () => {
  it('shortens ids and digests to 12 characters', () => {
    assert.equal(shortId('a'.repeat(64)), 'aaaaaaaaaaaa');
    assert.equal(shortId(`sha256:${'b'.repeat(64)}`), 'bbbbbbbbbbbb');
    assert.equal(shortId('sha256:0123456789abcdef'), '0123456789ab');
    assert.equal(shortId('web-1'), 'web-1');
    assert.equal(shortId('sha256:aaaa'), 'aaaa');
  });

  it('formats sizes as the docker CLI does', () => {
    assert.equal(formatSize(0), '0 B');
    assert.equal(formatSize(999), '999 B');
    assert.equal(formatSize(1_234_567), '1.23 MB');
    assert.equal(formatSize(48_300_000), '48.3 MB');
    assert.equal(formatSize(2_000_000_000), '2 GB');
    assert.equal(formatSize(Number.NaN), '?');
  });
});

describe('isLocalEndpoint', () => {
  it('sockets, pipes and loopback tcp are this machine; other hosts and ssh are not', () => {
    assert.equal(isLocalEndpoint({ kind: 'unix' }), true);
    assert.equal(isLocalEndpoint({ kind: 'npipe' }), true);
    assert.equal(isLocalEndpoint({ kind: 'tcp', host: 'localhost' }), true);
    assert.equal(isLocalEndpoint({ kind: 'tcp', host: '127.0.0.1' }), true);
    assert.equal(isLocalEndpoint({ kind: 'tcp', host: '::1' }), true);
    assert.equal(isLocalEndpoint({ kind: 'tcp', host: 'build.example.com' }), false);
    assert.equal(isLocalEndpoint({ kind: 'tcp', host: '10.0.0.5' }), false);
    assert.equal(isLocalEndpoint({ kind: 'ssh', host: 'localhost' }), false);
  });
});

describe('isImageReference', () => {
  it('takes what docker takes', () => {
    for (const ok of [
      'busybox',
      'busybox:1.36',
      'library/node:20-alpine',
      'localhost:5000/team/app:v2',
      'ghcr.io/o/a',
      `a@${DIGEST}`,
      `reg.io:443/a/b:c@${DIGEST}`,
      'a__b',
      'a--b',
    ])
      assert.equal(isImageReference(ok), true, ok);
  });

  it('refuses spaces, capitals in the path, empty parts and bad tags', () => {
    for (const bad of [
      '',
      'my image',
      'Busybox',
      'team/App',
      'a//b',
      'a:',
      ':tag',
      'a:-x',
      'a@sha256:xyz',
      'a b:1',
      'a:1 ',
      `a:${'x'.repeat(129)}`,
    ])
      assert.equal(isImageReference(bad), false, JSON.stringify(bad));
  });
});
