/**
 * The editing features over stdio with a real LSP client: the capabilities advertised, and one
 * request per feature answered with the expected shape. The image hover asks the real local
 * engine (Debian's docker.io) when one runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  CompletionItem,
  CompletionList,
  DocumentHighlight,
  DocumentLink,
  DocumentSymbol,
  FoldingRange,
  Hover,
  Location,
  MarkupContent,
  SemanticTokens,
  SemanticTokensDelta,
  SignatureHelp,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { LocalImages } from '../../src/engine/localImages';
import { ensureBuilt, FULL_CAPABILITIES, TestClient } from './client';

before(() => ensureBuilt());

const TEXT = [
  '# syntax=docker/dockerfile:1',
  'ARG BASE=busybox:local',
  'FROM busybox:local AS build',
  'ENV GREETING=hello',
  'RUN --mount=type=cache,target=/cache echo $GREETING',
  'FROM node:20-alpine',
  'COPY --from=build /bin/sh /bin/sh',
  '',
].join('\n');

const markdownOf = (hover: Hover | null) => (hover?.contents as MarkupContent | undefined)?.value ?? '';
const itemsOf = (result: CompletionItem[] | CompletionList | null) => (Array.isArray(result) ? result : (result?.items ?? []));

describe('editing features over stdio', () => {
  let client: TestClient;
  const uri = 'file:///features/Dockerfile';
  before(async () => {
    client = await TestClient.start({
      settings: {},
      capabilities: {
        ...FULL_CAPABILITIES,
        textDocument: {
          ...FULL_CAPABILITIES.textDocument,
          completion: { completionItem: { snippetSupport: true } },
          rename: { prepareSupport: true },
        },
      },
    });
    await client.open(uri, TEXT, 1);
    await client.version(uri, 1);
  });
  after(async () => {
    assert.deepEqual(client.caughtErrors(), [], 'no handler failed');
    await client.dispose();
  });

  it('advertises every feature it serves', () => {
    const caps = client.initializeResult.capabilities;
    assert.equal(caps.hoverProvider, true);
    assert.ok(caps.completionProvider?.triggerCharacters?.includes('$'));
    assert.ok(caps.signatureHelpProvider?.triggerCharacters?.includes(' '));
    assert.deepEqual(caps.documentLinkProvider, { resolveProvider: false });
    const tokens = caps.semanticTokensProvider!;
    assert.ok(tokens.legend.tokenTypes.includes('keyword') && tokens.legend.tokenTypes.includes('variable'));
    assert.deepEqual(tokens.full, { delta: true });
    assert.equal(tokens.range, true);
    assert.equal(caps.documentSymbolProvider, true);
    assert.equal(caps.foldingRangeProvider, true);
    assert.equal(caps.documentHighlightProvider, true);
    assert.equal(caps.definitionProvider, true);
    assert.equal(caps.referencesProvider, true);
    assert.deepEqual(caps.renameProvider, { prepareProvider: true });
    assert.equal(caps.documentFormattingProvider, true);
    assert.equal(caps.documentRangeFormattingProvider, true);
    assert.deepEqual(caps.documentOnTypeFormattingProvider, { firstTriggerCharacter: '\n', moreTriggerCharacter: ['\\', '`'] });
  });

  it('hover: instruction docs, and the value of a variable', async () => {
    const keyword = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 1 } });
    assert.match(markdownOf(keyword), /^\*\*ENV\*\*/);
    assert.deepEqual(keyword.range, { start: { line: 3, character: 0 }, end: { line: 3, character: 3 } });
    const variable = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 46 } });
    assert.match(markdownOf(variable), /`GREETING` = `hello`/);
  });

  it('hover on a FROM image tells what the local engine has', async () => {
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 8 } });
    const text = markdownOf(hover);
    assert.match(text, /\*\*Image\*\* `busybox:local`/);
    const lookup = new LocalImages();
    const engine = await lookup.list();
    lookup.dispose();
    if (engine.some((image) => image.repoTags.includes('busybox:local'))) assert.match(text, /\*\*Local engine:\*\* id `[0-9a-f]{12}`/);
    else assert.match(text, /Not in the local engine|Image/);
  });

  it('completion: keyword snippets, and variables after $', async () => {
    await client.change(uri, 2, [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, text: 'WO' }]);
    const keywords = itemsOf(
      await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 7, character: 2 } }),
    );
    const workdir = keywords.find((i) => i.label === 'WORKDIR');
    assert.ok(workdir, 'WORKDIR offered');
    assert.equal(workdir.insertTextFormat, 2);
    assert.deepEqual(workdir.textEdit, {
      range: { start: { line: 7, character: 0 }, end: { line: 7, character: 2 } },
      newText: 'WORKDIR ${1:/app}',
    });
    await client.change(uri, 3, [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 2 } }, text: 'RUN echo $' }]);
    const stage0 = itemsOf(
      await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 4, character: 43 } }),
    );
    assert.ok(stage0.some((i) => i.label === 'GREETING'));
    const stage1 = itemsOf(
      await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 7, character: 10 } }),
    );
    assert.ok(!stage1.some((i) => i.label === 'GREETING'), 'ENV of another stage is not in scope');
  });

  it('completion: stage names after COPY --from=', async () => {
    const items = itemsOf(await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 6, character: 12 } }));
    assert.equal(items[0]?.label, 'build');
  });

  it('signature help: the active parameter of the instruction', async () => {
    const help = await client.request<SignatureHelp>('textDocument/signatureHelp', {
      textDocument: { uri },
      position: { line: 6, character: 30 },
    });
    assert.equal(help.signatures[help.activeSignature ?? 0].label, 'COPY [--flags] <src>... <dest>');
    assert.equal(help.activeParameter, 2);
  });

  it('document links: FROM images to their registry pages, not stages', async () => {
    const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri } });
    assert.deepEqual(
      links.map((l) => l.target),
      ['https://hub.docker.com/r/docker/dockerfile', 'https://hub.docker.com/_/busybox', 'https://hub.docker.com/_/node'],
    );
  });

  it('semantic tokens: full, then a delta that rebuilds the next full answer', async () => {
    const full = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    assert.ok(full.resultId);
    assert.equal(full.data.length % 5, 0);
    assert.ok(full.data.length > 40);
    await client.change(uri, 4, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: 'LABEL a="b"\n' }]);
    const delta = await client.request<SemanticTokensDelta>('textDocument/semanticTokens/full/delta', {
      textDocument: { uri },
      previousResultId: full.resultId,
    });
    assert.ok(delta.resultId && delta.resultId !== full.resultId);
    assert.equal(delta.edits.length, 1);
    const rebuilt = [...full.data];
    for (const edit of delta.edits) rebuilt.splice(edit.start, edit.deleteCount, ...(edit.data ?? []));
    const again = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    assert.deepEqual(rebuilt, again.data);
    // A result id the server no longer holds gets the whole array.
    const stale = await client.request<SemanticTokens>('textDocument/semanticTokens/full/delta', {
      textDocument: { uri },
      previousResultId: 'nope',
    });
    assert.deepEqual(stale.data, again.data);
    const range = await client.request<SemanticTokens>('textDocument/semanticTokens/range', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } },
    });
    assert.ok(range.data.length > 0 && range.data.length < again.data.length);
  });

  describe('navigation', () => {
    const nav = 'file:///features/nav/Dockerfile';
    const text = [
      'FROM node:20 AS build',
      'ENV OUT=/out',
      'RUN make > $OUT/app \\',
      '    && strip $OUT/app',
      'FROM scratch',
      'COPY --from=build /out/app /app',
      '',
    ].join('\n');
    const at = (line: number, character: number) => ({ textDocument: { uri: nav }, position: { line, character } });
    before(async () => {
      await client.open(nav, text, 1);
      await client.version(nav, 1);
    });

    it('document symbols: stages holding their instructions', async () => {
      const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: nav } });
      assert.equal(symbols.length, 2);
      assert.match(symbols[0].name, /build/);
      assert.ok((symbols[0].children ?? []).length >= 3, JSON.stringify(symbols[0]));
    });

    it('folding ranges: stages and the continued RUN', async () => {
      const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: nav } });
      assert.ok(
        ranges.some((r) => r.startLine === 2 && r.endLine === 3),
        JSON.stringify(ranges),
      );
      assert.ok(ranges.some((r) => r.startLine === 0));
    });

    it('highlight, definition and references of a variable and a stage', async () => {
      const highlights = await client.request<DocumentHighlight[]>('textDocument/documentHighlight', at(5, 14));
      assert.deepEqual(highlights.map((h) => h.range.start.line).sort(), [0, 5]);
      const defined = await client.request<Location[]>('textDocument/definition', at(2, 13));
      assert.deepEqual(
        defined.map((l) => [l.uri, l.range.start.line]),
        [[nav, 1]],
      );
      const refs = await client.request<Location[]>('textDocument/references', { ...at(1, 5), context: { includeDeclaration: true } });
      assert.deepEqual(refs.map((l) => l.range.start.line).sort(), [1, 2, 3]);
    });

    it('rename with prepare, and a refusal the user can read', async () => {
      const prepared = await client.request<{ range: unknown; placeholder: string }>('textDocument/prepareRename', at(0, 17));
      assert.equal(prepared.placeholder, 'build');
      const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...at(0, 17), newName: 'compile' });
      assert.equal(edit.changes?.[nav]?.length, 2);
      await assert.rejects(client.request('textDocument/prepareRename', at(2, 1)), /renamed|stage|variable/i);
      await assert.rejects(client.request('textDocument/rename', { ...at(0, 17), newName: '1bad' }), /.+/);
    });
  });

  describe('formatting', () => {
    const fmt = 'file:///features/fmt/Dockerfile';
    const text = 'FROM node:20\nrun   apt-get update && \\\napt-get install -y curl   \nRUN <<EOF\n  keep   me\nEOF\n';
    const options = { tabSize: 4, insertSpaces: true };
    /** Applies LSP edits (non-overlapping) to `source`. */
    const apply = (source: string, edits: TextEdit[]) => {
      const lines = source.split('\n');
      const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
      return [...edits]
        .sort((a, b) => offset(b.range.start) - offset(a.range.start))
        .reduce((out, e) => out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end)), source);
    };
    before(async () => {
      await client.open(fmt, text, 1);
      await client.version(fmt, 1);
    });

    it('formats the document, leaving heredoc bodies alone', async () => {
      const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: fmt }, options });
      assert.equal(
        apply(text, edits),
        'FROM node:20\nRUN apt-get update && \\\n    apt-get install -y curl\nRUN <<EOF\n  keep   me\nEOF\n',
      );
    });

    it("formats a range, with the editor's indent", async () => {
      const edits = await client.request<TextEdit[]>('textDocument/rangeFormatting', {
        textDocument: { uri: fmt },
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
        options: { tabSize: 2, insertSpaces: true },
      });
      assert.match(apply(text, edits), /^FROM node:20\nRUN apt-get update && \\\n {2}apt-get install -y curl\n/);
    });

    it("follows berth.format.continuationIndent over the editor's tab size, and reports a bad value", async () => {
      client.settings = { format: { continuationIndent: 2 } };
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: fmt }, options });
      assert.match(apply(text, edits), /&& \\\n {2}apt-get install/);
      client.settings = { format: { continuationIndent: 'wide' } };
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      const fallback = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: fmt }, options });
      assert.match(apply(text, fallback), /&& \\\n {4}apt-get install/);
      const message = await client.until(
        () => client.messages.find((m) => m.message.includes('continuationIndent')),
        'a warning on the bad setting',
      );
      assert.match(message.message, /whole number of spaces/);
      client.settings = {};
      await client.notify('workspace/didChangeConfiguration', { settings: null });
    });

    it('indents the line after a continuation as it is typed', async () => {
      const typed = 'file:///features/fmt/typed/Dockerfile';
      await client.open(typed, 'FROM node:20\nRUN a \\\n\n', 1);
      const edits = await client.request<TextEdit[]>('textDocument/onTypeFormatting', {
        textDocument: { uri: typed },
        position: { line: 2, character: 0 },
        ch: '\n',
        options,
      });
      assert.deepEqual(edits, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, newText: '    ' }]);
    });
  });

  it('answers every feature at seeded random positions of garbled files without failing a handler', async () => {
    let seed = 77;
    const random = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 4294967296;
    };
    const pieces = [
      'FROM ',
      'AS ',
      'ARG A=',
      'ENV ',
      'RUN ',
      'COPY --from=',
      'ONBUILD ',
      '--mount=type=cache,',
      '$',
      '${',
      '}',
      '"',
      '\\\n',
      '\n',
      ' ',
      '<<EOF\n',
      'EOF\n',
      '# escape=`\n',
      'node:20',
      'x',
      '😀',
    ];
    const methods = ['hover', 'completion', 'signatureHelp', 'documentHighlight', 'definition', 'references', 'prepareRename'];
    for (let n = 0; n < 20; n++) {
      let text = '';
      for (let k = 0; k < 30; k++) text += pieces[Math.floor(random() * pieces.length)];
      const fuzzUri = `file:///features/fuzz/${n}/Dockerfile`;
      await client.open(fuzzUri, text, 1);
      const lines = text.split('\n');
      const whole = { textDocument: { uri: fuzzUri } };
      await Promise.all([
        client.request('textDocument/documentLink', whole),
        client.request('textDocument/semanticTokens/full', whole),
        client.request('textDocument/documentSymbol', whole),
        client.request('textDocument/foldingRange', whole),
        client.request('textDocument/formatting', { ...whole, options: { tabSize: 4, insertSpaces: true } }),
      ]);
      for (let k = 0; k < 10; k++) {
        const line = Math.floor(random() * (lines.length + 1));
        const position = { line, character: Math.floor(random() * ((lines[line]?.length ?? 0) + 2)) };
        const method = methods[Math.floor(random() * methods.length)];
        const params = { ...whole, position, context: { includeDeclaration: true } };
        // A refused rename is an answer; anything else must not throw.
        await client
          .request(`textDocument/${method}`, params)
          .catch((error: Error) => assert.equal(method, 'prepareRename', error.message));
      }
      await client.notify('textDocument/didClose', whole);
    }
    assert.deepEqual(client.caughtErrors(), []);
    assert.equal(client.exited, false);
  });

  it('answers nothing, without an error, for a document it does not have', async () => {
    const other = { textDocument: { uri: 'file:///not/open' }, position: { line: 0, character: 0 } };
    assert.equal(await client.request('textDocument/hover', other), null);
    assert.deepEqual(itemsOf(await client.request('textDocument/completion', other)), []);
    assert.equal(await client.request('textDocument/signatureHelp', other), null);
    assert.deepEqual(await client.request('textDocument/documentLink', { textDocument: other.textDocument }), []);
    assert.deepEqual(await client.request('textDocument/semanticTokens/full', { textDocument: other.textDocument }), { data: [] });
    assert.deepEqual(await client.request('textDocument/documentSymbol', { textDocument: other.textDocument }), []);
    assert.deepEqual(await client.request('textDocument/references', { ...other, context: { includeDeclaration: true } }), []);
    assert.equal(await client.request('textDocument/rename', { ...other, newName: 'x' }), null);
  });
});
