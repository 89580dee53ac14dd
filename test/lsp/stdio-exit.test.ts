/**
 * Over `--stdio` the server's input is the client: when stdin ends, no request can come, and the
 * server exits on its own (cleanly if it was asked to shut down first), as editors that close the
 * pipe without an `exit` notification expect.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, it } from 'node:test';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { ensureBuilt, ROOT, SERVER } from './build';

before(() => ensureBuilt());

async function exitAfterInput(shutdownFirst: boolean): Promise<number | null> {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  const deadline = setTimeout(() => child.kill(), 15_000);
  try {
    await connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await connection.sendNotification('initialized', {});
    if (shutdownFirst) await connection.sendRequest('shutdown');
    child.stdin.end();
    return await exited;
  } finally {
    clearTimeout(deadline);
    connection.dispose();
    if (child.exitCode === null) child.kill();
  }
}

it('exits with 1 when stdin ends without a shutdown', async () => {
  assert.equal(await exitAfterInput(false), 1);
});

it('exits with 0 when stdin ends after a shutdown', async () => {
  assert.equal(await exitAfterInput(true), 0);
});
