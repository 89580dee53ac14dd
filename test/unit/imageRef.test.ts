/** Image references read with Docker's grammar: [registry/]path[:tag][@digest]. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalName, parseImageRef } from '../../src/shared/imageRef';

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
