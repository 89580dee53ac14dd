/** The Stats view's HTML: docker stats' figures, charts over the window, and engine text escaped. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerStats } from '../../src/engine/types';
import { WINDOW_MS, chartPoints, escapeHtml, renderEntry, renderStats } from '../../src/extension/stats/render';

const t = (message: string, ...args: (string | number)[]) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
const NOW = 1_800_000_000_000;

function reading(secondsAgo: number, cpu: number | undefined, memory: number): ContainerStats {
  return {
    time: NOW - secondsAgo * 1000,
    cpuPercent: cpu,
    memoryBytes: memory,
    memoryLimitBytes: 256 * 1024 * 1024,
    networkRxBytes: 2048,
    networkTxBytes: 1024,
    blockReadBytes: 0,
    blockWriteBytes: 4096,
    pids: 3,
  };
}

describe('the Stats view’s HTML', () => {
  it('shows docker stats’ columns for the latest reading', () => {
    const html = renderEntry({ id: 'abc', name: 'web', history: [reading(2, 10, 1e6), reading(1, 99.04, 64 * 1024 * 1024)] }, NOW, t);
    assert.match(html, /<dt>CPU<\/dt><dd>99\.0 %<\/dd>/);
    assert.match(html, /<dt>Memory<\/dt><dd>64\.00 MiB \/ 256\.00 MiB \(25\.0 %\)<\/dd>/);
    assert.match(html, /<dt>Network I\/O<\/dt><dd>2\.05 kB \/ 1\.02 kB<\/dd>/);
    assert.match(html, /<dt>PIDs<\/dt><dd>3<\/dd>/);
    assert.match(html, /<polyline/);
  });

  it('escapes the container’s name and id', () => {
    const html = renderEntry({ id: '"><script>x</script>', name: '<img src=x onerror=alert(1)>', history: [] }, NOW, t);
    assert.ok(!html.includes('<img'), html);
    assert.ok(!html.includes('<script>'), html);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.equal(escapeHtml(`a&b"'<>`), 'a&amp;b&quot;&#39;&lt;&gt;');
  });

  it('a container with no reading yet says so; no container says what to do', () => {
    assert.match(renderEntry({ id: 'a', name: 'a', history: [] }, NOW, t), /Waiting for the first reading/);
    assert.match(renderStats([], NOW, t, 'No container is running.'), /<p class="empty">No container is running\.<\/p>/);
  });

  it('charts place readings by time across the window and by value up to the scale', () => {
    const points = chartPoints(
      [
        { time: NOW - WINDOW_MS - 1000, value: 50 }, // before the window: left out
        { time: NOW - WINDOW_MS, value: 0 },
        { time: NOW - WINDOW_MS / 2, value: 50 },
        { time: NOW, value: 200 }, // over the scale: at the top
      ],
      NOW,
      100,
    );
    assert.equal(points, '0.0,48.0 150.0,24.0 300.0,0.0');
  });
});
