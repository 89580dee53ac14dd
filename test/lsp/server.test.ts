/**
 * The language server over stdio with a real LSP client: lifecycle, diagnostics on open and on
 * incremental edits, settings pulled and re-pulled, .hadolint.yaml, and quick fixes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { ensureBuilt, fileUri, TestClient } from './client';

const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => d.code);
const find = (p: PublishDiagnosticsParams, code: string): Diagnostic | undefined => p.diagnostics.find((d) => d.code === code);

before(() => ensureBuilt());

describe('language server over stdio', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({ settings: {} });
  });
  after(() => client.dispose());

  it('announces incremental sync and quick fixes', () => {
    const caps = client.initializeResult.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.berth'] });
    assert.equal(client.initializeResult.serverInfo?.name, 'berth');
  });

  it('registers for setting changes and changes of .hadolint.yaml and the files Compose reads when the client allows it', async () => {
    const methods = await client.until(() => {
      const seen = client.registrations.map((r) => r.method);
      return seen.length >= 2 ? seen : undefined;
    }, 'two capability registrations');
    assert.deepEqual(methods.sort(), ['workspace/didChangeConfiguration', 'workspace/didChangeWatchedFiles']);
    const watch = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    const globs = (watch?.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern);
    assert.ok(globs.includes('**/.hadolint.{yaml,yml}'), globs.join(' '));
    // The Compose language reads .env files and the Dockerfiles its builds name.
    assert.ok(globs.includes('**/.env') && globs.some((g) => g.includes('Dockerfile')), globs.join(' '));
  });

  it('publishes diagnostics on open, with the version, on the range of the image', async () => {
    const uri = 'untitled:open-1';
    await client.open(uri, 'FROM node\n', 1);
    const published = await client.version(uri, 1);
    const untagged = find(published, 'image-untagged');
    assert.ok(untagged, `image-untagged in ${JSON.stringify(codes(published))}`);
    assert.deepEqual(untagged.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 9 } });
    assert.equal(untagged.source, 'berth');
    assert.match(untagged.codeDescription?.href ?? '', /image-untagged/);
    assert.ok(client.configurationRequests >= 1, 'settings were pulled');
  });

  it('updates diagnostics after incremental edits, one publish per version', async () => {
    const uri = 'untitled:edit-1';
    await client.open(uri, 'FROM node\nUSER app\n', 1);
    const first = await client.version(uri, 1);
    assert.ok(find(first, 'image-untagged'));
    // Type ":latest" after "node", one character at a time, as an editor sends it.
    let version = 1;
    for (const [i, ch] of [...':latest'].entries()) {
      version++;
      await client.change(uri, version, [
        { range: { start: { line: 0, character: 9 + i }, end: { line: 0, character: 9 + i } }, text: ch },
      ]);
    }
    const last = await client.version(uri, version);
    assert.deepEqual(
      codes(last).filter((c) => String(c).startsWith('image-')),
      ['image-latest'],
    );
    assert.deepEqual(find(last, 'image-latest')!.range, { start: { line: 0, character: 10 }, end: { line: 0, character: 16 } });
    // Now replace the whole tag through a range edit and a full-text change.
    await client.change(uri, ++version, [{ range: { start: { line: 0, character: 10 }, end: { line: 0, character: 16 } }, text: '20.11' }]);
    assert.ok(!codes(await client.version(uri, version)).some((c) => String(c).startsWith('image-')));
    await client.change(uri, ++version, [{ text: 'FROM node\n' }]);
    assert.ok(find(await client.version(uri, version), 'image-untagged'));
  });

  it('applies rule severities from the settings and re-lints on didChangeConfiguration', async () => {
    const uri = 'untitled:settings-1';
    await client.open(uri, 'FROM node:latest\nUSER app\n', 1);
    const before = await client.version(uri, 1);
    assert.equal(find(before, 'image-latest')?.severity, 2);

    client.settings = { rules: { 'image-latest': 'error' } };
    let mark = client.mark();
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    const raised = await client.diagnostics(uri, () => true, mark, 'a re-lint after the settings changed');
    assert.equal(find(raised, 'image-latest')?.severity, 1);

    client.settings = { rules: { 'image-latest': 'off' } };
    mark = client.mark();
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    const off = await client.diagnostics(uri, () => true, mark, 'a re-lint after the rule was turned off');
    assert.equal(find(off, 'image-latest'), undefined);

    // hadolint's codes work in the settings too.
    client.settings = { rules: { DL3007: 'hint' } };
    mark = client.mark();
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    assert.equal(find(await client.diagnostics(uri, () => true, mark), 'image-latest')?.severity, 4);
    client.settings = {};
  });

  it('offers quick fixes for the diagnostic under the cursor', async () => {
    const uri = 'untitled:fix-1';
    await client.open(uri, 'FROM node\nUSER app\n', 1);
    const published = await client.version(uri, 1);
    const untagged = find(published, 'image-untagged')!;
    assert.ok(untagged);
    const cursor = { line: 0, character: 7 };
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: cursor, end: cursor },
      context: { diagnostics: [untagged], triggerKind: 1 },
    });
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Ignore image-untagged for this instruction'), JSON.stringify(titles));
    assert.ok(actions.every((a) => a.kind === 'quickfix'));
    const ignore = actions.find((a) => a.title === 'Ignore image-untagged for this instruction')!;
    assert.ok(ignore.edit, 'the fix carries its edit');

    // Nothing under the cursor on line 2, nothing offered; and `only` other kinds gets nothing.
    const none = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 1, character: 2 }, end: { line: 1, character: 2 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(none, []);
    const refactors = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: cursor, end: cursor },
      context: { diagnostics: [untagged], only: ['refactor'] },
    });
    assert.deepEqual(refactors, []);
  });

  it('fixes all safe findings in one edit when asked for source.fixAll, and only then', async () => {
    const uri = 'untitled:fix-all';
    const text = 'FROM debian:12\n# keep me\nRUN apt-get update\nRUN apt-get install curl\nUSER app\n';
    await client.open(uri, text, 1);
    await client.version(uri, 1);
    const everything = { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } };
    const [action, ...rest] = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: everything,
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.equal(rest.length, 0);
    assert.equal(action.kind, 'source.fixAll.berth');
    const [edit] = action.edit!.changes![uri];
    assert.equal(edit.range.start.line, 2, 'the edit starts where the text changes, not at the top');
    const lines = text.split('\n');
    const before =
      lines.slice(0, edit.range.start.line).join('\n') + '\n' + lines[edit.range.start.line].slice(0, edit.range.start.character);
    const after = lines[edit.range.end.line].slice(edit.range.end.character) + '\n' + lines.slice(edit.range.end.line + 1).join('\n');
    assert.equal(
      before + edit.newText + after,
      'FROM debian:12\n# keep me\nRUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*\nUSER app\n',
    );
    // Not in the lightbulb: a plain request offers quick fixes only.
    const plain = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: everything,
      context: { diagnostics: [] },
    });
    assert.ok(plain.every((a) => a.kind === 'quickfix'));
  });

  it('clears diagnostics when a document closes', async () => {
    const uri = 'untitled:close-1';
    await client.open(uri, 'FROM node\n', 1);
    await client.version(uri, 1);
    const mark = client.mark();
    await client.notify('textDocument/didClose', { textDocument: { uri } });
    const cleared = await client.diagnostics(uri, () => true, mark);
    assert.deepEqual(cleared.diagnostics, []);
  });

  it('logged no caught exception', () => {
    assert.deepEqual(client.caughtErrors(), []);
  });

  it('shuts down and exits with status 0', async () => {
    const { code } = await client.shutdown();
    assert.equal(code, 0);
  });
});

