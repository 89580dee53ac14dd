/**
 * Compose files over stdio, side by side: `node dist/server.js --stdio` and Container Tools'
 * Compose server (`docker-compose-langserver --stdio`, @microsoft/compose-language-service) under
 * the same client (bench/lsp-client.ts), on the same generated 1,000-line compose.yaml written to
 * a folder with the Dockerfile its builds name. Both open it; then hover at keys spread through the
 * file, completion on a blank line at the top of each service (where a user types a new key, and
 * where the peer offers its service keys: at an existing key it offers nothing), and characters
 * typed one at a time into image tags, the servers taking turns request by request so other load on
 * the machine weighs on both alike.
 *
 * The peer publishes diagnostics `diagnosticDelay` ms after the last change (1,000 by default,
 * which Container Tools keeps); it runs with 0 here, so what is timed is its work, not its wait.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { generateCompose } from './compose';
import { median, percentile } from './lint-worker';
import { LspClient } from './lsp-client';

const LINES = 1000;
const WARMUP = 20;
const MEASURED = 100;
/**
 * Keystrokes typed, unmeasured, between the first measured ones and the steady ones: JIT compilers
 * tier a server's code up over its first few hundred requests, so the first hundred keystrokes
 * and those of a user who has been typing for a while are both shown.
 */
const STEADY_AFTER = 800;
const EDIT_TIMEOUT_MS = 10_000;
/**
 * Rounds of the whole comparison, each with both servers started afresh. One round's medians
 * moved by a quarter from run to run on this machine, both servers' alike (when each tiers its
 * code up, what else runs): the figures are the median round's.
 */
const ROUNDS = 3;
/** Targets of issue #11: ≥ 10x the peer, ≤ 3 ms median. */
export const COMPOSE_TARGETS = { speedup: 10, medianMs: 3 };

type Position = { line: number; character: number };

export interface Timing {
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  samples: number;
  /** Answers that were empty (null or no items): a server that answers nothing fast is not fast. */
  empty: number;
}

export interface ComposeSide {
  server: string;
  error?: string;
  openMs?: number;
  hover?: Timing;
  completion?: Timing;
  diagnostics?: Timing;
  /** Edit → diagnostics after STEADY_AFTER more keystrokes: the server's code compiled by then. */
  steadyDiagnostics?: Timing;
  /**
   * A request no server handles, answered with "method not found" by the JSON-RPC layer: the
   * round trip over the same pipes with no work behind it, the floor under every other figure.
   */
  noop?: Timing;
  /** Diagnostics in the last publish, to show both servers looked at the file. */
  lastDiagnostics?: number;
  /**
   * The server process's CPU time per request (ms), over all of a feature's requests: its work,
   * which the pipes' wake-ups and the other server's turns do not inflate.
   */
  cpuPerRequestMs?: Partial<Record<'hover' | 'completion' | 'diagnostics', number>>;
  peakRssBytes?: number;
}

export interface ComposeLspResult {
  lines: number;
  /** Each figure the median of the rounds' figures (p95s likewise; max the highest). */
  ours: ComposeSide;
  peer: ComposeSide;
  /** Every round's own figures, in order: the spread behind the medians. */
  rounds: { ours: ComposeSide; peer: ComposeSide }[];
}

/** Key positions (the first letter of a key) spread evenly through the file. */
function keyPositions(text: string, count: number): Position[] {
  const all: Position[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^(\s+)([a-z_]+):/.exec(line);
    if (m) all.push({ line: i, character: m[1].length });
  });
  return Array.from({ length: count }, (_, k) => all[Math.floor((k * all.length) / count)]);
}

/**
 * The file with a blank line, indented as a service's keys, opening every service; the generator
 * makes the rest of the lines, so the file is a few dozen lines over `lines`.
 */
function withBlankServiceLines(text: string): string {
  return text.replace(/^( {2}svc\d+:\n)/gm, '$1    \n');
}

/** Positions on those blank lines, after the indentation, cycled `count` times. */
function blankServicePositions(text: string, count: number): Position[] {
  const all: Position[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '    ') all.push({ line: i, character: 4 });
  });
  return Array.from({ length: count }, (_, k) => all[k % all.length]);
}

/** The edit script: digits typed at the end of image tags on five services spread through the file. */
function editScript(text: string): Position[] {
  const images = text
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => /^ {4}image: registry\.example\.com\//.test(line));
  const targets = [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => images[Math.floor(f * (images.length - 1))]);
  const perLine = Math.ceil((WARMUP + MEASURED) / targets.length);
  const edits: Position[] = [];
  for (let k = 0; k < perLine; k++) {
    for (const { line, i } of targets) if (edits.length < WARMUP + MEASURED) edits.push({ line: i, character: line.length + k });
  }
  return edits;
}

