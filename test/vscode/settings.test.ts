import * as vscode from 'vscode';
import { test } from './harness';
import { closeAllEditors, hasCode, lacksCode, openDockerfile, waitForDiagnostics, writeWorkspaceFile } from './util';

test('berth.rules.<code> = off turns a rule off, and unsetting it turns it back on', async () => {
  const uri = writeWorkspaceFile('settings/Dockerfile', 'FROM node\nUSER node\n');
  await openDockerfile(uri);
  await waitForDiagnostics(uri, hasCode('image-untagged'), 'image-untagged with default settings');
  // The test reads settings directly: the extension's own code goes through src/extension/config.ts.
  const settings = vscode.workspace.getConfiguration('berth');
  try {
    await settings.update('rules.image-untagged', 'off', vscode.ConfigurationTarget.Workspace);
    await waitForDiagnostics(uri, lacksCode('image-untagged'), 'image-untagged to go once the rule is off');
  } finally {
    await settings.update('rules.image-untagged', undefined, vscode.ConfigurationTarget.Workspace);
  }
  await waitForDiagnostics(uri, hasCode('image-untagged'), 'image-untagged to return once the setting is unset');
  await closeAllEditors();
});
