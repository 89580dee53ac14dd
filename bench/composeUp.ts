/**
 * Compose up: from the command to every service running, what `berth.compose.up` runs (the
 * user's own Compose found, the project resolved, `up -d` with its output read for progress,
 * then each service's state from the engine) vs `docker compose up -d` typed in a terminal (here
 * the same Compose: Debian's docker-compose). Alternating samples, so load weighs on both
 * alike; the standard test project (a web service and a worker, from busybox:local).
 */
import { execFile } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { detectCompose } from '../src/devenv/compose/cli';
import { composeEnvironment } from '../src/devenv/compose/environment';
import { execProcess } from '../src/devenv/compose/process';
import { targetForFile } from '../src/devenv/compose/project';
import { ComposeRunner } from '../src/devenv/compose/runner';
import { dockerConfigDir, nodeDeps, resolveEndpoint } from '../src/engine/endpoint';
import { createEngine } from '../src/engine/httpEngine';
import { composeText, standardServices, writeComposeProject } from '../test/fixtures/composeProjects';
import { freePort } from '../test/fixtures/net';
import { BUSYBOX_IMAGE, requireTestImage } from '../test/fixtures/testImages';

const exec = promisify(execFile);
const SAMPLES = 6;
export const COMPOSE_UP_TARGET = { ratio: 1.05 };

export interface ComposeUpBenchResult {
  oursMs?: number;
  cliMs?: number;
  /** ours / CLI: at most 1.05 is the target. */
  ratio?: number;
  samples?: number;
  compose?: string;
  error?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;

export async function benchComposeUp(): Promise<ComposeUpBenchResult> {
  const endpoint = resolveEndpoint();
  const engine = createEngine(endpoint);
  const env = composeEnvironment(endpoint, process.env, dockerConfigDir(nodeDeps()));
  const p = writeComposeProject('bench', composeText(standardServices(await freePort())));
  const ours: number[] = [];
  const cli: number[] = [];
  let composeArgv: string[] = [];
  const running = async () =>
    (await exec('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${p.project}`])).stdout
      .trim()
      .split('\n')
      .filter(Boolean).length;
  try {
    await requireTestImage(BUSYBOX_IMAGE);
    for (let i = 0; i < SAMPLES + 1; i++) {
      // Ours: what the command does from its argument object. Compose is found once per session
      // (ComposeService caches it), so that search is outside the timing, as it is after the first up.
      const found = await detectCompose(execProcess, undefined, env);
      if ('missing' in found) throw new Error(found.message);
      composeArgv = found.argv;
      let t0 = performance.now();
      const runner = new ComposeRunner({ cli: found, env, engine });
      const up = await runner.up(targetForFile(p.file, isFile, []), p.project, {
        services: [],
        declared: ['web', 'worker', 'debug'],
        onProgress: () => undefined,
        onOutput: () => undefined,
      });
      const oursMs = performance.now() - t0;
      if (up.services.filter((s) => s.state === 'running').length !== 2) throw new Error(`ours: ${JSON.stringify(up.services)}`);
      await exec(found.argv[0]!, [...found.argv.slice(1), 'down'], { cwd: p.folder, env });

      // As typed in a terminal: `up -d` returns once every service is started.
      t0 = performance.now();
      await exec(found.argv[0]!, [...found.argv.slice(1), 'up', '-d'], { cwd: p.folder, env });
      const cliMs = performance.now() - t0;
      if ((await running()) !== 2) throw new Error('the CLI left services not running');
      await exec(found.argv[0]!, [...found.argv.slice(1), 'down'], { cwd: p.folder, env });
      // The first pair warms the image cache and Compose's own start up.
      if (i > 0) {
        ours.push(oursMs);
        cli.push(cliMs);
      }
    }
    const oursMs = median(ours);
    const cliMs = median(cli);
    return { oursMs, cliMs, ratio: oursMs / cliMs, samples: ours.length, compose: composeArgv.join(' ') };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0] };
  } finally {
    await exec('docker-compose', ['down', '-v'], { cwd: p.folder, env }).catch(() => undefined);
    rmSync(path.dirname(p.folder), { recursive: true, force: true });
    engine.dispose();
  }
}

export function composeUpRows(r: ComposeUpBenchResult, f: (ms: number | undefined) => string): { rows: string[]; notes: string[] } {
  if (r.error) return { rows: ['| Compose up benchmark | failed | | | | ❌ |'], notes: [`**Compose up benchmark failed:** ${r.error}`] };
  const met = r.ratio !== undefined && r.ratio <= COMPOSE_UP_TARGET.ratio;
  return {
    rows: [
      `| \`berth.compose.up\` → every service running (ms; peer: \`${r.compose} up -d\` typed by hand) | ${f(r.oursMs)} | ${f(r.cliMs)} | ${r.oursMs && r.cliMs ? `${(r.cliMs / r.oursMs).toFixed(2)}x` : '—'} | ours ≤ ${COMPOSE_UP_TARGET.ratio}x the CLI's time | ${met ? '✅ met' : '❌ missed'} |`,
    ],
    notes: [
      `Compose up: medians of ${r.samples} alternating ups of a web service and a worker (busybox:local); ours includes the project's holdings before (to remove what a failed up made), reading Compose's output for progress, and each service's state from the engine after; finding Compose (once per session) is not timed.`,
    ],
  };
}
