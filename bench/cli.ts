/**
 * Issue #14 target 6, the CLI over a monorepo: `node dist/cli.js lint <folder>` run as a user runs
 * it (a process, the folder walk included) over 1,000 generated Dockerfiles in a monorepo-shaped
 * tree, against dockerfile-utils' `validate` over the same files in one Node process
 * (bench/cliPeer.ts: it has no command line of its own); and `berth lint` of one file, spawn to
 * exit, against `node -e ''`, the floor any Node program stands on.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSync } from 'esbuild';
import { prng } from '../test/fixtures/prng';
import { generateDockerfile } from './generate';
import { median } from './lint-worker';

const ROOT = resolve(__dirname, '..');
const MONOREPO_FILES = 1000;
const MONOREPO_ROUNDS = 5;
const SINGLE_RUNS = 21;
/** A typical Dockerfile: a two-stage build of about 40 lines. */
const SINGLE_LINES = 40;

export interface CliBenchResult {
  cli: string;
  cliBytes: number;
  monorepo?: {
    files: number;
    lines: number;
    bytes: number;
    ignoreFiles: number;
    oursMs: number[];
    peerMs: number[];
    oursMedianMs: number;
    peerMedianMs: number;
    oursFilesPerS: number;
    peerFilesPerS: number;
    oursFindings: number;
    peerFindings: number;
    /** The same run with ShellCheck checking every RUN (what `berth lint` does when it is installed); one sample. */
    withShellCheckMs?: number;
    /** Why that run exited 2, when it did (ShellCheck past berth's deadline on a loaded machine). */
    shellCheckProblem?: string;
  };
  single?: {
    lines: number;
    /** `berth lint FILE` as typed: ShellCheck runs when it is installed. */
    berthMs: number[];
    berthMedianMs: number;
    /** `berth lint --shellcheck off FILE`. */
    offMs: number[];
    offMedianMs: number;
    /** `node -e ''`. */
    floorMs: number[];
    floorMedianMs: number;
    shellcheckInstalled: boolean;
  };
  load: [number, number];
  error?: string;
}

/**
 * A monorepo of `count` Dockerfiles (all names `berth lint` and bench/cliPeer.ts both take): services
 * per team with dev variants, apps with `docker/app.Dockerfile` and their own ignore files, tools with
 * Containerfiles, packages with per-environment deploy folders; sources, manifests and READMEs beside
 * them, `.dockerignore`s in about a third of the folders, and a node_modules both must skip. Sizes
 * are mostly small, as real ones are, with the odd long one. Deterministic.
 */
export function generateMonorepo(
  root: string,
  count: number,
  seed = 14,
): { files: number; lines: number; bytes: number; ignoreFiles: number } {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const SIZES = [12, 18, 25, 30, 40, 40, 55, 70, 90, 120, 160, 250, 400, 900];
  let lines = 0;
  let bytes = 0;
  let ignoreFiles = 0;
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  const dockerfile = (rel: string, i: number) => {
    const text = generateDockerfile(pick(SIZES), seed + i);
    write(rel, text);
    lines += text.split('\n').length - 1;
    bytes += Buffer.byteLength(text);
  };
  const ignore = (rel: string) => {
    write(
      rel,
      pick(['node_modules\n.git\n*.md\n', '**/*.log\ndist\ncoverage\n!dist/keep\n', '*\n!src\n!package.json\n!package-lock.json\n']),
    );
    ignoreFiles++;
  };
  for (let i = 0; i < count; i++) {
    const kind = i % 10;
    let folder: string;
    let name: string;
    if (kind < 5) {
      folder = `services/team-${i % 12}/svc-${i}`;
      name = kind === 4 ? 'Dockerfile.dev' : 'Dockerfile';
    } else if (kind < 7) {
      folder = `apps/app-${i}/docker`;
      name = 'app.Dockerfile';
      if (rand() < 0.5) ignore(`${folder}/app.Dockerfile.dockerignore`);
    } else if (kind < 8) {
      folder = `tools/tool-${i}`;
      name = 'Containerfile';
    } else {
      folder = `packages/pkg-${i % 40}/deploy/env-${i}`;
      name = kind === 9 ? 'Dockerfile.prod' : 'Dockerfile';
    }
    dockerfile(`${folder}/${name}`, i);
    if (rand() < 0.33) ignore(`${folder}/.dockerignore`);
    write(`${folder}/src/index.ts`, `export const id = ${i};\n`);
    write(`${folder}/package.json`, `{ "name": "pkg-${i}", "version": "1.0.${i}" }\n`);
    if (rand() < 0.5) write(`${folder}/README.md`, `# ${folder}\n\nBuilt with \`docker build -f ${name} .\`.\n`);
  }
  // Vendored code with Dockerfiles of its own: neither side lints these.
  for (let i = 0; i < 20; i++) write(`node_modules/dep-${i}/Dockerfile`, 'FROM scratch\n');
  return { files: count, lines, bytes, ignoreFiles };
}

