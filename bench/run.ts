/**
 * `npm run bench`: Berth side by side with the peers in one run.
 *  1. lint of generated 20/200/2,000/20,000-line Dockerfiles: our `lint` vs dockerfile-utils `validate`;
 *  2. LSP edit → publishDiagnostics latency on a 3,000-line Dockerfile: `node dist/server.js --stdio`
 *     vs `docker-langserver --stdio`, same client, same edits;
 *  3. each server's resident high-water mark (VmHWM);
 *  4. the engine module against the docker CLI: listing, event latency, idle requests (bench/engine.ts).
 *  5. run workspace: command → published port answering vs the same docker run (bench/devenv.ts).
 *  6. image builds with BuildKit, cold and warm, vs DOCKER_BUILDKIT=1 docker build (bench/build.ts).
 *  6. how parse, lint and code actions grow with the input, on the fuzz tests' generator (bench/growth.ts).
 *  7. every feature on pathological files at two sizes: time, growth, memory (bench/robustness.ts).
 *  8. Compose files: hover, completion and edit → diagnostics on a 1,000-line compose.yaml, our server
 *     vs Container Tools' Compose server (bench/composeLsp.ts).
 *  9. ShellCheck inside RUN: keystroke → own and ShellCheck diagnostics, ShellCheck on vs off (bench/shellcheck.ts).
 * 10. views and logs at scale in VS Code: 2,000 containers and tags, an event storm, a 100 MB log (bench/scale.ts).
 * 11. the CLI over a 1,000-Dockerfile monorepo vs dockerfile-utils, and one file spawn to exit (bench/cli.ts).
 * Prints a markdown table and writes bench/results/latest.md and latest.json.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchBuild, buildRows, type BuildBenchResult } from './build';
import { benchCli, cliRows } from './cli';
import { benchComposeLsp, composeLspRows, type ComposeLspResult } from './composeLsp';
import { benchComposeUp, composeUpRows, type ComposeUpBenchResult } from './composeUp';
import { benchDevenv, devenvRows, type DevenvBenchResult } from './devenv';
import { benchEngine, engineRows, type EngineBenchResult } from './engine';
import { benchFeatures, featureRows, type FeatureResult } from './features';
import { benchFixAll, fixAllRow, type FixAllTiming } from './fixAll';
import { generateCompose } from './compose';
import { generateDockerfile, singleLineRuns } from './generate';
import { benchGrowth, growthRows, type GrowthResult } from './growth';
import { benchActivation, benchMemory, inVscodeRows } from './inVscode';
import { median, percentile, type LintTiming, type WorkerRequest } from './lint-worker';
import { LspClient } from './lsp-client';
import { benchRobustness, robustnessRows, type RobustnessResult } from './robustness';
import { benchScale, scaleRows } from './scale';
import { benchShellCheck, shellCheckRows, type ShellCheckBenchResult } from './shellcheck';

const ROOT = resolve(__dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');
const LINT_SIZES = [20, 200, 2000, 20000];
const LSP_LINES = 3000;
const WARMUP_EDITS = 20;
const MEASURED_EDITS = 100;
const EDIT_TIMEOUT_MS = 10000;

const TARGETS = {
  lintSpeedupAt2000: 20, // peer ms / our ms at 2,000 lines
  linearGrowth: 1.5, // our ms-per-1,000-lines at 20,000 over that at 2,000
  lspMedianMs: 3,
  // Any keystroke (issue #14): the global ARG, a FROM, mid-file, and with a compose file open.
  keystrokeMedianMs: 2,
  keystrokeP95Ms: 4,
  serverPeakMb: 50,
};

// ───────────────────────────── 1. lint ─────────────────────────────

interface LintRow {
  lines: number;
  bytes: number;
  ours: LintTiming;
  peer: LintTiming;
  ratio: number;
}

/** A linter in its own process (bench/lint-worker.ts), answering one request at a time. */
class LintWorker {
  private readonly child: ChildProcess;
  private waiting: { resolve: (v: any) => void; reject: (e: Error) => void } | undefined;

