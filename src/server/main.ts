/**
 * Entry point of dist/server.js. The extension runs it in a worker thread of its extension host
 * (workerData carries the MessagePort it speaks over); other editors run
 * `node dist/server.js --stdio` (docs/editors.md).
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createConnection, PortMessageReader, PortMessageWriter, type Connection } from 'vscode-languageserver/node';
import { SERVER_MEMORY_MESSAGE, type ServerMemory } from '../shared/serverMemory';
import { capYoungGeneration } from './memory';
import { startServer } from './server';
import { createStdioConnection } from './stdio';

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];
const args = process.argv.slice(2);
const port = (workerData as { lspPort?: MessagePort } | null)?.lspPort;

/** Nothing in a document may take the server down; log and carry on. */
function serve(connection: Connection): void {
  process.on('uncaughtException', (error) => connection.console.error(`uncaught: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${String(reason)}`));
  startServer(connection);
}

if (!isMainThread && port) {
  // In a worker the extension host's V8 flags are not ours to set: the Worker's resourceLimits
  // cap the young generation instead (src/extension/client.ts).
  serve(createConnection(new PortMessageReader(port), new PortMessageWriter(port)));
  // The thread's heap is its own isolate's: only the thread can read it (the memory bench asks).
  parentPort?.on('message', (message: unknown) => {
    if (message !== SERVER_MEMORY_MESSAGE) return;
    const answer: ServerMemory = {
      kind: SERVER_MEMORY_MESSAGE,
      heap: { ...getHeapStatistics() },
      spaces: getHeapSpaceStatistics().map((s) => ({ name: s.space_name, size: s.space_size, used: s.space_used_size })),
      usage: { ...process.memoryUsage() },
    };
    parentPort?.postMessage(answer);
  });
} else if (
  args.includes('--help') ||
  args.includes('-h') ||
  !args.some((arg) => TRANSPORTS.some((t) => arg === t || arg.startsWith(`${t}=`)))
) {
  const help =
    'Usage: node server.js --stdio | --node-ipc | --socket=PORT | --pipe=NAME\nThe Berth Dockerfile language server. See docs/editors.md for editor setup.\n';
  if (args.includes('--help') || args.includes('-h')) process.stdout.write(help);
  else {
    process.stderr.write(`berth language server: choose a transport.\n${help}`);
    process.exitCode = 2;
  }
} else {
  capYoungGeneration(Number(process.env.BERTH_YOUNG_MB ?? 8));
  serve(args.includes('--stdio') ? createStdioConnection() : createConnection());
}
