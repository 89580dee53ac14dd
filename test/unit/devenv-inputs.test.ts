/** Inputs that used to fail only at start, with the wrong story: mount targets, addresses, image names. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presetConfig, readFields } from '../../src/devenv/config';
import { baseImages } from '../../src/devenv/buildAuth';
import { validate } from '../../src/devenv/spec';

describe('inputs checked before anything runs', () => {
  const go = () => ({ ...presetConfig('go', () => undefined), image: 'busybox:local' });

  it('a mount over a folder the runtime provides, or over /', () => {
    for (const target of ['/dev', '/dev/', '/proc/self', '/sys', '/']) {
      const problems = validate({ ...go(), mountTarget: target });
      assert.equal(problems.length, 1, `${target}: ${problems}`);
      assert.match(problems[0], target === '/' ? /whole file system/ : /the container runtime provides itself/);
    }
    assert.deepEqual(validate({ ...go(), mountTarget: '/device' }), [], 'a folder merely starting with /dev is fine');
    const problems: string[] = [];
    readFields({ mountTarget: '/dev' }, problems);
    assert.match(problems[0], /inside \/dev/);
  });

  it('a bind address that is not an IP address', () => {
    for (const bind of ['999.999.999.999', '1.2.3', 'localhost', '::g']) {
      const problems: string[] = [];
      assert.deepEqual(readFields({ bind }, problems), {}, bind);
      assert.match(problems[0], /must be an IP address/);
    }
    assert.deepEqual(readFields({ bind: '::1' }, []), { bindAddress: '::1' });
    assert.deepEqual(readFields({ bind: '192.168.1.20' }, []), { bindAddress: '192.168.1.20' });
  });

  it('an image name the engine would refuse', () => {
    assert.match(validate({ ...go(), image: 'my image' }).join(), /image 'my image' is not an image reference/);
    assert.match(validate({ ...go(), image: 'Busybox:1' }).join(), /not an image reference/);
    assert.deepEqual(validate({ ...go(), image: 'localhost:5000/team/app:v1' }), []);
  });
});

describe('the images a build pulls', () => {
  it('FROM images, with global ARGs and build arguments expanded; stages and scratch aside', () => {
    const text = [
      'ARG BASE=golang:1.23',
      'ARG RUNTIME',
      'FROM ${BASE} AS build',
      'FROM build AS test',
      'FROM scratch AS empty',
      'FROM ${RUNTIME}',
      'FROM registry.example.com/team/tool:2 AS tool',
    ].join('\n');
    assert.deepEqual(baseImages(text), ['golang:1.23', 'registry.example.com/team/tool:2']);
    assert.deepEqual(baseImages(text, { RUNTIME: 'localhost:5000/app:1', BASE: 'golang:1.24' }), [
      'golang:1.24',
      'localhost:5000/app:1',
      'registry.example.com/team/tool:2',
    ]);
  });
});
