/**
 * Compose files over stdio with a real LSP client: `node dist/server.js --stdio` serving
 * `dockercompose` documents from a project on disk (compose.yaml, its override, a Dockerfile,
 * .env). Diagnostics with their codes and suppressions, the stage list following an open
 * Dockerfile's unsaved text, the project's files as one model for navigation, and the features
 * only Dockerfiles have registered for Dockerfiles alone.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type {
  CodeAction,
  Diagnostic,
  CompletionItem,
  CompletionList,
  DocumentHighlight,
  DocumentLink,
  DocumentSymbol,
  Hover,
  Location,
  MarkupContent,
  PublishDiagnosticsParams,
  Registration,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { ComposeWorkspace, lintCompose } from '../../src/compose';
import { diskHost } from '../fixtures/compose/helpers';
import { prng } from '../fixtures/prng';
import { ensureBuilt, fileUri, FULL_CAPABILITIES, TestClient } from './client';

before(() => ensureBuilt());

const COMPOSE = [
  'services:', //                                        0
  '  web:', //                                           1
  '    build:', //                                       2
  '      context: ./app', //                             3
  '      target: runtime', //                            4
  '    depends_on:', //                                  5
  '      - db', //                                       6
  '    ports:', //                                       7
  '      - 22:22', //                                    8
  '  db:', //                                            9
  '    image: postgres:16.4', //                         10
  '    environment:', //                                 11
  '      PASSWORD: ${DB_PASSWORD}', //                   12
  '',
].join('\n');
const OVERRIDE = ['services:', '  worker:', '    image: busybox:1.36', '    depends_on: [db, web]', ''].join('\n');
const DOCKERFILE = 'FROM node:22 AS build\nFROM node:22-slim AS deps\n';

const labels = (result: CompletionItem[] | CompletionList | null) =>
  (Array.isArray(result) ? result : (result?.items ?? [])).map((i) => i.label);
const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => `${d.range.start.line}:${d.code}`);
const has = (code: string) => (p: PublishDiagnosticsParams) => p.diagnostics.some((d) => d.code === code);
const lacks = (code: string) => (p: PublishDiagnosticsParams) => !p.diagnostics.some((d) => d.code === code);
const shape = (d: Diagnostic) =>
  `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${String(d.message)}`;

describe('Compose files over stdio', () => {
  let dir: string;
  let client: TestClient;
  let compose: string;
  let override: string;
  let dockerfile: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'berth-compose-lsp-'));
    mkdirSync(path.join(dir, 'app'));
    writeFileSync(path.join(dir, 'compose.yaml'), COMPOSE);
    writeFileSync(path.join(dir, 'compose.override.yaml'), OVERRIDE);
    writeFileSync(path.join(dir, 'app', 'Dockerfile'), DOCKERFILE);
    writeFileSync(path.join(dir, '.env'), 'DB_PASSWORD=secret\n');
    compose = fileUri(path.join(dir, 'compose.yaml'));
    override = fileUri(path.join(dir, 'compose.override.yaml'));
    dockerfile = fileUri(path.join(dir, 'app', 'Dockerfile'));
    client = await TestClient.start({ workspaceFolders: [dir] });
    await client.open(compose, COMPOSE, 1, 'dockercompose');
  });
  after(async () => {
    await client?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes Compose diagnostics with stable codes, source berth and a page per rule, and no Dockerfile ones', async () => {
    const published = await client.version(compose, 1);
    assert.deepEqual(codes(published), ['4:compose-build-target-unknown', '8:compose-port-unquoted']);
    const target = published.diagnostics[0];
    assert.equal(target.source, 'berth');
    assert.deepEqual(target.range, { start: { line: 4, character: 14 }, end: { line: 4, character: 21 } });
    assert.match(String(target.message), /build, deps/);
    assert.match(target.codeDescription?.href ?? '', /docs\/rules\/compose-build-target-unknown\.md$/);
    assert.deepEqual(client.caughtErrors(), []);
  });

  it('follows an open Dockerfile’s unsaved text for build.target, and the file on disk once it closes', async () => {
    let mark = client.mark();
    await client.open(dockerfile, `${DOCKERFILE}FROM node:22-slim AS runtime\n`, 1);
    await client.diagnostics(compose, lacks('compose-build-target-unknown'), mark, 'the stage typed in the open Dockerfile to count');
    mark = client.mark();
    await client.change(dockerfile, 2, [{ text: `${DOCKERFILE}FROM node:22-slim AS runtim\n` }]);
    const renamed = await client.diagnostics(compose, has('compose-build-target-unknown'), mark, 'the edit to be followed');
    assert.match(String(renamed.diagnostics.find((d) => d.code === 'compose-build-target-unknown')!.message), /runtim\b/);
    mark = client.mark();
    await client.change(dockerfile, 3, [{ text: `${DOCKERFILE}FROM node:22-slim AS runtime\n` }]);
    await client.diagnostics(compose, lacks('compose-build-target-unknown'), mark, 'the stage back');
    // Closed unsaved: the file on disk has no such stage.
    mark = client.mark();
    await client.close(dockerfile);
    await client.diagnostics(compose, has('compose-build-target-unknown'), mark, 'the disk’s stages after the close');
  });

  it('follows a Dockerfile changed on disk when the client reports it, without showing settings problems again', async () => {
    writeFileSync(path.join(dir, 'app', 'Dockerfile'), `${DOCKERFILE}FROM node:22-slim AS runtime\n`);
    const settingsAsked = client.configurationRequests;
    const mark = client.mark();
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: dockerfile, type: 2 }] });
    await client.diagnostics(compose, lacks('compose-build-target-unknown'), mark, 'the stage written on disk');
    writeFileSync(path.join(dir, 'app', 'Dockerfile'), DOCKERFILE);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: dockerfile, type: 2 }] });
    await client.diagnostics(compose, has('compose-build-target-unknown'), mark, 'the stage gone again');
    // A file it reads is no settings file: the settings were not asked for again.
    assert.equal(client.configurationRequests, settingsAsked);
  });

  it('completes the Dockerfile’s stages in build.target, and nothing on another language’s trigger character', async () => {
    const position = { line: 4, character: 14 };
    const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: compose }, position });
    assert.deepEqual(labels(items), ['build', 'deps']);
    const dollar = await client.request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri: compose },
      position,
      context: { triggerKind: 2, triggerCharacter: '$' },
    });
    assert.deepEqual(dollar, [], 'a Dockerfile trigger character');
    const space = await client.request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri: compose },
      position,
      context: { triggerKind: 2, triggerCharacter: ' ' },
    });
    assert.deepEqual(labels(space), ['build', 'deps'], 'its own trigger character');
  });

  it('answers key completion without descriptions and gives one on completionItem/resolve', async () => {
    assert.equal(
      (client.initializeResult.capabilities.completionProvider as { resolveProvider?: boolean } | undefined)?.resolveProvider,
      true,
      'the server says it resolves completion items',
    );
    const position = { line: 10, character: 4 };
    const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: compose }, position });
    const healthcheck = items.find((i) => i.label === 'healthcheck');
    assert.ok(healthcheck, `healthcheck offered among ${labels(items).length} keys`);
    assert.equal(healthcheck.documentation, undefined);
    const resolved = await client.request<CompletionItem>('completionItem/resolve', healthcheck);
    assert.match(JSON.stringify(resolved.documentation), /Compose Specification/);
    assert.equal(resolved.label, 'healthcheck');

    // A client that takes list defaults (VS Code does) gets the range and the data once.
    const compact = await TestClient.start({
      workspaceFolders: [dir],
      capabilities: {
        ...FULL_CAPABILITIES,
        textDocument: {
          ...FULL_CAPABILITIES.textDocument,
          completion: { completionList: { itemDefaults: ['editRange', 'data'] } },
        },
      },
    });
    try {
      await compact.open(compose, COMPOSE, 1, 'dockercompose');
      const list = await compact.request<CompletionList>('textDocument/completion', { textDocument: { uri: compose }, position });
      assert.deepEqual(
        list.itemDefaults?.editRange,
        healthcheck.textEdit && 'range' in healthcheck.textEdit ? healthcheck.textEdit.range : undefined,
      );
      assert.deepEqual(labels(list).sort(), labels(items).sort(), 'the same items');
      const item = list.items.find((i) => i.label === 'healthcheck')!;
      assert.equal(item.textEdit, undefined);
      assert.equal(item.textEditText, 'healthcheck:');
      const bytes = JSON.stringify(list).length;
      assert.ok(bytes * 2 < JSON.stringify(items).length, `the list is less than half the size: ${bytes} bytes`);
      // The client puts the list's data back into the item it resolves.
      const filled = await compact.request<CompletionItem>('completionItem/resolve', { ...item, data: list.itemDefaults?.data });
      assert.match(JSON.stringify(filled.documentation), /healthcheck|health/i);
    } finally {
      await compact.dispose();
    }
  });

  it('reads the override file into the project: definition, references and rename across both files', async () => {
    await client.open(override, OVERRIDE, 1, 'dockercompose');
    // The override's depends_on names services of compose.yaml: no finding.
    const published = await client.version(override, 1);
    assert.deepEqual(codes(published), []);
    const db = { line: 3, character: 18 };
    const definition = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: override }, position: db });
    assert.deepEqual(
      definition.map((l) => [l.uri, l.range.start.line]),
      [[compose, 9]],
    );
    const references = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: compose },
      position: { line: 9, character: 3 },
      context: { includeDeclaration: true },
    });
    assert.deepEqual(references.map((l) => `${path.basename(new URL(l.uri).pathname)}:${l.range.start.line}`).sort(), [
      'compose.override.yaml:3',
      'compose.yaml:6',
      'compose.yaml:9',
    ]);
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', {
      textDocument: { uri: compose },
      position: { line: 9, character: 3 },
      newName: 'database',
    });
    assert.deepEqual(Object.keys(edit.changes ?? {}).sort(), [compose, override].sort());
    assert.deepEqual(edit.changes![compose].map((e) => `${e.range.start.line}:${e.newText}`).sort(), ['6:database', '9:database']);
    assert.deepEqual(
      edit.changes![override].map((e) => `${e.range.start.line}:${e.newText}`),
      ['3:database'],
    );
    await assert.rejects(
      client.request('textDocument/rename', { textDocument: { uri: compose }, position: { line: 9, character: 3 }, newName: 'data base' }),
      /not a name Compose accepts/,
    );
    const highlights = await client.request<DocumentHighlight[]>('textDocument/documentHighlight', {
      textDocument: { uri: compose },
      position: { line: 6, character: 9 },
    });
    assert.deepEqual(highlights.map((h) => h.range.start.line).sort(), [6, 9]);
  });

  it('hovers keys with the Compose Specification, lists the outline and links images to their registry', async () => {
    const hover = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri: compose },
      position: { line: 5, character: 6 },
    });
    assert.match((hover.contents as MarkupContent).value, /depends_on[\s\S]*docs\.docker\.com\/reference\/compose-file/);
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: compose } });
    assert.deepEqual(
      symbols[0].children?.map((s) => s.name),
      ['web', 'db'],
    );
    const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: compose } });
    assert.deepEqual(
      links.map((l) => [l.range.start.line, l.target]),
      [[10, 'https://hub.docker.com/_/postgres']],
    );
  });

  it('offers the quick fixes for its findings, and no Fix All of the Dockerfile language', async () => {
    const published = await client.diagnostics(compose, has('compose-port-unquoted'));
    const port = published.diagnostics.find((d) => d.code === 'compose-port-unquoted')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: compose },
      range: port.range,
      context: { diagnostics: [port] },
    });
    const quote = actions.find((a) => a.title === 'Quote it: "22:22"');
    assert.ok(quote, actions.map((a) => a.title).join(', '));
    assert.deepEqual(quote.edit?.changes?.[compose]?.[0].newText, '"22:22"');
    assert.ok(actions.some((a) => a.title === 'Ignore compose-port-unquoted here'));
    const fixAll = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: compose },
      range: port.range,
      context: { diagnostics: [port], only: ['source.fixAll'] },
    });
    assert.deepEqual(fixAll, []);
  });

  it('honours # berth ignore=<code> and berth.rules.<compose code>, which is no unknown rule to the settings', async () => {
    const uri = fileUri(path.join(dir, 'suppressed', 'compose.yaml'));
    const text = ['services:', '  web:', '    image: nginx', '    # berth ignore=compose-port-unquoted', '    ports: [22:22]', ''].join(
      '\n',
    );
    await client.open(uri, text, 1, 'dockercompose');
    assert.deepEqual(codes(await client.version(uri, 1)), ['2:image-untagged']);
    const mark = client.mark();
    client.settings = { rules: { 'image-untagged': 'off', 'compose-yaml': 'warning' } };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.diagnostics(uri, (p) => p.diagnostics.length === 0, mark, 'image-untagged off by the setting');
    assert.deepEqual(
      client.messages.filter((m) => /unknown rule/.test(m.message)),
      [],
    );
    client.settings = undefined;
    await client.notify('workspace/didChangeConfiguration', { settings: null });
  });

  it('lints an unsaved Compose document, with relative paths in the workspace folder', async () => {
    const uri = 'untitled:Untitled-1';
    await client.open(uri, 'services:\n  web:\n    build: ./app\n    depends_on: [nope]\n', 1, 'dockercompose');
    assert.deepEqual(codes(await client.version(uri, 1)), ['3:compose-service-unknown']);
  });

  it('re-validates a Compose file when its override opens, under Neovim’s language id too', async () => {
    const main = path.join(dir, 'later', 'compose.yaml');
    mkdirSync(path.dirname(main));
    writeFileSync(main, 'services:\n  web:\n    image: nginx:1.27\n    depends_on: [db]\n');
    await client.open(fileUri(main), 'services:\n  web:\n    image: nginx:1.27\n    depends_on: [db]\n', 1, 'dockercompose');
    assert.deepEqual(codes(await client.version(fileUri(main), 1)), ['3:compose-service-unknown']);
    const later = path.join(dir, 'later', 'compose.override.yaml');
    writeFileSync(later, 'services:\n  db:\n    image: postgres:16.4\n');
    const mark = client.mark();
    await client.open(fileUri(later), 'services:\n  db:\n    image: postgres:16.4\n', 1, 'yaml.docker-compose');
    await client.diagnostics(fileUri(main), (p) => p.diagnostics.length === 0, mark, 'the service of the new override to count');
    assert.deepEqual(codes(await client.version(fileUri(later), 1)), []);
  });

  it('answers a Compose edit with new diagnostics for that version', async () => {
    const uri = fileUri(path.join(dir, 'edit', 'compose.yaml'));
    await client.open(uri, 'services:\n  web:\n    image: nginx:1.27\n', 1, 'dockercompose');
    assert.deepEqual(codes(await client.version(uri, 1)), []);
    await client.change(uri, 2, [{ range: { start: { line: 2, character: 17 }, end: { line: 2, character: 21 } }, text: 'latest' }]);
    assert.deepEqual(codes(await client.version(uri, 2)), ['2:image-latest']);
    assert.deepEqual(client.caughtErrors(), []);
  });
});

describe('random edits of a Compose file', () => {
  let dir: string;
  let client: TestClient;
  after(async () => {
    await client?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leave the server describing exactly the text it was sent: diagnostics equal a fresh lint of it', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'berth-compose-fuzz-'));
    client = await TestClient.start({ settings: {} });
    const file = path.join(dir, 'compose.yaml');
    const uri = fileUri(file);
    const pieces = [
      '\n',
      ':',
      '- ',
      '  ',
      '"',
      '{',
      '[',
      ']',
      '&a ',
      '*a',
      '${X',
      '#',
      '\t',
      '---\n',
      'services:\n',
      'image: a',
      '  web:\n',
    ];
    const start = [
      'x-common: &common',
      '  restart: always',
      'services:',
      ...Array.from({ length: 12 }, (_, i) => [
        `  svc${i}:`,
        '    <<: *common',
        `    image: registry.example.com/app${i}:1.${i}`,
        `    ports: ["${8000 + i}:80"]`,
        `    depends_on: [svc${(i + 1) % 12}]`,
        '    networks: [back]',
        '    environment:',
        `      PORT: \${PORT_${i}:-80}`,
      ]).flat(),
      'networks:',
      '  back: {}',
      '',
    ].join('\n');
    let document = TextDocument.create(uri, 'dockercompose', 1, start);
    await client.open(uri, start, 1, 'dockercompose');
    const random = prng(7);
    // The core as the server runs it, over the same (empty) folder and environment.
    const reference = (text: string) => {
      const host = diskHost(process.env as Record<string, string>);
      const workspace = new ComposeWorkspace(host);
      return lintCompose(workspace.project(file, workspace.document(file, text))).map(shape);
    };
    for (let version = 2; version <= 200; version++) {
      const text = document.getText();
      const changes: TextDocumentContentChangeEvent[] = [];
      for (let k = 1 + Math.floor(random() * 2); k > 0; k--) {
        const at = Math.floor(random() * (text.length + 1));
        const end = Math.min(text.length, at + Math.floor(random() * 6));
        const range = { start: document.positionAt(at), end: document.positionAt(end) };
        changes.push({ range, text: random() < 0.3 ? '' : pieces[Math.floor(random() * pieces.length)] });
        // Each change applies to the text after the ones before it, as the client sends them.
        document = TextDocument.update(document, [changes[changes.length - 1]], version);
      }
      if (version % 50 === 0) document = TextDocument.update(TextDocument.create(uri, 'dockercompose', version, start), [], version);
      await client.change(uri, version, version % 50 === 0 ? [{ text: document.getText() }] : changes);
      const published = await client.version(uri, version);
      assert.deepEqual(published.diagnostics.map(shape), reference(document.getText()), `version ${version}:\n${document.getText()}`);
    }
    assert.deepEqual(client.caughtErrors(), []);
  });
});

describe('features only some languages have, with a client that registers dynamically', () => {
  let client: TestClient;
  const registrations = (method: string): Registration[] => client.registrations.filter((r) => r.method === method);
  const selector = (r: Registration) => (r.registerOptions as { documentSelector: { language: string }[] }).documentSelector;

  before(async () => {
    const dynamic = { dynamicRegistration: true };
    client = await TestClient.start({
      capabilities: {
        ...FULL_CAPABILITIES,
        textDocument: {
          ...FULL_CAPABILITIES.textDocument,
          completion: dynamic,
          hover: dynamic,
          formatting: dynamic,
          rangeFormatting: dynamic,
          onTypeFormatting: dynamic,
          foldingRange: dynamic,
          signatureHelp: dynamic,
          semanticTokens: { ...dynamic, requests: { full: { delta: true } }, tokenTypes: [], tokenModifiers: [], formats: ['relative'] },
        },
      },
    });
    await client.until(() => (registrations('textDocument/formatting').length ? true : undefined), 'the formatting registration');
  });
  after(() => client?.dispose());

  it('registers formatting, folding, signature help and semantic tokens for Dockerfiles alone', () => {
    const caps = client.initializeResult.capabilities;
    for (const method of [
      'textDocument/formatting',
      'textDocument/rangeFormatting',
      'textDocument/onTypeFormatting',
      'textDocument/foldingRange',
      'textDocument/signatureHelp',
      'textDocument/semanticTokens',
    ]) {
      assert.deepEqual(registrations(method).map(selector), [[{ language: 'dockerfile' }]], method);
    }
    assert.equal(caps.documentFormattingProvider, undefined, 'not advertised for every document');
    assert.equal(caps.foldingRangeProvider, undefined);
    // Both languages hover with the same (no) options: one static capability.
    assert.equal(caps.hoverProvider, true);
    assert.deepEqual(registrations('textDocument/hover'), []);
  });

  it('registers completion per language with its own trigger characters', () => {
    const completion = registrations('textDocument/completion');
    const triggers = (language: string) =>
      (completion.find((r) => selector(r)[0].language === language)?.registerOptions as { triggerCharacters: string[] }).triggerCharacters;
    assert.ok(triggers('dockerfile').includes('$'));
    assert.deepEqual(triggers('dockercompose'), [' ', '-']);
    assert.equal(client.initializeResult.capabilities.completionProvider, undefined);
  });
});