function timing(samples: number[], empty: number): Timing {
  return { medianMs: median(samples), p95Ms: percentile(samples, 95), maxMs: Math.max(...samples), samples: samples.length, empty };
}

class Run {
  readonly side: ComposeSide;
  private client: LspClient | undefined;
  private version = 1;
  private readonly samples = {
    hover: [] as number[],
    completion: [] as number[],
    diagnostics: [] as number[],
    steady: [] as number[],
    noop: [] as number[],
  };
  private readonly empty = { hover: 0, completion: 0 };
  private readonly cpu: Record<'hover' | 'completion' | 'diagnostics', { ms: number; requests: number }> = {
    hover: { ms: 0, requests: 0 },
    completion: { ms: 0, requests: 0 },
    diagnostics: { ms: 0, requests: 0 },
  };

  /** Adds the server's CPU time since `before` to the feature's account (measured requests only). */
  private account(feature: 'hover' | 'completion' | 'diagnostics', before: number | undefined): void {
    const after = this.client?.cpuMs();
    if (before === undefined || after === undefined) return;
    this.cpu[feature].ms += after - before;
    this.cpu[feature].requests++;
  }

  constructor(
    server: string,
    private readonly args: string[],
    private readonly cwd: string,
    private readonly uri: string,
    private readonly initializationOptions?: unknown,
  ) {
    this.side = { server };
  }

  get ok(): boolean {
    return this.side.error === undefined;
  }

  private fail(error: unknown): void {
    this.side.error ??= (error as Error).message;
    console.error(`compose ${this.side.server}: FAILED: ${this.side.error}`);
  }

  private published(version: number) {
    // The peer sends no version: its next publish for the file is the answer.
    return (m: { method?: string; params?: any }) =>
      m.method === 'textDocument/publishDiagnostics' &&
      m.params?.uri === this.uri &&
      (typeof m.params.version !== 'number' || m.params.version >= version);
  }

  async start(text: string, folder: string): Promise<void> {
    try {
      const client = (this.client = new LspClient(this.side.server, process.execPath, this.args, this.cwd));
      await client.request('initialize', {
        processId: process.pid,
        clientInfo: { name: 'berth-bench' },
        rootUri: pathToFileURL(folder).href,
        workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'bench' }],
        initializationOptions: this.initializationOptions,
        capabilities: {
          workspace: { configuration: true, workspaceFolders: true },
          textDocument: {
            synchronization: { dynamicRegistration: false },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            // As VS Code's client says it (both servers get the same).
            completion: {
              completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] },
              completionList: { itemDefaults: ['commitCharacters', 'editRange', 'insertTextFormat', 'insertTextMode', 'data'] },
            },
            publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          },
        },
      });
      client.notify('initialized', {});
      const opened = client.expect(this.published(1), 30_000, 'diagnostics after didOpen');
      const sent = client.notify('textDocument/didOpen', {
        textDocument: { uri: this.uri, languageId: 'dockercompose', version: 1, text },
      });
      this.side.openMs = (await opened).at - sent;
    } catch (error) {
      this.fail(error);
    }
  }

  async ask(feature: 'hover' | 'completion', position: Position, measured: boolean): Promise<void> {
    if (!this.ok || !this.client) return;
    try {
      const cpuBefore = measured ? this.client.cpuMs() : undefined;
      const started = performance.now();
      const result = await this.client.request<any>(`textDocument/${feature}`, { textDocument: { uri: this.uri }, position });
      const elapsed = performance.now() - started;
      if (!measured) return;
      this.account(feature, cpuBefore);
      this.samples[feature].push(elapsed);
      const items = Array.isArray(result) ? result : result?.items;
      if (result === null || (feature === 'completion' && !items?.length)) this.empty[feature]++;
    } catch (error) {
      this.fail(error);
    }
  }

  /** A request the server does not know: what a round trip costs with no work behind it. */
  async noop(measured: boolean): Promise<void> {
    if (!this.ok || !this.client) return;
    const started = performance.now();
    try {
      await this.client.request('berth/benchNoop', {});
    } catch {
      // "Method not found" is the answer.
    }
    if (measured) this.samples.noop.push(performance.now() - started);
  }

  /** Types one character (or with `ch` '' deletes the one at `position`) and waits for the diagnostics that answer it. */
  async edit(position: Position, ch: string, measured: boolean | 'steady'): Promise<void> {
    if (!this.ok || !this.client) return;
    try {
      const version = ++this.version;
      const published = this.client.expect(this.published(version), EDIT_TIMEOUT_MS, `diagnostics for version ${version}`);
      const cpuBefore = measured ? this.client.cpuMs() : undefined;
      const sent = this.client.notify('textDocument/didChange', {
        textDocument: { uri: this.uri, version },
        contentChanges: [
          { range: { start: position, end: ch ? position : { line: position.line, character: position.character + 1 } }, text: ch },
        ],
      });
      const { message, at } = await published;
      if (measured === 'steady') this.samples.steady.push(at - sent);
      else if (measured) {
        this.samples.diagnostics.push(at - sent);
        this.account('diagnostics', cpuBefore);
      }
      this.side.lastDiagnostics = message.params.diagnostics?.length ?? 0;
    } catch (error) {
      this.fail(error);
    }
  }

  async finish(): Promise<ComposeSide> {
    if (this.ok && this.client) {
      this.side.hover = timing(this.samples.hover, this.empty.hover);
      this.side.completion = timing(this.samples.completion, this.empty.completion);
      this.side.diagnostics = timing(this.samples.diagnostics, 0);
      if (this.samples.steady.length) this.side.steadyDiagnostics = timing(this.samples.steady, 0);
      this.side.noop = timing(this.samples.noop, 0);
      this.side.peakRssBytes = this.client.peakRss();
      this.side.cpuPerRequestMs = {};
      for (const feature of ['hover', 'completion', 'diagnostics'] as const) {
        const { ms, requests } = this.cpu[feature];
        if (requests > 0) this.side.cpuPerRequestMs[feature] = ms / requests;
      }
    }
    await this.client?.close();
    return this.side;
  }
}

