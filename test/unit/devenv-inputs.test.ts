/**
 * Inputs that used to mislead or fall through: a config file that cannot be read, devcontainer.json
 * values rewritten or accepted unchecked, mount targets and addresses that fail only at start.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presetConfig, readFields } from '../../src/devenv/config';
import { parseJsonc, readDevcontainer } from '../../src/devenv/devcontainer';
import { resolveRunConfig, type WorkspaceFiles } from '../../src/devenv/resolve';
import { baseImages } from '../../src/devenv/buildAuth';
import { validate } from '../../src/devenv/spec';

function files(map: Record<string, string>): WorkspaceFiles {
  return { entries: Object.keys(map).map((name) => name.split('/')[0]), read: (name) => map[name] };
}

describe('an unreadable .berth.yaml is an error, never the defaults', () => {
  for (const [why, text] of [
    ['broken YAML', 'run:\n  image: [unclosed\n  ports: 1\n'],
    ['a list, not a mapping', '- image: busybox\n'],
    ['a run: that is not a mapping', 'run: busybox\n'],
    ['a binary file', 'run:\n  image: \u0000\u0001\u0002\n'],
    ['bytes that are not UTF-8', 'run:\n  image: caf\uFFFD\n'],
  ]) {
    it(why, () => {
      const resolved = resolveRunConfig(files({ 'go.mod': 'module x\n', '.berth.yaml': text }), 'x');
      assert.ok('error' in resolved, `no error: ${JSON.stringify(resolved)}`);
      assert.match(resolved.error, /^\.berth\.yaml cannot be read \(line \d+: .+\)\. Fix it, or remove it/);
      assert.doesNotMatch(resolved.error, /golang/);
    });
  }

  it('a readable file with one bad setting still runs, the problem noted', () => {
    const resolved = resolveRunConfig(
      files({ 'go.mod': 'module x\n', '.berth.yaml': 'run:\n  image: busybox:local\n  ports: [70000]\n' }),
      'x',
    );
    assert.ok(!('error' in resolved));
    assert.equal(resolved.config.image, 'busybox:local');
    assert.ok(resolved.notes.some((n) => n.includes('70000')));
  });

  it('an empty file is no configuration', () => {
    const resolved = resolveRunConfig(files({ 'go.mod': 'module x\n', '.berth.yaml': '' }), 'x');
    assert.ok(!('error' in resolved));
    assert.equal(resolved.config.toolchain, 'go');
  });
});

describe('devcontainer.json', () => {
  it('keeps string values exactly as written: a comma before a bracket is text, not a trailing comma', () => {
    assert.deepEqual(parseJsonc('{"a": "x,]y", "b": "p,}q", "c": [1, 2,], /* c */ "d": "// not a comment",}'), {
      a: 'x,]y',
      b: 'p,}q',
      c: [1, 2],
      d: '// not a comment',
    });
    assert.deepEqual(readDevcontainer('{"image": "busybox:local", "containerEnv": {"X": "x,]y"}}', 'w').config.env, { X: 'x,]y' });
  });

  it('says where a broken file is broken', () => {
    assert.match(readDevcontainer('{\n  "image": "a",\n  oops\n}', 'w').problems[0], /cannot be read: .* at line 3/);
  });

  it('checks the runArgs it applies, as .berth.yaml settings are checked', () => {
    const read = readDevcontainer(
      '{"image": "busybox:local", "runArgs": ["--memory=lots", "--cpus", "-1", "-p", "x:y", "--memory", "2g"]}',
      'w',
    );
    assert.deepEqual(read.problems, [
      'runArgs: port \'x:y\' is not "container", "host:container" or "…/udp"',
      'runArgs: cpus must be a positive number',
    ]);
    assert.equal(read.config.memory, '2g', 'the last valid --memory applies');
    assert.equal(read.config.cpus, undefined);
    const lots = readDevcontainer('{"image": "busybox:local", "runArgs": ["--memory=lots"]}', 'w');
    assert.deepEqual(lots.problems, ["runArgs: memory 'lots' must look like 512m or 2g"]);
    assert.equal(lots.config.memory, undefined);
  });
});

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

  it('a memory size that is not one', () => {
    assert.match(validate({ ...go(), memory: 'lots' }).join(), /memory 'lots' must look like 512m or 2g/);
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
