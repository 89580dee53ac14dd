/**
 * The Images view's Pull box as a user works it (the `ui` pass): a reference typed in, its row
 * offered first, Enter pulls it. Docker Hub is out of reach on the test machine, so the search
 * shows its one "unavailable" row, and the typed reference still pulls (from a loopback registry).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { registryMissing, startRegistry } from '../fixtures/registry';
import { BUSYBOX_IMAGE } from '../fixtures/testImages';
import { test } from './harness';
import * as ui from './ui';
import { api, docker } from './util';

test(
  'ui pull: the Pull box offers the typed reference first and says when Docker Hub search is unavailable; Enter pulls the reference',
  async () => {
    await api();
    assert.equal(registryMissing(), undefined);
    const registry = await startRegistry();
    const reference = `${registry.host}/berth-ui-pull/app:v1`;
    try {
      await docker('tag', BUSYBOX_IMAGE, reference);
      await docker('push', reference);
      await docker('image', 'rm', reference);

      const pulled = vscode.commands.executeCommand<string | undefined>('berth.images.pull');
      await ui.waitForQuickInput('Pull Image', 30_000);
      await ui.type(reference);
      const rows = await ui.waitForQuickPickRows(
        (r) => r.length === 2 && r[1]!.text.includes('Docker Hub search is unavailable'),
        'the typed reference and the search row',
        30_000,
      );
      assert.match(rows[0]!.text, new RegExp(`${reference.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*pull this reference`));
      await ui.press('Enter');
      assert.equal(await pulled, reference, 'the pull resolved with the reference typed');
      await docker('image', 'inspect', reference);
    } finally {
      await docker('image', 'rm', reference).catch(() => '');
      await registry.stop();
    }
  },
  90_000,
  'ui',
);