/** Both servers on the same project, ROUNDS times; `ours` and `peer` are the scripts to run under node. */
export async function benchComposeLsp(root: string, ours: string, peer: string): Promise<ComposeLspResult> {
  const rounds: ComposeLspResult['rounds'] = [];
  let lines = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const one = await benchComposeRound(root, ours, peer, round);
    lines = one.lines;
    rounds.push({ ours: one.ours, peer: one.peer });
  }
  return { lines, ours: medianSide(rounds.map((r) => r.ours)), peer: medianSide(rounds.map((r) => r.peer)), rounds };
}

/** One side's figures over rounds: medians of the rounds' figures; a failed round fails the side. */
function medianSide(sides: ComposeSide[]): ComposeSide {
  const failed = sides.find((s) => s.error);
  if (failed) return failed;
  const of = (pick: (s: ComposeSide) => number | undefined) => {
    const values = sides.map(pick).filter((v): v is number => v !== undefined);
    return values.length ? median(values) : undefined;
  };
  const timing = (pick: (s: ComposeSide) => Timing | undefined): Timing | undefined => {
    const all = sides.map(pick).filter((t): t is Timing => t !== undefined);
    if (all.length === 0) return undefined;
    return {
      medianMs: median(all.map((t) => t.medianMs)),
      p95Ms: median(all.map((t) => t.p95Ms)),
      maxMs: Math.max(...all.map((t) => t.maxMs)),
      samples: all.reduce((n, t) => n + t.samples, 0),
      empty: all.reduce((n, t) => n + t.empty, 0),
    };
  };
  const cpu = (feature: 'hover' | 'completion' | 'diagnostics') => of((s) => s.cpuPerRequestMs?.[feature]);
  return {
    server: sides[0].server,
    openMs: of((s) => s.openMs),
    hover: timing((s) => s.hover),
    completion: timing((s) => s.completion),
    diagnostics: timing((s) => s.diagnostics),
    steadyDiagnostics: timing((s) => s.steadyDiagnostics),
    noop: timing((s) => s.noop),
    lastDiagnostics: sides[sides.length - 1].lastDiagnostics,
    cpuPerRequestMs: { hover: cpu('hover'), completion: cpu('completion'), diagnostics: cpu('diagnostics') },
    // A high-water mark: the highest round's.
    peakRssBytes: Math.max(...sides.map((s) => s.peakRssBytes ?? 0)) || undefined,
  };
}

