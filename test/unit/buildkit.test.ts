/**
 * BuildKit over the Engine API, the pure parts: the status stream decoded from messages a real
 * engine sent (test/fixtures/buildkit, recorded from dockerd 20.10 with POST /build?version=2),
 * the steps printed as `docker build --progress=plain` prints them, the builder chosen from what
 * the engine says of itself, the query, gRPC framing, and steps traced back to Dockerfile lines.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { stepLine } from '../../src/devenv/buildSteps';
import { buildCommand, buildxCommand } from '../../src/devenv/dockerCommands';
import { buildQuery, chooseBuilder } from '../../src/engine/build';
import { encode } from '../../src/engine/buildkit/proto';
import { FrameReader, frame } from '../../src/engine/buildkit/session';
import { BadTrace, decodeTrace } from '../../src/engine/buildkit/status';
import { BuildProgress, stepsSummary } from '../../src/engine/buildkit/steps';
import type { ImageBuild } from '../../src/engine/types';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'buildkit');

/** The lines a recorded build prints, and the steps it ends with. */
function replay(file: string): { lines: string[]; progress: BuildProgress; error?: string } {
  const progress = new BuildProgress();
  const lines: string[] = [];
  let error: string | undefined;
  for (const raw of readFileSync(path.join(FIXTURES, file), 'utf8').trim().split('\n')) {
    const o = JSON.parse(raw) as { id?: string; aux?: unknown; error?: string };
    if (o.id === 'moby.buildkit.trace') lines.push(...progress.update(decodeTrace(o.aux)));
    if (o.error) error = o.error;
  }
  return { lines, progress, ...(error ? { error } : {}) };
}

