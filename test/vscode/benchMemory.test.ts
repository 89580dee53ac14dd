/**
 * Benchmark, not a test: registered only when bench/run.ts asks (BERTH_BENCH_MEMORY_OUT names
 * the results file). What Berth costs in memory in VS Code under the load: a 3,000-line
 * Dockerfile opened and edited 200 times, each edit's diagnostics awaited. The figure is the
 * extension host's growth (resident now and its peak, against before the file opened) plus the
 * peak of every process it started since (the language server, when it was a process).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import * as vscode from 'vscode';
import type { LanguageServerProbe } from '../../src/extension/main';
import type { ServerMemory } from '../../src/shared/serverMemory';
import { generateDockerfile, singleLineRuns } from '../../bench/generate';
import { test } from './harness';
import { EXTENSION_ID, closeAllEditors, openDockerfile, waitFor, writeWorkspaceFile } from './util';

const OUT = process.env.BERTH_BENCH_MEMORY_OUT;
/** The same load on a file Berth does not serve (plain text): what VS Code's own document sync costs. */
const BASELINE = process.env.BERTH_BENCH_MEMORY_BASELINE === '1';
const EDITS = 200;
/**
 * A directory for heap snapshots of the server thread after opening and after the edits, and of
 * the extension host after the edits (a diagnosis, not the figure: a snapshot collects garbage
 * first, and its own memory stays in the process).
 */
const SNAPSHOTS = process.env.BERTH_BENCH_MEMORY_SNAPSHOTS;

/** The extension host's own isolate (the extension, the language client, VS Code's API side) and its process. */
function hostMemory() {
  const usage = process.memoryUsage();
  const heap = getHeapStatistics();
  return {
    rss: statusBytes('self', 'VmRSS')!,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    mallocedMemory: heap.malloced_memory,
  };
}

/** The server thread's isolate, in the fields the breakdown reads. */
function serverHeap(memory: ServerMemory | undefined) {
  if (!memory) return undefined;
  const space = (name: string) => memory.spaces.find((s) => s.name === name);
  return {
    heapUsed: memory.heap.used_heap_size,
    heapTotal: memory.heap.total_heap_size,
    physical: memory.heap.total_physical_size,
    external: memory.heap.external_memory,
    mallocedMemory: memory.heap.malloced_memory,
    newSpace: space('new_space')?.size ?? 0,
    oldSpace: space('old_space')?.size ?? 0,
    codeSpace: space('code_space')?.size ?? 0,
    largeObjects: space('large_object_space')?.size ?? 0,
    spaces: memory.spaces,
  };
}

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
    const probe = ((await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as { languageServer: LanguageServerProbe })
      .languageServer;
    const childrenBefore = new Set(descendants(process.pid));
    const hostBefore = hostMemory();
    const rssBefore = hostBefore.rss;
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
    const hostOpened = hostMemory();
    const serverOpened = serverHeap(await probe.serverMemory());
    if (SNAPSHOTS) await probe.writeServerHeapSnapshot(join(SNAPSHOTS, 'server-opened.heapsnapshot'));
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
    const hostAfter = hostMemory();
    const rssAfter = hostAfter.rss;
    const hwmAfter = statusBytes('self', 'VmHWM')!;
    const serverAfter = serverHeap(await probe.serverMemory());
    const diagnostics = vscode.languages.getDiagnostics(uri).length;
    if (SNAPSHOTS) {
      await probe.writeServerHeapSnapshot(join(SNAPSHOTS, 'server-edited.heapsnapshot'));
      writeHeapSnapshot(join(SNAPSHOTS, `host-edited-${BASELINE ? 'baseline' : 'berth'}.heapsnapshot`));
    }
    const childrenPeak = [...childPeaks.values()].reduce((a, b) => a + b, 0);
    const result = {
      baseline: BASELINE,
      edits: EDITS,
      answered,
      extensionHost: { rssBefore, rssAfter, hwmAfter, growth: rssAfter - rssBefore },
      children: { count: childPeaks.size, peakBytes: childrenPeak },
      // The breakdown: where the growth sits (the host's own isolate, the server thread's isolate, the rest native).
      host: { before: hostBefore, opened: hostOpened, after: hostAfter },
      server: { opened: serverOpened, after: serverAfter },
      diagnostics,
      berthBytes: rssAfter - rssBefore + childrenPeak,
    };
    writeFileSync(OUT, JSON.stringify(result));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await closeAllEditors();
  }, 600_000);
}