  constructor(readonly linter: 'berth' | 'dockerfile-utils') {
    this.child = fork(join(__dirname, 'lint-worker.ts'), [linter], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (reply) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.resolve(reply);
    });
    this.child.on('exit', (code, signal) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(new Error(`lint worker for ${linter} exited (code ${code}, signal ${signal})`));
    });
  }

  ask<T = unknown>(request: WorkerRequest): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child.send(request);
    });
  }

  close(): void {
    this.child.disconnect();
  }
}

async function benchLint(): Promise<LintRow[]> {
  const rows: LintRow[] = [];
  const oursWorker = new LintWorker('berth');
  const peerWorker = new LintWorker('dockerfile-utils');
  try {
    for (const lines of LINT_SIZES) {
      const budget = lines >= 20000 ? 2500 : 1500;
      await oursWorker.ask({ cmd: 'prepare', lines });
      await peerWorker.ask({ cmd: 'prepare', lines });
      // Interleaved rounds, so a burst of other work on the machine weighs on both sides alike;
      // only one worker runs at a time.
      const ROUNDS = 6;
      for (let round = 0; round < ROUNDS; round++) {
        const min = round === ROUNDS - 1 ? 2 : 1; // at least 7 samples each
        await oursWorker.ask({ cmd: 'run', ms: budget / ROUNDS, min });
        await peerWorker.ask({ cmd: 'run', ms: budget / ROUNDS, min });
      }
      const ours = await oursWorker.ask<LintTiming>({ cmd: 'result' });
      const peer = await peerWorker.ask<LintTiming>({ cmd: 'result' });
      const row = { lines, bytes: Buffer.byteLength(generateDockerfile(lines)), ours, peer, ratio: peer.medianMs / ours.medianMs };
      rows.push(row);
      console.error(
        `lint ${lines} lines: berth ${fmtMs(ours.medianMs)} ms (${ours.diagnostics} findings), ` +
          `dockerfile-utils ${fmtMs(peer.medianMs)} ms (${peer.diagnostics} findings), ${fmtX(row.ratio)}`,
      );
    }
  } finally {
    oursWorker.close();
    peerWorker.close();
  }
  return rows;
}

// ───────────────────────────── 2, 3. LSP ─────────────────────────────

interface LspResult {
  server: string;
  command: string;
  error?: string;
  syncKind?: number;
  sendsVersion?: boolean;
  openMs?: number;
  latenciesMs?: number[];
  medianMs?: number;
  p95Ms?: number;
  maxMs?: number;
  lastDiagnostics?: number;
  peakRssBytes?: number;
  serverRequests?: Record<string, number>;
  /** Keystrokes at the other places of the file (EDIT_PLACES), each measured on its own. */
  places?: Partial<Record<EditPlace, { medianMs: number; p95Ms: number; maxMs: number }>>;
}

/**
 * Where keystrokes land besides mid-file RUNs: the global ARG every FROM reads (line 3), a FROM
 * mid-file (a stage's base, which later stages' checks read), and mid-file RUNs again with a
 * compose file open in the same server (ours only: the peer has no Compose language).
 */
const EDIT_PLACES = ['arg', 'from', 'compose'] as const;
type EditPlace = (typeof EDIT_PLACES)[number];
const PLACE_EDITS = 60;
const PLACE_LABEL: Record<EditPlace, string> = {
  arg: 'in the global ARG every FROM reads (line 3)',
  from: 'in a FROM mid-file',
  compose: 'mid-file, a 1,000-line compose.yaml open in the same server',
};

/** Type a character and take it back again, alternately, at `line`/`character`: the file ends as it began. */
function typeAndUndo(line: number, character: number, count: number): Edit[] {
  return Array.from({ length: count }, (_, i) => ({ line, character, ch: i % 2 ? '' : '7', remove: i % 2 === 1 }));
}

function placeScript(text: string, place: EditPlace): Edit[] {
  const lines = text.split('\n');
  if (place === 'arg') {
    const line = lines.findIndex((l) => l.startsWith('ARG NODE_VERSION='));
    return typeAndUndo(line, lines[line].length, WARMUP_EDITS + PLACE_EDITS);
  }
  if (place === 'from') {
    const froms = lines.flatMap((l, i) => (/^FROM \S+ AS /.test(l) ? [i] : []));
    const line = froms[Math.floor(froms.length / 2)];
    return typeAndUndo(line, lines[line].indexOf(' AS '), WARMUP_EDITS + PLACE_EDITS);
  }
  return editScript(text).slice(0, WARMUP_EDITS + PLACE_EDITS);
}

