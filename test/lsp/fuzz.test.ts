/**
 * Seeded fuzz over a real LSP connection to the built server. Two parts:
 *  1. Files shaped to find deep recursion and quadratic paths (variables nested 100,000 deep,
 *     100,000 unclosed `${`, a 10,000-line chain of stages): every feature answers at several
 *     positions, the server stays up and catches no error. Only that answers arrive is checked
 *     here (each within the client's deadline); how long they take is `npm run bench`'s job.
 *  2. Random protocol traffic on a few documents: incremental edits at random places, full
 *     replacements, repeated and decreasing versions, second didOpens, closes and reopens, with
 *     requests in between. After every step the server must describe exactly the text this test
 *     knows the document has: its outline equals the outline of that text, and its last
 *     diagnostics equal a lint of that text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DocumentSymbol, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { mergeSettings } from '../../src/dockerfile/config';
import { lint } from '../../src/dockerfile/lint';
import { parse } from '../../src/dockerfile/parser';
import { documentSymbols } from '../../src/dockerfile/symbols';
import { interestingPositions, nestedVariables, stageChain, unclosedVariables } from '../fixtures/hostile';
import { prng } from '../fixtures/prng';
import { ensureBuilt, TestClient } from './client';

before(() => ensureBuilt());

/** Every request a document answers, at one position. */
function requests(uri: string, position: { line: number; character: number }): [string, unknown][] {
  const textDocument = { uri };
  return [
    ['textDocument/documentHighlight', { textDocument, position }],
    ['textDocument/definition', { textDocument, position }],
    ['textDocument/references', { textDocument, position, context: { includeDeclaration: true } }],
    ['textDocument/prepareRename', { textDocument, position }],
    ['textDocument/rename', { textDocument, position, newName: 'renamed' }],
    ['textDocument/hover', { textDocument, position }],
    ['textDocument/completion', { textDocument, position }],
    ['textDocument/signatureHelp', { textDocument, position }],
    ['textDocument/codeAction', { textDocument, range: { start: position, end: position }, context: { diagnostics: [] } }],
    ['textDocument/onTypeFormatting', { textDocument, position, ch: '\n', options: { tabSize: 2, insertSpaces: true } }],
  ];
}

function documentRequests(uri: string): [string, unknown][] {
  const textDocument = { uri };
  return [
    ['textDocument/semanticTokens/full', { textDocument }],
    ['textDocument/semanticTokens/range', { textDocument, range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } } }],
    ['textDocument/documentSymbol', { textDocument }],
    ['textDocument/foldingRange', { textDocument }],
    ['textDocument/documentLink', { textDocument }],
    ['textDocument/formatting', { textDocument, options: { tabSize: 2, insertSpaces: true } }],
  ];
}

describe('every feature on pathological files', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({ settings: {} });
  });
  after(() => client.dispose());

  // At 100,000 levels each highlight, reference and rename answer is 9-12 MB of JSON: two
  // positions (a keyword, and the innermost use, which every level's answer includes) show it all.
  const nested = nestedVariables(100_000);
  const cases: [string, string, number[]?][] = [
    ['variables nested 100,000 deep (600 kB)', nested, [0, 3]],
    ['100,000 unclosed ${', unclosedVariables(100_000)],
    ['a chain of stages, 10,000 lines', stageChain(10_000)],
  ];
  for (const [name, text, only] of cases) {
    it(`${name}: every feature answers and the server stays up`, async () => {
      const uri = `untitled:${encodeURIComponent(name)}`;
      await client.open(uri, text, 1);
      await client.version(uri, 1);
      let asked = 0;
      for (const [method, params] of documentRequests(uri)) {
        await client.request(method, params);
        asked++;
      }
      const positions = interestingPositions(text);
      for (const position of only ? only.map((i) => positions[i]) : positions) {
        for (const [method, params] of requests(uri, position)) {
          // A refusal (prepareRename on nothing) is an answer too.
          await client.request(method, params).catch((error: Error) => assert.match(error.message, /rename|declared|stage/i, method));
          asked++;
        }
      }
      await client.notify('textDocument/didClose', { textDocument: { uri } });
      assert.ok(asked >= 25);
      assert.equal(client.exited, false);
      assert.deepEqual(client.caughtErrors(), []);
    });
  }
});

