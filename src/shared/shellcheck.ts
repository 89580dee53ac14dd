/**
 * Running ShellCheck (https://www.shellcheck.net) over shell scripts: the program is spawned with
 * an argv array, never a shell string, under a deadline and an output cap. A missing or broken
 * program is an answer (`problem`), never an exception: the callers log it and carry on. The
 * language server and the CLI share it; what the scripts are is the Dockerfile core's business.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/** One finding as ShellCheck's `json1` format reports it: 1-based lines, columns in characters (a tab is one), end exclusive. */
export interface ShellCheckComment {
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  /** `error`, `warning`, `info` or `style`. */
  level: string;
  code: number;
  message: string;
}

export interface ShellCheckOptions {
  /** Checks left out (`SC1091`), passed as `--exclude`. */
  exclude?: readonly string[];
  /** Kills the processes: the scripts are stale. */
  signal?: AbortSignal;
  /** Per process; longer is a problem reported, not a hang. */
  timeoutMs?: number;
  /** Per process: more output than this is a broken program. */
  maxOutputBytes?: number;
}

/** The comments of each script, in the order given, or why there are none. */
export type ShellCheckRun = { comments: ShellCheckComment[][] } | { problem: string; missing: boolean };

const TIMEOUT_MS = 20_000;
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;
/** Fewer scripts than this per process cost more in start-up than the parallelism wins. */
const SCRIPTS_PER_PROCESS = 16;
/**
 * More than this per process and one process's run grows with the repository: a monorepo's
 * thousands of scripts went to two processes, which outran the per-process deadline.
 */
const MAX_SCRIPTS_PER_PROCESS = 200;

/**
 * Checks each script (its dialect set inside it by a `# shellcheck shell=` line). One script goes
 * through standard input; several are written to a private temporary folder and shared among a
 * few processes, one per core at most: ShellCheck starts slowly, so one process per script would
 * spend most of its time starting.
 */
export async function runShellCheck(program: string, scripts: readonly string[], options: ShellCheckOptions = {}): Promise<ShellCheckRun> {
  const comments: ShellCheckComment[][] = scripts.map(() => []);
  if (scripts.length === 0) return { comments };
  const args = ['--format=json1', '--norc', ...(options.exclude?.length ? [`--exclude=${options.exclude.join(',')}`] : [])];
  if (scripts.length === 1) {
    const run = await spawnShellCheck(program, [...args, '-'], scripts[0], options);
    if ('problem' in run) return run;
    for (const comment of run.comments) comments[0].push(withoutFile(comment));
    return { comments };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'berth-shellcheck-'));
  try {
    const files = scripts.map((_, i) => path.join(dir, `${i}.sh`));
    await Promise.all(scripts.map((script, i) => writeFile(files[i], script, { mode: 0o600 })));
    // Batches of a bounded size, as many running at once as cores: each batch has its own deadline.
    const parallel = Math.max(1, Math.min(os.availableParallelism(), Math.ceil(scripts.length / SCRIPTS_PER_PROCESS)));
    const batches = Math.max(parallel, Math.ceil(files.length / MAX_SCRIPTS_PER_PROCESS));
    const size = Math.ceil(files.length / batches);
    const queue = Array.from({ length: batches }, (_, b) => files.slice(b * size, (b + 1) * size)).filter((batch) => batch.length);
    const index = new Map(files.map((file, i) => [file, i]));
    let problem: { problem: string; missing: boolean } | undefined;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        for (let batch = queue.shift(); batch && !problem; batch = queue.shift()) {
          const run = await spawnShellCheck(program, [...args, '--', ...batch], '', options);
          if ('problem' in run) {
            problem ??= run;
            return;
          }
          for (const comment of run.comments) {
            const i = index.get(comment.file);
            if (i !== undefined) comments[i].push(withoutFile(comment));
          }
        }
      }),
    );
    return problem ?? { comments };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function withoutFile({ line, endLine, column, endColumn, level, code, message }: ShellCheckComment): ShellCheckComment {
  return { line, endLine, column, endColumn, level, code, message };
}

type Spawned = { comments: (ShellCheckComment & { file: string })[] } | { problem: string; missing: boolean };