/** The edit script: type a short command after `RUN ` on single-line RUNs spread through the file. */
function editScript(text: string): { line: number; character: number; ch: string }[] {
  const runs = singleLineRuns(text);
  const typed = 'echo typed-by-bench && ';
  const targets = [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => runs[Math.floor(f * (runs.length - 1))]);
  const perLine = Math.ceil((WARMUP_EDITS + MEASURED_EDITS) / targets.length);
  const edits: { line: number; character: number; ch: string }[] = [];
  for (const line of targets) {
    for (let k = 0; k < perLine && edits.length < WARMUP_EDITS + MEASURED_EDITS; k++) {
      edits.push({ line, character: 'RUN '.length + k, ch: typed[k % typed.length] });
    }
  }
  return edits;
}

/** One keystroke: `ch` typed at the place, or with `remove` the character there deleted. */
type Edit = { line: number; character: number; ch: string; remove?: boolean };
const URI = 'file:///bench/Dockerfile';

/** One server under the same client: start and open the file, then one edit at a time. */
class ServerRun {
  readonly result: LspResult;
  private client: LspClient | undefined;
  private version = 1;
  private lines: string[] = [];
  private readonly latencies: number[] = [];
  private readonly placeLatencies: Partial<Record<EditPlace, number[]>> = {};
  private lastDiagnostics = 0;

  constructor(
    server: string,
    private readonly script: string,
    private readonly args: string[],
  ) {
    this.result = { server, command: ['node', script, ...args].join(' ') };
  }

  get ok(): boolean {
    return this.result.error === undefined;
  }

  private isPublish(version: number) {
    return (m: { method?: string; params?: any }) =>
      m.method === 'textDocument/publishDiagnostics' &&
      m.params?.uri === URI &&
      (typeof m.params.version !== 'number' || m.params.version >= version);
  }

  private fail(err: unknown): void {
    this.result.error ??= (err as Error).message;
    console.error(`lsp ${this.result.server}: FAILED: ${this.result.error}`);
  }

  async start(text: string): Promise<void> {
    try {
      const client = (this.client = new LspClient(this.result.server, process.execPath, [this.script, ...this.args], ROOT));
      const init = await client.request<{ capabilities: { textDocumentSync?: number | { change?: number } } }>('initialize', {
        processId: process.pid,
        clientInfo: { name: 'berth-bench' },
        rootUri: null,
        workspaceFolders: null,
        capabilities: {
          workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
          textDocument: {
            synchronization: { dynamicRegistration: false, didSave: true },
            publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          },
        },
      });
      const sync = init.capabilities.textDocumentSync;
      this.result.syncKind = typeof sync === 'number' ? sync : (sync?.change ?? 0);
      if (this.result.syncKind === 0) throw new Error(`takes no document changes (textDocumentSync ${JSON.stringify(sync)})`);
      client.notify('initialized', {});
      this.lines = text.split('\n');
      const opened = client.expect(this.isPublish(this.version), 30000, 'publishDiagnostics after didOpen');
      const sent = client.notify('textDocument/didOpen', {
        textDocument: { uri: URI, languageId: 'dockerfile', version: this.version, text },
      });
      const first = await opened;
      this.result.openMs = first.at - sent;
      this.result.sendsVersion = typeof first.message.params.version === 'number';
      if (this.result.server.startsWith('berth') && shellCheckInstalled()) {
        // Berth checks every RUN with ShellCheck once the file has been open a moment (a second
        // publish): as a user starts typing after that, so do the edits, rather than race it.
        let publishes = 0;
        await client.expect(
          (m: { method?: string; params?: any }) => this.isPublish(1)(m) && ++publishes === 1,
          60000,
          "ShellCheck's publish after didOpen",
        );
      }
    } catch (err) {
      this.fail(err);
    }
  }

