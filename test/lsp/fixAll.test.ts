/**
 * Fix All (`source.fixAll.berth`) on a file with thousands of findings, over stdio with a real
 * client: it finishes with every fix, it can be cancelled, and an edit typed while it runs gets
 * its diagnostics without waiting for it (the edit also ends it: its fixes were for the old text).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, type CodeAction, type TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ensureBuilt, TestClient } from './client';

before(() => ensureBuilt());

/** 1,000 RUNs, each with two fixable findings and one that is not (run-consecutive): 2,999 in all. */
const BIG = `FROM debian:12\n${'RUN apt-get install curl\n'.repeat(1000)}USER app\n`;
const EVERYTHING = { start: { line: 0, character: 0 }, end: { line: 1002, character: 0 } };

const REQUEST_CANCELLED = -32800;
const CONTENT_MODIFIED = -32801;

function fixAllParams(uri: string) {
  return { textDocument: { uri }, range: EVERYTHING, context: { diagnostics: [], only: ['source.fixAll'] } };
}

/** A request's outcome, and when it came relative to other events. */
function settle<T>(promise: Thenable<T>, events: string[]): Promise<{ value?: T; code?: number }> {
  return Promise.resolve(promise).then(
    (value) => {
      events.push('response');
      return { value };
    },
    (error: { code?: number }) => {
      events.push('response');
      return { code: error.code };
    },
  );
}

describe('Fix All on thousands of findings', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({ settings: {} });
  });
  after(() => client.dispose());

  it('applies every safe fix in one edit', { timeout: 60_000 }, async () => {
    const uri = 'untitled:fix-all-big';
    await client.open(uri, BIG, 1);
    const published = await client.version(uri, 1);
    assert.equal(published.diagnostics.length, 2999);
    const started = Date.now();
    const [action] = await client.request<CodeAction[]>('textDocument/codeAction', fixAllParams(uri));
    assert.equal(action.title, 'Fix all Berth findings with a safe fix (2000)');
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'dockerfile', 1, BIG), action.edit!.changes![uri] as TextEdit[]);
    assert.equal(fixed, `FROM debian:12\n${'RUN apt-get install --no-install-recommends -y curl\n'.repeat(1000)}USER app\n`);
    console.log(`# Fix All, 2,999 findings, 2,000 fixes: ${Date.now() - started} ms over stdio`);
  });

  it('stops when cancelled, answering RequestCancelled', { timeout: 60_000 }, async () => {
    const uri = 'untitled:fix-all-cancel';
    await client.open(uri, BIG, 1);
    await client.version(uri, 1);
    const source = new CancellationTokenSource();
    const events: string[] = [];
    const outcome = settle(client.connection.sendRequest('textDocument/codeAction', fixAllParams(uri), source.token), events);
    source.cancel();
    const { code } = await outcome;
    assert.equal(code, REQUEST_CANCELLED, 'the request ended as cancelled, not with a result computed anyway');
  });

  it('publishes the diagnostics of an edit typed while it runs first, then ends with ContentModified', { timeout: 60_000 }, async () => {
    const uri = 'untitled:fix-all-edit';
    await client.open(uri, BIG, 1);
    await client.version(uri, 1);
    const events: string[] = [];
    const mark = client.mark();
    const outcome = settle(client.connection.sendRequest('textDocument/codeAction', fixAllParams(uri)), events);
    // Typed right after asking: `RUN` on the first RUN becomes `RUNX`.
    await client.change(uri, 2, [{ range: { start: { line: 1, character: 3 }, end: { line: 1, character: 3 } }, text: 'X' }]);
    const edited = client.version(uri, 2, mark).then((p) => {
      events.push('diagnostics of the edit');
      return p;
    });
    const [{ code }, published] = await Promise.all([outcome, edited]);
    assert.deepEqual(events, ['diagnostics of the edit', 'response'], 'the edit was not queued behind Fix All');
    assert.ok(published.diagnostics.some((d) => d.code === 'unknown-instruction'));
    assert.equal(code, CONTENT_MODIFIED);
  });
});
