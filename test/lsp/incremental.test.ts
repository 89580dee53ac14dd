/**
 * The server's incrementally re-parsed model against a fresh lint of the same text: random
 * range edits, several to a notification now and then, and after each the published
 * diagnostics must be those `lint` gives for the text the client holds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { generateDockerfile } from '../../bench/generate';
import { lint } from '../../src/dockerfile/lint';
import { prng } from '../fixtures/prng';
import { ensureBuilt, TestClient } from './client';

const PIECES = ['\n', 'x', ' ', 'RUN ', '\\\n', '<<EOF\n', 'EOF\n', '# c\n', 'COPY . .\n', 'npm ci', 'FROM a AS b\n', '"', '$A'];

before(() => ensureBuilt());

describe('incremental sync', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({ settings: {} });
  });
  after(() => client.dispose());

  it('publishes for every edit what a full lint of the edited text reports', async () => {
    const rnd = prng(4242);
    const uri = 'untitled:incremental-1';
    let doc = TextDocument.create(uri, 'dockerfile', 1, generateDockerfile(300));
    await client.open(uri, doc.getText(), 1);
    await client.version(uri, 1);
    for (let version = 2; version <= 80; version++) {
      const changes: TextDocumentContentChangeEvent[] = [];
      for (let n = rnd() < 0.2 ? 3 : 1; n > 0; n--) {
        // Each range is in the text the previous changes of the notification left.
        const length = doc.getText().length;
        const start = Math.floor(rnd() * (length + 1));
        const end = Math.min(length, start + (rnd() < 0.5 ? 0 : Math.floor(rnd() * 30)));
        const change = {
          range: { start: doc.positionAt(start), end: doc.positionAt(end) },
          text: rnd() < 0.8 ? PIECES[Math.floor(rnd() * PIECES.length)] : '',
        };
        changes.push(change);
        doc = TextDocument.update(doc, [change], version);
      }
      await client.change(uri, version, changes);
      const published = await client.version(uri, version);
      // Through JSON as the server sends them: undefined fields drop out.
      assert.deepEqual(
        published.diagnostics,
        JSON.parse(JSON.stringify(lint(doc.getText()))),
        `version ${version}: ${JSON.stringify(changes)}`,
      );
    }
  });
});