async function benchComposeRound(root: string, ours: string, peer: string, round: number): Promise<Omit<ComposeLspResult, 'rounds'>> {
  const folder = mkdtempSync(path.join(tmpdir(), 'berth-bench-compose-'));
  try {
    const text = withBlankServiceLines(generateCompose(LINES));
    mkdirSync(path.join(folder, 'app'));
    mkdirSync(path.join(folder, 'src'));
    writeFileSync(path.join(folder, 'app', 'Dockerfile'), 'FROM node:22 AS build\nFROM node:22-slim AS runtime\nUSER node\n');
    const file = path.join(folder, 'compose.yaml');
    writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    const runs = [
      new Run('berth', [ours, '--stdio'], root, uri),
      new Run('compose-language-service', [peer, '--stdio'], root, uri, { diagnosticDelay: 0 }),
    ];
    for (const run of runs) await run.start(text, folder);
    const positions = { hover: keyPositions(text, WARMUP + MEASURED), completion: blankServicePositions(text, WARMUP + MEASURED) };
    for (let i = 0; i < WARMUP + MEASURED; i++) {
      for (const run of i % 2 ? runs : [...runs].reverse()) await run.noop(i >= WARMUP);
    }
    for (const feature of ['hover', 'completion'] as const) {
      for (const [i, position] of positions[feature].entries()) {
        for (const run of i % 2 ? runs : [...runs].reverse()) await run.ask(feature, position, i >= WARMUP);
      }
    }
    const edits = editScript(text);
    for (const [i, position] of edits.entries()) {
      for (const run of i % 2 ? runs : [...runs].reverse()) await run.edit(position, String(i % 10), i >= WARMUP);
    }
    // Then a digit typed and deleted again at the end of the last edit's tag, over and over.
    const last = edits[edits.length - 1];
    const at = { line: last.line, character: last.character + 1 };
    for (let i = 0; i < STEADY_AFTER + MEASURED; i++) {
      for (const run of i % 2 ? runs : [...runs].reverse()) {
        await run.edit(at, i % 2 ? '' : String(i % 10), i >= STEADY_AFTER && 'steady');
      }
    }
    const [o, p] = [await runs[0].finish(), await runs[1].finish()];
    for (const side of [o, p]) {
      if (side.error) continue;
      const f = (t?: Timing) => `${t!.medianMs.toFixed(2)} ms (p95 ${t!.p95Ms.toFixed(2)}, ${t!.empty} empty)`;
      console.error(
        `compose round ${round}/${ROUNDS} ${side.server}: hover ${f(side.hover)}, completion ${f(side.completion)}, ` +
          `edit → diagnostics ${f(side.diagnostics)}, steady ${side.steadyDiagnostics ? f(side.steadyDiagnostics) : '—'}, no-op round trip ${side.noop!.medianMs.toFixed(2)} ms, open ${side.openMs?.toFixed(0)} ms, ${side.lastDiagnostics} diagnostics`,
      );
    }
    return { lines: text.split('\n').length, ours: o, peer: p };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Table rows in bench/run.ts's format: Measure | Berth | Peer | Peer / Berth | Target | met. */
export function composeLspRows(result: ComposeLspResult, fmtMs: (ms?: number) => string, fmtX: (x?: number) => string): string[] {
  const { ours, peer } = result;
  const lines = result.lines.toLocaleString('en-US');
  const cell = (side: ComposeSide, v?: number) => (side.error ? 'failed' : fmtMs(v));
  const ratio = (p?: number, o?: number) => (p !== undefined && o !== undefined && o > 0 ? p / o : undefined);
  const rows: string[] = [];
  const measures = [
    ['diagnostics', `Compose: edit → diagnostics, ${lines} lines`, 'compose-language-service, its 1 s delay set to 0'],
    ['hover', `Compose: hover, ${lines} lines`, 'compose-language-service'],
    ['completion', `Compose: completion, ${lines} lines`, 'compose-language-service'],
  ] as const;
  for (const [key, name, peerName] of measures) {
    const o = ours[key];
    const p = peer[key];
    const x = ratio(p?.medianMs, o?.medianMs);
    const met = o && x !== undefined ? o.medianMs <= COMPOSE_TARGETS.medianMs && x >= COMPOSE_TARGETS.speedup : undefined;
    const empties = key !== 'diagnostics' && o && p ? `; empty answers ${o.empty} / ${p.empty} of ${o.samples}` : '';
    rows.push(
      `| ${name}, median (ms; ${peerName}${empties}) | ${cell(ours, o?.medianMs)} | ${cell(peer, p?.medianMs)} | ${fmtX(x)} | ≥ ${COMPOSE_TARGETS.speedup}x, ≤ ${COMPOSE_TARGETS.medianMs} ms | ${met === undefined ? '—' : met ? '✅ met' : '❌ missed'} |`,
    );
    rows.push(
      `| … p95 / max (ms) | ${cell(ours, o?.p95Ms)} / ${cell(ours, o?.maxMs)} | ${cell(peer, p?.p95Ms)} / ${cell(peer, p?.maxMs)} | ${fmtX(ratio(p?.p95Ms, o?.p95Ms))} | | |`,
    );
  }
  const so = ours.steadyDiagnostics;
  const sp = peer.steadyDiagnostics;
  const steadyX = ratio(sp?.medianMs, so?.medianMs);
  const steadyMet = so && steadyX !== undefined ? so.medianMs <= COMPOSE_TARGETS.medianMs && steadyX >= COMPOSE_TARGETS.speedup : undefined;
  rows.splice(
    2,
    0,
    `| … after ${STEADY_AFTER.toLocaleString('en-US')} more keystrokes, median / p95 (ms; a digit typed and deleted at one tag, taking turns as above) | ${cell(ours, so?.medianMs)} / ${cell(ours, so?.p95Ms)} | ${cell(peer, sp?.medianMs)} / ${cell(peer, sp?.p95Ms)} | ${fmtX(steadyX)} | ≥ ${COMPOSE_TARGETS.speedup}x, ≤ ${COMPOSE_TARGETS.medianMs} ms | ${steadyMet === undefined ? '—' : steadyMet ? '✅ met' : '❌ missed'} |`,
  );
  // The spread behind the edit medians: each round's, and its ratio.
  const perRound = (pick: (side: ComposeSide) => Timing | undefined) => {
    const list = (side: 'ours' | 'peer') => result.rounds.map((r) => cell(r[side], pick(r[side])?.medianMs)).join(' / ');
    const ratios = result.rounds.map((r) => fmtX(ratio(pick(r.peer)?.medianMs, pick(r.ours)?.medianMs))).join(' / ');
    return `${list('ours')} | ${list('peer')} | ${ratios}`;
  };
  rows.splice(
    3,
    0,
    `| … each of the ${result.rounds.length} rounds' medians, first keystrokes (ms; fresh servers each round; the figures above are the median round's) | ${perRound((side) => side.diagnostics)} | | |`,
    `| … each round's, after ${STEADY_AFTER.toLocaleString('en-US')} more keystrokes (ms) | ${perRound((side) => side.steadyDiagnostics)} | | |`,
  );
  const cpu = (side: ComposeSide, feature: 'hover' | 'completion' | 'diagnostics') => cell(side, side.cpuPerRequestMs?.[feature]);
  rows.push(
    `| Compose: the server's CPU time per request, edit / hover / completion (ms; from /proc, all measured requests: the work, without the pipes' wake-ups) | ${cpu(ours, 'diagnostics')} / ${cpu(ours, 'hover')} / ${cpu(ours, 'completion')} | ${cpu(peer, 'diagnostics')} / ${cpu(peer, 'hover')} / ${cpu(peer, 'completion')} | ${fmtX(ratio(peer.cpuPerRequestMs?.diagnostics, ours.cpuPerRequestMs?.diagnostics))} / ${fmtX(ratio(peer.cpuPerRequestMs?.hover, ours.cpuPerRequestMs?.hover))} / ${fmtX(ratio(peer.cpuPerRequestMs?.completion, ours.cpuPerRequestMs?.completion))} | | |`,
  );
  rows.push(
    `| Compose: no-op request round trip over the same stdio pipes, median (ms; the floor under hover and completion) | ${cell(ours, ours.noop?.medianMs)} | ${cell(peer, peer.noop?.medianMs)} | ${fmtX(ratio(peer.noop?.medianMs, ours.noop?.medianMs))} | | |`,
  );
  rows.push(
    `| Compose: open → first diagnostics (ms) | ${cell(ours, ours.openMs)} | ${cell(peer, peer.openMs)} | ${fmtX(ratio(peer.openMs, ours.openMs))} | | |`,
  );
  const mb = (side: ComposeSide) => (side.error || side.peakRssBytes === undefined ? '—' : (side.peakRssBytes / 1048576).toFixed(1));
  rows.push(
    `| Compose: server resident memory, high-water mark (MB) | ${mb(ours)} | ${mb(peer)} | ${fmtX(ratio(peer.peakRssBytes, ours.peakRssBytes))} | | |`,
  );
  return rows;
}
