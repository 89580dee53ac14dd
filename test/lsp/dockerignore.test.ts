/**
 * copy-ignored-file over stdio with a real LSP client: the server reads the ignore file of the
 * Dockerfile's folder, registers a watcher for ignore files, and re-lints the Dockerfile when the
 * client reports one changed, created or deleted (`<name>.dockerignore` winning over `.dockerignore`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { ensureBuilt, fileUri, TestClient } from './client';

before(() => ensureBuilt());

const DOCKERFILE = 'FROM node:20\nCOPY package.json app.env /app/\nUSER node\n';
const ignored = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.code === 'copy-ignored-file').map((d) => String(d.message));

describe('.dockerignore over stdio', () => {
  let dir: string;
  let client: TestClient;
  let dockerfile: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'berth-dockerignore-lsp-'));
    writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
    dockerfile = fileUri(path.join(dir, 'Dockerfile'));
    client = await TestClient.start({ workspaceFolders: [dir] });
  });
  after(async () => {
    await client?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a watcher for ignore files', async () => {
    await client.open(dockerfile, DOCKERFILE, 1);
    await client.version(dockerfile, 1);
    const watched = client.registrations
      .filter((r) => r.method === 'workspace/didChangeWatchedFiles')
      .flatMap((r) => (r.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern));
    assert.ok(watched.includes('**/{.dockerignore,*.dockerignore}'), JSON.stringify(watched));
  });

  it('follows the ignore file on disk as the client reports its changes', async () => {
    const ignore = path.join(dir, '.dockerignore');
    const beside = path.join(dir, 'Dockerfile.dockerignore');
    let mark = client.mark();
    // Created: the Dockerfile now copies an excluded file.
    writeFileSync(ignore, '*.env\n');
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(ignore), type: 1 }] });
    let published = await client.diagnostics(dockerfile, (p) => ignored(p).length === 1, mark, 'the new .dockerignore');
    assert.match(ignored(published)[0], /'app\.env' is excluded by \.dockerignore/);
    // Changed: the pattern no longer matches.
    mark = client.mark();
    writeFileSync(ignore, '*.log\n');
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(ignore), type: 2 }] });
    await client.diagnostics(dockerfile, (p) => ignored(p).length === 0, mark, 'the changed .dockerignore');
    // The Dockerfile's own ignore file wins over the context's.
    mark = client.mark();
    writeFileSync(beside, 'package.json\n');
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(beside), type: 1 }] });
    published = await client.diagnostics(dockerfile, (p) => ignored(p).length === 1, mark, 'Dockerfile.dockerignore');
    assert.match(ignored(published)[0], /'package\.json' is excluded by Dockerfile\.dockerignore/);
    // Deleted: back to .dockerignore, which excludes nothing copied.
    mark = client.mark();
    unlinkSync(beside);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(beside), type: 3 }] });
    await client.diagnostics(dockerfile, (p) => ignored(p).length === 0, mark, 'Dockerfile.dockerignore deleted');
    assert.deepEqual(client.caughtErrors(), []);
  });
});
