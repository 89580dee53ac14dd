import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { closeAllEditors, codeOf, hasCode, lacksCode, openDockerfile, waitForDiagnostics, writeWorkspaceFile } from './util';

/** The quick fix titled `title` for the first diagnostic with `code`, resolved so its edit is present. */
async function quickFix(uri: vscode.Uri, code: string, title: string): Promise<vscode.CodeAction> {
  const diagnostics = await waitForDiagnostics(uri, hasCode(code), code);
  const diagnostic = diagnostics.find((d) => codeOf(d) === code)!;
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
    100, // resolve up to this many actions, in case the server computes edits lazily
  );
  const titles = (actions ?? []).map((a) => a.title);
  const action = (actions ?? []).find((a): a is vscode.CodeAction => a.title === title && 'kind' in a);
  assert.ok(action, `expected a quick fix titled "${title}"; got ${JSON.stringify(titles)}`);
  return action;
}

async function apply(action: vscode.CodeAction): Promise<void> {
  assert.ok(action.edit || action.command, `"${action.title}" has neither an edit nor a command`);
  if (action.edit) assert.equal(await vscode.workspace.applyEdit(action.edit), true, 'applyEdit should succeed');
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

test('quick fix "Ignore image-untagged for this instruction" adds the pragma above it', async () => {
  const uri = writeWorkspaceFile('fix-line/Dockerfile', 'FROM node\nUSER node\n');
  const editor = await openDockerfile(uri);
  await apply(await quickFix(uri, 'image-untagged', 'Ignore image-untagged for this instruction'));
  assert.equal(editor.document.getText(), '# berth ignore=image-untagged\nFROM node\nUSER node\n');
  await waitForDiagnostics(uri, lacksCode('image-untagged'), 'the suppressed finding to go');
  await closeAllEditors();
});

test("the instruction pragma keeps the instruction's indentation", async () => {
  const text = 'FROM node:20.11 AS build\nRUN echo built\n\n  FROM node\nUSER node\n';
  const uri = writeWorkspaceFile('fix-indent/Dockerfile', text);
  const editor = await openDockerfile(uri);
  await apply(await quickFix(uri, 'image-untagged', 'Ignore image-untagged for this instruction'));
  assert.equal(
    editor.document.getText(),
    'FROM node:20.11 AS build\nRUN echo built\n\n  # berth ignore=image-untagged\n  FROM node\nUSER node\n',
  );
  await closeAllEditors();
});

test('quick fix "Ignore image-untagged in this file" silences it for the whole file', async () => {
  const uri = writeWorkspaceFile('fix-file/Dockerfile', 'FROM node\nRUN echo one\nFROM python\nUSER app\n');
  const editor = await openDockerfile(uri);
  await waitForDiagnostics(uri, (d) => d.filter((x) => codeOf(x) === 'image-untagged').length === 2, 'two image-untagged');
  await apply(await quickFix(uri, 'image-untagged', 'Ignore image-untagged in this file'));
  assert.match(editor.document.getText(), /^# berth global ignore=image-untagged$/m);
  await waitForDiagnostics(uri, lacksCode('image-untagged'), 'every image-untagged to go');
  await closeAllEditors();
});

test('Fix All (source.fixAll.berth) applies every safe fix in one edit, and leaves the USER choice alone', async () => {
  const uri = writeWorkspaceFile('fix-all/Dockerfile', 'FROM debian:12\nRUN apt-get update\nRUN apt-get install curl\n');
  const editor = await openDockerfile(uri);
  await waitForDiagnostics(uri, hasCode('apt-update-alone'), 'apt-update-alone before Fix All');
  // What editor.codeActionsOnSave and the Source Action menu ask for, by kind; not timed like a save.
  const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    whole,
    vscode.CodeActionKind.SourceFixAll.value,
  );
  const fixAll = (actions ?? []).filter((a) => a.kind?.value === 'source.fixAll.berth');
  assert.equal(fixAll.length, 1, JSON.stringify((actions ?? []).map((a) => [a.title, a.kind?.value])));
  await apply(fixAll[0]);
  assert.equal(
    editor.document.getText(),
    'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*\n',
  );
  await waitForDiagnostics(uri, (d) => hasCode('user-missing')(d) && lacksCode('apt-update-alone')(d), 'only the USER finding left');
  await closeAllEditors();
});
