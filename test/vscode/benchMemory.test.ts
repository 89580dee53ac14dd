/**
 * Benchmark, not a test: registered only when bench/run.ts asks (BERTH_BENCH_MEMORY_OUT names
 * the results file). What Berth costs in memory in VS Code under the load: a 3,000-line
 * Dockerfile opened and edited 200 times, each edit's diagnostics awaited. The figure is the
 * extension host's growth (resident now and its peak, against before the file opened) plus the
 * peak of every process it started since (the language server, when it was a process).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { generateDockerfile, singleLineRuns } from '../../bench/generate';
import { test } from './harness';
import { EXTENSION_ID, closeAllEditors, openDockerfile, waitFor, writeWorkspaceFile } from './util';

const OUT = process.env.BERTH_BENCH_MEMORY_OUT;
/** The same load on a file Berth does not serve (plain text): what VS Code's own document sync costs. */
const BASELINE = process.env.BERTH_BENCH_MEMORY_BASELINE === '1';
const EDITS = 200;

/** A field of /proc/<pid>/status in bytes (VmRSS, VmHWM), undefined when the process is gone. */
function statusBytes(pid: number | 'self', field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The extension host's descendants now. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent pid is the field after the parenthesised command name.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parents) {
      if (parent !== pid) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

if (OUT) {
  test('memory bench: a 3,000-line Dockerfile opened and edited 200 times', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const childrenBefore = new Set(descendants(process.pid));
    const rssBefore = statusBytes('self', 'VmRSS')!;
    const text = generateDockerfile(3000);
    const uri = writeWorkspaceFile(BASELINE ? 'memory-bench/baseline.txt' : 'memory-bench/Dockerfile', text);
    const editor = BASELINE ? await vscode.window.showTextDocument(uri) : await openDockerfile(uri);
    const changed = () =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => done(false), 10_000);
        const sub = vscode.languages.onDidChangeDiagnostics((e) => {
          if (e.uris.some((u) => u.toString() === uri.toString())) done(true);
        });
        const done = (seen: boolean) => {
          clearTimeout(timer);
          sub.dispose();
          resolve(seen);
        };
      });
    if (!BASELINE) await waitFor('first diagnostics', () => vscode.languages.getDiagnostics(uri).length > 0, 60_000);
    const runs = singleLineRuns(text);
    const line = runs[Math.floor(runs.length / 2)];
    let answered = 0;
    const childPeaks = new Map<number, number>();
    for (let i = 0; i < EDITS; i++) {
      const seen = BASELINE ? Promise.resolve(false) : changed();
      const at = new vscode.Position(line, 4 + i);
      await editor.edit((b) => b.insert(at, 'x'), { undoStopBefore: false, undoStopAfter: false });
      if (await seen) answered++;
      if (i % 20 === 19)
        for (const pid of descendants(process.pid))
          if (!childrenBefore.has(pid)) childPeaks.set(pid, Math.max(childPeaks.get(pid) ?? 0, statusBytes(pid, 'VmHWM') ?? 0));
    }
    const rssAfter = statusBytes('self', 'VmRSS')!;
    const hwmAfter = statusBytes('self', 'VmHWM')!;
    const childrenPeak = [...childPeaks.values()].reduce((a, b) => a + b, 0);
    const result = {
      baseline: BASELINE,
      edits: EDITS,
      answered,
      extensionHost: { rssBefore, rssAfter, hwmAfter, growth: rssAfter - rssBefore },
      children: { count: childPeaks.size, peakBytes: childrenPeak },
      berthBytes: rssAfter - rssBefore + childrenPeak,
    };
    writeFileSync(OUT, JSON.stringify(result));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await closeAllEditors();
  }, 600_000);
}
