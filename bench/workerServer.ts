/**
 * The language server as the extension runs it, in a worker thread with the extension's heap
 * limits, without VS Code around it: a 3,000-line Dockerfile opened and typed into 200 times
 * (the memory bench's load), each keystroke's diagnostics awaited. It reports keystroke latency
 * and the thread's heap (what the thread itself reads, src/shared/serverMemory.ts), so heap limits
 * can be compared on both in one process, alternating, where the stdio server bench cannot set
 * a worker's `resourceLimits`.
 *
 *   node --import tsx bench/workerServer.ts [--rounds N] [--limits YOUNG/OLD,YOUNG/OLD,...] [--snapshot FILE]
 *
 * e.g. `--limits 8/512,4/512,8/64` (MB); needs `npm run build` first (it runs dist/server.js).
 * `--snapshot` writes a heap snapshot of the last run's thread after the edits.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { MessageChannel, Worker } from 'node:worker_threads';
import { createMessageConnection, PortMessageReader, PortMessageWriter } from 'vscode-jsonrpc/node';
import { SERVER_MEMORY_MESSAGE, type ServerMemory } from '../src/shared/serverMemory';
import { generateDockerfile, singleLineRuns } from './generate';

const SERVER = resolve(__dirname, '..', 'dist', 'server.js');
const URI = 'file:///bench/Dockerfile';
const EDITS = 200;

export interface WorkerRun {
  youngMb: number;
  oldMb: number;
  medianMs: number;
  p95Ms: number;
  /** The thread's heap after opening and after the edits: reserved, used, and the young / old spaces reserved. */
  opened: HeapFigures;
  edited: HeapFigures;
  /** This process's resident set before the thread started and after the edits: the thread's whole cost when it runs first. */
  rssBefore: number;
  rssAfter: number;
}

interface HeapFigures {
  total: number;
  used: number;
  newSpace: number;
  oldSpace: number;
}

function figures(memory: ServerMemory): HeapFigures {
  const space = (name: string) => memory.spaces.find((s) => s.name === name)?.size ?? 0;
  return {
    total: memory.heap.total_heap_size,
    used: memory.heap.used_heap_size,
    newSpace: space('new_space'),
    oldSpace: space('old_space'),
  };
}

async function heapOf(worker: Worker): Promise<HeapFigures> {
  const answer = once(worker, 'message') as Promise<[ServerMemory]>;
  worker.postMessage(SERVER_MEMORY_MESSAGE);
  return figures((await answer)[0]);
}

/** One fresh server thread under the given limits, opened and typed into as the memory bench does. */
export async function workerRun(youngMb: number, oldMb: number, snapshot?: string): Promise<WorkerRun> {
  const rssBefore = process.memoryUsage().rss;
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(SERVER, {
    workerData: { lspPort: port2 },
    transferList: [port2],
    resourceLimits: { maxYoungGenerationSizeMb: youngMb, maxOldGenerationSizeMb: oldMb },
  });
  const connection = createMessageConnection(new PortMessageReader(port1), new PortMessageWriter(port1));
  // The server's own requests: settings as an editor with no Berth settings answers, the rest accepted.
  connection.onRequest((method: string, params: unknown) =>
    method === 'workspace/configuration' ? ((params as { items?: unknown[] } | undefined)?.items ?? []).map(() => ({})) : null,
  );
  let published = 0;
  let waiting: { version: number; done: () => void } | undefined;
  connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; version?: number }) => {
    if (params.uri !== URI) return;
    published = Math.max(published, params.version ?? 0);
    if (waiting && published >= waiting.version) waiting.done();
  });
  const diagnosticsOf = (version: number) =>
    new Promise<void>((done, fail) => {
      if (published >= version) return done();
      const timer = setTimeout(() => fail(new Error(`no diagnostics for version ${version} in 30 s`)), 30_000);
      waiting = {
        version,
        done: () => {
          clearTimeout(timer);
          waiting = undefined;
          done();
        },
      };
    });
  connection.listen();
  try {
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        workspace: { configuration: true },
        textDocument: { synchronization: { dynamicRegistration: false }, publishDiagnostics: { versionSupport: true } },
      },
    });
    await connection.sendNotification('initialized', {});
    const text = generateDockerfile(3000);
    const runs = singleLineRuns(text);
    const line = runs[Math.floor(runs.length / 2)];
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'dockerfile', version: 1, text } });
    await diagnosticsOf(1);
    const opened = await heapOf(worker);
    const latencies: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const version = i + 2;
      const at = { line, character: 4 + i };
      const started = performance.now();
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: URI, version },
        contentChanges: [{ range: { start: at, end: at }, text: 'x' }],
      });
      await diagnosticsOf(version);
      latencies.push(performance.now() - started);
    }
    const edited = await heapOf(worker);
    const rssAfter = process.memoryUsage().rss;
    if (snapshot) await pipeline(await worker.getHeapSnapshot(), createWriteStream(snapshot));
    latencies.sort((a, b) => a - b);
    return {
      youngMb,
      oldMb,
      medianMs: latencies[Math.floor(latencies.length / 2)],
      p95Ms: latencies[Math.floor(latencies.length * 0.95)],
      opened,
      edited,
      rssBefore,
      rssAfter,
    };
  } finally {
    connection.dispose();
    await worker.terminate();
  }
}

if (require.main === module) {
  const arg = (name: string) => {
    const at = process.argv.indexOf(`--${name}`);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const rounds = Number(arg('rounds') ?? 3);
  const limits = (arg('limits') ?? '8/512').split(',').map((pair) => pair.split('/').map(Number) as [number, number]);
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  void (async () => {
    console.log(
      '| young / old limit (MB) | round | keystroke median / p95 (ms) | heap reserved / used after opening (MB) | after the edits: reserved / used / young / old (MB) | process RSS growth (MB) | load |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    // Alternating the limits round by round, so the machine's load falls on each alike.
    for (let round = 1; round <= rounds; round++) {
      for (const [young, old] of limits) {
        const r = await workerRun(young, old, arg('snapshot'));
        console.log(
          `| ${young} / ${old} | ${round} | ${r.medianMs.toFixed(2)} / ${r.p95Ms.toFixed(2)} | ${mb(r.opened.total)} / ${mb(r.opened.used)} | ${mb(r.edited.total)} / ${mb(r.edited.used)} / ${mb(r.edited.newSpace)} / ${mb(r.edited.oldSpace)} | ${mb(r.rssAfter - r.rssBefore)} | ${(await import('node:os')).loadavg()[0].toFixed(1)} |`,
        );
      }
    }
  })();
}
