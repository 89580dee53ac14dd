/**
 * Fix All on a file with thousands of findings: `fixAll` from src/dockerfile/fixAll.ts in this
 * process, on 1,000 RUNs that each have two fixable findings and one that is not (2,999
 * findings, 2,000 fixes). No peer has a Fix All to compare with.
 */
import { performance } from 'node:perf_hooks';
import { fixAll } from '../src/dockerfile/fixAll';
import { lint } from '../src/dockerfile/lint';
import { median } from './lint-worker';

export interface FixAllTiming {
  lines: number;
  findings: number;
  fixes: number;
  medianMs: number;
  /** Every sample, ms per Fix All. */
  samplesMs: number[];
}

export function benchFixAll(): FixAllTiming {
  const text = `FROM debian:12\n${'RUN apt-get install curl\n'.repeat(1000)}USER app\n`;
  const findings = lint(text).length;
  let fixes = 0;
  for (let i = 0; i < 2; i++) fixes = fixAll(text).applied.length;
  const samplesMs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    fixAll(text);
    samplesMs.push(performance.now() - started);
  }
  return { lines: text.split('\n').length - 1, findings, fixes, medianMs: median(samplesMs), samplesMs };
}

export function fixAllRow(timing: FixAllTiming, fmtMs: (ms?: number) => string): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `| Fix All, ${n(timing.findings)} findings on ${n(timing.lines)} lines, ${n(timing.fixes)} fixes applied (ms; no peer has one) | ${fmtMs(timing.medianMs)} | | | | |`;
}