describe('seeded protocol fuzz', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({ settings: {} });
  });
  after(() => client.dispose());

  const PIECES = [
    'FROM node',
    'FROM alpine:3.20 AS b',
    ' AS ',
    'RUN apt-get install curl',
    'USER 0',
    'ENV A=$B',
    '${A:-x}',
    '\\\n',
    '\n',
    ' ',
    ':latest',
    'COPY --from=b / /',
    '#',
    '"',
  ];
  const CASES = Number(process.env.BERTH_FUZZ_CASES ?? 10);
  const STEPS = 60;

  for (let seed = 1; seed <= CASES; seed++) {
    it(`case ${seed}: ${STEPS} steps of edits, odd versions and reopens; the server always has the last text`, async () => {
      const rnd = prng(seed * 7919);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
      const uris = [1, 2].map((n) => `untitled:fuzz-${seed}-${n}`);
      const known = new Map<string, TextDocument>();
      const settings = mergeSettings(undefined, {});
      const randomText = () => Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => pick(PIECES)).join('');
      let version = 1;

      for (let step = 0; step < STEPS; step++) {
        const uri = pick(uris);
        const doc = known.get(uri);
        const roll = rnd();
        // Versions go up, repeat or go down: the server must not care.
        version = Math.max(0, version + pick([1, 1, 1, 0, -1, -3]));
        const mark = client.mark();
        if (!doc || roll < 0.1) {
          const text = randomText();
          known.set(uri, TextDocument.create(uri, 'dockerfile', version, text));
          await client.open(uri, text, version);
        } else if (roll < 0.15) {
          known.delete(uri);
          await client.notify('textDocument/didClose', { textDocument: { uri } });
          continue;
        } else {
          // Each change's range is in the text the previous ones left, as LSP says; now and then one
          // reaches past the end, which the server clamps into the text (so does this copy).
          const changes: TextDocumentContentChangeEvent[] = [];
          for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
            const length = doc.getText().length;
            if (rnd() < 0.1) {
              const change = { text: randomText() };
              changes.push(change);
              TextDocument.update(doc, [change], version);
              continue;
            }
            const a = Math.floor(rnd() * (length + 1));
            const b = Math.min(length, a + Math.floor(rnd() * 6));
            const text = rnd() < 0.3 ? '' : pick(PIECES);
            const past = rnd() < 0.1;
            const end = past ? { line: doc.lineCount + 3, character: 7 } : doc.positionAt(b);
            changes.push({ range: { start: doc.positionAt(a), end }, text });
            TextDocument.update(doc, [{ range: { start: doc.positionAt(a), end: past ? doc.positionAt(length) : end }, text }], version);
          }
          await client.change(uri, version, changes);
        }
        const text = known.get(uri)!.getText();
        const outline = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
        assert.deepEqual(
          outline,
          JSON.parse(JSON.stringify(documentSymbols(parse(text)))),
          `seed ${seed} step ${step}: outline of ${JSON.stringify(text)}`,
        );
        const expected = JSON.parse(JSON.stringify(lint(text, settings))) as unknown;
        const matches = (p: PublishDiagnosticsParams) => {
          try {
            assert.deepEqual(p.diagnostics, expected);
            return true;
          } catch {
            return false;
          }
        };
        await client.diagnostics(uri, matches, mark, `seed ${seed} step ${step}: diagnostics of ${JSON.stringify(text)}`);
      }
      assert.deepEqual(client.caughtErrors(), []);
    });
  }
});