function timed(args: string[], cwd: string): { ms: number; stdout: string; status: number | null; stderr: string } {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { ms: performance.now() - started, stdout: run.stdout, stderr: run.stderr, status: run.status };
}

/** `berth lint` exits 0 or 1 (findings); anything else means the run measured nothing. */
function checked(run: ReturnType<typeof timed>, what: string): ReturnType<typeof timed> {
  if (run.status !== 0 && run.status !== 1) throw new Error(`${what} exited ${run.status}: ${run.stderr.split('\n')[0]}`);
  return run;
}

function shellcheckInstalled(): boolean {
  try {
    execFileSync('shellcheck', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function benchCli(cli = join(ROOT, 'dist', 'cli.js')): CliBenchResult {
  const load0 = loadavg()[0];
  const work = mkdtempSync(join(tmpdir(), 'berth-bench-cli-'));
  const result: CliBenchResult = { cli, cliBytes: 0, load: [load0, load0] };
  try {
    result.cliBytes = statSync(cli).size;
    // The peer bundled as ours is, so neither pays for resolving node_modules at startup.
    const peer = join(work, 'cliPeer.js');
    buildSync({
      entryPoints: [join(__dirname, 'cliPeer.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      outfile: peer,
      logLevel: 'warning',
    });

    const repo = join(work, 'monorepo');
    const shape = generateMonorepo(repo, MONOREPO_FILES);
    const ours = () => checked(timed([cli, 'lint', '--shellcheck', 'off', '.'], repo), 'berth lint');
    const theirs = () => checked(timed([peer, '.'], repo), 'the dockerfile-utils script');
    // One of each first, so both read the files from the page cache.
    const first = ours();
    const peerFirst = JSON.parse(theirs().stdout) as { files: number; findings: number };
    if (peerFirst.files !== MONOREPO_FILES) throw new Error(`the peer found ${peerFirst.files} Dockerfiles, not ${MONOREPO_FILES}`);
    const oursMs: number[] = [];
    const peerMs: number[] = [];
    // Interleaved, so a burst of other load lands on both alike.
    for (let round = 0; round < MONOREPO_ROUNDS; round++) {
      oursMs.push(ours().ms);
      peerMs.push(theirs().ms);
    }
    const installed = shellcheckInstalled();
    // Informational: a ShellCheck that runs past berth's deadline is reported (exit 2), not fatal to the bench.
    const shellchecked = installed ? timed([cli, 'lint', '.'], repo) : undefined;
    const withShellCheck = shellchecked?.ms;
    const shellCheckProblem = shellchecked && shellchecked.status === 2 ? shellchecked.stderr.trim().split('\n').at(-1) : undefined;
    result.monorepo = {
      ...shape,
      oursMs,
      peerMs,
      oursMedianMs: median(oursMs),
      peerMedianMs: median(peerMs),
      oursFilesPerS: MONOREPO_FILES / (median(oursMs) / 1000),
      peerFilesPerS: MONOREPO_FILES / (median(peerMs) / 1000),
      oursFindings: first.stdout.split('\n').filter(Boolean).length,
      peerFindings: peerFirst.findings,
      withShellCheckMs: withShellCheck,
      shellCheckProblem,
    };
    console.error(
      `cli monorepo: berth ${median(oursMs).toFixed(0)} ms (${result.monorepo.oursFilesPerS.toFixed(0)} files/s), ` +
        `dockerfile-utils ${median(peerMs).toFixed(0)} ms (${result.monorepo.peerFilesPerS.toFixed(0)} files/s)` +
        (withShellCheck === undefined ? '' : `, berth with ShellCheck ${withShellCheck.toFixed(0)} ms`),
    );

    const one = join(work, 'one');
    mkdirSync(one);
    writeFileSync(join(one, 'Dockerfile'), generateDockerfile(SINGLE_LINES));
    const berthMs: number[] = [];
    const offMs: number[] = [];
    const floorMs: number[] = [];
    for (let i = 0; i < SINGLE_RUNS + 1; i++) {
      const floor = timed(['-e', ''], one).ms;
      const berth = checked(timed([cli, 'lint', 'Dockerfile'], one), 'berth lint Dockerfile').ms;
      const off = checked(timed([cli, 'lint', '--shellcheck', 'off', 'Dockerfile'], one), 'berth lint --shellcheck off Dockerfile').ms;
      // The first round warms the page cache.
      if (i === 0) continue;
      floorMs.push(floor);
      berthMs.push(berth);
      offMs.push(off);
    }
    result.single = {
      lines: SINGLE_LINES,
      berthMs,
      berthMedianMs: median(berthMs),
      offMs,
      offMedianMs: median(offMs),
      floorMs,
      floorMedianMs: median(floorMs),
      shellcheckInstalled: installed,
    };
    console.error(
      `cli one file: berth ${median(berthMs).toFixed(0)} ms, --shellcheck off ${median(offMs).toFixed(0)} ms, node -e '' ${median(floorMs).toFixed(0)} ms`,
    );
  } catch (error) {
    result.error = (error as Error).message;
    console.error(`cli: FAILED: ${result.error}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    result.load[1] = loadavg()[0];
  }
  return result;
}

/** The table rows, as bench/run.ts prints them. */
export function cliRows(r: CliBenchResult, fmtMs: (ms: number | undefined) => string): string {
  const rows = ['\n| Measure | Berth | Peer | Peer / Berth | Target | |', '|---|---:|---:|---:|---|---|'];
  const load = `load ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}`;
  if (r.error) rows.push(`| CLI over a monorepo | failed: ${r.error} | | | | |`);
  const m = r.monorepo;
  if (m) {
    rows.push(
      `| CLI: \`berth lint\` of a ${m.files.toLocaleString('en-US')}-Dockerfile monorepo (files per second, spawn to exit, the folder walk included, ShellCheck off; peer: dockerfile-utils \`validate\` over the same files in one Node process, as it has no CLI; median of ${m.oursMs.length}; ${load}) | ${m.oursFilesPerS.toFixed(0)} | ${m.peerFilesPerS.toFixed(0)} | ${(m.oursFilesPerS / m.peerFilesPerS).toFixed(2)}x faster | | |`,
      `| … the same run (ms; ${m.lines.toLocaleString('en-US')} lines, ${(m.bytes / 1024 / 1024).toFixed(1)} MB, ${m.ignoreFiles} ignore files; findings ${m.oursFindings.toLocaleString('en-US')} / ${m.peerFindings.toLocaleString('en-US')}); with ShellCheck on every RUN, one run${m.shellCheckProblem ? ` (${m.shellCheckProblem.replace(/\|/g, '\\|')})` : ''} | ${fmtMs(m.oursMedianMs)}; ${fmtMs(m.withShellCheckMs)} | ${fmtMs(m.peerMedianMs)} | | | |`,
    );
  }
  const s = r.single;
  if (s) {
    const met = s.berthMedianMs <= 100;
    rows.push(
      `| CLI: \`berth lint Dockerfile\`, one ${s.lines}-line file, spawn to exit (ms, median of ${s.berthMs.length}${s.shellcheckInstalled ? '; ShellCheck runs' : '; no ShellCheck installed'}; floor: \`node -e ''\` in the same rounds; ${load}) | ${fmtMs(s.berthMedianMs)} | ${fmtMs(s.floorMedianMs)} (floor) | | ≤ 100 ms | ${met ? '✅ met' : '❌ missed'} |`,
      `| … \`--shellcheck off\`; Berth's own share over the floor (ms); dist/cli.js (KB) | ${fmtMs(s.offMedianMs)}; +${fmtMs(s.offMedianMs - s.floorMedianMs)}; ${(r.cliBytes / 1024).toFixed(0)} | | | | |`,
    );
  }
  return `${rows.join('\n')}\n`;
}
