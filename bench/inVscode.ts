/**
 * What Berth costs in the real VS Code (code-server), issue #14's first two targets:
 * activation of the packaged .vsix as Running Extensions shows it (bench/activation.ts), and
 * memory under a 3,000-line Dockerfile opened and edited 200 times (test/vscode/benchMemory.test.ts),
 * against the same edits on a plain-text file, which is VS Code's own share. Memory is measured on
 * the production build (what the .vsix holds): the development build's unminified server.js
 * alone is a 2.8 MB string on the server thread's heap.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchActivation, type ActivationResult } from './activation';

const ROOT = resolve(__dirname, '..');

/** Heap figures of one isolate, as test/vscode/benchMemory.test.ts records them. */
interface HostMemory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
}

interface ServerHeap {
  heapTotal: number;
  heapUsed: number;
  external: number;
  newSpace: number;
  oldSpace: number;
  codeSpace: number;
  largeObjects: number;
}

interface MemoryRun {
  extensionHost: { rssBefore: number; rssAfter: number; hwmAfter: number; growth: number };
  children: { count: number; peakBytes: number };
  answered: number;
  host: { before: HostMemory; opened: HostMemory; after: HostMemory };
  server: { opened?: ServerHeap; after?: ServerHeap };
}

export interface MemoryResult {
  berth?: MemoryRun;
  baseline?: MemoryRun;
  /** Extension-host growth beyond the baseline's, plus every process Berth started, at their peak. */
  berthBytes?: number;
  load: [number, number];
  error?: string;
}

function memoryRun(baseline: boolean): MemoryRun {
  const out = join(tmpdir(), `berth-memory-${process.pid}-${baseline ? 'baseline' : 'berth'}.json`);
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'vscode-test.mjs'), '--grep', 'memory bench:', '--timeout', '900'], {
      env: { ...process.env, BERTH_BENCH_MEMORY_OUT: out, BERTH_BENCH_MEMORY_BASELINE: baseline ? '1' : '0' },
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 950_000,
    });
    return JSON.parse(readFileSync(out, 'utf8')) as MemoryRun;
  } finally {
    rmSync(out, { force: true });
  }
}

export function benchMemory(): MemoryResult {
  const load0 = loadavg()[0];
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--production'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const baseline = memoryRun(true);
    const berth = memoryRun(false);
    const berthBytes = berth.extensionHost.growth - baseline.extensionHost.growth + berth.children.peakBytes;
    return { berth, baseline, berthBytes, load: [load0, loadavg()[0]] };
  } catch (error) {
    return { load: [load0, loadavg()[0]], error: (error as Error).message.split('\n')[0] };
  }
}

export { benchActivation, type ActivationResult };

const mb = (bytes: number | undefined) => (bytes === undefined ? '—' : (bytes / 1024 / 1024).toFixed(0));

/** The table rows for both, as bench/run.ts prints them. */
export function inVscodeRows(activation: ActivationResult, memory: MemoryResult): string {
  const rows: string[] = ['\n| Measure | Berth | Peer | | Target | |', '|---|---:|---:|---:|---|---|'];
  if (activation.error)
    rows.push(`| Activation of the packaged .vsix in Running Extensions | failed: ${activation.error} | | | ≤ 50 ms | |`);
  else {
    const git = activation.others.Git;
    rows.push(
      `| Activation of the packaged .vsix in Running Extensions, median of ${activation.samplesMs.length} window reloads (ms; peer: VS Code's Git in the same windows; load ${activation.load[0].toFixed(1)} → ${activation.load[1].toFixed(1)}) | ${activation.medianMs} | ${git ?? '—'} | ${git ? `${(git / activation.medianMs).toFixed(1)}x` : ''} | ≤ 50 ms | ${activation.medianMs <= 50 ? '✅ met' : '❌ missed'} |`,
      `| … what activation loads: dist/extension.js (KB; the .vsix ${(activation.vsixBytes / 1024).toFixed(0)} KB) | ${(activation.extensionJsBytes / 1024).toFixed(1)} | | | | |`,
    );
  }
  if (memory.error || memory.berthBytes === undefined)
    rows.push(`| Berth's memory in VS Code | failed: ${memory.error ?? '?'} | | | ≤ 50 MB | |`);
  else
    rows.push(
      `| Berth's memory in VS Code, 3,000-line Dockerfile edited 200 times (MB: extension-host growth beyond the same edits on plain text, plus processes started; load ${memory.load[0].toFixed(1)}) | ${mb(memory.berthBytes)} | | | ≤ 50 MB | ${memory.berthBytes <= 50 * 1024 * 1024 ? '✅ met' : '❌ missed'} |`,
      `| … extension host growth with Berth / on plain text alone (MB); processes started (MB at peak) | ${mb(memory.berth?.extensionHost.growth)} / ${mb(memory.baseline?.extensionHost.growth)}; ${mb(memory.berth?.children.peakBytes)} | | | | |`,
    );
  const berth = memory.berth;
  const baseline = memory.baseline;
  const server = berth?.server.after;
  if (berth && baseline && server) {
    const hostHeap = (run: MemoryRun) =>
      run.host.after.heapTotal - run.host.before.heapTotal + run.host.after.external - run.host.before.external;
    const rest = berth.extensionHost.growth - server.heapTotal - server.external - hostHeap(berth);
    rows.push(
      `| … where Berth's growth sits (MB): the server thread's heap (new / old / code / large-object spaces) + its external memory | ${mb(server.heapTotal)} (${mb(server.newSpace)} / ${mb(server.oldSpace)} / ${mb(server.codeSpace)} / ${mb(server.largeObjects)}) + ${mb(server.external)} | | | | |`,
      `| … the server thread's live heap after opening / after the edits (MB) | ${mb(berth.server.opened?.heapUsed)} / ${mb(server.heapUsed)} | | | | |`,
      `| … the extension host's own heap and external memory, with Berth / on plain text (MB) | ${mb(hostHeap(berth))} / ${mb(hostHeap(baseline))} | | | | |`,
      `| … the rest, outside both heaps (MB: the thread's Node environment and stack, compiled code, the allocator) | ${mb(rest)} | | | | |`,
    );
  }
  return `${rows.join('\n')}\n`;
}