describe('.hadolint.yaml next to the Dockerfile', () => {
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'berth lsp '));
    client = await TestClient.start({ settings: {}, workspaceFolders: [dir] });
  });
  after(async () => {
    await client.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads ignored: with hadolint codes, from a parent folder up to the workspace root', async () => {
    mkdirSync(path.join(dir, 'svc', 'api'), { recursive: true });
    writeFileSync(path.join(dir, '.hadolint.yaml'), 'ignored: [DL3006]\n');
    const uri = fileUri(path.join(dir, 'svc', 'api', 'Dockerfile'));
    await client.open(uri, 'FROM node\nFROM node:latest\nUSER app\n', 1);
    const published = await client.version(uri, 1);
    assert.equal(find(published, 'image-untagged'), undefined, JSON.stringify(codes(published)));
    assert.ok(find(published, 'image-latest'), 'other rules still apply');
  });

  it('re-reads the file when the client reports it changed', async () => {
    const uri = fileUri(path.join(dir, 'svc', 'api', 'Dockerfile'));
    writeFileSync(path.join(dir, '.hadolint.yaml'), 'ignored: [DL3007]\n');
    const mark = client.mark();
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(dir, '.hadolint.yaml')), type: 2 }] });
    const published = await client.diagnostics(uri, () => true, mark, 'a re-lint after .hadolint.yaml changed');
    assert.ok(find(published, 'image-untagged'));
    assert.equal(find(published, 'image-latest'), undefined);
  });

  it('lets the editor settings win over the file per rule', async () => {
    const uri = fileUri(path.join(dir, 'svc', 'api', 'Dockerfile'));
    writeFileSync(path.join(dir, '.hadolint.yaml'), 'override:\n  error: [DL3006]\n');
    client.settings = { rules: { 'image-untagged': 'hint' } };
    const mark = client.mark();
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(dir, '.hadolint.yaml')), type: 2 }] });
    const published = await client.diagnostics(uri, () => true, mark);
    assert.equal(find(published, 'image-untagged')?.severity, 4);
    client.settings = {};
  });

  it('can be switched off with berth.lint.hadolintConfig', async () => {
    const uri = fileUri(path.join(dir, 'svc', 'api', 'Dockerfile'));
    writeFileSync(path.join(dir, '.hadolint.yaml'), 'ignored: [DL3006, DL3007]\n');
    client.settings = { lint: { hadolintConfig: false } };
    const mark = client.mark();
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    const published = await client.diagnostics(uri, () => true, mark);
    assert.ok(find(published, 'image-untagged') && find(published, 'image-latest'));
    client.settings = {};
  });

  it('reports a broken file once, not once per document, and still lints', async () => {
    mkdirSync(path.join(dir, 'broken'), { recursive: true });
    writeFileSync(path.join(dir, 'broken', '.hadolint.yml'), 'ignored: [DL3007]\nfailure-threshold: sometimes\ncolour: {\n');
    const messagesBefore = client.messages.length;
    const uris = ['a.dockerfile', 'b.dockerfile', 'Containerfile'].map((name) => fileUri(path.join(dir, 'broken', name)));
    for (const uri of uris) await client.open(uri, 'FROM node\nFROM node:latest\n', 1);
    for (const uri of uris) {
      const published = await client.version(uri, 1);
      assert.ok(find(published, 'image-untagged'), 'still linted');
      assert.equal(find(published, 'image-latest'), undefined, 'the readable part of the file still applies');
    }
    const shown = client.messages.slice(messagesBefore);
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.equal(shown[0].type, 2);
    assert.match(shown[0].message, /\.hadolint\.yml:\d+/);
  });
});

