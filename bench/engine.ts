/**
 * Engine benchmark (part of `npm run bench`, or alone: `node --import tsx bench/engine.ts`):
 *  1. listing 500 containers and 300 images through our engine module vs the docker CLI as a
 *     process (what Container Tools runs on each refresh), median of interleaved runs;
 *  2. latency from an external `docker stop` to the event reaching an EventWatcher (median, p95);
 *  3. Engine API requests during 60 s idle with a watcher open, counted by a unix-socket proxy
 *     in front of the engine.
 * Everything it creates is labelled berth.bench=1 and removed afterwards (and before, if a run
 * was interrupted).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createEngine } from '../src/engine/httpEngine';
import { resolveEndpoint } from '../src/engine/endpoint';
import { EventWatcher } from '../src/engine/eventWatcher';
import type { Endpoint, Engine, EngineEvent } from '../src/engine/types';
import { BUSYBOX_IMAGE, requireTestImage } from '../test/fixtures/testImages';
import { waitFor } from '../test/fixtures/waitFor';

const execFileP = promisify(execFile);
const LABEL = 'berth.bench';
const IMAGE = BUSYBOX_IMAGE;
const CONTAINERS = 500;
const IMAGE_TAGS = 300;
const LIST_RUNS = 9;
const STOPS = 20;
const IDLE_MS = Number(process.env.BENCH_ENGINE_IDLE_MS ?? 60_000);

export const ENGINE_TARGETS = { listRatio: 2, stopToEventMs: 100, idleRequests: 0 };

export interface EngineBenchResult {
  error?: string;
  containers?: number;
  images?: number;
  listContainers?: { oursMs: number; cliMs: number; ratio: number };
  listImages?: { oursMs: number; cliMs: number; ratio: number };
  stopToEvent?: { medianMs: number; p95Ms: number; engineToWatcherMedianMs: number; engineToWatcherP95Ms: number; samples: number };
  idle?: { seconds: number; requestsWhileIdle: number; requestsTotal: number; connections: number; requestLines: string[] };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
};

async function docker(args: string[]): Promise<string> {
  const { stdout } = await execFileP('docker', args, { maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/** Runs `fn` over items, `width` at a time. */
