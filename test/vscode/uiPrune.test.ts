/**
 * Prune's modal confirmation as a user sees it (the `ui` pass), on a private dockerd: a prune
 * acts on a whole engine, and the shared one holds other work.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { PrivateEngine, waitState } from './privateEngine';
import * as ui from './ui';
import { api } from './util';

test(
  'ui prune: System Prune lists what goes in a modal; Cancel removes nothing, Prune removes what it listed',
  async () => {
    const { service } = await api();
    const daemon = new PrivateEngine();
    const settings = vscode.workspace.getConfiguration('berth');
    try {
      await daemon.start();
      const { imageId } = await daemon.seedUnused();
      await settings.update('docker.host', daemon.host, vscode.ConfigurationTarget.Global);
      await waitState(service, (s) => s.kind === 'connected' && s.endpoint.socketPath === daemon.socket, 'connected to the private engine');
      const held = async () => ({
        volumes: await daemon.docker('volume', 'ls', '-q'),
        networks: await daemon.docker('network', 'ls', '-q', '--filter', 'name=unused-network'),
        images: await daemon.docker('images', '-q', '--no-trunc'),
      });
      const before = await held();
      assert.equal(before.volumes, 'unused-volume');
      assert.equal(before.images, imageId);

      const cancelled = vscode.commands.executeCommand('berth.system.prune', { volumes: true });
      const dialog = await ui.waitForDialog(/^Prune 3 items and free about /, 30_000);
      const shortId = imageId.replace(/^sha256:/, '').slice(0, 12);
      assert.match(dialog.detail, /1 unused networks\n\s*unused-network/);
      assert.match(dialog.detail, new RegExp(`1 dangling images\\n\\s*${shortId}`));
      assert.match(dialog.detail, /1 unused volumes, with their data\n\s*unused-volume/);
      assert.deepEqual(dialog.buttons.sort(), ['Cancel', 'Prune']);
      await ui.answerDialog('Cancel');
      assert.equal(await cancelled, undefined, 'Cancel resolves with nothing done');
      assert.deepEqual(await held(), before, 'Cancel removed nothing');

      const confirmed = vscode.commands.executeCommand<{ volumes?: { deleted: string[] } }>('berth.system.prune', { volumes: true });
      await ui.waitForDialog(/^Prune 3 items/, 30_000);
      await ui.answerDialog('Prune');
      const outcome = await confirmed;
      assert.deepEqual(outcome.volumes?.deleted, ['unused-volume']);
      assert.deepEqual(await held(), { volumes: '', networks: '', images: '' }, 'what the dialog listed is gone');
    } finally {
      await settings.update('docker.host', undefined, vscode.ConfigurationTarget.Global);
      await daemon.destroy();
    }
    await waitState(service, (s) => s.kind === 'connected' && s.endpoint.socketPath !== daemon.socket, 'back on the shared engine');
  },
  120_000,
  'ui',
);
