import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { EXTENSION_ID, writeWorkspaceFile } from './util';

test('the extension is installed and activates', async () => {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} should be loaded as the development extension`);
  await extension.activate();
  assert.equal(extension.isActive, true);
});

test('its commands are registered', async () => {
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['berth.restartLanguageServer', 'berth.showOutput']) {
    assert.ok(commands.includes(id), `command ${id} should be registered`);
  }
});

test('Dockerfile, Containerfile and *.dockerfile open as the dockerfile language', async () => {
  for (const name of ['Dockerfile', 'Containerfile', 'api.dockerfile', 'Dockerfile.dev']) {
    const uri = writeWorkspaceFile(`languages/${name}`, 'FROM busybox:1.36\n');
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.languageId, 'dockerfile', `${name} should be a dockerfile`);
  }
});
