/**
 * Nothing a document or a sloppy client sends may take the server down: random bytes, huge lines,
 * edits outside the document, requests for unknown documents. After each storm the server must
 * still answer and still lint a normal file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { ensureBuilt, TestClient } from './client';

/** Deterministic, so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytesText(rand: () => number, length: number): string {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(rand() * 256);
  return bytes.toString('latin1');
}

const DOCKERISH = [
  'FROM ',
  'RUN ',
  '\\\n',
  '<<EOF\n',
  'EOF\n',
  '${',
  '}',
  ':-',
  '"',
  "'",
  '[',
  ']',
  '#',
  ' ',
  '\n',
  '\r\n',
  '--mount=',
  'AS ',
  'ONBUILD ',
  '`',
  '\t',
  '@sha256:',
  'USER 0\n',
  'COPY . .\n',
  '\u0000',
  '\ud800',
  '😀',
];

function mutated(rand: () => number, length: number): string {
  let s = '';
  while (s.length < length) s += DOCKERISH[Math.floor(rand() * DOCKERISH.length)];
  return s;
}

const SAMPLES: [string, string][] = [
  ['random bytes', randomBytesText(random(1), 64 * 1024)],
  ['NUL bytes', '\u0000'.repeat(10_000)],
  ['lone surrogates', '\ud800FROM \udfff node\n'.repeat(500)],
  ['a 2 MB line', `RUN ${'x'.repeat(2 * 1024 * 1024)}`],
  ['a 1 MB FROM line', `FROM ${'a/'.repeat(500_000)}node`],
  ['20,000 continuation lines', `RUN echo \\\n${'  a \\\n'.repeat(20_000)}`],
  ['an unterminated heredoc', `RUN <<EOF\n${'line\n'.repeat(10_000)}`],
  ['10,000 heredocs on one line', `RUN ${'<<A'.repeat(10_000)}\nA\n`],
  ['deep variables', `FROM ${'${A:-'.repeat(10_000)}x${'}'.repeat(10_000)}\n`],
  ['only escapes', '\\'.repeat(100_000)],
  ['CR line ends', 'FROM node\rRUN a\rUSER 0\r'],
  ['escape directive and backticks', '# escape=`\nFROM node `\n  AS b`\n'.repeat(1000)],
  ['mutated Dockerfile 1', mutated(random(2), 200_000)],
  ['mutated Dockerfile 2', mutated(random(3), 50_000)],
];

before(() => ensureBuilt());

describe('the server survives any text', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({ settings: { rules: { 'image-unpinned-digest': 'warning' } } });
  });
  after(() => client.dispose());

  for (const [name, text] of SAMPLES) {
    it(`lints ${name}, answers code actions on it, and stays up`, async () => {
      const uri = `untitled:${encodeURIComponent(name)}`;
      await client.open(uri, text, 1);
      const published = await client.version(uri, 1);
      assert.ok(Array.isArray(published.diagnostics));
      const lines = text.split('\n').length;
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } },
        context: { diagnostics: published.diagnostics },
      });
      assert.ok(Array.isArray(actions));
      // Edits at odd places: past the end, inside a surrogate pair, a huge insertion.
      await client.change(uri, 2, [
        { range: { start: { line: lines + 10, character: 0 }, end: { line: lines + 20, character: 5 } }, text: 'FROM x\n' },
        { range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: '\ud83d' },
        { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'y'.repeat(100_000) },
      ]);
      await client.version(uri, 2);
      await client.notify('textDocument/didClose', { textDocument: { uri } });
      assert.equal(client.exited, false);
    });
  }

  it('ignores requests and edits for documents it does not have, and malformed params', async () => {
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: 'untitled:never-opened' },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions, []);
    await client.change('untitled:never-opened', 5, [{ text: 'FROM node' }]);
    await client.notify('workspace/didChangeConfiguration', { settings: { berth: 'not an object' } });
    await client.notify('workspace/didChangeWatchedFiles', { changes: 'nope' });
    const odd = await client
      .request<unknown>('textDocument/codeAction', { textDocument: { uri: 'untitled:never-opened' } })
      .catch((e: Error) => e);
    assert.ok(Array.isArray(odd) || odd instanceof Error, 'an answer, either empty or an error');
    assert.equal(client.exited, false);
  });

  it('survives settings of the wrong shape and reports them once', async () => {
    client.settings = { rules: { 'image-latest': 'loud', 'no-such-rule': 'off', DL9999: 'error' }, lint: 'yes' };
    const uri = 'untitled:bad-settings';
    const before = client.messages.length;
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.open(uri, 'FROM node:latest\n', 1);
    const published = await client.version(uri, 1);
    assert.equal(published.diagnostics.find((d) => d.code === 'image-latest')?.severity, 2, 'bad values fall back to the default');
    const shown = client.messages.slice(before);
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.match(shown[0].message, /berth\.rules\.image-latest/);
    assert.match(shown[0].message, /no-such-rule/);
    client.settings = {};
  });

  it('caught no exception from the linter or the fixes on any of it', () => {
    assert.deepEqual(client.caughtErrors(), []);
  });

  it('still lints a normal file after all of that', async () => {
    const uri = 'untitled:after-the-storm';
    await client.open(uri, 'FROM node\n', 1);
    const published = await client.version(uri, 1);
    assert.ok(published.diagnostics.some((d) => d.code === 'image-untagged'));
    const { code } = await client.shutdown();
    assert.equal(code, 0);
  });
});
