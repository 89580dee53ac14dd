/** A run spec as docker CLI commands: the words, and a shell line that reads back into them. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { dockerfileConfig, presetConfig } from '../../src/devenv/config';
import { dockerCommands, shellLine } from '../../src/devenv/dockerCommands';
import { buildRunSpec } from '../../src/devenv/spec';

const ws = { folder: "/home/me/it's, here", name: "it's, here", uid: 1000, gid: 1000 };

describe('dockerCommands', () => {
  it('says every choice of a toolchain run as a docker run flag', () => {
    const spec = buildRunSpec(ws, {
      ...presetConfig('hugo', () => undefined),
      memory: '1g',
      cpus: 1.5,
      network: 'my-net',
      ports: [
        { container: 1313, protocol: 'tcp' },
        { container: 53, host: 5353, protocol: 'udp' },
      ],
    });
    const [run] = dockerCommands(spec);
    assert.deepEqual(run.slice(0, 7), ['docker', 'run', '--rm', '-it', '--name', spec.name, '--init']);
    const flag = (name: string) => run.flatMap((w, i) => (w === name ? [run[i + 1]] : []));
    assert.deepEqual(flag('--user'), ['1000:1000']);
    assert.deepEqual(flag('--workdir'), ['/workspace']);
    assert.deepEqual(flag('--mount')[0], `type=bind,"source=/home/me/it's, here",target=/workspace`);
    assert.deepEqual(flag('--publish'), ['127.0.0.1:1313:1313', '127.0.0.1:5353:53/udp']);
    assert.deepEqual([flag('--network'), flag('--memory'), flag('--cpus')], [['my-net'], [`${1024 ** 3}b`], ['1.5']]);
    assert.ok(flag('--env').includes('HOME=/tmp'));
    assert.deepEqual(run.slice(-6), ['hugomods/hugo:exts-0.139.4', 'hugo', 'server', '--bind', '0.0.0.0', '-w']);
  });
  it('a build comes first, and its image runs with its own command', () => {
    const spec = buildRunSpec(ws, { ...dockerfileConfig(() => 'FROM x\n', { target: 'dev', args: { A: 'b c' } }) });
    const [build, run] = dockerCommands(spec, { detach: true });
    assert.deepEqual(build.slice(0, 6), ['docker', 'build', '-t', spec.build!.tag, '-f', `${ws.folder}/Dockerfile`]);
    assert.ok(build.join(' ').includes('--target dev --build-arg A=b c'));
    assert.equal(build.at(-1), ws.folder);
    assert.deepEqual(run.slice(2, 5), ['--rm', '-d', '-t']);
    assert.equal(run.at(-1), spec.build!.tag, 'no command after the image');
  });
});

describe('shellLine', () => {
  it('reads back into the same words in a POSIX shell', () => {
    const words = ['plain', "it's", 'two words', '$HOME', '`x`', '"q"', 'a\\b', '', 'é', 'x=1,y', '*'];
    const out = spawnSync('sh', ['-c', `printf '%s\\0' ${shellLine(words)}`], { encoding: 'utf8' });
    assert.deepEqual(out.stdout.split('\0').slice(0, -1), words);
  });
});
