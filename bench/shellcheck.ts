/**
 * ShellCheck inside RUN (`npm run bench`, or `--only=shellcheck`): a 3,000-line Dockerfile with
 * 200 RUNs in our language server, ShellCheck on and off side by side (two servers taking turns,
 * one keystroke each, in a RUN). Measured per keystroke: edit → Berth's own diagnostics (the
 * first publish of the version; the target is the LSP bench's) and edit → ShellCheck's (the
 * second publish of the version; target ≤ 1 s). Also opening the file (every RUN checked), and
 * the same 200 scripts through ShellCheck as Berth batches them vs one process per script.
 */
import { spawnSync } from 'node:child_process';
import { loadavg, availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parse } from '../src/dockerfile/parser';
import { EXCLUDED_CHECKS, shellCheckScripts } from '../src/dockerfile/shellcheck';
import { runShellCheck } from '../src/shared/shellcheck';
import { median, percentile } from './lint-worker';
import { LspClient } from './lsp-client';

const LINES = 3000;
const RUNS = 200;
const WARMUP_EDITS = 10;
const MEASURED_EDITS = 60;
const URI = 'file:///bench/shellcheck/Dockerfile';
const TIMEOUT_MS = 20_000;

export interface ShellCheckBenchResult {
  lines: number;
  runs: number;
  version?: string;
  /** Open → first publish (Berth's own), and → the publish with every RUN checked. */
  openOwnMs?: number;
  openShellCheckMs?: number;
  /** Per keystroke with ShellCheck on. */
  own?: { medianMs: number; p95Ms: number };
  late?: { medianMs: number; p95Ms: number; maxMs: number };
  /** The same keystrokes, ShellCheck off. */
  ownOff?: { medianMs: number; p95Ms: number };
  /** The 200 scripts, cold: as Berth runs them (files shared among one process per core) vs one process per script (as many at once as cores). */
  batchMs?: number;
  perScriptMs?: number;
  load: { before: number; after: number };
  error?: string;
}

/** A Dockerfile of exactly `lines` lines with exactly `runs` RUNs: one-line, continued and heredoc ones, in stages of sh and bash. */
export function shellCheckDockerfile(lines = LINES, runs = RUNS): string {
  const out: string[] = [];
  const perStage = 25;
  for (let r = 0; r < runs; r++) {
    if (r % perStage === 0) {
      out.push(`FROM debian:12 AS stage${r / perStage}`, `ARG VERSION_${r}=1.${r}`, `ENV APP_HOME=/opt/app${r}`);
      if ((r / perStage) % 2 === 1) out.push('SHELL ["/bin/bash", "-o", "pipefail", "-c"]');
    }
    switch (r % 4) {
      case 0:
        out.push(`RUN echo "building $VERSION_${r - (r % perStage)}" > /tmp/version-${r} && ls $APP_HOME`);
        break;
      case 1:
        out.push(
          'RUN apt-get update && \\',
          `    apt-get install -y --no-install-recommends curl-${r} ca-certificates && \\`,
          `    curl -fsSL https://example.com/${r}.tar.gz | tar -xz -C $APP_HOME && \\`,
          '    rm -rf /var/lib/apt/lists/*',
        );
        break;
      case 2:
        out.push('RUN <<EOF', 'set -e', `for f in /etc/conf-${r}/*; do`, '  cp $f /tmp/', 'done', 'EOF');
        break;
      default:
        out.push(`RUN cd /tmp && [ -n "$HOME" ] && echo \`date\` > stamp-${r}`);
    }
  }
  // Fill up with the instructions between RUNs a real file has, spread over the stages.
  const fill = lines - out.length - 1;
  const stageStarts = out.flatMap((line, i) => (line.startsWith('FROM ') ? [i] : []));
  const extra: string[][] = stageStarts.map(() => []);
  for (let i = 0; i < fill; i++) {
    const k = i % 5;
    extra[i % stageStarts.length].push(
      k === 0
        ? `# step ${i}`
        : k === 1
          ? `ENV SETTING_${i}=value-${i}`
          : k === 2
            ? `LABEL org.example.n${i}="${i}"`
            : k === 3
              ? `COPY conf/${i} /etc/conf/`
              : `WORKDIR /opt/w${i}`,
    );
  }
  const result: string[] = [];
  out.forEach((line, i) => {
    result.push(line);
    const s = stageStarts.indexOf(i);
    if (s >= 0) result.push(...extra[s]);
  });
  result.push('USER nobody');
  return result.join('\n') + '\n';
}

/** One server: open the file, then type into RUNs, one keystroke at a time. */
class Session {
  readonly own: number[] = [];
  readonly late: number[] = [];
  version = 1;
  constructor(
    readonly client: LspClient,
    readonly shellcheck: boolean,
  ) {}

  private publish(version: number, nth: number) {
    let seen = 0;
    return (m: { method?: string; params?: any }) =>
      m.method === 'textDocument/publishDiagnostics' && m.params?.uri === URI && m.params.version === version && ++seen === nth;
  }

  async open(text: string): Promise<{ ownMs: number; lateMs?: number }> {
    const first = this.client.expect(this.publish(1, 1), TIMEOUT_MS, 'the first publish');
    const second = this.shellcheck ? this.client.expect(this.publish(1, 2), TIMEOUT_MS * 3, 'the ShellCheck publish') : undefined;
    const sent = this.client.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'dockerfile', version: 1, text } });
    const ownMs = (await first).at - sent;
    const lateMs = second ? (await second).at - sent : undefined;
    return { ownMs, lateMs };
  }

  async type(line: number, character: number, ch: string, measured: boolean): Promise<void> {
    const version = ++this.version;
    const first = this.client.expect(this.publish(version, 1), TIMEOUT_MS, `the first publish of version ${version}`);
    const second = this.shellcheck
      ? this.client.expect(this.publish(version, 2), TIMEOUT_MS, `the ShellCheck publish of ${version}`)
      : undefined;
    const position = { line, character };
    const sent = this.client.notify('textDocument/didChange', {
      textDocument: { uri: URI, version },
      contentChanges: [{ range: { start: position, end: position }, text: ch }],
    });
    const own = (await first).at - sent;
    const late = second ? (await second).at - sent : undefined;
    if (!measured) return;
    this.own.push(own);
    if (late !== undefined) this.late.push(late);
  }
}

