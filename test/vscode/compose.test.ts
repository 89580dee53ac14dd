/**
 * Compose files in the real VS Code, with its built-in YAML extension naming them `dockercompose`:
 * Berth's diagnostics, the stages of the Dockerfile a build names in completion, a service renamed
 * across `depends_on` and the override file, berth.compose.editingFeatures, and no Dockerfile-only
 * feature (folding, formatting) claimed for Compose files.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { closeAllEditors, codeOf, hasCode, lacksCode, waitForDiagnostics, writeWorkspaceFile } from './util';

const COMPOSE = [
  'services:',
  '  web:',
  '    build:',
  '      context: ./app',
  '      target: runtim',
  '    depends_on:',
  '      - db',
  '  db:',
  '    image: postgres:16.4',
  '',
].join('\n');
const OVERRIDE = ['services:', '  worker:', '    image: busybox:1.36', '    depends_on: [db]', ''].join('\n');
const DOCKERFILE = 'FROM node:22 AS deps\nFROM node:22-slim AS runtime\nUSER node\n';

/** A Compose project in its own folder, opened in an editor once Berth has linted it. */
async function project(folder: string): Promise<vscode.TextEditor> {
  writeWorkspaceFile(`${folder}/app/Dockerfile`, DOCKERFILE);
  writeWorkspaceFile(`${folder}/compose.override.yaml`, OVERRIDE);
  const uri = writeWorkspaceFile(`${folder}/compose.yaml`, COMPOSE);
  const document = await vscode.workspace.openTextDocument(uri);
  assert.equal(document.languageId, 'dockercompose', 'VS Code opens compose.yaml as Compose');
  const editor = await vscode.window.showTextDocument(document);
  await waitForDiagnostics(uri, hasCode('compose-build-target-unknown'), 'Berth to lint the Compose file');
  return editor;
}

const labels = (list: vscode.CompletionList | undefined) =>
  (list?.items ?? []).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
const stageItems = (list: vscode.CompletionList | undefined) => (list?.items ?? []).filter((i) => i.detail === 'build stage');
const hoverText = (hovers: vscode.Hover[] | undefined) =>
  (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');

test('compose: diagnostics with codes and links, and a quick fix to the stage meant', async () => {
  const editor = await project('compose-diagnostics');
  const uri = editor.document.uri;
  const [target] = vscode.languages.getDiagnostics(uri).filter((d) => codeOf(d) === 'compose-build-target-unknown');
  assert.equal(target.source, 'berth');
  assert.equal(target.severity, vscode.DiagnosticSeverity.Error);
  assert.deepEqual([target.range.start.line, target.range.start.character], [4, 14]);
  assert.match(String((target.code as { target: vscode.Uri }).target), /compose-build-target-unknown\.md$/);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, target.range);
  const fix = actions.find((a) => a.title === "Change to 'runtime'");
  assert.ok(fix?.edit, actions.map((a) => a.title).join(', '));
  await vscode.workspace.applyEdit(fix.edit);
  await waitForDiagnostics(uri, lacksCode('compose-build-target-unknown'), 'the finding to go once fixed');
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await closeAllEditors();
});

test('compose: completion of a stage name in build.target follows the open Dockerfile', async () => {
  const editor = await project('compose-complete');
  const uri = editor.document.uri;
  const at = new vscode.Position(4, 14);
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, at);
  assert.deepEqual(
    stageItems(list).map((i) => i.label),
    ['deps', 'runtime'],
  );
  // A stage typed into the Dockerfile, unsaved, is offered at once.
  const dockerfile = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(uri, '..', 'app', 'Dockerfile'));
  const edit = new vscode.WorkspaceEdit();
  edit.insert(dockerfile.uri, new vscode.Position(3, 0), 'FROM busybox:1.36 AS debug\n');
  await vscode.workspace.applyEdit(edit);
  const again = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, at);
  assert.deepEqual(
    stageItems(again).map((i) => i.label),
    ['deps', 'runtime', 'debug'],
  );
  await vscode.window.showTextDocument(dockerfile);
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await closeAllEditors();
});

test('compose: renaming a service renames it across depends_on and the override file', async () => {
  const editor = await project('compose-rename');
  const uri = editor.document.uri;
  const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
    'vscode.executeDocumentRenameProvider',
    uri,
    new vscode.Position(7, 3),
    'database',
  );
  const changed = edit.entries().map(([file, edits]) => [file.path.split('/').pop(), edits.map((e) => e.range.start.line).sort()]);
  assert.deepEqual(changed.sort(), [
    ['compose.override.yaml', [3]],
    ['compose.yaml', [6, 7]],
  ]);
  await vscode.workspace.applyEdit(edit);
  assert.equal(editor.document.lineAt(6).text, '      - database');
  assert.equal(editor.document.lineAt(7).text, '  database:');
  await vscode.workspace.saveAll(false);
  await closeAllEditors();
});

test('compose: berth.compose.editingFeatures off leaves completion and hover to others, diagnostics stay', async () => {
  const editor = await project('compose-editing');
  const uri = editor.document.uri;
  const at = new vscode.Position(4, 14);
  const key = new vscode.Position(5, 6);
  // No Compose language service of another extension is installed here: auto means Berth's.
  assert.equal(stageItems(await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, at)).length, 2);
  assert.match(hoverText(await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, key)), /depends_on/);
  // The test reads settings directly: the extension's own code goes through src/extension/config.ts.
  const settings = vscode.workspace.getConfiguration('berth');
  try {
    await settings.update('compose.editingFeatures', 'off', vscode.ConfigurationTarget.Workspace);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, at);
    assert.deepEqual(stageItems(list), [], `offered: ${labels(list).join(', ')}`);
    assert.doesNotMatch(hoverText(await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, key)), /Compose Specification/);
    assert.ok(
      vscode.languages.getDiagnostics(uri).some((d) => codeOf(d) === 'compose-build-target-unknown'),
      'diagnostics stay',
    );
  } finally {
    await settings.update('compose.editingFeatures', undefined, vscode.ConfigurationTarget.Workspace);
  }
  assert.equal(stageItems(await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, at)).length, 2);
  await closeAllEditors();
});

test('compose: Berth claims no folding of Compose files, so VS Code folds them by indentation', async () => {
  const editor = await project('compose-fold');
  const folds = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', editor.document.uri);
  assert.ok(
    (folds ?? []).some((f) => f.start === 1),
    `the web service folds: ${JSON.stringify(folds)}`,
  );
  await closeAllEditors();
});