  /** Types (or deletes) one character and waits for the diagnostics of that version; `measured` names where the latency goes. */
  async edit(edit: Edit, measured: boolean | EditPlace): Promise<void> {
    if (!this.ok || !this.client) return;
    try {
      const version = ++this.version;
      const l = this.lines[edit.line];
      const removed = edit.remove ? 1 : 0;
      this.lines[edit.line] = l.slice(0, edit.character) + edit.ch + l.slice(edit.character + removed);
      const start = { line: edit.line, character: edit.character };
      const end = { line: edit.line, character: edit.character + removed };
      const contentChanges = this.result.syncKind === 2 ? [{ range: { start, end }, text: edit.ch }] : [{ text: this.lines.join('\n') }];
      const published = this.client.expect(this.isPublish(version), EDIT_TIMEOUT_MS, `publishDiagnostics for version ${version}`);
      const sent = this.client.notify('textDocument/didChange', { textDocument: { uri: URI, version }, contentChanges });
      const { message, at } = await published;
      if (measured === true) this.latencies.push(at - sent);
      else if (measured) (this.placeLatencies[measured] ??= []).push(at - sent);
      this.lastDiagnostics = message.params.diagnostics?.length ?? 0;
    } catch (err) {
      this.fail(err);
    }
  }

  /** Opens a compose file beside the Dockerfile and waits for its diagnostics, so the Compose language is loaded and holds a document. */
  async openCompose(text: string): Promise<void> {
    if (!this.ok || !this.client) return;
    try {
      const uri = 'file:///bench/compose.yaml';
      const published = this.client.expect(
        (m: { method?: string; params?: any }) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uri,
        30000,
        'publishDiagnostics of the compose file',
      );
      this.client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockercompose', version: 1, text } });
      await published;
    } catch (err) {
      this.fail(err);
    }
  }

  /** The server's resident high-water mark so far. */
  peakRss(): number | undefined {
    return this.ok ? this.client?.peakRss() : undefined;
  }

  async finish(): Promise<LspResult> {
    const r = this.result;
    if (this.ok && this.client) {
      r.latenciesMs = this.latencies;
      r.medianMs = median(this.latencies);
      r.p95Ms = percentile(this.latencies, 95);
      r.maxMs = Math.max(...this.latencies);
      r.lastDiagnostics = this.lastDiagnostics;
      r.places = {};
      for (const place of EDIT_PLACES) {
        const latencies = this.placeLatencies[place];
        if (latencies?.length) {
          r.places[place] = { medianMs: median(latencies), p95Ms: percentile(latencies, 95), maxMs: Math.max(...latencies) };
        }
      }
      r.peakRssBytes = this.client.peakRss();
      r.serverRequests = Object.fromEntries(this.client.serverRequests);
      console.error(
        `lsp ${r.server}: median ${fmtMs(r.medianMs)} ms, p95 ${fmtMs(r.p95Ms)} ms, ` +
          `open ${fmtMs(r.openMs)} ms, peak RSS ${fmtMb(r.peakRssBytes)} MB, ${r.lastDiagnostics} diagnostics`,
      );
      for (const [place, t] of Object.entries(r.places)) {
        console.error(`lsp ${r.server} ${place}: median ${fmtMs(t.medianMs)} ms, p95 ${fmtMs(t.p95Ms)} ms, max ${fmtMs(t.maxMs)} ms`);
      }
    }
    await this.client?.close();
    return r;
  }
}

