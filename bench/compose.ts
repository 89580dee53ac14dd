/**
 * Micro-benchmark of the Compose core in this process (not part of `npm run bench` yet):
 * on a generated 1,000-line compose.yaml, one character typed at a time into service
 * values spread through the file, it times
 *  - parse after an edit (re-using the previous parse, as the server does),
 *  - diagnostics after an edit (parse + project + every rule),
 *  - completion and hover at positions spread through the file (on the cached parse).
 * `node --import tsx bench/compose.ts [lines]`; prints medians and p95 in ms.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ComposeWorkspace, completeCompose, hoverCompose, lintCompose, type ComposeHost } from '../src/compose';
import { median, percentile } from './lint-worker';

const ROOT = path.resolve('/bench/compose');
const FILE = path.join(ROOT, 'compose.yaml');

/** A realistic compose file: anchors and merge keys, builds, ports, depends_on, networks, volumes, healthchecks, variables. */
export function generateCompose(lines: number): string {
  const out = [
    'name: bench',
    'x-common: &common',
    '  restart: unless-stopped',
    '  logging:',
    '    driver: json-file',
    '    options:',
    '      max-size: 10m',
    'services:',
  ];
  const tail = ['  db:', '    image: postgres:16.4', 'networks:', '  back: {}', '  front: {}', 'volumes:'];
  for (let k = 0; k < 5; k++) tail.push(`  data${k}:`);
  let i = 0;
  while (out.length + tail.length < lines) {
    const service = [
      `  svc${i}:`,
      '    <<: *common',
      `    image: registry.example.com/team/app${i}:1.${i}`,
      '    build:',
      '      context: ./app',
      '      target: runtime',
      '    environment:',
      `      PORT: "${8000 + i}"`,
      '      DB_URL: ${DB_URL:-postgres://db/app}',
      '    ports:',
      `      - "${10000 + i}:80"`,
      '    depends_on:',
      '      db:',
      '        condition: service_healthy',
      '    networks: [back, front]',
      '    volumes:',
      `      - data${i % 5}:/var/lib/data`,
      '      - ./src:/src:ro',
      '    healthcheck:',
      '      test: ["CMD", "curl", "-f", "http://localhost"]',
      '      interval: 30s',
    ];
    if (out.length + tail.length + service.length > lines) break;
    out.push(...service);
    i++;
  }
  while (out.length + tail.length < lines) out.push('# filler');
  return [...out, ...tail].join('\n') + '\n';
}

function host(): ComposeHost {
  const files = new Map([[path.join(ROOT, 'app', 'Dockerfile'), 'FROM node:22 AS build\nFROM node:22-slim AS runtime\n']]);
  return {
    readFile: (p) => files.get(p),
    stat: (p) =>
      files.has(p) ? 'file' : p === ROOT || p === path.join(ROOT, 'app') || p === path.join(ROOT, 'src') ? 'directory' : undefined,
    env: {},
  };
}

function stats(name: string, samples: number[]): void {
  console.log(
    `${name.padEnd(34)} median ${median(samples).toFixed(3)} ms   p95 ${percentile(samples, 95).toFixed(3)} ms   (${samples.length})`,
  );
}

function main(): void {
  const lines = Number(process.argv[2] ?? 1000);
  let text = generateCompose(lines);
  const workspace = new ComposeWorkspace(host());
  let doc = workspace.document(FILE, text);
  const t0 = performance.now();
  lintCompose(workspace.project(FILE, doc));
  console.log(`${lines} lines; first lint (compiles the schema) ${(performance.now() - t0).toFixed(1)} ms`);

  const editLines = text
    .split('\n')
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => l.startsWith('      target: runtime'))
    .map(({ i }) => i);
  const parseSamples: number[] = [];
  const lintSamples: number[] = [];
  let diagnostics = 0;
  for (let e = 0; e < 220; e++) {
    const line = editLines[(Math.floor(e / 2) * 7) % editLines.length];
    const starts = [0];
    for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) starts.push(k + 1);
    const at = starts[line] + '      target: runtime'.length;
    // Type a character, then delete it, so the file stays valid on average.
    text = e % 2 === 0 ? text.slice(0, at) + 'x' + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
    const a = performance.now();
    doc = workspace.document(FILE, text);
    const b = performance.now();
    diagnostics = lintCompose(workspace.project(FILE, doc)).length;
    const c = performance.now();
    if (e >= 20) {
      parseSamples.push(b - a);
      lintSamples.push(c - a);
    }
  }
  stats('parse after edit', parseSamples);
  stats('diagnostics after edit', lintSamples);
  console.log(`  (${diagnostics} diagnostics on the last edit)`);

  const project = workspace.project(FILE, doc);
  const textLines = text.split('\n');
  const keyPositions: { line: number; character: number }[] = [];
  textLines.forEach((l, i) => {
    const m = /^(\s+)([a-z_]+):/.exec(l);
    if (m) keyPositions.push({ line: i, character: m[1].length + 1 });
  });
  const picks = Array.from({ length: 120 }, (_, k) => keyPositions[Math.floor((k * keyPositions.length) / 120)]);
  const hoverSamples: number[] = [];
  const completionSamples: number[] = [];
  for (const [k, pos] of picks.entries()) {
    const a = performance.now();
    hoverCompose(project, pos);
    const b = performance.now();
    completeCompose(project, pos);
    const c = performance.now();
    if (k >= 20) {
      hoverSamples.push(b - a);
      completionSamples.push(c - b);
    }
  }
  stats('hover', hoverSamples);
  stats('completion', completionSamples);
}

if (require.main === module) main();
