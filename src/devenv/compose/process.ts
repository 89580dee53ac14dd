/**
 * Starting Compose as a process: argv only (never a shell), its output handed over line by line
 * as it comes, a cancel that ends it. The one place in the Compose runner that touches
 * child_process; everything else takes a `ComposeSpawn`, so it is tested with recorded output.
 */
import { spawn } from 'node:child_process';
import type { Exec, ExecResult } from './cli';

export interface SpawnOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Each line of stdout and stderr as it is printed (without its line end). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Raw output as it comes, for a terminal that shows it as printed. */
  onData?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Ends the process (SIGTERM, then SIGKILL after 10 s). */
  signal?: AbortSignal;
}

/** A finished Compose process: its exit code and everything it printed, both streams in order. */
export interface SpawnResult extends ExecResult {
  output: string;
}

export type ComposeSpawn = (argv: string[], options: SpawnOptions) => Promise<SpawnResult>;

/** The most a process's output is kept for the result: Compose's own words come last. */
const KEEP = 256 * 1024;

/** Runs argv with Node's child_process; resolves when it exits, never rejects. */
export const spawnProcess: ComposeSpawn = (argv, options) =>
  new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let output = '';
    const partial = { stdout: '', stderr: '' };
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv | undefined,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      killTimer.unref();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (stream === 'stdout') stdout = (stdout + text).slice(-KEEP);
      else stderr = (stderr + text).slice(-KEEP);
      output = (output + text).slice(-KEEP);
      options.onData?.(text, stream);
      if (!options.onLine) return;
      const lines = (partial[stream] + text).split(/\r?\n|\r/);
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) options.onLine(line, stream);
    };
    child.stdout.on('data', take('stdout'));
    child.stderr.on('data', take('stderr'));
    let missing = false;
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') missing = true;
      stderr += error.message;
      output += error.message;
    });
    child.on('close', (code) => {
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      for (const stream of ['stdout', 'stderr'] as const) if (partial[stream]) options.onLine?.(partial[stream], stream);
      resolve({ code, stdout, stderr, output, ...(missing ? { missing } : {}) });
    });
  });

/** `spawnProcess` as the `Exec` that Compose detection takes. */
export const execProcess: Exec = (argv, options) => spawnProcess(argv, { ...options });