function spawnShellCheck(program: string, args: string[], input: string, options: ShellCheckOptions): Promise<Spawned> {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const maxBytes = options.maxOutputBytes ?? MAX_OUTPUT_BYTES;
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal, windowsHide: true });
    } catch (error) {
      resolve({ problem: `${program} could not be started (${error instanceof Error ? error.message : String(error)})`, missing: false });
      return;
    }
    let settled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ problem: `${program} took longer than ${timeoutMs / 1000} s and was stopped`, missing: false });
    }, timeoutMs);
    const done = (result: Spawned) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const chunks: Buffer[] = [];
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        child.kill('SIGKILL');
        done({ problem: `${program} wrote more than ${maxBytes >> 20} MiB and was stopped`, missing: false });
      } else chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') done({ problem: 'cancelled', missing: false });
      else if (error.code === 'ENOENT') done({ problem: `${program} was not found`, missing: true });
      else done({ problem: `${program} could not be started (${error.message})`, missing: false });
    });
    child.on('close', (code) => {
      // 0: nothing found, 1: findings; anything else is a program that did not do the job.
      if (code !== 0 && code !== 1) {
        const why = stderr.trim().split('\n')[0] || `exit status ${code ?? 'by a signal'}`;
        done({ problem: `${program} failed: ${why}`, missing: false });
        return;
      }
      done(parseOutput(program, Buffer.concat(chunks).toString('utf8')));
    });
    // A program that exits without reading its input must not crash the caller with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

function parseOutput(program: string, text: string): Spawned {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: `${program} did not answer in ShellCheck's json1 format; is it ShellCheck 0.7 or later?`, missing: false };
  }
  const list = (parsed as { comments?: unknown } | null)?.comments;
  if (!Array.isArray(list)) return { problem: `${program} did not answer in ShellCheck's json1 format`, missing: false };
  const comments: (ShellCheckComment & { file: string })[] = [];
  for (const item of list as Record<string, unknown>[]) {
    const { file, line, endLine, column, endColumn, level, code, message } = item ?? {};
    if (typeof line !== 'number' || typeof column !== 'number' || typeof code !== 'number' || typeof message !== 'string') continue;
    comments.push({
      file: typeof file === 'string' ? file : '-',
      line,
      column,
      endLine: typeof endLine === 'number' ? endLine : line,
      endColumn: typeof endColumn === 'number' ? endColumn : column + 1,
      level: typeof level === 'string' ? level : 'warning',
      code,
      message,
    });
  }
  return { comments };
}

/**
 * ShellCheck with a memory: each script's comments are kept by its text (which holds its dialect
 * and the names it may assume), so checking a file again after a keystroke runs ShellCheck on
 * the scripts that changed and no others. One per program: another program may answer otherwise.
 */
export class ShellChecker {
  private readonly memory = new Map<string, ShellCheckComment[]>();

  constructor(
    readonly program: string,
    private readonly options: { exclude?: readonly string[]; maxRemembered?: number } = {},
  ) {}

  /** The comments of a script checked before, if still remembered. */
  remembered(script: string): ShellCheckComment[] | undefined {
    const found = this.memory.get(script);
    if (found !== undefined) {
      // Most recently used last, so the oldest go first when the memory is full.
      this.memory.delete(script);
      this.memory.set(script, found);
    }
    return found;
  }

  /** Checks the scripts not remembered yet; afterwards `remembered` answers for each, unless a problem is returned. */
  async check(scripts: readonly string[], signal?: AbortSignal): Promise<{ problem: string; missing: boolean } | undefined> {
    const unknown = [...new Set(scripts.filter((script) => !this.memory.has(script)))];
    if (!unknown.length) return undefined;
    const run = await runShellCheck(this.program, unknown, { exclude: this.options.exclude, signal });
    if ('problem' in run) return run;
    const max = this.options.maxRemembered ?? 20_000;
    unknown.forEach((script, i) => this.memory.set(script, run.comments[i]));
    for (const oldest of this.memory.keys()) {
      if (this.memory.size <= max) break;
      this.memory.delete(oldest);
    }
    return undefined;
  }
}
