/**
 * The command table's contract as the extension keeps it at run time, in a real VS Code against
 * the real engine: every row is registered, an argument object is checked against its row before
 * anything happens, and a batch that partly failed still says what it did.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../../src/extension/commands/table';
import { test } from './harness';
import { api, docker } from './util';

const PREFIX = `berthct${Date.now().toString(36)}`;

test('commands: every row of the table is registered', async () => {
  await api();
  const registered = new Set(await vscode.commands.getCommands(true));
  assert.deepEqual(
    COMMAND_IDS.filter((id) => !registered.has(id)),
    [],
  );
});

test('commands: an argument the command does not take, or of the wrong kind, is refused and nothing is done', async () => {
  await api();
  const name = `${PREFIX}-vol`;
  try {
    // A misspelt field would otherwise be ignored, and the volume made with the default driver.
    assert.equal(await vscode.commands.executeCommand('berth.volumes.create', { name, drvier: 'local' }), undefined);
    assert.equal(await vscode.commands.executeCommand('berth.volumes.create', { name: 42 }), undefined);
    assert.equal(await vscode.commands.executeCommand('berth.volumes.create', name), undefined, 'a bare string is not an argument object');
    await assert.rejects(docker('volume', 'inspect', name), 'no volume was made');
    const made = await vscode.commands.executeCommand<{ name: string } | undefined>('berth.volumes.create', { name });
    assert.equal(made?.name, name, 'the same call with the right fields does it');
  } finally {
    await docker('volume', 'rm', name).catch(() => '');
  }
});

test('commands: a batch that partly fails resolves with what it did', async () => {
  await api();
  const name = `${PREFIX}-gone`;
  await docker('create', '--name', name, 'busybox:local', 'true');
  try {
    const removed = await vscode.commands.executeCommand<string[]>('berth.containers.remove', {
      ids: [name, `${PREFIX}-never-existed`],
      skipConfirm: true,
    });
    assert.deepEqual(removed, [name]);
    assert.equal(await docker('ps', '-aq', '--filter', `name=^${name}$`), '');
  } finally {
    await docker('rm', '-f', name).catch(() => '');
  }
});
