/**
 * The Stats view's content as HTML: per container, `docker stats`' columns (CPU %, memory used of
 * its limit in binary units, network and block I/O in decimal ones, as docker stats shows them; PIDs) and charts of CPU and memory over the last minutes, as
 * inline SVG. Built here rather than in the webview so it is plain, tested TypeScript; every
 * text from the engine is escaped for HTML. No `vscode`.
 */
import type { ContainerStats } from '../../engine/types';
import { formatSize } from '../../shared/format';

/** One container as the view shows it. */
export interface StatsEntry {
  id: string;
  name: string;
  /** Oldest first, within the window. */
  history: readonly ContainerStats[];
}

/** A translator with vscode.l10n.t's shape; the view passes vscode.l10n.t. */
export type Translate = (message: string, ...args: (string | number)[]) => string;

/** How far back the charts reach. */
export const WINDOW_MS = 5 * 60_000;

const WIDTH = 300;
const HEIGHT = 48;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML, in element content and in quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Memory as docker stats shows it, in binary units: `29.05 MiB`, `23.54 GiB`. */
export function formatMemory(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(2)} ${units[unit]}`;
}

/** `12.3 %`: one decimal, as docker stats shows it. */
export function formatPercent(value: number | undefined): string {
  return value === undefined ? '—' : `${value.toFixed(1)} %`;
}

/**
 * The points of a line chart of `values` at `times` over [now − window, now], scaled to `max`:
 * x from 0 to WIDTH, y from HEIGHT (zero) to 0 (max).
 */
export function chartPoints(samples: readonly { time: number; value: number }[], now: number, max: number): string {
  const scale = max > 0 ? max : 1;
  return samples
    .filter((s) => s.time >= now - WINDOW_MS)
    .map((s) => {
      const x = ((s.time - (now - WINDOW_MS)) / WINDOW_MS) * WIDTH;
      const y = HEIGHT - (Math.min(Math.max(s.value, 0), scale) / scale) * HEIGHT;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

function chart(label: string, points: string, color: string, top: string): string {
  return `<figure class="chart" aria-label="${escapeHtml(label)}"><figcaption><span>${escapeHtml(label)}</span><span class="scale">${escapeHtml(top)}</span></figcaption><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" preserveAspectRatio="none" role="img"><polyline fill="none" stroke="var(${color})" stroke-width="1.5" vector-effect="non-scaling-stroke" points="${points}"/></svg></figure>`;
}

/** One container's card. */
export function renderEntry(entry: StatsEntry, now: number, t: Translate): string {
  const latest = entry.history[entry.history.length - 1];
  const head = `<h2 title="${escapeHtml(entry.id)}">${escapeHtml(entry.name)}</h2>`;
  if (!latest)
    return `<section class="container" data-id="${escapeHtml(entry.id)}">${head}<p class="waiting">${escapeHtml(t('Waiting for the first reading…'))}</p></section>`;
  const limit = latest.memoryLimitBytes;
  const memoryShare = limit > 0 ? ` (${((latest.memoryBytes / limit) * 100).toFixed(1)} %)` : '';
  const cells: [string, string][] = [
    [t('CPU'), formatPercent(latest.cpuPercent)],
    [t('Memory'), `${formatMemory(latest.memoryBytes)} / ${limit > 0 ? formatMemory(limit) : '—'}${memoryShare}`],
    [t('Network I/O'), `${formatSize(latest.networkRxBytes)} / ${formatSize(latest.networkTxBytes)}`],
    [t('Block I/O'), `${formatSize(latest.blockReadBytes)} / ${formatSize(latest.blockWriteBytes)}`],
    [t('PIDs'), String(latest.pids)],
  ];
  const figures = `<dl>${cells.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>`;
  const cpu = entry.history.flatMap((s) => (s.cpuPercent === undefined ? [] : [{ time: s.time, value: s.cpuPercent }]));
  // 100 % is one CPU; a container using more widens the chart rather than leaving it.
  const cpuMax = Math.max(100, ...cpu.map((s) => s.value));
  const memory = entry.history.map((s) => ({ time: s.time, value: s.memoryBytes }));
  const peak = Math.max(0, ...memory.map((s) => s.value));
  // Against the limit when that is in sight; an unlimited container's chart follows its own peak.
  const memoryMax = limit > 0 && limit < peak * 4 ? limit : peak * 1.25 || 1;
  const charts =
    chart(t('CPU, last 5 minutes'), chartPoints(cpu, now, cpuMax), '--vscode-charts-blue', `${cpuMax.toFixed(0)} %`) +
    chart(t('Memory, last 5 minutes'), chartPoints(memory, now, memoryMax), '--vscode-charts-green', formatMemory(memoryMax));
  return `<section class="container" data-id="${escapeHtml(entry.id)}">${head}${figures}${charts}</section>`;
}

/** The whole view: a card per container, or what to do when there is none. */
export function renderStats(entries: readonly StatsEntry[], now: number, t: Translate, empty: string): string {
  if (!entries.length) return `<p class="empty">${escapeHtml(empty)}</p>`;
  return entries.map((e) => renderEntry(e, now, t)).join('');
}

/** The lines a container's tooltip gains while its stats stream runs (Markdown; numbers only). */
export function statsTooltip(reading: ContainerStats, t: Translate): string {
  const limit = reading.memoryLimitBytes > 0 ? ` / ${formatMemory(reading.memoryLimitBytes)}` : '';
  return [`${t('CPU: {0}', formatPercent(reading.cpuPercent))}  `, t('Memory: {0}', `${formatMemory(reading.memoryBytes)}${limit}`)].join(
    '\n',
  );
}
