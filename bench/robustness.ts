/**
 * Time and memory of every feature on files shaped to find deep recursion and quadratic paths
 * (test/fixtures/hostile.ts), each at two sizes ten times apart: `node dist/server.js --stdio`
 * behind bench/lsp-client.ts, one fresh server per file so each high-water mark is its own.
 * Growth is (ms per unit at the large size) ÷ (ms per unit at the small one): 1.0 is linear, 10
 * quadratic. The fuzz tests only check that answers arrive; these are the bounds.
 */
import { performance } from 'node:perf_hooks';
import { interestingPositions, manyPackages, nestedVariables, stageChain, unclosedVariables } from '../test/fixtures/hostile';
import { LspClient } from './lsp-client';

const URI = 'file:///bench/robustness/Dockerfile';
/** A feature slower than this at the large size fails the row (and the file's other rows go on). */
const REQUEST_TIMEOUT_MS = 60_000;
/** Below this many ms at the large size, growth is noise: it is shown but not judged. */
const JUDGED_FROM_MS = 20;
export const GROWTH_TARGET = 1.5;

type Position = { line: number; character: number };

interface Shape {
  name: string;
  unit: string;
  sizes: [number, number];
  make(size: number): string;
  /** Settings pushed to the server (rules turned on). */
  settings?: unknown;
}

const SHAPES: Shape[] = [
  { name: 'variables nested N deep', unit: 'levels', sizes: [10_000, 100_000], make: nestedVariables },
  { name: 'N unclosed ${', unit: 'braces', sizes: [10_000, 100_000], make: unclosedVariables },
  { name: 'chain of stages, N lines', unit: 'lines', sizes: [4_000, 40_000], make: stageChain },
  {
    name: 'apt-get install of N packages, apt-unpinned on',
    unit: 'packages',
    sizes: [8_000, 80_000],
    make: manyPackages,
    settings: { rules: { 'apt-unpinned': 'warning' } },
  },
];

const FEATURES: [string, (position: Position) => unknown][] = [
  ['documentHighlight', (position) => ({ textDocument: { uri: URI }, position })],
  ['definition', (position) => ({ textDocument: { uri: URI }, position })],
  ['references', (position) => ({ textDocument: { uri: URI }, position, context: { includeDeclaration: true } })],
  ['rename', (position) => ({ textDocument: { uri: URI }, position, newName: 'renamed' })],
  ['hover', (position) => ({ textDocument: { uri: URI }, position })],
  ['completion', (position) => ({ textDocument: { uri: URI }, position })],
  ['semanticTokens/full', () => ({ textDocument: { uri: URI } })],
  ['documentSymbol', () => ({ textDocument: { uri: URI } })],
  ['foldingRange', () => ({ textDocument: { uri: URI } })],
  ['formatting', () => ({ textDocument: { uri: URI }, options: { tabSize: 2, insertSpaces: true } })],
];

/** One file at one size: ms to first diagnostics, ms per feature (the slowest of its positions), peak RSS. */
export interface Measured {
  size: number;
  bytes: number;
  diagnosticsMs?: number;
  features: Record<string, number | string>;
  peakRssBytes?: number;
  error?: string;
}

export interface RobustnessResult {
  shape: string;
  unit: string;
  small: Measured;
  large: Measured;
}