export async function benchShellCheck(root: string, serverJs: string): Promise<ShellCheckBenchResult> {
  const text = shellCheckDockerfile();
  const result: ShellCheckBenchResult = { lines: text.split('\n').length - 1, runs: RUNS, load: { before: loadavg()[0], after: 0 } };
  const version = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) {
    result.error = 'shellcheck is not installed (scripts/provision.sh installs it)';
    return result;
  }
  result.version = /version: (\S+)/.exec(version.stdout)?.[1];
  const scripts = shellCheckScripts(parse(text)).map((s) => s.text);

  // Batched as Berth runs them, vs one process per script with as many at once as cores.
  let t = performance.now();
  const batch = await runShellCheck('shellcheck', scripts, { exclude: EXCLUDED_CHECKS });
  result.batchMs = performance.now() - t;
  if ('problem' in batch) result.error = batch.problem;
  t = performance.now();
  const queue = [...scripts];
  await Promise.all(
    Array.from({ length: availableParallelism() }, async () => {
      for (let script = queue.pop(); script !== undefined; script = queue.pop())
        await runShellCheck('shellcheck', [script], { exclude: EXCLUDED_CHECKS });
    }),
  );
  result.perScriptMs = performance.now() - t;

  const start = (shellcheck: boolean) =>
    new Session(
      new LspClient(`berth (ShellCheck ${shellcheck ? 'on' : 'off'})`, process.execPath, [serverJs, '--stdio'], root, {
        berth: { shellcheck: { enabled: shellcheck } },
      }),
      shellcheck,
    );
  const on = start(true);
  const off = start(false);
  try {
    for (const session of [on, off]) {
      await session.client.request('initialize', {
        processId: process.pid,
        rootUri: null,
        capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      });
      session.client.notify('initialized', {});
    }
    const opened = await on.open(text);
    result.openOwnMs = opened.ownMs;
    result.openShellCheckMs = opened.lateMs;
    await off.open(text);
    // Typing `echo typed && ` at the start of RUNs spread over the file: every keystroke changes one RUN's script.
    const lines = text.split('\n');
    const runLines = lines.flatMap((line, i) => (/^RUN [^<]/.test(line) ? [i] : []));
    const targets = [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => runLines[Math.floor(f * (runLines.length - 1))]);
    const typed = 'echo typed && ';
    const total = WARMUP_EDITS + MEASURED_EDITS;
    for (let i = 0; i < total; i++) {
      const line = targets[i % targets.length];
      const k = Math.floor(i / targets.length);
      const order = i % 2 ? [on, off] : [off, on];
      for (const session of order) await session.type(line, 'RUN '.length + k, typed[k % typed.length], i >= WARMUP_EDITS);
    }
    result.own = { medianMs: median(on.own), p95Ms: percentile(on.own, 95) };
    result.late = { medianMs: median(on.late), p95Ms: percentile(on.late, 95), maxMs: Math.max(...on.late) };
    result.ownOff = { medianMs: median(off.own), p95Ms: percentile(off.own, 95) };
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    await on.client.close();
    await off.client.close();
  }
  result.load.after = loadavg()[0];
  return result;
}

/** Rows for the bench's markdown table: Measure | Berth | Peer | Peer ÷ Berth | Target | Met. */
export function shellCheckRows(r: ShellCheckBenchResult, fmtMs: (ms: number | undefined) => string): string[] {
  const where = `${r.lines.toLocaleString('en')} lines, ${r.runs} RUNs, ShellCheck ${r.version ?? '—'}; load ${r.load.before.toFixed(1)} → ${r.load.after.toFixed(1)}`;
  if (r.error) return [`| ShellCheck inside RUN (${where}) | failed: ${r.error} | | | | |`];
  const ownOk = r.own && r.own.medianMs <= 3;
  const lateOk = r.late && r.late.p95Ms <= 1000;
  return [
    `| ShellCheck inside RUN (${where}): edit → Berth's own diagnostics, median / p95 (ms; peer: the same server, ShellCheck off) | ${fmtMs(r.own?.medianMs)} / ${fmtMs(r.own?.p95Ms)} | ${fmtMs(r.ownOff?.medianMs)} / ${fmtMs(r.ownOff?.p95Ms)} | | ≤ 3 ms | ${ownOk ? '✅ met' : '❌ missed'} |`,
    `| … edit → ShellCheck's diagnostics, median / p95 / max (ms) | ${fmtMs(r.late?.medianMs)} / ${fmtMs(r.late?.p95Ms)} / ${fmtMs(r.late?.maxMs)} | | | ≤ 1,000 ms | ${lateOk ? '✅ met' : '❌ missed'} |`,
    `| … open → Berth's own / every RUN checked (ms) | ${fmtMs(r.openOwnMs)} / ${fmtMs(r.openShellCheckMs)} | | | | |`,
    `| … the ${r.runs}-odd scripts through ShellCheck, cold (ms; peer: one process per script, as many at once as cores) | ${fmtMs(r.batchMs)} | ${fmtMs(r.perScriptMs)} | ${r.batchMs && r.perScriptMs ? `${(r.perScriptMs / r.batchMs).toFixed(2)}x` : '—'} | | |`,
  ];
}
