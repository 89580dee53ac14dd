/**
 * Editing features in the real VS Code, through the language client: hover, completion and
 * rename as the editor's own commands ask for them.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { closeAllEditors, hasCode, openDockerfile, waitForDiagnostics, writeWorkspaceFile } from './util';

/** Opens `text` and waits for the server's first diagnostics, so its providers are registered. */
async function ready(relative: string, text: string): Promise<vscode.TextEditor> {
  const uri = writeWorkspaceFile(relative, text);
  const editor = await openDockerfile(uri);
  await waitForDiagnostics(uri, hasCode('image-untagged'), 'the server to lint the file');
  return editor;
}

const hoverText = (hovers: vscode.Hover[] | undefined) =>
  (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');

test("editing: hover explains an instruction and shows a variable's value", async () => {
  const editor = await ready('hover/Dockerfile', 'FROM node\nENV APP_HOME=/srv/app\nWORKDIR $APP_HOME\n');
  const uri = editor.document.uri;
  const keyword = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(2, 2));
  assert.match(hoverText(keyword), /\*\*WORKDIR\*\*/);
  const variable = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(2, 11));
  assert.match(hoverText(variable), /`APP_HOME` = `\/srv\/app`/);
  const range = variable?.find((h) => h.range)?.range;
  assert.deepEqual([range?.start.character, range?.end.character], [8, 17]);
  await closeAllEditors();
});

test('editing: completion offers keyword snippets and the variables in scope', async () => {
  const editor = await ready('complete/Dockerfile', 'FROM node\nARG MODE=dev\nENV PORT=8080\nRUN echo $\nWO\n');
  const uri = editor.document.uri;
  const variables = await vscode.commands.executeCommand<vscode.CompletionList>(
    'vscode.executeCompletionItemProvider',
    uri,
    new vscode.Position(3, 10),
    '$',
  );
  const names = variables.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
  assert.ok(names.includes('MODE') && names.includes('PORT'), `variables offered: ${names.join(', ')}`);
  const keywords = await vscode.commands.executeCommand<vscode.CompletionList>(
    'vscode.executeCompletionItemProvider',
    uri,
    new vscode.Position(4, 2),
  );
  const workdir = keywords.items.find((i) => i.label === 'WORKDIR');
  assert.ok(workdir, 'WORKDIR offered');
  assert.ok(workdir.insertText instanceof vscode.SnippetString, 'inserted as a snippet');
  assert.equal(workdir.insertText.value, 'WORKDIR ${1:/app}');
  // Accepting it in the editor leaves the keyword and its placeholder's default.
  editor.selection = new vscode.Selection(4, 2, 4, 2);
  const range = (workdir.range instanceof vscode.Range ? workdir.range : workdir.range?.replacing) ?? new vscode.Range(4, 0, 4, 2);
  await editor.insertSnippet(workdir.insertText, range);
  assert.equal(editor.document.lineAt(4).text, 'WORKDIR /app');
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await closeAllEditors();
});

test('editing: rename changes a stage name everywhere it is used, and refuses a bad name', async () => {
  const editor = await ready(
    'rename/Dockerfile',
    'FROM node AS build\nRUN make\nFROM build AS test\nFROM scratch\nCOPY --from=build /out /out\n',
  );
  const uri = editor.document.uri;
  const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
    'vscode.executeDocumentRenameProvider',
    uri,
    new vscode.Position(0, 15),
    'compile',
  );
  assert.equal(await vscode.workspace.applyEdit(edit), true);
  assert.equal(
    editor.document.getText(),
    'FROM node AS compile\nRUN make\nFROM compile AS test\nFROM scratch\nCOPY --from=compile /out /out\n',
  );
  await assert.rejects(
    Promise.resolve(vscode.commands.executeCommand('vscode.executeDocumentRenameProvider', uri, new vscode.Position(0, 15), '9lives')),
    /.+/,
  );
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await closeAllEditors();
});

test('editing: Format Document indents continuations and keeps heredoc bodies as written', async () => {
  const text = 'FROM node\nrun   apt-get update && \\\napt-get install -y curl\nRUN <<EOF\n  keep   me\nEOF\n';
  const editor = await ready('format/Dockerfile', text);
  const uri = editor.document.uri;
  const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', uri, {
    tabSize: 2,
    insertSpaces: true,
  });
  assert.ok(edits?.length, 'the server proposed edits');
  const edit = new vscode.WorkspaceEdit();
  edit.set(uri, edits);
  assert.equal(await vscode.workspace.applyEdit(edit), true);
  assert.equal(editor.document.getText(), 'FROM node\nRUN apt-get update && \\\n  apt-get install -y curl\nRUN <<EOF\n  keep   me\nEOF\n');
  // Formatting formatted text changes nothing.
  const again = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', uri, {
    tabSize: 2,
    insertSpaces: true,
  });
  assert.deepEqual(again ?? [], []);
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await closeAllEditors();
});

test('editing: semantic tokens and registry links reach the editor', async () => {
  const editor = await ready('tokens/Dockerfile', 'FROM node AS build\nARG MODE=dev\nRUN echo $MODE\n');
  const uri = editor.document.uri;
  const legend = await vscode.commands.executeCommand<vscode.SemanticTokensLegend>('vscode.provideDocumentSemanticTokensLegend', uri);
  assert.ok(legend?.tokenTypes.includes('keyword'), `legend: ${JSON.stringify(legend)}`);
  const tokens = await vscode.commands.executeCommand<vscode.SemanticTokens>('vscode.provideDocumentSemanticTokens', uri);
  assert.ok(tokens && tokens.data.length >= 5 * 6, 'keywords, image, stage, variable declaration and use');
  // The first token is FROM, a keyword, at 0:0.
  assert.deepEqual(Array.from(tokens.data.slice(0, 4)), [0, 0, 4, legend.tokenTypes.indexOf('keyword')]);
  const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri);
  assert.deepEqual(
    links.map((l) => l.target?.toString()),
    ['https://hub.docker.com/_/node'],
  );
  await closeAllEditors();
});
