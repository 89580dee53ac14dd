/**
 * Hover and completion latency on the 3,000-line Dockerfile: `node dist/server.js --stdio` vs
 * `docker-langserver --stdio`, the same client (bench/lsp-client.ts), the same positions, the two
 * servers taking turns request by request so other load on the machine weighs on both alike.
 * Positions are keywords, flags and variable references spread through the file; FROM images
 * are left out so neither server's answer depends on a container engine or a registry.
 */
import { performance } from 'node:perf_hooks';
import { generateDockerfile } from './generate';
import { median, percentile } from './lint-worker';
import { LspClient } from './lsp-client';

const LINES = 3000;
const WARMUP = 20;
const MEASURED = 100;
const URI = 'file:///bench/features/Dockerfile';

export interface FeatureTiming {
  medianMs: number;
  p95Ms: number;
  samples: number;
  /** Answers that were empty (null or no items): a server that answers nothing fast is not fast. */
  empty: number;
}

export interface FeatureSide {
  server: string;
  error?: string;
  hover?: FeatureTiming;
  completion?: FeatureTiming;
}

export interface FeatureResult {
  lines: number;
  ours: FeatureSide;
  peer: FeatureSide;
}

type Position = { line: number; character: number };

/** Spread `count` picks evenly over `xs`. */
function spread<T>(xs: T[], count: number): T[] {
  if (xs.length === 0) return [];
  return Array.from({ length: count }, (_, i) => xs[Math.floor((i * xs.length) / count) % xs.length]);
}

/** Where to ask: keywords, flags and variables, interleaved so each kind is spread through the run. */
export function featurePositions(text: string): { hover: Position[]; completion: Position[] } {
  const lines = text.split('\n');
  const keywords: Position[] = [];
  const flags: Position[] = [];
  const variablesIn: Position[] = [];
  const variablesAfter: Position[] = [];
  lines.forEach((line, i) => {
    if (/^(RUN|COPY|ENV|USER|WORKDIR|EXPOSE|LABEL) /.test(line)) keywords.push({ line: i, character: 1 });
    if (line.startsWith('RUN --mount=')) flags.push({ line: i, character: 6 });
    if (line.startsWith('FROM')) return;
    const dollar = line.indexOf('$');
    if (dollar >= 0 && /[A-Za-z_{]/.test(line[dollar + 1] ?? '')) {
      variablesIn.push({ line: i, character: dollar + 2 });
      variablesAfter.push({ line: i, character: dollar + 1 });
    }
  });
  const total = WARMUP + MEASURED;
  const mix = (a: Position[], b: Position[], c: Position[]) => {
    const [pa, pb, pc] = [spread(a, Math.ceil(total / 3)), spread(b, Math.ceil(total / 3)), spread(c, Math.ceil(total / 3))];
    const out: Position[] = [];
    for (let i = 0; out.length < total; i++) out.push(pa[i], pb[i], pc[i]);
    return out.slice(0, total).filter(Boolean);
  };
  return { hover: mix(keywords, flags, variablesIn), completion: mix(keywords, flags, variablesAfter) };
}

class FeatureRun {
  readonly side: FeatureSide;
  private client: LspClient | undefined;
  readonly samples = { hover: [] as number[], completion: [] as number[] };
  readonly empty = { hover: 0, completion: 0 };

  constructor(
    server: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly cwd: string,
  ) {
    this.side = { server };
  }

  get ok(): boolean {
    return this.side.error === undefined;
  }

  private fail(error: unknown): void {
    this.side.error ??= (error as Error).message;
    console.error(`features ${this.side.server}: FAILED: ${this.side.error}`);
  }

  async start(text: string): Promise<void> {
    try {
      const client = (this.client = new LspClient(this.side.server, this.command, this.args, this.cwd));
      await client.request('initialize', {
        processId: process.pid,
        clientInfo: { name: 'berth-bench' },
        rootUri: null,
        workspaceFolders: null,
        capabilities: {
          workspace: { configuration: true, workspaceFolders: true },
          textDocument: {
            synchronization: { dynamicRegistration: false },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
            publishDiagnostics: { versionSupport: true },
          },
        },
      });
      client.notify('initialized', {});
      const opened = client.expect(
        (m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === URI,
        30000,
        'diagnostics after didOpen',
      );
      client.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'dockerfile', version: 1, text } });
      await opened;
    } catch (error) {
      this.fail(error);
    }
  }

  async ask(feature: 'hover' | 'completion', position: Position, measured: boolean): Promise<void> {
    if (!this.ok || !this.client) return;
    try {
      const method = feature === 'hover' ? 'textDocument/hover' : 'textDocument/completion';
      const started = performance.now();
      const result = await this.client.request<any>(method, { textDocument: { uri: URI }, position });
      const elapsed = performance.now() - started;
      if (!measured) return;
      this.samples[feature].push(elapsed);
      const items = Array.isArray(result) ? result : result?.items;
      if (result === null || (feature === 'completion' && (!items || items.length === 0))) this.empty[feature]++;
    } catch (error) {
      this.fail(error);
    }
  }

  async finish(): Promise<FeatureSide> {
    if (this.ok) {
      for (const feature of ['hover', 'completion'] as const) {
        const xs = this.samples[feature];
        this.side[feature] = { medianMs: median(xs), p95Ms: percentile(xs, 95), samples: xs.length, empty: this.empty[feature] };
      }
    }
    await this.client?.close();
    return this.side;
  }
}