describe('BuildKit status stream', () => {
  it('decodes vertexes, logs and progress with their times', () => {
    const updates = readFileSync(path.join(FIXTURES, 'cache-mount.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id?: string; aux?: unknown })
      .filter((o) => o.id === 'moby.buildkit.trace')
      .map((o) => decodeTrace(o.aux));
    // Announced first, without a time; then started; then completed.
    const [announced, started] = updates;
    assert.equal(announced.vertexes[0].name, '[internal] load remote build context');
    assert.match(announced.vertexes[0].digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(announced.vertexes[0].started, undefined);
    assert.ok(started.vertexes[0].started! > Date.UTC(2020, 0, 1), 'a time in milliseconds');
    const log = updates.flatMap((u) => u.logs)[0];
    assert.equal(log.data.toString(), 'hi\n');
    assert.equal(log.stream, 1);
    const exported = updates.flatMap((u) => u.statuses).find((s) => s.completed);
    assert.ok(exported && exported.id.length > 0);
  });

  it('refuses what is not a StatusResponse', () => {
    assert.throws(() => decodeTrace(42), BadTrace);
    assert.throws(() => decodeTrace(Buffer.from([0x0a, 0xff, 0xff]).toString('base64')), BadTrace);
  });

  it('prints numbered steps, their output and DONE with a duration, as docker build --progress=plain', () => {
    const { lines, progress } = replay('cache-mount.jsonl');
    const text = lines.join('\n');
    assert.match(text, /^#1 \[internal\] load remote build context$/m);
    const run = progress.steps.find((s) => s.name.includes('RUN --mount=type=cache'));
    assert.ok(run, text);
    assert.match(text, new RegExp(`^#${run.number} \\[stage-0 2/2\\] RUN --mount=type=cache,target=/c echo hi > /c/x && cat /c/x$`, 'm'));
    assert.match(text, new RegExp(`^#${run.number} \\d+\\.\\d{3} hi$`, 'm'), 'the step output, with its time into the step');
    assert.match(text, new RegExp(`^#${run.number} DONE \\d+\\.\\ds$`, 'm'));
    assert.equal(run.state, 'done');
    assert.deepEqual(run.output, ['hi']);
    // A blank line between steps; the step numbers count up from 1 without gaps.
    assert.ok(lines.includes(''));
    assert.deepEqual(
      progress.steps.map((s) => s.number),
      progress.steps.map((_, i) => i + 1),
    );
    // The export's progress comes before its DONE.
    const exportStep = progress.steps.find((s) => s.name === 'exporting to image')!;
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    assert.ok(at(new RegExp(`^#${exportStep.number} writing image sha256:`)) < at(new RegExp(`^#${exportStep.number} DONE`)), text);
  });

  it('a second build shows the cached steps as CACHED', () => {
    const { lines, progress } = replay('cache-mount-again.jsonl');
    const run = progress.steps.find((s) => s.name.includes('RUN --mount=type=cache'))!;
    assert.equal(run.state, 'cached');
    assert.ok(lines.includes(`#${run.number} CACHED`), lines.join('\n'));
  });

  it('a failing step: ERROR with the builder message, its output kept', () => {
    const { lines, progress, error } = replay('failing-step.jsonl');
    const failed = progress.failed;
    assert.ok(failed);
    assert.equal(failed.name, '[stage-1 1/1] RUN echo about to fail && exit 3');
    assert.deepEqual(failed.output, ['about to fail']);
    assert.match(error ?? '', /exit code: 3/);
    assert.ok(lines.includes(`#${failed.number} ERROR: ${failed.error}`), lines.join('\n'));
    assert.deepEqual(stepsSummary(progress.steps).current, undefined);
  });

  it('output split across messages and progress bars redrawn with \\r print as whole lines', () => {
    const progress = new BuildProgress();
    const t0 = Date.UTC(2026, 0, 1);
    const vertex = { digest: 'sha256:a', name: '[1/2] RUN make', cached: false, started: t0 };
    progress.update({ vertexes: [vertex], statuses: [], logs: [], warnings: [] });
    const log = (text: string, ms: number) => ({ vertex: 'sha256:a', timestamp: t0 + ms, stream: 1, data: Buffer.from(text) });
    const out = [
      ...progress.update({ vertexes: [], statuses: [], logs: [log('compil', 100), log('ing\n10%\r50%\r100%\n', 1500)], warnings: [] }),
      ...progress.update({ vertexes: [], statuses: [], logs: [log('no newline at the end', 1600)], warnings: [] }),
      ...progress.update({ vertexes: [{ ...vertex, completed: t0 + 2345 }], statuses: [], logs: [], warnings: [] }),
    ];
    assert.deepEqual(out, ['#1 1.500 compiling', '#1 1.500 100%', '#1 2.345 no newline at the end', '#1 DONE 2.3s']);
    assert.deepEqual(stepsSummary(progress.steps), { done: 1, total: 1 });
  });

  it('the progress notification names the step running last begun and counts the steps done', () => {
    const progress = new BuildProgress();
    const v = (digest: string, name: string, started?: number, completed?: number, cached = false) => ({
      digest,
      name,
      cached,
      started,
      completed,
    });
    progress.update({
      vertexes: [
        v('a', '[1/3] FROM busybox', 1, 2, true),
        v('b', '[2/3] RUN one', 3),
        v('c', '[3/3] RUN two', 4),
        v('d', 'exporting to image'),
      ],
      statuses: [],
      logs: [],
      warnings: [],
    });
    const summary = stepsSummary(progress.steps);
    assert.equal(summary.current?.name, '[3/3] RUN two');
    assert.equal(summary.done, 1);
    assert.equal(summary.total, 4);
  });
});

describe('choosing the builder', () => {
  const docker20 = { apiVersion: '1.41', os: 'linux', podman: false };
  it('auto: BuildKit on an engine from API 1.39 on, the classic builder with one reason before', () => {
    assert.deepEqual(chooseBuilder('auto', docker20), { builder: 'buildkit' });
    assert.deepEqual(chooseBuilder('auto', { ...docker20, builderVersion: '2' }), { builder: 'buildkit' });
    const old = chooseBuilder('auto', { ...docker20, apiVersion: '1.38' });
    assert.equal(old.builder, 'classic');
    assert.match(old.fallback ?? '', /Engine API 1\.38.*classic builder.*RUN --mount/);
    assert.match(chooseBuilder('auto', { ...docker20, builderVersion: '1' }).fallback ?? '', /daemon\.json/);
    assert.equal(chooseBuilder('auto', { ...docker20, os: 'windows' }).builder, 'classic');
    assert.equal(chooseBuilder('auto', { ...docker20, apiVersion: '1.9' }).builder, 'classic', '1.9 is older than 1.39');
  });
  it('the setting wins; Podman builds with Buildah whatever is asked, without a complaint', () => {
    assert.deepEqual(chooseBuilder('classic', docker20), { builder: 'classic' });
    assert.deepEqual(chooseBuilder('buildkit', { ...docker20, apiVersion: '1.38' }), { builder: 'buildkit' });
    assert.deepEqual(chooseBuilder('auto', { ...docker20, podman: true }), { builder: 'classic' });
  });
});

const BUILD: ImageBuild = {
  context: '/src/app',
  dockerfile: 'docker/Dockerfile',
  tag: 'app:1',
  extraTags: ['app:latest'],
  target: 'prod',
  args: { A: '1' },
  labels: { team: 'x' },
  noCache: true,
  pull: true,
  platform: 'linux/arm64',
  cacheFrom: ['app:cache'],
  secrets: [
    { id: 'npm', env: 'NPM_TOKEN' },
    { id: 'key', file: '/home/me/key, 1' },
  ],
  ssh: [{ id: 'default', sockets: [] }],
};

describe('the build request', () => {
  it('BuildKit: version 2, the session, every tag and option', () => {
    assert.deepEqual(buildQuery(BUILD, 'buildkit', { session: 's1', buildId: 'b1' }), {
      t: ['app:1', 'app:latest'],
      dockerfile: 'docker/Dockerfile',
      target: 'prod',
      buildargs: '{"A":"1"}',
      labels: '{"team":"x"}',
      nocache: 1,
      pull: 1,
      platform: 'linux/arm64',
      cachefrom: '["app:cache"]',
      version: 2,
      session: 's1',
      buildid: 'b1',
    });
  });
  it('classic: no version, intermediate containers removed even on failure', () => {
    const q = buildQuery({ ...BUILD, noCache: false, cacheFrom: [] }, 'classic');
    assert.equal(q.version, undefined);
    assert.equal(q.forcerm, 1);
    assert.equal(q.nocache, undefined);
    assert.equal(q.cachefrom, undefined);
  });
  it('the docker CLI lines that build the same', () => {
    assert.deepEqual(buildCommand(BUILD), [
      'docker',
      'build',
      '-t',
      'app:1',
      '-t',
      'app:latest',
      '-f',
      '/src/app/docker/Dockerfile',
      '--target',
      'prod',
      '--build-arg',
      'A=1',
      '--label',
      'team=x',
      '--platform',
      'linux/arm64',
      '--no-cache',
      '--pull',
      '--cache-from',
      'app:cache',
      '--secret',
      'id=npm,env=NPM_TOKEN',
      '--secret',
      'id=key,"src=/home/me/key, 1"',
      '--ssh',
      'default',
      '/src/app',
    ]);
    const named = buildCommand({ ...BUILD, contexts: { base: 'docker-image://alpine:3.20' } });
    assert.deepEqual(named.slice(0, 3), ['docker', 'buildx', 'build'], 'named contexts need buildx');
    assert.ok(named.includes('--build-context') && named.includes('base=docker-image://alpine:3.20'));
    assert.deepEqual(buildxCommand({ ...BUILD, dockerfile: 'Dockerfile', extraTags: [], secrets: [], ssh: [] }, '.').slice(-2), [
      '--load',
      '.',
    ]);
  });
});

describe('gRPC frames', () => {
  it('messages come out whole however the bytes are cut', () => {
    const a = frame(encode('GetSecretRequest', { ID: 'npm' }));
    const b = frame(encode('CheckAgentRequest', { ID: 'default' }));
    const all = Buffer.concat([a, b]);
    for (let cut = 0; cut <= all.length; cut++) {
      const reader = new FrameReader();
      const got = [...reader.push(all.subarray(0, cut)), ...reader.push(all.subarray(cut))];
      assert.deepEqual(
        got.map((m) => m.length),
        [a.length - 5, b.length - 5],
        `cut at ${cut}`,
      );
    }
  });
  it('refuses compressed and oversized messages', () => {
    assert.throws(() => new FrameReader().push(Buffer.from([1, 0, 0, 0, 0])), /compressed/);
    assert.throws(() => new FrameReader().push(Buffer.from([0, 0xff, 0, 0, 0])), /over the limit/);
  });
});

describe('a step back to its Dockerfile line', () => {
  const multi = 'FROM busybox:local AS base\nRUN echo one\nFROM base\nRUN echo about to fail && exit 3\n';
  it('named stages, stage-N, and FROM counted only when it pulls an image', () => {
    assert.equal(stepLine(multi, '[stage-1 1/1] RUN echo about to fail && exit 3'), 3);
    assert.equal(stepLine(multi, '[base 2/2] RUN echo one'), 1);
    assert.equal(stepLine(multi, '[base 1/2] FROM docker.io/library/busybox:local'), 0);
  });
  it('steps without a stage name, widths padded, platforms, continuation lines', () => {
    const text = 'FROM busybox:local\n' + 'RUN true\n'.repeat(9) + 'RUN \\\n  false\n';
    assert.equal(stepLine(text, '[11/11] RUN false'), 10);
    assert.equal(stepLine(text, '[ 2/11] RUN true'), 1);
    assert.equal(stepLine(multi, '[linux/arm64 base 2/2] RUN echo one'), 1);
  });
  it('only RUN, COPY, ADD and WORKDIR are steps: ARG, EXPOSE and CMD are not counted', () => {
    const text = 'FROM busybox:local\nARG PORT=8080\nCOPY . /site\nEXPOSE $PORT\nWORKDIR /site\nCMD ["httpd"]\n';
    assert.equal(stepLine(text, '[2/3] COPY . /site'), 2);
    assert.equal(stepLine(text, '[stage-0 3/3] WORKDIR /site'), 4);
  });
  it('undefined for internal steps and steps that do not match the file', () => {
    assert.equal(stepLine(multi, '[internal] load metadata for docker.io/library/busybox:local'), undefined);
    assert.equal(stepLine(multi, '[base 2/2] COPY . /'), undefined, 'the instruction at that place is a RUN');
    assert.equal(stepLine('', '[1/1] FROM x'), undefined);
  });
});

describe('the setting', () => {
  it('berth.build.builder: auto by default, and ignored in untrusted workspaces', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default?: unknown; enum?: unknown[] }> } };
      capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
    };
    const setting = pkg.contributes.configuration.properties['berth.build.builder'];
    assert.equal(setting.default, 'auto');
    assert.deepEqual(setting.enum, ['auto', 'buildkit', 'classic']);
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('berth.build.builder'));
  });
});
