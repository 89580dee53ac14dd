/**
 * Image builds: Berth's BuildKit build through the Engine API against `DOCKER_BUILDKIT=1 docker
 * build` typed in a terminal, same Dockerfile and context, cold (no cache) and warm (all cached).
 * Alternating samples, so load weighs on both alike. The peer is the docker CLI that builds with
 * BuildKit by itself: Debian's docker.io CLI has it built in; a newer CLI needs buildx.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { resolveEndpoint } from '../src/engine/endpoint';
import { createEngine } from '../src/engine/httpEngine';
import type { ImageBuild } from '../src/engine/types';
import { BUSYBOX_IMAGE, requireTestImage } from '../test/fixtures/testImages';

const exec = promisify(execFile);
const SAMPLES = 5;
export const BUILD_TARGET = { ratio: 1.1 };

export interface BuildBenchResult {
  cold?: { oursMs: number; cliMs: number; ratio: number };
  warm?: { oursMs: number; cliMs: number; ratio: number };
  samples?: number;
  peer?: string;
  error?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A context with some files to send and a Dockerfile that copies them and uses a cache mount. */
function makeContext(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-bench-build-'));
  mkdirSync(path.join(dir, 'src'));
  for (let i = 0; i < 200; i++) writeFileSync(path.join(dir, 'src', `file${i}.txt`), `${'x'.repeat(2000)}\n${i}\n`);
  writeFileSync(
    path.join(dir, 'Dockerfile'),
    [
      `FROM ${BUSYBOX_IMAGE}`,
      'WORKDIR /app',
      'COPY src/ ./src/',
      'RUN --mount=type=cache,target=/cache cp -r src /cache/ && ls /cache/src | wc -l > /app/count',
      'RUN cat src/*.txt | wc -c > /app/bytes',
      '',
    ].join('\n'),
  );
  return dir;
}

/** The docker CLI that builds with BuildKit when DOCKER_BUILDKIT=1, or undefined. */
async function peerCli(context: string, tag: string): Promise<string | undefined> {
  for (const cli of ['docker', '/usr/bin/docker']) {
    try {
      await exec(cli, ['build', '--progress=plain', '-t', tag, context], { env: { ...process.env, DOCKER_BUILDKIT: '1' } });
      return cli;
    } catch {
      // A CLI without buildx refuses BuildKit: try the next.
    }
  }
  return undefined;
}

export async function benchBuild(): Promise<BuildBenchResult> {
  const context = makeContext();
  const engine = createEngine(resolveEndpoint());
  const oursTag = 'berth-bench/build-ours:latest';
  const cliTag = 'berth-bench/build-cli:latest';
  const build: ImageBuild = { context, dockerfile: 'Dockerfile', tag: oursTag, args: {}, labels: {} };
  try {
    await requireTestImage(BUSYBOX_IMAGE);
    const cli = await peerCli(context, cliTag);
    if (!cli) return { error: 'no docker CLI here builds with BuildKit (DOCKER_BUILDKIT=1 needs buildx with a newer CLI)' };
    const env = { ...process.env, DOCKER_BUILDKIT: '1' };
    const sample = async (noCache: boolean) => {
      let t0 = performance.now();
      await engine.buildImage({ ...build, noCache }, { onOutput: () => undefined });
      const ours = performance.now() - t0;
      t0 = performance.now();
      await exec(cli, ['build', '--progress=plain', ...(noCache ? ['--no-cache'] : []), '-t', cliTag, context], { env });
      return { ours, cli: performance.now() - t0 };
    };
    const result: BuildBenchResult = { samples: SAMPLES, peer: `DOCKER_BUILDKIT=1 ${cli} build` };
    for (const kind of ['cold', 'warm'] as const) {
      const ours: number[] = [];
      const peer: number[] = [];
      // The first pair warms both paths up (and fills the cache for the warm runs).
      for (let i = 0; i < SAMPLES + 1; i++) {
        const s = await sample(kind === 'cold');
        if (i === 0) continue;
        ours.push(s.ours);
        peer.push(s.cli);
      }
      const o = median(ours);
      const c = median(peer);
      result[kind] = { oursMs: o, cliMs: c, ratio: o / c };
    }
    return result;
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    engine.dispose();
    for (const tag of [oursTag, cliTag]) await exec('docker', ['rmi', '-f', tag]).catch(() => undefined);
    rmSync(context, { recursive: true, force: true });
  }
}

export function buildRows(r: BuildBenchResult, f: (ms: number | undefined) => string): { rows: string[]; notes: string[] } {
  if (r.error) return { rows: ['| Image build benchmark | failed | | | | ❌ |'], notes: [`**Image build benchmark failed:** ${r.error}`] };
  const row = (label: string, m: { oursMs: number; cliMs: number; ratio: number } | undefined) =>
    m
      ? `| Image build with BuildKit, ${label} (ms; peer: \`${r.peer}\` typed in a terminal) | ${f(m.oursMs)} | ${f(m.cliMs)} | ${(m.cliMs / m.oursMs).toFixed(2)}x | ours ≤ ${BUILD_TARGET.ratio}x the CLI's time | ${m.ratio <= BUILD_TARGET.ratio ? '✅ met' : '❌ missed'} |`
      : `| Image build, ${label} | — | | | | |`;
  return {
    rows: [row('cold cache (--no-cache)', r.cold), row('warm cache (every step cached)', r.warm)],
    notes: [
      `Image build: medians of ${r.samples} alternating builds of a 200-file context (COPY, RUN --mount=type=cache, RUN) from busybox:local; ours is Engine.buildImage as Build Image calls it (context packed, session opened, progress decoded).`,
    ],
  };
}
