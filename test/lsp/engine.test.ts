/**
 * The language server asks the engine the views ask: the client's berth.docker.host wins over the
 * environment, and a change of the setting is followed at once. The engines are the stand-in of
 * test/fixtures/fakeEngine.ts, each answering its own image list, so which one was asked shows.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionItem, CompletionList } from 'vscode-languageserver-protocol';
import { asEngine, FakeEngine, json } from '../fixtures/fakeEngine';
import { ensureBuilt, FULL_CAPABILITIES, TestClient } from './client';

before(() => ensureBuilt());

const image = (tag: string) => ({ Id: `sha256:${'a'.repeat(64)}`, RepoTags: [tag], RepoDigests: [], Created: 1, Size: 1 });
const labels = (result: CompletionItem[] | CompletionList | null) =>
  (Array.isArray(result) ? result : (result?.items ?? [])).map((i) => i.label);

describe('local images come from the engine the views use', () => {
  let fromSetting: FakeEngine;
  let fromEnvironment: FakeEngine;
  let client: TestClient;
  const saved = process.env.DOCKER_HOST;
  const uri = 'file:///engine/Dockerfile';

  before(async () => {
    fromSetting = asEngine(await FakeEngine.start()).on('GET', '/images/json', json([image('from-the-setting:1')]));
    fromEnvironment = asEngine(await FakeEngine.start()).on('GET', '/images/json', json([image('from-docker-host:1')]));
    // The server inherits this environment, as it inherits the editor's.
    process.env.DOCKER_HOST = fromEnvironment.host;
    client = await TestClient.start({ settings: { docker: { host: fromSetting.host } }, capabilities: FULL_CAPABILITIES });
    await client.open(uri, 'FROM \n', 1);
  });
  after(async () => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
    await client?.dispose();
    await fromSetting?.stop();
    await fromEnvironment?.stop();
  });

  const complete = async () =>
    labels(await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 5 } }));

  /** Completes until `label` is offered (the first answers may come before the engine's), with a deadline. */
  async function completionWith(label: string): Promise<string[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = await complete();
      if (found.includes(label)) return found;
      if (Date.now() > deadline) throw new Error(`no ${label} in ${found.join(', ')}; server stderr:\n${client.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('berth.docker.host over DOCKER_HOST', async () => {
    const items = await completionWith('from-the-setting');
    assert.ok(!items.includes('from-docker-host'), `${items}`);
    assert.equal(fromEnvironment.calls('/images/json').length, 0, 'the environment’s engine was never asked');
  });

  it('the quick fix for an untagged image offers the setting’s engine’s tags', async () => {
    const fixUri = 'file:///engine/fix/Dockerfile';
    await client.open(fixUri, 'FROM from-the-setting\nUSER app\n', 1);
    const published = await client.version(fixUri, 1);
    const untagged = published.diagnostics.filter((d) => d.code === 'image-untagged');
    assert.equal(untagged.length, 1);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: fixUri },
      range: untagged[0].range,
      context: { diagnostics: untagged },
    });
    assert.ok(
      actions.some((a) => a.title === "Use tag '1' (local image)"),
      actions.map((a) => a.title).join(', '),
    );
    assert.deepEqual(client.caughtErrors(), []);
  });

  it('in a Compose file too: image: completes the engine’s tags, and pinning a tag offers them', async () => {
    const composeUri = 'file:///engine/compose/compose.yaml';
    await client.open(composeUri, 'services:\n  web:\n    image: from-the-setting\n', 1, 'dockercompose');
    const published = await client.version(composeUri, 1);
    const untagged = published.diagnostics.filter((d) => d.code === 'image-untagged');
    assert.equal(untagged.length, 1);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: composeUri },
      range: untagged[0].range,
      context: { diagnostics: untagged },
    });
    assert.ok(
      actions.some((a) => a.title === "Use tag '1' (local image)"),
      actions.map((a) => a.title).join(', '),
    );
    const items = labels(
      await client.request('textDocument/completion', { textDocument: { uri: composeUri }, position: { line: 2, character: 11 } }),
    );
    assert.ok(items.includes('from-the-setting:1'), items.join(', '));
    assert.deepEqual(client.caughtErrors(), []);
  });

  it('a changed setting is followed at once', async () => {
    client.settings = {};
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    const items = await completionWith('from-docker-host');
    assert.ok(!items.includes('from-the-setting'));
  });
});

describe('without a setting or DOCKER_HOST, the docker context decides', () => {
  let fromContext: FakeEngine;
  let client: TestClient;
  let config: string;
  const saved = { host: process.env.DOCKER_HOST, config: process.env.DOCKER_CONFIG };
  const uri = 'file:///context/Dockerfile';

  before(async () => {
    fromContext = asEngine(await FakeEngine.start()).on('GET', '/images/json', json([image('from-the-context:1')]));
    // What `docker context create remote --docker host=…` and `docker context use remote` leave.
    config = mkdtempSync(path.join(tmpdir(), 'berth-lsp-context-'));
    const meta = path.join(config, 'contexts', 'meta', createHash('sha256').update('remote').digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(
      path.join(meta, 'meta.json'),
      JSON.stringify({ Name: 'remote', Metadata: {}, Endpoints: { docker: { Host: fromContext.host } } }),
    );
    writeFileSync(path.join(config, 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    delete process.env.DOCKER_HOST;
    process.env.DOCKER_CONFIG = config;
    client = await TestClient.start({ settings: {}, capabilities: FULL_CAPABILITIES });
    await client.open(uri, 'FROM \n', 1);
  });
  after(async () => {
    for (const [key, value] of [
      ['DOCKER_HOST', saved.host],
      ['DOCKER_CONFIG', saved.config],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await client?.dispose();
    await fromContext?.stop();
    rmSync(config, { recursive: true, force: true });
  });

  it('the current context’s engine is the one asked', async () => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = labels(await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 5 } }));
      if (found.includes('from-the-context')) break;
      if (Date.now() > deadline) throw new Error(`no image from the context in ${found.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(fromContext.calls('/images/json').length > 0);
  });
});
