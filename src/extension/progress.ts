/**
 * Pull and push progress: the engine reports each layer on its own (`Downloading 3 MB/40 MB`,
 * `Extracting`, `Pull complete`, `Pushing`, …); a notification wants one percentage and one line.
 * The aggregation is pure (unit-tested in plain Node); withPullProgress is the VS Code shell.
 */
import type * as vscodeTypes from 'vscode';
import type { ProgressEvent } from '../engine/types';

export type TransferKind = 'pull' | 'push';

/** What the notification shows, as data: the caller words it (through vscode.l10n.t). */
export interface ProgressSummary {
  /** 0–100, never going down. */
  percent: number;
  layers: number;
  layersDone: number;
  /** Bytes moved and expected over the layers whose size is known. */
  bytes: number;
  totalBytes: number;
  /** The latest status that is not about one layer (`Pulling from library/node`, `Digest: …`). */
  status?: string;
  error?: string;
}

/** A translator with vscode.l10n.t's shape; the default fills `{0}`… in place. */
export type Translate = (message: string, ...args: (string | number)[]) => string;

const fill: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));

/** Share of a pulled layer's work that is the download; the rest is extraction. */
const DOWNLOAD_SHARE = 0.7;

interface Layer {
  fraction: number;
  current: number;
  total: number;
  done: boolean;
}

const DONE = /^(Pull complete|Already exists|Pushed|Layer already exists|Mounted from\b)/;
const WAITING = /^(Pulling fs layer|Waiting|Preparing|Retrying in\b)/;

/** Folds ProgressEvents into one ProgressSummary. */
export class ProgressAggregator {
  private readonly layers = new Map<string, Layer>();
  private status: string | undefined;
  private error: string | undefined;
  private highest = 0;
  /** The engine announces every layer before any moves; until one moves, `Already exists` alone would read as done. */
  private moving = false;

  constructor(readonly kind: TransferKind = 'pull') {}

  add(event: ProgressEvent): void {
    if (event.error) {
      this.error = event.error;
      return;
    }
    const status = event.status ?? '';
    if (!event.id || !this.isLayerStatus(status)) {
      if (status) this.status = event.id && !status.startsWith(event.id) ? `${event.id}: ${status}` : status;
      return;
    }
    let layer = this.layers.get(event.id);
    if (!layer) {
      layer = { fraction: 0, current: 0, total: 0, done: false };
      this.layers.set(event.id, layer);
    }
    if (!WAITING.test(status) && !/^(Already exists|Layer already exists)/.test(status)) this.moving = true;
    const ratio = event.total && event.total > 0 ? Math.min(1, (event.current ?? 0) / event.total) : 0;
    let fraction = layer.fraction;
    if (DONE.test(status)) {
      fraction = 1;
      layer.done = true;
      if (layer.total) layer.current = layer.total;
    } else if (status === 'Downloading' || status === 'Pushing') {
      if (event.total && event.total > 0) {
        layer.total = event.total;
        layer.current = Math.min(event.current ?? 0, event.total);
      }
      // A push's `current` counts compressed bytes against an uncompressed total: never call it done early.
      fraction = status === 'Pushing' ? Math.min(0.99, ratio) : ratio * DOWNLOAD_SHARE;
    } else if (status === 'Verifying Checksum' || status === 'Download complete') {
      fraction = DOWNLOAD_SHARE;
      if (layer.total) layer.current = layer.total;
    } else if (status === 'Extracting') {
      fraction = DOWNLOAD_SHARE + (1 - DOWNLOAD_SHARE) * ratio;
      if (layer.total) layer.current = layer.total;
    }
    // Retries restart a layer's bytes but not the bar: it only moves forward.
    layer.fraction = Math.max(layer.fraction, fraction);
  }

  summary(): ProgressSummary {
    let sum = 0;
    let layersDone = 0;
    let bytes = 0;
    let totalBytes = 0;
    for (const layer of this.layers.values()) {
      sum += layer.fraction;
      if (layer.done) layersDone++;
      if (layer.total) {
        bytes += layer.current;
        totalBytes += layer.total;
      }
    }
    const percent = this.layers.size && this.moving ? (100 * sum) / this.layers.size : 0;
    // Layers announced late lower the average; the bar holds still rather than going back.
    this.highest = Math.max(this.highest, Math.min(100, percent));
    return {
      percent: Math.floor(this.highest),
      layers: this.layers.size,
      layersDone,
      bytes,
      totalBytes,
      status: this.status,
      error: this.error,
    };
  }

  private isLayerStatus(status: string): boolean {
    return (
      DONE.test(status) ||
      WAITING.test(status) ||
      ['Downloading', 'Pushing', 'Verifying Checksum', 'Download complete', 'Extracting'].includes(status)
    );
  }
}

/** 1536 → `1.5 KB`; decimal units, as the docker CLI shows sizes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** One line for the notification. */
export function describeProgress(summary: ProgressSummary, kind: TransferKind = 'pull', t: Translate = fill): string {
  if (summary.error) return summary.error;
  if (!summary.layers) return summary.status ?? '';
  if (summary.totalBytes && summary.layersDone < summary.layers) {
    const moved = formatBytes(summary.bytes);
    const total = formatBytes(summary.totalBytes);
    return kind === 'pull'
      ? t('{0} of {1} layers · {2} of {3} downloaded', summary.layersDone, summary.layers, moved, total)
      : t('{0} of {1} layers · {2} of {3} pushed', summary.layersDone, summary.layers, moved, total);
  }
  return t('{0} of {1} layers', summary.layersDone, summary.layers);
}

/**
 * Runs a pull or push under a cancellable progress notification. `run` gets the progress callback
 * for Engine.pullImage/pushImage and an AbortSignal that fires on Cancel. When cancelled, the
 * promise rejects with vscode.CancellationError, which callers can let pass silently.
 */
export async function withPullProgress<T>(
  title: string,
  run: (onProgress: (event: ProgressEvent) => void, signal: AbortSignal) => Promise<T>,
  kind: TransferKind = 'pull',
): Promise<T> {
  // Loaded here, not at the top, so the aggregation above stays importable in plain Node tests.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscode = require('vscode') as typeof vscodeTypes;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const cancelled = token.onCancellationRequested(() => controller.abort());
      const aggregator = new ProgressAggregator(kind);
      let shownPercent = 0;
      let shownMessage = '';
      const onProgress = (event: ProgressEvent): void => {
        aggregator.add(event);
        const summary = aggregator.summary();
        const message = describeProgress(summary, kind, vscode.l10n.t);
        // Hundreds of events a second would flood the notification; report only what changes.
        if (summary.percent === shownPercent && message === shownMessage) return;
        progress.report({ increment: summary.percent - shownPercent, message });
        shownPercent = summary.percent;
        shownMessage = message;
      };
      try {
        return await run(onProgress, controller.signal);
      } catch (error) {
        if (controller.signal.aborted) throw new vscode.CancellationError();
        throw error;
      } finally {
        cancelled.dispose();
      }
    },
  );
}