async function measure(server: string, shape: Shape, size: number): Promise<Measured> {
  const text = shape.make(size);
  const result: Measured = { size, bytes: Buffer.byteLength(text), features: {} };
  const client = new LspClient('berth', process.execPath, [server, '--stdio'], process.cwd());
  try {
    await client.request('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      initializationOptions: shape.settings ?? {},
    });
    client.notify('initialized', {});
    const opened = client.expect(
      (m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === URI,
      REQUEST_TIMEOUT_MS,
      'diagnostics after didOpen',
    );
    const started = performance.now();
    client.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'dockerfile', version: 1, text } });
    try {
      await opened;
      result.diagnosticsMs = performance.now() - started;
    } catch {
      result.error = `no diagnostics within ${REQUEST_TIMEOUT_MS / 1000} s`;
      return result;
    }
    const positions = interestingPositions(text);
    for (const [feature, params] of FEATURES) {
      const at =
        feature.includes('/') || feature === 'documentSymbol' || feature === 'foldingRange' || feature === 'formatting'
          ? positions.slice(0, 1)
          : positions;
      let slowest = 0;
      for (const position of at) {
        const t = performance.now();
        try {
          await client.request(`textDocument/${feature}`, params(position), REQUEST_TIMEOUT_MS);
        } catch (error) {
          // A refusal (prepare/rename on nothing) is an answer; a timeout or a crash is not.
          if (!/RequestFailed|-32803|rename|declared|stage/i.test((error as Error).message)) {
            result.features[feature] = `failed: ${(error as Error).message.split('\n')[0]}`;
            break;
          }
        }
        slowest = Math.max(slowest, performance.now() - t);
      }
      result.features[feature] ??= slowest;
    }
    result.peakRssBytes = client.peakRss();
  } catch (error) {
    result.error = (error as Error).message.split('\n')[0];
  } finally {
    await client.close();
  }
  return result;
}

/** Every shape at both sizes, one after another (one server at a time). */
export async function benchRobustness(server: string): Promise<RobustnessResult[]> {
  const out: RobustnessResult[] = [];
  for (const shape of SHAPES) {
    const small = await measure(server, shape, shape.sizes[0]);
    const large = await measure(server, shape, shape.sizes[1]);
    out.push({ shape: shape.name, unit: shape.unit, small, large });
    console.error(
      `robustness ${shape.name}: open ${small.diagnosticsMs?.toFixed(0)} → ${large.diagnosticsMs?.toFixed(0) ?? large.error} ms, ` +
        `peak ${((large.peakRssBytes ?? 0) / 1048576).toFixed(0)} MB`,
    );
  }
  return out;
}

/** Growth of one measure from the small size to the large one; undefined when either is missing. */
export function growth(r: RobustnessResult, small: number | string | undefined, large: number | string | undefined): number | undefined {
  if (typeof small !== 'number' || typeof large !== 'number' || small <= 0) return undefined;
  return large / r.large.size / (small / r.small.size);
}

/** Table rows: one per shape for diagnostics and memory, one per feature that grew or was slow. */
export function robustnessRows(results: RobustnessResult[], fmtMs: (ms?: number) => string): string[] {
  const rows: string[] = [
    '',
    `| Pathological file (small → large) | Measure | Small (ms) | Large (ms) | Growth | Target | |`,
    '|---|---|---:|---:|---:|---|---|',
  ];
  const judge = (g: number | undefined, large: number | string | undefined) =>
    g === undefined ? '' : typeof large === 'number' && large < JUDGED_FROM_MS ? 'noise' : g <= GROWTH_TARGET ? '✅ met' : '❌ missed';
  for (const r of results) {
    const name = `${r.shape.replace('N', `${r.small.size.toLocaleString('en-US')} → ${r.large.size.toLocaleString('en-US')}`)} (${(r.large.bytes / 1024).toFixed(0)} kB)`;
    const cell = (m: Measured, v: number | string | undefined) => (m.error ? m.error : typeof v === 'number' ? fmtMs(v) : (v ?? '—'));
    const g = growth(r, r.small.diagnosticsMs, r.large.diagnosticsMs);
    rows.push(
      `| ${name} | open → diagnostics | ${cell(r.small, r.small.diagnosticsMs)} | ${cell(r.large, r.large.diagnosticsMs)} | ${g?.toFixed(2) ?? ''} | ≤ ${GROWTH_TARGET} | ${judge(g, r.large.diagnosticsMs)} |`,
    );
    for (const feature of FEATURES.map(([f]) => f)) {
      const s = r.small.features[feature];
      const l = r.large.features[feature];
      const fg = growth(r, s, l);
      rows.push(
        `| | ${feature} | ${cell(r.small, s)} | ${cell(r.large, l)} | ${fg?.toFixed(2) ?? ''} | ≤ ${GROWTH_TARGET} | ${judge(fg, l)} |`,
      );
    }
    rows.push(
      `| | server peak RSS (MB) | ${((r.small.peakRssBytes ?? 0) / 1048576).toFixed(0)} | ${((r.large.peakRssBytes ?? 0) / 1048576).toFixed(0)} | | | |`,
    );
  }
  return rows;
}
