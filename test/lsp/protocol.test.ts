/**
 * Protocol edges a sloppy or unusual client produces, over a real connection to the built server:
 * repeated and decreasing version numbers, a second didOpen of an open document, empty change
 * lists, documents of languages the server does not speak, and requests with missing params.
 * The rule: the text the client sent last is the truth, whatever version it carries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DocumentSymbol, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { ensureBuilt, TestClient } from './client';

const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => String(d.code));
const names = (symbols: DocumentSymbol[]) => symbols.map((s) => s.name);

before(() => ensureBuilt());

describe('protocol edges', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({ settings: {} });
  });
  after(() => client.dispose());

  const symbols = (uri: string) => client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });

  it('a change that repeats the version is still the new text: diagnostics and symbols follow it', async () => {
    const uri = 'untitled:repeat-version';
    await client.open(uri, 'FROM node AS old\n', 1);
    assert.ok(codes(await client.version(uri, 1)).includes('image-untagged'));
    assert.deepEqual(names(await symbols(uri)), ['old']);
    const mark = client.mark();
    await client.change(uri, 1, [{ text: 'FROM node:22.1-bookworm AS new\nUSER app\n' }]);
    const published = await client.diagnostics(uri, () => true, mark, 'diagnostics of the repeated version');
    assert.ok(!codes(published).includes('image-untagged'), JSON.stringify(codes(published)));
    assert.deepEqual(names(await symbols(uri)), ['new']);
  });

  it('a version lower than the last is applied too, and reported back as sent', async () => {
    const uri = 'untitled:lower-version';
    await client.open(uri, 'FROM node:22.1\nUSER app\n', 5);
    assert.ok(!codes(await client.version(uri, 5)).includes('image-untagged'));
    await client.change(uri, 3, [{ range: { start: { line: 0, character: 9 }, end: { line: 0, character: 14 } }, text: '' }]);
    assert.ok(codes(await client.version(uri, 3)).includes('image-untagged'));
  });

  it('a second didOpen replaces the text, even with the same version', async () => {
    const uri = 'untitled:opened-twice';
    await client.open(uri, 'FROM node AS first\n', 1);
    assert.ok(codes(await client.version(uri, 1)).includes('image-untagged'));
    const mark = client.mark();
    await client.open(uri, 'FROM node:22.1 AS second\nUSER app\n', 1);
    const published = await client.diagnostics(uri, () => true, mark, 'diagnostics of the second didOpen');
    assert.ok(!codes(published).includes('image-untagged'), JSON.stringify(codes(published)));
    assert.deepEqual(names(await symbols(uri)), ['second']);
    // And an incremental change after it applies to the second text.
    await client.change(uri, 2, [{ range: { start: { line: 0, character: 18 }, end: { line: 0, character: 24 } }, text: 'third' }]);
    await client.version(uri, 2);
    assert.deepEqual(names(await symbols(uri)), ['third']);
  });

  it('an empty change list is a new version with the same text', async () => {
    const uri = 'untitled:empty-changes';
    await client.open(uri, 'FROM node\n', 1);
    await client.version(uri, 1);
    await client.change(uri, 2, []);
    assert.ok(codes(await client.version(uri, 2)).includes('image-untagged'));
  });

  it('reopening a document in a language the server does not speak clears its diagnostics and answers nothing', async () => {
    const uri = 'untitled:switched-language';
    await client.open(uri, 'FROM node\n', 1);
    assert.ok((await client.version(uri, 1)).diagnostics.length > 0);
    const mark = client.mark();
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'plaintext', version: 2, text: 'FROM node\n' } });
    const cleared = await client.diagnostics(uri, () => true, mark, 'diagnostics cleared');
    assert.deepEqual(cleared.diagnostics, []);
    assert.deepEqual(await symbols(uri), []);
  });

  it('closing twice, changing after close and requests without a document are answered without an error', async () => {
    const uri = 'untitled:closed';
    await client.open(uri, 'FROM node\n', 1);
    await client.version(uri, 1);
    await client.notify('textDocument/didClose', { textDocument: { uri } });
    await client.notify('textDocument/didClose', { textDocument: { uri } });
    await client.change(uri, 2, [{ text: 'FROM alpine\n' }]);
    assert.deepEqual(await symbols(uri), []);
    assert.equal(await client.request('textDocument/hover', { position: { line: 0, character: 0 } }), null);
    assert.deepEqual(await client.request('textDocument/documentHighlight', {}), []);
    await client.notify('textDocument/didOpen', {});
    await client.notify('textDocument/didChange', { textDocument: { uri } });
    assert.equal(client.exited, false);
  });

  it('a range past the end, reversed or not made of numbers is clamped into the text, and later edits still land right', async () => {
    const uri = 'untitled:odd-ranges';
    await client.open(uri, 'FROM node AS a\n', 1);
    await client.version(uri, 1);
    await client.change(uri, 2, [
      { text: 'FROM node AS b' },
      // Past the end of the one-line text: the library alone would keep a line table for three lines.
      { range: { start: { line: 1, character: 0 }, end: { line: 2, character: 2 } }, text: '\n' },
      { range: { start: { line: 0, character: 14 }, end: { line: 0, character: 13 } }, text: 'c' },
      { range: { start: { line: null, character: 'x' }, end: { line: 0, character: 0 } }, text: '# top\n' } as never,
    ]);
    await client.version(uri, 2);
    // Now an edit by position on the last line must find it where the text has it.
    await client.change(uri, 3, [{ range: { start: { line: 1, character: 13 }, end: { line: 1, character: 15 } }, text: 'dd' }]);
    await client.version(uri, 3);
    assert.deepEqual(names(await symbols(uri)), ['dd']);
  });

  it('logged no caught exception', () => {
    assert.deepEqual(client.caughtErrors(), []);
  });
});