/** Runs both servers side by side; `ours` and `peer` are [script, args] to run under node. */
export async function benchFeatures(root: string, ours: string, peer: string): Promise<FeatureResult> {
  const text = generateDockerfile(LINES);
  const positions = featurePositions(text);
  const runs = [
    new FeatureRun('berth', process.execPath, [ours, '--stdio'], root),
    new FeatureRun('docker-langserver', process.execPath, [peer, '--stdio'], root),
  ];
  for (const run of runs) await run.start(text);
  for (const feature of ['hover', 'completion'] as const) {
    for (const [i, position] of positions[feature].entries()) {
      const order = i % 2 ? runs : [...runs].reverse();
      for (const run of order) await run.ask(feature, position, i >= WARMUP);
    }
  }
  const [o, p] = [await runs[0].finish(), await runs[1].finish()];
  for (const side of [o, p]) {
    if (side.error) continue;
    console.error(
      `features ${side.server}: hover median ${side.hover!.medianMs.toFixed(2)} ms (p95 ${side.hover!.p95Ms.toFixed(2)}, ${side.hover!.empty} empty), ` +
        `completion median ${side.completion!.medianMs.toFixed(2)} ms (p95 ${side.completion!.p95Ms.toFixed(2)}, ${side.completion!.empty} empty)`,
    );
  }
  return { lines: LINES, ours: o, peer: p };
}

/** Table rows in bench/run.ts's format: Measure | Berth | Peer | Peer / Berth | Target | met. */
export function featureRows(result: FeatureResult, fmtMs: (ms?: number) => string, fmtX: (x?: number) => string): string[] {
  const rows: string[] = [];
  const cell = (side: FeatureSide, v?: number) => (side.error ? 'failed' : fmtMs(v));
  const ratio = (p?: number, o?: number) => (p !== undefined && o !== undefined && o > 0 ? p / o : undefined);
  const lines = result.lines.toLocaleString('en-US');
  for (const feature of ['hover', 'completion'] as const) {
    const o = result.ours[feature];
    const p = result.peer[feature];
    const name = feature === 'hover' ? 'Hover' : 'Completion';
    const empties = o && p ? `; empty answers ${o.empty} / ${p.empty} of ${o.samples}` : '';
    rows.push(
      `| ${name}, ${lines} lines, median (ms; docker-langserver${empties}) | ${cell(result.ours, o?.medianMs)} | ${cell(result.peer, p?.medianMs)} | ${fmtX(ratio(p?.medianMs, o?.medianMs))} | | |`,
    );
    rows.push(
      `| ${name}, p95 (ms) | ${cell(result.ours, o?.p95Ms)} | ${cell(result.peer, p?.p95Ms)} | ${fmtX(ratio(p?.p95Ms, o?.p95Ms))} | | |`,
    );
  }
  return rows;
}