async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function cleanup(): Promise<void> {
  const ids = (await docker(['ps', '-aq', '--filter', `label=${LABEL}=1`])).split('\n').filter(Boolean);
  for (let i = 0; i < ids.length; i += 100) await docker(['rm', '-f', ...ids.slice(i, i + 100)]).catch(() => undefined);
  const tags = (await docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', 'berth-bench/*'])).split('\n').filter(Boolean);
  for (let i = 0; i < tags.length; i += 100) await docker(['image', 'rm', ...tags.slice(i, i + 100)]).catch(() => undefined);
}

/** Labelled busybox containers on no network, created by the CLI eight at a time. */
async function createContainers(n: number, cmd: string[], start: boolean): Promise<string[]> {
  const ids: string[] = [];
  await pool(
    Array.from({ length: n }, (_, i) => i),
    8,
    async (i) => {
      const args = [
        'create',
        '--label',
        `${LABEL}=1`,
        '--network',
        'none',
        '--name',
        `berth-bench-${process.pid}-${start ? 's' : 'c'}${i}`,
        IMAGE,
        ...cmd,
      ];
      ids.push((await docker(args)).trim());
    },
  );
  if (start) for (let i = 0; i < ids.length; i += 50) await docker(['start', ...ids.slice(i, i + 50)]);
  return ids;
}

async function timeCli(args: string[]): Promise<number> {
  const t = performance.now();
  await docker(args);
  return performance.now() - t;
}

async function timeOurs(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

async function benchListing(engine: Engine, result: EngineBenchResult): Promise<void> {
  console.error(`engine: creating ${CONTAINERS} containers and ${IMAGE_TAGS} image tags…`);
  await createContainers(CONTAINERS, ['true'], false);
  await pool(
    Array.from({ length: IMAGE_TAGS }, (_, i) => i),
    8,
    (i) => engine.tagImage(IMAGE, `berth-bench/img${i}`, 'v1'),
  );
  const containers = await engine.listContainers();
  const images = await engine.listImages();
  result.containers = containers.length;
  result.images = images.reduce((n, i) => n + Math.max(1, i.repoTags.length), 0);
  const cliContainers = ['container', 'ls', '-a', '--no-trunc', '--size=false', '--format', '{{json .}}'];
  const cliImages = ['image', 'ls', '--no-trunc', '--format', '{{json .}}'];
  const ours = { c: [] as number[], i: [] as number[] };
  const cli = { c: [] as number[], i: [] as number[] };
  // Warm both once, then interleave so load elsewhere on the machine weighs on both alike.
  await engine.listContainers();
  await docker(cliContainers);
  for (let r = 0; r < LIST_RUNS; r++) {
    ours.c.push(await timeOurs(() => engine.listContainers()));
    cli.c.push(await timeCli(cliContainers));
    ours.i.push(await timeOurs(() => engine.listImages()));
    cli.i.push(await timeCli(cliImages));
  }
  const row = (o: number[], c: number[]) => ({ oursMs: median(o), cliMs: median(c), ratio: median(c) / median(o) });
  result.listContainers = row(ours.c, cli.c);
  result.listImages = row(ours.i, cli.i);
  console.error(
    `engine: list ${result.containers} containers: ours ${result.listContainers.oursMs.toFixed(1)} ms, CLI ${result.listContainers.cliMs.toFixed(1)} ms; ` +
      `${result.images} image tags: ours ${result.listImages.oursMs.toFixed(1)} ms, CLI ${result.listImages.cliMs.toFixed(1)} ms`,
  );
  await cleanup();
}

async function benchStopLatency(engine: Engine, result: EngineBenchResult): Promise<void> {
  // A shell that exits on SIGTERM, so `docker stop` is quick and the latency is the pipeline's.
  const ids = await createContainers(STOPS, ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'], true);
  const waiting = new Map<string, (at: number, e: EngineEvent) => void>();
  const watcher = new EventWatcher(engine, {
    onEvent: (e) => {
      if (e.type === 'container' && e.action === 'stop') waiting.get(e.id)?.(performance.now(), e);
    },
  });
  const total: number[] = [];
  const delivery: number[] = [];
  try {
    await waitFor('the event stream to connect', () => watcher.state === 'connected', 10_000, 10);
    // The stream is subscribed once a marker event comes through.
    const marker = ids[0];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no event arrived within 10 s')), 10_000);
      waiting.set(marker, () => {
        clearTimeout(timer);
        resolve();
      });
      void docker(['stop', marker]);
    });
    for (const id of ids.slice(1)) {
      const arrived = new Promise<{ at: number; e: EngineEvent }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no stop event for ${id} within 10 s`)), 10_000);
        waiting.set(id, (at, e) => {
          clearTimeout(timer);
          resolve({ at, e });
        });
      });
      const t0 = performance.now();
      const stopped = docker(['stop', id]);
      const { at, e } = await arrived;
      await stopped;
      total.push(at - t0);
      // The engine stamps the event; compare with our receipt on the same clock.
      delivery.push(Math.max(0, performance.timeOrigin + at - e.timeNano / 1e6));
    }
  } finally {
    watcher.dispose();
    await watcher.done;
  }
  result.stopToEvent = {
    medianMs: median(total),
    p95Ms: p95(total),
    engineToWatcherMedianMs: median(delivery),
    engineToWatcherP95Ms: p95(delivery),
    samples: total.length,
  };
  console.error(
    `engine: docker stop → watcher event: median ${median(total).toFixed(1)} ms, p95 ${p95(total).toFixed(1)} ms; ` +
      `engine event → watcher: median ${median(delivery).toFixed(2)} ms`,
  );
  await cleanup();
}

/** A unix-socket proxy in front of the engine that counts HTTP requests going through it. */
function countingProxy(
  target: string,
  path: string,
): { server: Server; requests: { at: number; line: string }[]; connections: () => number } {
  const requests: { at: number; line: string }[] = [];
  let connections = 0;
  const server = createServer((client) => {
    connections++;
    const upstream = connect(target);
    let tail = '';
    client.on('data', (chunk: Buffer) => {
      // Request lines start a line: METHOD /path HTTP/1.1.
      const text = tail + chunk.toString('latin1');
      for (const m of text.matchAll(/(?:^|\r\n)((?:GET|POST|PUT|DELETE|HEAD) \/\S* HTTP\/1\.[01])/g)) {
        // A match wholly inside the carried-over tail was counted with the previous chunk.
        if (m.index! + m[0].length > tail.length) requests.push({ at: performance.now(), line: m[1] });
      }
      tail = text.slice(-64);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('end', () => upstream.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  server.listen(path);
  return { server, requests, connections: () => connections };
}

async function benchIdle(endpoint: Endpoint, result: EngineBenchResult): Promise<void> {
  if (endpoint.kind !== 'unix' || !endpoint.socketPath) throw new Error('the idle count needs a unix-socket engine');
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-proxy-'));
  const socket = join(dir, 'p.sock');
  const proxy = countingProxy(endpoint.socketPath, socket);
  await new Promise((r) => proxy.server.once('listening', r));
  const engine = createEngine({ kind: 'unix', socketPath: socket, display: `unix://${socket}`, source: 'setting' });
  const watcher = new EventWatcher(engine, { onEvent: () => undefined, onResync: () => undefined });
  try {
    await waitFor('the event stream to connect', () => watcher.state === 'connected', 10_000, 10);
    // Let the stream's request reach the proxy before the idle window opens.
    await waitFor('the event request to reach the proxy', () => proxy.requests.some((r) => r.line.startsWith('GET /events')), 10_000, 10);
    const start = performance.now();
    console.error(`engine: idle ${IDLE_MS / 1000} s with a watcher open…`);
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const during = proxy.requests.filter((r) => r.at >= start);
    result.idle = {
      seconds: IDLE_MS / 1000,
      requestsWhileIdle: during.length,
      requestsTotal: proxy.requests.length,
      connections: proxy.connections(),
      requestLines: proxy.requests.map((r) => r.line.replace(/ HTTP\/1\.[01]$/, '')),
    };
    console.error(`engine: ${during.length} requests while idle; ${proxy.requests.length} in all (${result.idle.requestLines.join(', ')})`);
  } finally {
    watcher.dispose();
    await watcher.done;
    engine.dispose();
    proxy.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the engine benchmark; an absent engine or image is reported in `error`, not thrown. */
export async function benchEngine(): Promise<EngineBenchResult> {
  const result: EngineBenchResult = {};
  let engine: Engine | undefined;
  try {
    const endpoint = resolveEndpoint();
    engine = createEngine(endpoint);
    await engine.ping();
    await requireTestImage(IMAGE);
    await cleanup();
    await benchListing(engine, result);
    await benchStopLatency(engine, result);
    await benchIdle(endpoint, result);
  } catch (err) {
    result.error = (err as Error).message;
    console.error(`engine: FAILED: ${result.error}`);
  } finally {
    await cleanup().catch(() => undefined);
    engine?.dispose();
  }
  return result;
}

const f = (ms: number | undefined) =>
  ms === undefined || !Number.isFinite(ms) ? '—' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
const x = (r: number | undefined) => (r === undefined || !Number.isFinite(r) ? '—' : `${r.toFixed(2)}x`);
const ok = (b: boolean | undefined) => (b === undefined ? '—' : b ? '✅ met' : '❌ missed');

/** Rows for bench/run.ts's table: | Measure | Berth | Peer | Peer / Berth | Target | |. */
export function engineRows(r: EngineBenchResult): { rows: string[]; notes: string[] } {
  if (r.error) return { rows: [`| Engine benchmark | failed | | | | ❌ |`], notes: [`**Engine benchmark failed:** ${r.error}`] };
  const rows: string[] = [];
  const lc = r.listContainers;
  const li = r.listImages;
  const s = r.stopToEvent;
  const idle = r.idle;
  rows.push(
    `| List ${r.containers} containers (ms; \`docker container ls -a --no-trunc --size=false --format '{{json .}}'\` as a process) | ${f(lc?.oursMs)} | ${f(lc?.cliMs)} | ${x(lc?.ratio)} | ≥ ${ENGINE_TARGETS.listRatio}x | ${ok(lc && lc.ratio >= ENGINE_TARGETS.listRatio)} |`,
    `| List ${r.images} image tags (ms; \`docker image ls --no-trunc --format '{{json .}}'\`) | ${f(li?.oursMs)} | ${f(li?.cliMs)} | ${x(li?.ratio)} | ≥ ${ENGINE_TARGETS.listRatio}x | ${ok(li && li.ratio >= ENGINE_TARGETS.listRatio)} |`,
    `| External \`docker stop\` → event at the watcher, median (ms; includes the CLI's own run) | ${f(s?.medianMs)} | | | ≤ ${ENGINE_TARGETS.stopToEventMs} ms | ${ok(s && s.medianMs <= ENGINE_TARGETS.stopToEventMs)} |`,
    `| External \`docker stop\` → event at the watcher, p95 (ms) | ${f(s?.p95Ms)} | | | | |`,
    `| Engine API requests in ${idle?.seconds ?? 60} s idle with the event watcher open (beyond its one stream) | ${idle?.requestsWhileIdle ?? '—'} | | | ${ENGINE_TARGETS.idleRequests} | ${ok(idle && idle.requestsWhileIdle <= ENGINE_TARGETS.idleRequests)} |`,
  );
  const notes = [
    `Engine: the event's own timestamp to its delivery at the watcher: median ${f(s?.engineToWatcherMedianMs)} ms, p95 ${f(s?.engineToWatcherP95Ms)} ms over ${s?.samples ?? 0} stops; the rest of the stop latency is the docker CLI starting and the container stopping. ` +
      `Requests through the counting proxy in all: ${idle?.requestLines.join(', ') ?? '—'} (${idle?.connections ?? 0} connections). Container Tools debounces refreshes by 500 ms and then runs the CLI listing above.`,
  ];
  return { rows, notes };
}

if (require.main === module) {
  void benchEngine().then((r) => {
    const { rows, notes } = engineRows(r);
    console.log(
      [
        '| Measure | Berth | Peer | Peer / Berth | Target | |',
        '|---|---:|---:|---:|---|---|',
        ...rows,
        '',
        ...notes.map((n) => `- ${n}`),
      ].join('\n'),
    );
    if (r.error) process.exitCode = 1;
  });
}
