/**
 * Entry point of dist/server.js. The extension starts it with `--node-ipc`; other editors run
 * `node dist/server.js --stdio` (docs/editors.md).
 */
import { capYoungGeneration } from './memory';
import { createConnection } from 'vscode-languageserver/node';
import { startServer } from './server';

capYoungGeneration(Number(process.env.BERTH_YOUNG_MB ?? 8));

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];
const args = process.argv.slice(2);

if (args.includes('--help') || args.includes('-h') || !args.some((arg) => TRANSPORTS.some((t) => arg === t || arg.startsWith(`${t}=`)))) {
  const help =
    'Usage: node server.js --stdio | --node-ipc | --socket=PORT | --pipe=NAME\nThe Berth Dockerfile language server. See docs/editors.md for editor setup.\n';
  if (args.includes('--help') || args.includes('-h')) process.stdout.write(help);
  else {
    process.stderr.write(`berth language server: choose a transport.\n${help}`);
    process.exitCode = 2;
  }
} else {
  const connection = createConnection();
  // Nothing in a document may take the server down; log and carry on.
  process.on('uncaughtException', (error) => connection.console.error(`uncaught: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${String(reason)}`));
  startServer(connection);
}
