/**
 * Activation time of the packaged extension as a user sees it: `npm run package` builds the
 * .vsix, code-server installs it (`--install-extension`, as a user does) into an extensions
 * folder of its own, and a workspace holding a Dockerfile (and a compose.yaml) opens with the
 * Dockerfile in an editor. The figure is what Running Extensions shows for Berth
 * (`codeLoadingTime + activateCallTime` of VS Code's own record), read from its row after each
 * of several window reloads (each reload starts a fresh extension host), median taken.
 *
 *   node --import tsx bench/activation.ts [--vsix FILE] [--runs N]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';

const ROOT = resolve(__dirname, '..');
const CODE_SERVER_ENTRY =
  process.env.BERTH_CODE_SERVER ?? join(ROOT, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js');
const CHROMIUM = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';

/** What one run measured: Berth's activation in each reload, and the other extensions' for scale. */
export interface ActivationResult {
  samplesMs: number[];
  medianMs: number;
  /** Other extensions' activation in the same windows (median per extension), for context. */
  others: Record<string, number>;
  vsixBytes: number;
  extensionJsBytes: number;
  load: [number, number];
  error?: string;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function healthy(url: string): Promise<boolean> {
  return new Promise((done) => {
    const req = request(url, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.setTimeout(2000, () => req.destroy());
    req.end();
  });
}

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Builds the .vsix as `npm run package` does, unless one is given. */
function packageVsix(tmp: string): string {
  const out = join(tmp, 'berth.vsix');
  execFileSync('npm', ['run', '--silent', 'package', '--', '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

export async function benchActivation(options: { vsix?: string; runs?: number } = {}): Promise<ActivationResult> {
  const runs = options.runs ?? 7;
  const tmp = mkdtempSync(join(tmpdir(), 'berth-activation-'));
  const load0 = loadavg()[0];
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  try {
    const vsix = options.vsix ? resolve(options.vsix) : packageVsix(tmp);
    const userData = join(tmp, 'user-data');
    const extensions = join(tmp, 'extensions');
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(
      join(userData, 'User/settings.json'),
      JSON.stringify({
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'security.workspace.trust.enabled': false,
      }),
    );
    const common = ['--user-data-dir', userData, '--extensions-dir', extensions, '--config', join(tmp, 'code-server.yaml')];
    execFileSync(process.execPath, [CODE_SERVER_ENTRY, ...common, '--install-extension', vsix], { stdio: 'ignore', timeout: 120_000 });
    if (!readdirSync(extensions).some((d) => d.startsWith('berth.berth-'))) throw new Error('the .vsix did not install');
    const workspace = join(tmp, 'workspace');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'Dockerfile'), 'FROM busybox:1.36\nRUN echo hello\n');
    writeFileSync(join(workspace, 'compose.yaml'), 'services:\n  web:\n    build: .\n');
    const port = await freePort();
    const logFd = openSync(join(tmp, 'code-server.log'), 'a');
    child = spawn(
      process.execPath,
      [
        CODE_SERVER_ENTRY,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        ...common,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
      ],
      { stdio: ['ignore', logFd, logFd], detached: true },
    );
    const origin = `http://127.0.0.1:${port}`;
    await poll('code-server', 60_000, () => healthy(`${origin}/healthz`));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${origin}/?folder=${encodeURIComponent(workspace)}`);
    const samples: number[] = [];
    const others = new Map<string, number[]>();
    for (let run = 0; run < runs; run++) {
      if (run > 0) await page.reload();
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^Dockerfile$/ });
      await row.first().waitFor({ timeout: 60_000 });
      await row.first().click();
      await page.keyboard.press('F1');
      await page.keyboard.type('Developer: Show Running Extensions');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Running Extensions' }).first().waitFor({ timeout: 15_000 });
      await page.keyboard.press('Enter');
      const times = await poll('Berth in Running Extensions', 60_000, async () => {
        const rows = await page.locator('.runtime-extensions-editor .monaco-list-row').evaluateAll((elements) =>
          elements.map((e) => ({
            name: e.querySelector('.name')?.textContent ?? '',
            time: e.querySelector('.activation-time')?.textContent ?? '',
          })),
        );
        const berth = rows.find((r) => r.name === 'Berth' && /\d+ms/.test(r.time));
        return berth ? rows : undefined;
      });
      for (const { name, time } of times) {
        const ms = Number(/(\d+)ms/.exec(time)?.[1]);
        if (!Number.isFinite(ms)) continue;
        if (name === 'Berth') samples.push(ms);
        else others.set(name, [...(others.get(name) ?? []), ms]);
      }
    }
    const vsixBytes = (await import('node:fs')).statSync(vsix).size;
    const extensionJsBytes = (await import('node:fs')).statSync(join(ROOT, 'dist/extension.js')).size;
    return {
      samplesMs: samples,
      medianMs: median(samples),
      others: Object.fromEntries([...others].map(([name, xs]) => [name, median(xs)])),
      vsixBytes,
      extensionJsBytes,
      load: [load0, loadavg()[0]],
    };
  } catch (error) {
    return {
      samplesMs: [],
      medianMs: Number.NaN,
      others: {},
      vsixBytes: 0,
      extensionJsBytes: 0,
      load: [load0, loadavg()[0]],
      error: (error as Error).message,
    };
  } finally {
    await browser?.close().catch(() => undefined);
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    if (!process.env.BERTH_BENCH_KEEP) rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  if (!existsSync(CODE_SERVER_ENTRY)) throw new Error(`code-server is not installed at ${CODE_SERVER_ENTRY}`);
  void benchActivation({ vsix: arg('vsix'), runs: arg('runs') ? Number(arg('runs')) : undefined }).then((result) =>
    console.log(JSON.stringify(result, null, 2)),
  );
}
