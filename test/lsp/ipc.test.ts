/**
 * The transport the VS Code extension uses: `--node-ipc` on a forked process. Same protocol
 * client as the stdio tests, over Node's IPC channel instead of streams.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { before, it } from 'node:test';
import {
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { ensureBuilt, SERVER } from './build';

before(() => ensureBuilt());

it('serves diagnostics over --node-ipc and exits cleanly', async () => {
  const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const published = new Promise<PublishDiagnosticsParams>((resolve) =>
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => resolve(params)),
  );
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  const deadline = setTimeout(() => child.kill(), 15_000);
  try {
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true } },
    });
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: 'untitled:ipc', languageId: 'dockerfile', version: 3, text: 'FROM node:latest\n' },
    });
    const params = await published;
    assert.equal(params.version, 3);
    assert.ok(params.diagnostics.some((d) => d.code === 'image-latest'));
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    assert.equal(await exited, 0);
  } finally {
    clearTimeout(deadline);
    connection.dispose();
    if (child.exitCode === null) child.kill();
  }
});
