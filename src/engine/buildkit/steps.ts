/**
 * BuildKit's status stream as numbered steps, and those steps as `docker build --progress=plain`
 * prints them: `#5 [stage-0 2/3] RUN make`, the step's output as `#5 1.204 compiling`, then
 * `#5 DONE 2.3s`, `#5 CACHED` or `#5 ERROR: …`. Pure: fed StatusUpdates, it returns lines.
 */
import type { BuildStep, BuildStepState as StepState } from '../types';
import type { StatusUpdate, VertexProgress } from './status';

/** How many of a step's output lines are kept for a failure's message. */
const OUTPUT_KEPT = 20;
/** A line of output longer than this is cut: the terminal and the message stay readable. */
const LINE_MAX = 4000;

interface Tracked extends BuildStep {
  digest: string;
  /** Output not yet ended by a newline. */
  partial: string;
  /** Progress entries already printed as done. */
  reported: Set<string>;
  announced: boolean;
  finished: boolean;
}

/** Follows a build's status messages; `update` returns the plain-progress lines they add. */
export class BuildProgress {
  private readonly byDigest = new Map<string, Tracked>();
  private readonly order: Tracked[] = [];
  /** The step the last printed line belongs to: a blank line goes between steps, as docker prints. */
  private lastPrinted: Tracked | undefined;

  /** The steps so far, in number order (copies). */
  get steps(): BuildStep[] {
    return this.order.map(({ number, name, state, started, completed, error, output }) => ({
      number,
      name,
      state,
      ...(started !== undefined ? { started } : {}),
      ...(completed !== undefined ? { completed } : {}),
      ...(error !== undefined ? { error } : {}),
      output: [...output],
    }));
  }

  /** The step that failed, when one did. */
  get failed(): BuildStep | undefined {
    return this.steps.find((s) => s.state === 'error');
  }

  update(status: StatusUpdate): string[] {
    const out: string[] = [];
    const ended: Tracked[] = [];
    for (const v of status.vertexes) {
      const step = this.track(v.digest, v.name);
      if (v.started !== undefined) step.started = v.started;
      if (v.completed !== undefined) step.completed = v.completed;
      if (v.error) step.error = v.error;
      const state: StepState = v.error ? 'error' : v.cached ? 'cached' : v.completed ? 'done' : v.started ? 'running' : 'waiting';
      // A step the solver re-runs (cached on a second look) keeps its number and prints again.
      if (state === 'running' || state === 'waiting') step.finished = false;
      step.state = state;
      if (state === 'running' && !step.announced) this.header(step, out);
      if (state === 'running' || state === 'waiting' || step.finished || ended.includes(step)) continue;
      // A step whose output comes in the same message ends after it; any other ends here, in order.
      if (status.logs.some((l) => l.vertex === step.digest) || status.statuses.some((s) => s.vertex === step.digest)) ended.push(step);
      else this.end(step, out);
    }
    // What a step printed comes before its end, as the builder sends both in one message.
    for (const s of status.statuses) {
      const step = this.byDigest.get(s.vertex);
      if (!step || !s.completed || step.reported.has(s.id)) continue;
      step.reported.add(s.id);
      if (this.lastPrinted !== step) this.header(step, out);
      out.push(`#${step.number} ${progressLine(s)}`);
    }
    for (const log of status.logs) {
      const step = this.byDigest.get(log.vertex);
      if (!step) continue;
      const text = step.partial + log.data.toString('utf8');
      const lines = text.split('\n');
      step.partial = lines.pop() ?? '';
      if (lines.length && this.lastPrinted !== step) this.header(step, out);
      const at = seconds(log.timestamp - (step.started ?? log.timestamp), 3);
      for (const line of lines) this.output(step, line, at, out);
    }
    for (const step of ended) this.end(step, out);
    for (const w of status.warnings) {
      const step = this.byDigest.get(w.vertex);
      out.push(`${step ? `#${step.number} ` : ''}WARNING: ${w.text.trim()}${w.url ? ` (${w.url})` : ''}`);
    }
    return out;
  }

  /** CACHED, DONE or ERROR, after what is left of the step's output. */
  private end(step: Tracked, out: string[]): void {
    if (this.lastPrinted !== step) this.header(step, out);
    this.flush(step, out);
    step.finished = true;
    if (step.state === 'cached') out.push(`#${step.number} CACHED`);
    else if (step.state === 'error') out.push(`#${step.number} ERROR: ${step.error}`);
    else out.push(`#${step.number} DONE ${seconds(step.completed! - (step.started ?? step.completed!))}`);
  }

  private track(digest: string, name: string): Tracked {
    let step = this.byDigest.get(digest);
    if (!step) {
      step = {
        digest,
        name,
        number: this.order.length + 1,
        state: 'waiting',
        output: [],
        partial: '',
        reported: new Set(),
        announced: false,
        finished: false,
      };
      this.byDigest.set(digest, step);
      this.order.push(step);
    }
    return step;
  }

  private header(step: Tracked, out: string[]): void {
    if (this.lastPrinted) out.push('');
    out.push(`#${step.number} ${step.name}`);
    step.announced = true;
    this.lastPrinted = step;
  }

  /** Output still without its newline, printed when the step ends. */
  private flush(step: Tracked, out: string[]): void {
    if (!step.partial) return;
    const at = seconds((step.completed ?? step.started ?? 0) - (step.started ?? 0), 3);
    this.output(step, step.partial, at, out);
    step.partial = '';
  }

  private output(step: Tracked, raw: string, at: string, out: string[]): void {
    // A progress bar redraws itself with \r: what a terminal would end up showing is the last part.
    const line = raw.replace(/\r+$/, '').split('\r').pop() ?? '';
    const kept = line.length > LINE_MAX ? `${line.slice(0, LINE_MAX)}…` : line;
    step.output.push(kept);
    if (step.output.length > OUTPUT_KEPT) step.output.shift();
    out.push(`#${step.number} ${at.replace(/s$/, '')} ${kept}`);
  }
}

/** `12.3s` (or `0.041s` with three decimals for output times), never negative. */
function seconds(ms: number, decimals = 1): string {
  return `${Math.max(0, ms / 1000).toFixed(decimals)}s`;
}

/** `exporting layers 0.1s done`, `sha256:ab12… 12.5MB / 40.0MB 2.1s done`. */
function progressLine(s: VertexProgress): string {
  const size = s.total > 0 ? ` ${bytes(s.current)} / ${bytes(s.total)}` : '';
  const took = s.started !== undefined && s.completed !== undefined ? ` ${seconds(s.completed - s.started)}` : '';
  return `${s.id}${size}${took} done`;
}

function bytes(n: number): string {
  if (n < 1000) return `${n}B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)}MB`;
  return `${(n / 1e9).toFixed(2)}GB`;
}

/** Where a build is: the step running last begun, and how many steps have ended. */
export function stepsSummary(steps: readonly BuildStep[]): { current?: BuildStep; done: number; total: number } {
  const running = steps.filter((s) => s.state === 'running');
  const current = running.length ? running.reduce((a, b) => ((b.started ?? 0) >= (a.started ?? 0) ? b : a)) : undefined;
  const done = steps.filter((s) => s.state === 'done' || s.state === 'cached').length;
  return { ...(current ? { current } : {}), done, total: steps.length };
}
