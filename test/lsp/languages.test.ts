/**
 * The language plug-in interface (src/server/language.ts), driven over a real LSP connection to
 * the real wiring, in this process. The second language here is a stand-in written for the test:
 * the Compose language this interface is for does not exist yet. Its documents are lines like
 * `needs <uri> <stage>`, an error unless the Dockerfile at <uri> (open, else on disk) has that
 * stage: the shape of a compose file's `build.target` check. It shows that a language plugs in
 * with one list entry, reads another language's model, and is re-validated when what it read
 * changes: edited, closed (then read from disk), or changed on disk.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createConnection } from 'vscode-languageserver/node';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import type { Dockerfile } from '../../src/dockerfile/model';
import { RequestRefused, type Language } from '../../src/server/language';
import { dockerfileLanguage } from '../../src/server/languages/dockerfile';
import { startServer } from '../../src/server/server';

const DEADLINE_MS = 10_000;

/** The test's stand-in language: one `needs <uri> <stage>` per line. */
function needsLanguage(): Language<string[]> {
  return {
    name: 'Needs (test)',
    languageIds: ['berth-test-needs'],
    parse: (text) => text.split('\n'),
    async diagnostics(doc) {
      const out = [];
      for (const [line, text] of doc.model.entries()) {
        // `reads <path>`: the file's first line, as a synchronous host (the Compose core's) reads it.
        const read = /^reads (\S+)$/.exec(text);
        if (read) {
          const first = doc.workspace.text(read[1])?.split('\n')[0] ?? 'nothing';
          out.push({ range: { start: { line, character: 0 }, end: { line, character: text.length } }, message: `first line: ${first}` });
          continue;
        }
        const m = /^needs (\S+) (\S+)$/.exec(text);
        if (!m) continue;
        const dockerfile = await doc.workspace.model<Dockerfile>(m[1], 'dockerfile');
        const found = dockerfile?.stages.some((s) => s.name?.value === m[2]);
        if (!found) {
          out.push({
            range: { start: { line, character: 0 }, end: { line, character: text.length } },
            message: dockerfile ? `no stage ${m[2]}` : `cannot read ${m[1]}`,
            source: 'needs',
          });
        }
      }
      return out;
    },
    hover(doc, params) {
      if (params.position.line >= doc.model.length) throw new RequestRefused('past the end');
      return { contents: `line of ${doc.languageId} revision ${doc.revision}` };
    },
  };
}

class InProcessClient {
  readonly publishes: PublishDiagnosticsParams[] = [];
  private readonly waiters = new Set<() => void>();
  initializeResult!: InitializeResult;