describe('a .hadolint.yaml that is not a regular file', () => {
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'berth lsp special '));
    client = await TestClient.start({ settings: {}, workspaceFolders: [dir] });
  });
  after(async () => {
    await client.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  // A FIFO used to block the read, and with it diagnostics and formatting, until someone wrote to it;
  // a link to /dev/zero read hundreds of megabytes each time.
  for (const [kind, make] of [
    ['a FIFO', (file: string) => execFileSync('mkfifo', [file])],
    ['a link to /dev/zero', (file: string) => symlinkSync('/dev/zero', file)],
  ] as const) {
    it(`${kind}: diagnostics and formatting still answer, and the user is told why it is not read`, async () => {
      const folder = path.join(dir, kind.replace(/\W+/g, '-'));
      mkdirSync(folder);
      make(path.join(folder, '.hadolint.yaml'));
      const messagesBefore = client.messages.length;
      const uri = fileUri(path.join(folder, 'Dockerfile'));
      await client.open(uri, 'FROM node\n', 1);
      assert.ok(find(await client.version(uri, 1), 'image-untagged'));
      const edits = await client.request<unknown[]>('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      });
      assert.ok(Array.isArray(edits));
      const shown = await client.until(
        () => client.messages.slice(messagesBefore).find((m) => /\.hadolint\.yaml/.test(m.message)),
        'a warning',
      );
      assert.match(shown.message, /not a regular file/);
    });
  }
});

describe('clients without workspace/configuration', () => {
  it('take settings from initializationOptions and didChangeConfiguration', async () => {
    const client = await TestClient.start({
      capabilities: {},
      initializationOptions: { berth: { rules: { 'image-untagged': 'error' } } },
    });
    try {
      const uri = 'untitled:push-1';
      await client.open(uri, 'FROM node\n', 1);
      assert.equal(find(await client.version(uri, 1), 'image-untagged')?.severity, 1);
      const mark = client.mark();
      await client.notify('workspace/didChangeConfiguration', { settings: { berth: { rules: { 'image-untagged': 'off' } } } });
      const published = await client.diagnostics(uri, () => true, mark);
      assert.equal(find(published, 'image-untagged'), undefined);
      assert.equal(client.configurationRequests, 0);
      assert.deepEqual(client.registrations, []);
    } finally {
      await client.dispose();
    }
  });

  it('re-read .hadolint.yaml when a Dockerfile is reopened, having no file events', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'berth lsp '));
    const client = await TestClient.start({ capabilities: {}, workspaceFolders: [dir] });
    try {
      writeFileSync(path.join(dir, '.hadolint.yaml'), 'ignored: [DL3006]\n');
      const uri = fileUri(path.join(dir, 'Dockerfile'));
      await client.open(uri, 'FROM node\n', 1);
      assert.equal(find(await client.version(uri, 1), 'image-untagged'), undefined);
      await client.notify('textDocument/didClose', { textDocument: { uri } });
      writeFileSync(path.join(dir, '.hadolint.yaml'), 'ignored: []\n');
      const mark = client.mark();
      await client.open(uri, 'FROM node\n', 1);
      assert.ok(find(await client.version(uri, 1, mark), 'image-untagged'));
    } finally {
      await client.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
