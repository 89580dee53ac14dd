/**
 * Run workspace: from the command to the published port answering, Berth's runner vs the
 * `docker run` a person would type with the same image and flags. Alternating samples, so
 * load weighs on both alike; busybox httpd (scripts/test-images.sh) serves the folder.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { presetConfig } from '../src/devenv/config';
import { runWorkspace } from '../src/devenv/runner';
import { buildRunSpec } from '../src/devenv/spec';
import { resolveEndpoint } from '../src/engine/endpoint';
import { createEngine } from '../src/engine/httpEngine';
import { freePort } from '../test/fixtures/net';
import { BUSYBOX_IMAGE, requireTestImage } from '../test/fixtures/testImages';
import { waitFor } from '../test/fixtures/waitFor';

const exec = promisify(execFile);
const IMAGE = BUSYBOX_IMAGE;
const SAMPLES = 8;
export const DEVENV_TARGET = { ratio: 1.1 };

export interface DevenvBenchResult {
  oursMs?: number;
  cliMs?: number;
  /** ours / CLI: at most 1.1 is the target. */
  ratio?: number;
  samples?: number;
  error?: string;
}

/** Resolves when http://127.0.0.1:port answers, polling every 10 ms. */
async function answered(port: number, deadlineMs = 20_000): Promise<void> {
  await waitFor(`port ${port} to answer`, async () => (await fetch(`http://127.0.0.1:${port}/index.html`)).ok, deadlineMs, 10);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchDevenv(): Promise<DevenvBenchResult> {
  const folder = path.join(mkdtempSync(path.join(tmpdir(), 'berth-bench-run-')), 'site');
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'index.html'), 'hello\n');
  const endpoint = resolveEndpoint();
  const engine = createEngine(endpoint);
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const ours: number[] = [];
  const cli: number[] = [];
  try {
    await requireTestImage(IMAGE);
    for (let i = 0; i < SAMPLES + 1; i++) {
      // Ours: the runner with the spec the command builds.
      let port = await freePort();
      const config = {
        ...presetConfig('go', () => undefined),
        toolchain: undefined,
        image: IMAGE,
        command: ['httpd', '-f', '-p', '8080', '-h', '/workspace'],
        ports: [{ container: 8080, host: port, protocol: 'tcp' as const }],
        caches: false,
      };
      let t0 = performance.now();
      const running = runWorkspace(engine, buildRunSpec({ folder, name: 'site', uid, gid }, config), { startupWindowMs: 1500 });
      await answered(port);
      const oursMs = performance.now() - t0;
      await (await running).stop();

      // The same run as a person types it.
      port = await freePort();
      const name = `berth-bench-cli-${i}`;
      t0 = performance.now();
      const child = exec('docker', [
        'run',
        '--rm',
        '-d',
        '--name',
        name,
        '--init',
        '-u',
        `${uid}:${gid}`,
        '-e',
        'HOME=/tmp',
        '-v',
        `${folder}:/workspace`,
        '-w',
        '/workspace',
        '-p',
        `127.0.0.1:${port}:8080`,
        IMAGE,
        'httpd',
        '-f',
        '-p',
        '8080',
        '-h',
        '/workspace',
      ]);
      await answered(port);
      const cliMs = performance.now() - t0;
      await child;
      await exec('docker', ['rm', '-f', name]).catch(() => undefined);
      if (i > 0) {
        // The first pair warms both paths up.
        ours.push(oursMs);
        cli.push(cliMs);
      }
    }
    const o = median(ours);
    const c = median(cli);
    return { oursMs: o, cliMs: c, ratio: o / c, samples: ours.length };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    engine.dispose();
    rmSync(path.dirname(folder), { recursive: true, force: true });
  }
}

export function devenvRows(r: DevenvBenchResult, f: (ms: number | undefined) => string): { rows: string[]; notes: string[] } {
  if (r.error)
    return { rows: ['| Run workspace benchmark | failed | | | | ❌ |'], notes: [`**Run workspace benchmark failed:** ${r.error}`] };
  const met = r.ratio !== undefined && r.ratio <= DEVENV_TARGET.ratio;
  return {
    rows: [
      `| Run workspace: command → published port answering (ms; peer: the same \`docker run\` typed by hand) | ${f(r.oursMs)} | ${f(r.cliMs)} | ${r.ratio && r.oursMs && r.cliMs ? `${(r.cliMs / r.oursMs).toFixed(2)}x` : '—'} | ours ≤ ${DEVENV_TARGET.ratio}x the CLI's time | ${met ? '✅ met' : '❌ missed'} |`,
    ],
    notes: [
      `Run workspace: medians of ${r.samples} alternating runs of busybox httpd serving a bind-mounted folder as the host user on 127.0.0.1; ours includes the port check, image and name checks, attach and start.`,
    ],
  };
}
