import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { closeAllEditors, codeOf, hasCode, lacksCode, openDockerfile, waitForDiagnostics, writeWorkspaceFile } from './util';

test('an opened Dockerfile gets Berth diagnostics', async () => {
  const uri = writeWorkspaceFile('open/Dockerfile', 'FROM node\nRUN npm ci\n');
  await openDockerfile(uri);
  const diagnostics = await waitForDiagnostics(uri, hasCode('image-untagged'), 'image-untagged');
  const untagged = diagnostics.find((d) => codeOf(d) === 'image-untagged');
  assert.ok(untagged);
  assert.equal(untagged.source, 'berth');
  assert.equal(untagged.range.start.line, 0, 'the finding is on the FROM line');
  assert.ok(untagged.range.start.character >= 5, 'the range covers the image, not the keyword');
  await closeAllEditors();
});

test('diagnostics update after an edit', async () => {
  const uri = writeWorkspaceFile('edit/Dockerfile', 'FROM node\nUSER node\n');
  const editor = await openDockerfile(uri);
  await waitForDiagnostics(uri, hasCode('image-untagged'), 'image-untagged before the edit');
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, editor.document.lineAt(0).range, 'FROM node:20.11');
  assert.equal(await vscode.workspace.applyEdit(edit), true);
  await waitForDiagnostics(uri, lacksCode('image-untagged'), 'image-untagged to go after tagging the image');
  // And back: the finding returns when the tag is removed again, so the wait above saw a real update.
  const undo = new vscode.WorkspaceEdit();
  undo.replace(uri, editor.document.lineAt(0).range, 'FROM node');
  assert.equal(await vscode.workspace.applyEdit(undo), true);
  await waitForDiagnostics(uri, hasCode('image-untagged'), 'image-untagged to return');
  await closeAllEditors();
});

test('an untitled Dockerfile is linted too', async () => {
  const document = await vscode.workspace.openTextDocument({ language: 'dockerfile', content: 'FROM node:latest\n' });
  await vscode.window.showTextDocument(document);
  await waitForDiagnostics(document.uri, hasCode('image-latest'), 'image-latest on an untitled document');
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
});
