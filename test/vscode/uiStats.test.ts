/**
 * The Stats view as a user sees it (the `ui` pass): a webview, so its page is read inside its
 * frames. A running container gets its section, its figures and its CPU and memory charts.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { BUSYBOX_IMAGE } from '../fixtures/testImages';
import { test } from './harness';
import * as ui from './ui';
import { api, docker, waitFor } from './util';

test(
  'ui stats: the Stats view shows a running container with its figures and its CPU and memory charts',
  async () => {
    await api();
    const name = `berth-uistats-${Date.now().toString(36)}`;
    const id = await docker('run', '-d', '--label', 'berth.test=1', '--name', name, BUSYBOX_IMAGE, 'sleep', '600');
    try {
      await vscode.commands.executeCommand('workbench.view.extension.berth');
      await vscode.commands.executeCommand('berth.stats.focus');
      const section = `section.container[data-id^="${id.slice(0, 12)}"]`;
      await waitFor(
        `the Stats view to chart ${name}`,
        async () => (await ui.frameTexts(`${section} figure.chart`)).length >= 2,
        60_000,
        500,
      ).catch(async (error: unknown) => {
        throw new Error(`${String(error)}; sections shown: ${JSON.stringify(await ui.frameTexts('section.container h2'))}`, {
          cause: error,
        });
      });
      assert.deepEqual(await ui.frameTexts(`${section} h2`), [name], 'the section is headed with the container name');
      const charts = await ui.frameTexts(`${section} figure.chart figcaption`);
      assert.ok(
        charts.some((c) => /CPU/.test(c)) && charts.some((c) => /Memory|MEM/i.test(c)),
        `a CPU and a memory chart: ${JSON.stringify(charts)}`,
      );
    } finally {
      await docker('rm', '-f', id).catch(() => '');
    }
  },
  90_000,
  'ui',
);
