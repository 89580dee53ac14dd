/**
 * Benchmark, not a test: registered only when bench/run.ts asks (BERTH_BENCH_OUT names the
 * results file). From an external `docker stop` to the Containers view's model showing the
 * container exited, through the real engine's events, the 50 ms debounce and the re-list.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { BerthApi } from '../../src/extension/main';
import { test } from './harness';
import { waitForTree } from './trees';
import { EXTENSION_ID } from './util';

const exec = promisify(execFile);
const OUT = process.env.BERTH_BENCH_OUT;
const SAMPLES = 15;

if (OUT) {
  test('bench: docker stop → Containers view model', async () => {
    const api = await vscode.extensions.getExtension<BerthApi>(EXTENSION_ID)!.activate();
    await vscode.commands.executeCommand('workbench.view.extension.berth');
    await vscode.commands.executeCommand('berth.containers.focus');
    const containers = api.views.providers.containers;
    const prefix = `berthbench${Date.now().toString(36)}`;
    const names = Array.from({ length: SAMPLES + 1 }, (_, i) => `${prefix}-${i}`);
    try {
      for (const name of names)
        await exec('docker', ['run', '-d', '--name', name, '--label', 'berth.bench=1', 'busybox:local', 'sleep', '600']);
      const shows = (name: string, state: string) => (nodes: { node: { label: string; contextValue?: string } }[]) =>
        nodes.some((n) => n.node.label === name && n.node.contextValue === `container.${state}`);
      await waitForTree(containers, (nodes) => names.every((n) => shows(n, 'running')(nodes)), 'all bench containers running', 30_000);
      const samples: number[] = [];
      const fromEvent: number[] = [];
      for (const [i, name] of names.entries()) {
        let dieAt = 0;
        const events = api.service.onDidReceiveEvent((e) => {
          if (!dieAt && e.type === 'container' && e.action === 'die' && e.attributes.name === name) dieAt = performance.now();
        });
        // The model: the provider's top-level nodes (containers outside a compose project sit there).
        const seen = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${name} not shown exited within 15 s`)), 15_000);
          const sub = containers.onDidChangeTreeData(async () => {
            const roots = (await containers.getChildren()) as { label: string; contextValue?: string }[];
            if (roots.some((n) => n.label === name && n.contextValue === 'container.exited')) {
              clearTimeout(timer);
              sub.dispose();
              resolve();
            }
          });
        });
        const t0 = performance.now();
        const stop = exec('docker', ['stop', '-t', '0', name]);
        await seen;
        const t1 = performance.now();
        events.dispose();
        // The first warms the path up.
        if (i > 0) {
          samples.push(t1 - t0);
          if (dieAt) fromEvent.push(t1 - dieAt);
        }
        await stop;
      }
      const stats = (xs: number[]) => {
        xs.sort((a, b) => a - b);
        return { medianMs: xs[Math.floor(xs.length / 2)], p95Ms: xs[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] };
      };
      // Idle: every view open, nothing happening on the engine; count what the views ask for.
      for (const view of ['berth.volumes', 'berth.networks', 'berth.images', 'berth.containers'])
        await vscode.commands.executeCommand(`${view}.focus`);
      await exec('docker', ['rm', '-f', ...names]);
      await waitForTree(containers, (nodes) => !nodes.some((n) => names.includes(n.node.label)), 'bench containers gone', 15_000);
      // The removals' own follow-up refreshes finish within a second; the idle minute starts after.
      await new Promise((r) => setTimeout(r, 1000));
      const providers = Object.values(api.views.providers);
      const before = providers.reduce((sum, p) => sum + p.listCount, 0);
      const IDLE_MS = 60_000;
      await new Promise((r) => setTimeout(r, IDLE_MS)); // the measurement is the idle minute itself
      const idleLists = providers.reduce((sum, p) => sum + p.listCount, 0) - before;
      const result = {
        samples: samples.length,
        ...stats(samples),
        fromEvent: stats(fromEvent),
        idle: { seconds: IDLE_MS / 1000, lists: idleLists, eventStream: api.service.eventsActive },
      };
      writeFileSync(OUT, JSON.stringify(result));
    } finally {
      await exec('docker', ['rm', '-f', ...names]).catch(() => undefined);
    }
  }, 300_000);
}
