/**
 * One linter in its own process, driven by bench/run.ts over IPC: its own heap and JIT, so the
 * other linter's garbage is never collected on its clock, while the parent still interleaves the
 * two in time. Started as `lint-worker.ts berth|dockerfile-utils`.
 */
import { performance } from 'node:perf_hooks';
import { validate } from 'dockerfile-utils';
import { PEER_SETTINGS } from './peerSettings';
import { lint } from '../src/dockerfile/lint';
import { generateDockerfile } from './generate';

export type WorkerRequest = { cmd: 'prepare'; lines: number } | { cmd: 'run'; ms: number; min: number } | { cmd: 'result' };

export interface LintTiming {
  medianMs: number;
  p95Ms: number;
  samples: number;
  callsPerSample: number;
  diagnostics: number;
  /** Every sample, ms per call. */
  samplesMs: number[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Times one linter on one text: warm-up, then samples of enough calls to last ~2 ms each. */
class Sampler {
  readonly samples: number[] = [];
  diagnostics = 0;
  private callsPerSample = 1;
  private sink = 0;

  constructor(private readonly fn: () => unknown[]) {}

  /** At least 3 calls and 300 ms, then size the samples so timer resolution does not matter on small files. */
  warm(): void {
    const started = performance.now();
    for (let i = 0; i < 3 || performance.now() - started < 300; i++) this.diagnostics = this.fn().length;
    const t0 = performance.now();
    this.fn();
    this.callsPerSample = Math.max(1, Math.ceil(2 / Math.max(performance.now() - t0, 1e-4)));
  }

  /** Takes samples for `ms` (at least `min` of them, at most 300 in all). */
  run(ms: number, min: number): void {
    // No forced GC: a full collection before a run made dockerfile-utils 3-5x slower (its heap
    // has to grow back), which would flatter us.
    const started = performance.now();
    for (let n = 0; this.samples.length < 300 && (n < min || performance.now() - started < ms); n++) {
      const s = performance.now();
      for (let i = 0; i < this.callsPerSample; i++) this.sink += this.fn().length;
      this.samples.push((performance.now() - s) / this.callsPerSample);
    }
  }

  result(): LintTiming {
    if (this.sink < 0) console.log(this.sink); // keeps the results alive
    const { samples } = this;
    return {
      medianMs: median(samples),
      p95Ms: percentile(samples, 95),
      samples: samples.length,
      callsPerSample: this.callsPerSample,
      diagnostics: this.diagnostics,
      samplesMs: samples,
    };
  }
}

if (process.send) {
  const which = process.argv[2];
  if (which !== 'berth' && which !== 'dockerfile-utils') throw new Error(`lint-worker: unknown linter '${which}'`);
  let sampler: Sampler | undefined;
  process.on('message', (request: WorkerRequest) => {
    let reply: unknown = null;
    if (request.cmd === 'prepare') {
      const text = generateDockerfile(request.lines);
      sampler = new Sampler(which === 'berth' ? () => lint(text, {}) : () => validate(text, PEER_SETTINGS));
      sampler.warm();
    } else if (request.cmd === 'run') {
      sampler!.run(request.ms, request.min);
    } else {
      reply = sampler!.result();
    }
    process.send!(reply);
  });
  process.on('disconnect', () => process.exit(0));
}