  constructor(readonly connection: ProtocolConnection) {
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.publishes.push(params);
      for (const wake of [...this.waiters]) wake();
    });
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
    connection.onRequest('client/registerCapability', () => null);
    connection.onNotification('window/logMessage', () => undefined);
  }

  /** The first publish for `uri` after `after` that `accept`s, waiting with a deadline. */
  next(uri: string, after: number, accept: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.publishes.slice(after).find((p) => p.uri === uri && accept(p));
        if (!found) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no publish for ${uri}: ${JSON.stringify(this.publishes.slice(after))}`));
      }, DEADLINE_MS);
      this.waiters.add(check);
      check();
    });
  }

  open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }
}

describe('languages plugged into the wiring', () => {
  let client: InProcessClient;
  let dir: string;
  const toServer = new PassThrough();
  const toClient = new PassThrough();

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'berth-languages-'));
    const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(server, [dockerfileLanguage, needsLanguage]);
    client = new InProcessClient(createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer)));
    client.connection.listen();
    client.initializeResult = await client.connection.sendRequest('initialize', {
      processId: null,
      rootUri: pathToFileURL(dir).href,
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
    });
    await client.connection.sendNotification('initialized', {});
  });
  after(() => {
    client.connection.dispose();
    toServer.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('advertises the union of what the languages serve', () => {
    const caps = client.initializeResult.capabilities;
    assert.equal(caps.hoverProvider, true);
    assert.ok(caps.semanticTokensProvider, 'from the Dockerfile language');
  });

  it('routes each document to its language', async () => {
    const uri = 'untitled:needs-hover';
    await client.open(uri, 'berth-test-needs', 'a\nb');
    const hover = await client.connection.sendRequest<{ contents: unknown }>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 1, character: 0 },
    });
    assert.equal(hover.contents, 'line of berth-test-needs revision 0');
    await assert.rejects(
      client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 0 } }),
      /past the end/,
    );
  });

  it('reads an open Dockerfile of the other language, and re-validates when it changes', async () => {
    const dockerfile = pathToFileURL(path.join(dir, 'open.Dockerfile')).href;
    const needs = 'untitled:needs-open';
    await client.open(dockerfile, 'dockerfile', 'FROM alpine:3.20 AS build\n');
    let mark = client.publishes.length;
    await client.open(needs, 'berth-test-needs', `needs ${dockerfile} build\nneeds ${dockerfile} test`);
    assert.deepEqual(
      (await client.next(needs, mark)).diagnostics.map((d) => d.message),
      ['no stage test'],
    );
    mark = client.publishes.length;
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: dockerfile, version: 2 },
      contentChanges: [{ text: 'FROM alpine:3.20 AS build\nFROM build AS test\n' }],
    });
    assert.deepEqual((await client.next(needs, mark)).diagnostics, []);
  });

  it('falls back to the file on disk when the Dockerfile closes, and re-reads it when the client says it changed', async () => {
    const file = path.join(dir, 'disk.Dockerfile');
    writeFileSync(file, 'FROM alpine:3.20 AS build\n');
    const dockerfile = pathToFileURL(file).href;
    const needs = 'untitled:needs-disk';
    await client.open(dockerfile, 'dockerfile', 'FROM alpine:3.20 AS build\nFROM build AS test\n');
    let mark = client.publishes.length;
    await client.open(needs, 'berth-test-needs', `needs ${dockerfile} test`);
    assert.deepEqual((await client.next(needs, mark)).diagnostics, []);
    // Closed without saving: the file on disk has no stage test.
    mark = client.publishes.length;
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: dockerfile } });
    assert.deepEqual(
      (await client.next(needs, mark)).diagnostics.map((d) => d.message),
      ['no stage test'],
    );
    writeFileSync(file, 'FROM alpine:3.20 AS build\nFROM build AS test\n');
    mark = client.publishes.length;
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: dockerfile, type: 2 }] });
    assert.deepEqual((await client.next(needs, mark)).diagnostics, []);
  });

  it("reads text synchronously: an open document's unsaved text, else the file on disk", async () => {
    const file = path.join(dir, 'sync.Dockerfile');
    writeFileSync(file, 'FROM on-disk\n');
    const dockerfile = pathToFileURL(file).href;
    const needs = 'untitled:needs-sync';
    let mark = client.publishes.length;
    await client.open(needs, 'berth-test-needs', `reads ${file}`);
    assert.equal((await client.next(needs, mark)).diagnostics[0].message, 'first line: FROM on-disk');
    mark = client.publishes.length;
    await client.open(dockerfile, 'dockerfile', 'FROM in-editor\n');
    assert.equal((await client.next(needs, mark)).diagnostics[0].message, 'first line: FROM in-editor');
    mark = client.publishes.length;
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: dockerfile } });
    assert.equal((await client.next(needs, mark)).diagnostics[0].message, 'first line: FROM on-disk');
  });

  it('a missing file is a finding of the language, not a failure', async () => {
    const needs = 'untitled:needs-missing';
    const mark = client.publishes.length;
    await client.open(needs, 'berth-test-needs', `needs ${pathToFileURL(path.join(dir, 'nope')).href} x`);
    assert.match(String((await client.next(needs, mark)).diagnostics[0].message), /cannot read/);
  });
});
