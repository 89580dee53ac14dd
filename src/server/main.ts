/**
 * Entry point of dist/server.js. The extension runs it in a worker thread of its extension host
 * (workerData carries the MessagePort it speaks over); other editors run
 * `node dist/server.js --stdio` (docs/editors.md).
 */
import { isMainThread, workerData, type MessagePort } from 'node:worker_threads';
import { createConnection, PortMessageReader, PortMessageWriter, type Connection } from 'vscode-languageserver/node';
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