async function benchLsp(): Promise<{ ours: LspResult; peer: LspResult }> {
  const text = generateDockerfile(LSP_LINES);
  // BENCH_BERTH_SERVER measures another build of our server (say, one kept from an earlier commit).
  const serverJs = resolve(process.env.BENCH_BERTH_SERVER ?? join(ROOT, 'dist', 'server.js'));
  const ours = new ServerRun('berth', serverJs, ['--stdio']);
  // BENCH_PEER_BERTH_SERVER puts another build of ours in the peer's seat: two builds side by side in one run.
  const peerBerth = process.env.BENCH_PEER_BERTH_SERVER;
  const peer = peerBerth
    ? new ServerRun('berth (peer build)', resolve(peerBerth), ['--stdio'])
    : new ServerRun('docker-langserver', realpathSync(join(ROOT, 'node_modules', '.bin', 'docker-langserver')), ['--stdio']);
  if (existsSync(serverJs)) await ours.start(text);
  else {
    ours.result.error = `${serverJs} is missing: the Berth language server is not built. Run \`npm run build\` (it bundles src/server/main.ts).`;
    console.error(`lsp berth: FAILED: ${ours.result.error}`);
  }
  await peer.start(text);
  // Both servers stay up and take turns, one edit each, first one then the other: only one works
  // at a time, and a burst of other load on the machine lands on both alike.
  for (const [i, edit] of editScript(text).entries()) {
    const order = i % 2 ? [ours, peer] : [peer, ours];
    for (const run of order) await run.edit(edit, i >= WARMUP_EDITS);
  }
  // The peak RSS above is the Dockerfile's alone; opening a compose file comes after it.
  const peakBeforeCompose = ours.peakRss();
  for (const place of EDIT_PLACES) {
    if (place === 'compose') {
      await ours.openCompose(generateCompose(1000));
      if (peerBerth) await peer.openCompose(generateCompose(1000));
    }
    for (const [i, edit] of placeScript(text, place).entries()) {
      const order = i % 2 ? [ours, peer] : [peer, ours];
      for (const run of order) {
        // The peer has no compose language: its column repeats its mid-file keystrokes, same edits.
        if (run === peer && place === 'compose' && !peerBerth) continue;
        await run.edit(edit, i >= WARMUP_EDITS && place);
      }
    }
  }
  const result = { ours: await ours.finish(), peer: await peer.finish() };
  if (peakBeforeCompose !== undefined) result.ours.peakRssBytes = peakBeforeCompose;
  return result;
}

