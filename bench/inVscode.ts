/**
 * What Berth costs in the real VS Code (code-server), issue #14's first two targets:
 * activation of the packaged .vsix as Running Extensions shows it (bench/activation.ts), and
 * memory under a 3,000-line Dockerfile opened and edited 200 times (test/vscode/benchMemory.test.ts),
 * against the same edits on a plain-text file, which is VS Code's own share.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchActivation, type ActivationResult } from './activation';

const ROOT = resolve(__dirname, '..');

interface MemoryRun {
  extensionHost: { rssBefore: number; rssAfter: number; hwmAfter: number; growth: number };
  children: { count: number; peakBytes: number };
  answered: number;
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
  return `${rows.join('\n')}\n`;
}
