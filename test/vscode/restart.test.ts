import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LanguageServerProbe } from '../../src/extension/main';
import { test } from './harness';
import { EXTENSION_ID, closeAllEditors, hasCode, lacksCode, openDockerfile, waitForDiagnostics, writeWorkspaceFile } from './util';

test('after "Berth: Restart Language Server" documents are linted again', async () => {
  const uri = writeWorkspaceFile('restart/Dockerfile', 'FROM node\nUSER node\n');
  const editor = await openDockerfile(uri);
  await waitForDiagnostics(uri, hasCode('image-untagged'), 'image-untagged before the restart');
  await vscode.commands.executeCommand('berth.restartLanguageServer');
  // Edits after the restart reach the new server process and come back as fresh diagnostics.
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, editor.document.lineAt(0).range, 'FROM node:20.11');
  await vscode.workspace.applyEdit(edit);
  await waitForDiagnostics(uri, lacksCode('image-untagged'), 'image-untagged to go after the edit');
  const back = new vscode.WorkspaceEdit();
  back.replace(uri, editor.document.lineAt(0).range, 'FROM python');
  await vscode.workspace.applyEdit(back);
  await waitForDiagnostics(uri, hasCode('image-untagged'), 'image-untagged on the new FROM');
  await vscode.commands.executeCommand('berth.showOutput');
  await closeAllEditors();
});

test('a crash of the server thread leaves the extension host running and the server is restarted', async () => {
  const probe = ((await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as { languageServer: LanguageServerProbe })
    .languageServer;
  const uri = writeWorkspaceFile('crash/Dockerfile', 'FROM node\nUSER node\n');
  const editor = await openDockerfile(uri);
  await waitForDiagnostics(uri, hasCode('image-untagged'), 'image-untagged before the crash');
  // The thread ends as an out-of-memory end would; this test runs in the same extension host.
  assert.equal(await probe.crashServerThread(), true, 'no server thread ran');
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, editor.document.lineAt(0).range, 'FROM node:20.11');
  await vscode.workspace.applyEdit(edit);
  await waitForDiagnostics(uri, lacksCode('image-untagged'), 'image-untagged to go after the edit, from the restarted server');
  assert.ok((await probe.serverMemory()) !== undefined, 'a new server thread answers');
  await closeAllEditors();
});