/** Whether a `shellcheck` program runs here (the language server then uses it by default). */
function shellCheckInstalled(): boolean {
  try {
    execFileSync('shellcheck', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// ───────────────────────────── report ─────────────────────────────

function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toPrecision(2);
}
function fmtX(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;
}
function fmtMb(bytes: number | undefined): string {
  return bytes === undefined ? '—' : (bytes / 1048576).toFixed(1);
}
const mark = (ok: boolean | undefined) => (ok === undefined ? '—' : ok ? '✅ met' : '❌ missed');

function gitDescribe(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return sha;
  } catch {
    return 'unknown';
  }
}

function report(
  lintRows: LintRow[],
  lsp: { ours: LspResult; peer: LspResult },
  elapsedS: number,
  engine?: EngineBenchResult,
  features?: FeatureResult,
  devenv?: DevenvBenchResult,
  growth?: GrowthResult,
  robustness?: RobustnessResult[],
  fixAllTiming?: FixAllTiming,
  build?: BuildBenchResult,
  composeLsp?: ComposeLspResult,
): string {
  const at = (n: number) => lintRows.find((r) => r.lines === n)!;
  const perK = (r: LintRow, side: 'ours' | 'peer') => r[side].medianMs / (r.lines / 1000);
  const growthOurs = perK(at(20000), 'ours') / perK(at(2000), 'ours');
  const growthPeer = perK(at(20000), 'peer') / perK(at(2000), 'peer');
  const { ours, peer } = lsp;
  const ratio = (p?: number, o?: number) => (p !== undefined && o !== undefined ? p / o : undefined);
  const out: string[] = [];
  out.push('| Measure | Berth | Peer | Peer / Berth | Target | |');
  out.push('|---|---:|---:|---:|---|---|');
  for (const r of lintRows) {
    const target = r.lines === 2000 ? `≥ ${TARGETS.lintSpeedupAt2000}x` : '';
    const met = r.lines === 2000 ? mark(r.ratio >= TARGETS.lintSpeedupAt2000) : '';
    out.push(
      `| Lint, ${r.lines.toLocaleString('en-US')} lines (ms per file; dockerfile-utils \`validate\`) | ${fmtMs(r.ours.medianMs)} | ${fmtMs(r.peer.medianMs)} | ${fmtX(r.ratio)} | ${target} | ${met} |`,
    );
  }
  out.push(
    `| Lint growth: ms per 1,000 lines at 20,000 ÷ at 2,000 (1.0 = linear) | ${growthOurs.toFixed(2)} | ${growthPeer.toFixed(2)} | | ≤ ${TARGETS.linearGrowth} | ${mark(growthOurs <= TARGETS.linearGrowth)} |`,
  );
  const lspCell = (r: LspResult, v?: number) => (r.error ? 'failed' : fmtMs(v));
  out.push(
    `| LSP edit → diagnostics, ${LSP_LINES.toLocaleString('en-US')} lines, median (ms; docker-langserver) | ${lspCell(ours, ours.medianMs)} | ${lspCell(peer, peer.medianMs)} | ${fmtX(ratio(peer.medianMs, ours.medianMs))} | ≤ ${TARGETS.lspMedianMs} ms | ${mark(ours.medianMs === undefined ? undefined : ours.medianMs <= TARGETS.lspMedianMs)} |`,
  );
  out.push(
    `| LSP edit → diagnostics, p95 (ms) | ${lspCell(ours, ours.p95Ms)} | ${lspCell(peer, peer.p95Ms)} | ${fmtX(ratio(peer.p95Ms, ours.p95Ms))} | | |`,
  );
  for (const place of EDIT_PLACES) {
    const o = ours.places?.[place];
    const p = place === 'compose' ? { medianMs: peer.medianMs, p95Ms: peer.p95Ms } : peer.places?.[place];
    const met = o ? o.medianMs <= TARGETS.keystrokeMedianMs && o.p95Ms <= TARGETS.keystrokeP95Ms : undefined;
    out.push(
      `| … a keystroke ${PLACE_LABEL[place]}, median / p95 (ms) | ${lspCell(ours, o?.medianMs)} / ${lspCell(ours, o?.p95Ms)} | ${lspCell(peer, p?.medianMs)} / ${lspCell(peer, p?.p95Ms)} | ${fmtX(ratio(p?.medianMs, o?.medianMs))} | ≤ ${TARGETS.keystrokeMedianMs} / ${TARGETS.keystrokeP95Ms} ms | ${mark(met)} |`,
    );
  }
  out.push(
    `| LSP open → first diagnostics (ms) | ${lspCell(ours, ours.openMs)} | ${lspCell(peer, peer.openMs)} | ${fmtX(ratio(peer.openMs, ours.openMs))} | | |`,
  );
  out.push(
    `| Server resident memory, high-water mark (MB) | ${ours.error ? 'failed' : fmtMb(ours.peakRssBytes)} | ${peer.error ? 'failed' : fmtMb(peer.peakRssBytes)} | ${fmtX(ratio(peer.peakRssBytes, ours.peakRssBytes))} | ≤ ${TARGETS.serverPeakMb} MB | ${mark(ours.peakRssBytes === undefined ? undefined : ours.peakRssBytes <= TARGETS.serverPeakMb * 1048576)} |`,
  );
  const notes: string[] = [];
  if (features) out.push(...featureRows(features, fmtMs, fmtX));
  if (fixAllTiming) out.push(fixAllRow(fixAllTiming, fmtMs));
  if (composeLsp) {
    out.push(...composeLspRows(composeLsp, fmtMs, fmtX));
    for (const side of [composeLsp.ours, composeLsp.peer]) {
      if (side.error) notes.push(`**${side.server} (Compose) failed:** ${side.error.replace(/\s*\n\s*/g, ' ⏎ ')}`);
    }
  }
  if (growth) out.push(...growthRows(growth, fmtMs));
  notes.push(
    `Findings per file (Berth / dockerfile-utils): ${lintRows.map((r) => `${r.lines.toLocaleString('en-US')} lines ${r.ours.diagnostics} / ${r.peer.diagnostics}`).join('; ')}.`,
  );
  for (const r of [ours, peer]) {
    if (r.error) notes.push(`**${r.server} failed:** ${r.error.replace(/\s*\n\s*/g, ' ⏎ ')}`);
  }
  if (engine) {
    const e = engineRows(engine);
    out.push(...e.rows);
    notes.push(...e.notes);
  }
  if (devenv) {
    const d = devenvRows(devenv, (ms) => (ms === undefined ? '—' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)));
    out.push(...d.rows);
    notes.push(...d.notes);
  }
  if (build) {
    const b = buildRows(build, (ms) => (ms === undefined ? '—' : ms.toFixed(0)));
    out.push(...b.rows);
    notes.push(...b.notes);
  }
  if (robustness) out.push(...robustnessRows(robustness, fmtMs));
  const cpu = cpus();
  return [
    `Berth benchmark — commit ${gitDescribe()}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
      `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB, ` +
      `load average ${loadStart.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end; run took ${elapsedS.toFixed(0)} s.` +
      (Math.max(loadStart, loadavg()[0]) > cpu.length * 0.75
        ? `\n\n> ⚠ Other work was running on the machine: absolute times are inflated and noisy; re-run on a quiet machine before quoting them.`
        : ''),
    '',
    ...out,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

const loadStart = loadavg()[0];

interface ViewLatency {
  medianMs?: number;
  p95Ms?: number;
  fromEvent?: { medianMs: number; p95Ms: number };
  idle?: { seconds: number; lists: number; eventStream: boolean };
  error?: string;
}

/** docker stop → the Containers view's model, measured inside a real VS Code (test/vscode/bench.test.ts). */
function benchViewLatency(): ViewLatency {
  const out = join(RESULTS, '.view-latency.json');
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'vscode-test.mjs'), '--grep', 'bench:', '--timeout', '400'], {
      env: { ...process.env, BERTH_BENCH_OUT: out },
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 450_000,
    });
    return JSON.parse(readFileSync(out, 'utf8')) as ViewLatency;
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0] };
  }
}

function viewLatencyRows(v: ViewLatency): string {
  if (v.error) return `\n- **View latency benchmark failed:** ${v.error}\n`;
  const met = (v.medianMs ?? Infinity) <= 100;
  return (
    `\n| Measure | Berth | | | Target | |\n|---|---:|---:|---:|---|---|\n` +
    `| External \`docker stop\` → Containers view's model, median (ms; in VS Code, incl. the CLI's start) | ${v.medianMs?.toFixed(0)} | | | ≤ 100 ms | ${met ? '✅ met' : '❌ missed'} |\n` +
    `| … p95 (ms) | ${v.p95Ms?.toFixed(0)} | | | | |\n` +
    `| … from the engine's \`die\` event, median / p95 (ms) | ${v.fromEvent?.medianMs.toFixed(2)} / ${v.fromEvent?.p95Ms.toFixed(2)} | | | | |\n` +
    `| Engine requests by the four open views in ${v.idle?.seconds ?? 60} s idle, in VS Code (beyond the one event stream${v.idle?.eventStream ? ', which is open' : ''}) | ${v.idle?.lists ?? '—'} | | | 0 | ${v.idle?.lists === 0 ? '✅ met' : '❌ missed'} |\n`
  );
}

/**
 * `--only=lint,fixall,lsp,growth,robustness,build,compose,compose-up,shellcheck,scale,cli,activation,memory` runs just those parts and prints their figures, writing no results files:
 * quick checks while working. The quoted table always comes from a full run.
 */
async function partial(parts: string[]): Promise<void> {
  if (parts.includes('lint')) {
    const rows = await benchLint();
    const perK = (n: number) => {
      const r = rows.find((row) => row.lines === n)!;
      return r.ours.medianMs / (n / 1000);
    };
    console.log(`lint growth ${(perK(20000) / perK(2000)).toFixed(2)}`);
  }
  if (parts.includes('fixall')) console.log(fixAllRow(benchFixAll(), fmtMs));
  if (parts.includes('growth')) {
    const growth = benchGrowth();
    console.log(growthRows(growth, fmtMs).join('\n'));
  }
  if (parts.includes('lsp')) {
    const lsp = await benchLsp();
    if (lsp.ours.error || lsp.peer.error) process.exitCode = 1;
  }
  if (parts.includes('build')) console.log(buildRows(await benchBuild(), (ms) => (ms === undefined ? '—' : ms.toFixed(0))).rows.join('\n'));
  if (parts.includes('robustness')) console.log(robustnessRows(await benchRobustness(ourServer()), fmtMs).join('\n'));
  if (parts.includes('compose')) {
    const compose = await benchComposeLsp(ROOT, ourServer(), composeServer());
    console.log(composeLspRows(compose, fmtMs, fmtX).join('\n'));
    if (compose.ours.error || compose.peer.error) process.exitCode = 1;
  }
  if (parts.includes('compose-up')) console.log(composeUpSection(await benchComposeUp()));
  if (parts.includes('shellcheck')) {
    const shellcheck = await benchShellCheck(ROOT, ourServer());
    console.log(shellCheckSection(shellcheck));
    if (shellcheck.error) process.exitCode = 1;
  }
  if (parts.includes('scale')) {
    const scale = await benchScale();
    console.log(scaleRows(scale));
    console.log(JSON.stringify(scale, null, 2));
    if (scale.error) process.exitCode = 1;
  }
  if (parts.includes('cli')) {
    const cli = benchCli();
    console.log(cliRows(cli, fmtMs));
    if (cli.error) process.exitCode = 1;
  }
  if (parts.includes('activation') || parts.includes('memory')) {
    const activation = parts.includes('activation') ? await benchActivation() : undefined;
    const memory = parts.includes('memory') ? benchMemory() : undefined;
    console.log(JSON.stringify({ activation, memory }, null, 2));
  }
}

/** ShellCheck inside RUN as its own table (bench/shellcheck.ts). */
function shellCheckSection(r: ShellCheckBenchResult): string {
  return `\n| Measure | Berth | Peer | Peer/Berth | Target | |\n|---|---:|---:|---:|---|---|\n${shellCheckRows(r, fmtMs).join('\n')}\n`;
}

/** Compose up against the same Compose typed by hand, as its own table (bench/composeUp.ts). */
function composeUpSection(r: ComposeUpBenchResult): string {
  const { rows, notes } = composeUpRows(r, (ms) => (ms === undefined ? '—' : ms.toFixed(0)));
  return `\n| Measure | Berth | Peer | Peer/Berth | Target | |\n|---|---:|---:|---:|---|---|\n${rows.join('\n')}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`;
}

/** Container Tools' Compose language server, from the devDependency @microsoft/compose-language-service. */
function composeServer(): string {
  return realpathSync(join(ROOT, 'node_modules', '.bin', 'docker-compose-langserver'));
}

function ourServer(): string {
  return resolve(process.env.BENCH_BERTH_SERVER ?? join(ROOT, 'dist', 'server.js'));
}

async function main(): Promise<void> {
  const only = process.argv.find((arg) => arg.startsWith('--only='));
  if (only) return partial(only.slice('--only='.length).split(','));
  const started = performance.now();
  const lintRows = await benchLint();
  const fixAllTiming = benchFixAll();
  const lsp = await benchLsp();
  const engine = await benchEngine();
  const features = await benchFeatures(
    ROOT,
    resolve(process.env.BENCH_BERTH_SERVER ?? join(ROOT, 'dist', 'server.js')),
    realpathSync(join(ROOT, 'node_modules', '.bin', 'docker-langserver')),
  );
  const devenv = await benchDevenv();
  const composeUp = await benchComposeUp();
  const build = await benchBuild();
  const growth = benchGrowth();
  const robustness = await benchRobustness(ourServer());
  const composeLsp = await benchComposeLsp(ROOT, ourServer(), composeServer());
  const viewLatency = benchViewLatency();
  const shellcheck = await benchShellCheck(ROOT, ourServer());
  const cli = benchCli();
  const memory = benchMemory();
  const scale = await benchScale();
  // Last: packaging the .vsix rebuilds dist/ for production.
  const activation = await benchActivation();
  const elapsedS = (performance.now() - started) / 1000;
  const markdown =
    report(lintRows, lsp, elapsedS, engine, features, devenv, growth, robustness, fixAllTiming, build, composeLsp) +
    composeUpSection(composeUp) +
    viewLatencyRows(viewLatency) +
    shellCheckSection(shellcheck) +
    cliRows(cli, fmtMs) +
    inVscodeRows(activation, memory) +
    scaleRows(scale);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.md'), markdown);
  writeFileSync(
    join(RESULTS, 'latest.json'),
    JSON.stringify(
      {
        commit: gitDescribe(),
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        targets: TARGETS,
        lint: lintRows,
        fixAll: fixAllTiming,
        lsp,
        engine,
        features,
        devenv,
        composeUp,
        build,
        growth,
        robustness,
        composeLsp,
        viewLatency,
        shellcheck,
        cli,
        memory,
        scale,
        activation,
        elapsedS,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(markdown);
  console.error('written bench/results/latest.md and bench/results/latest.json');
  if (lsp.ours.error || lsp.peer.error || composeLsp.ours.error || composeLsp.peer.error) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
