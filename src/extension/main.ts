/** Berth's VS Code client: a thin shell over the language server and, later, the engine. */
import * as vscode from 'vscode';
import { BerthClient } from './client';
import { registerCommands } from './commands';

let client: BerthClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = new BerthClient(context);
  context.subscriptions.push(client, ...registerCommands({ client }));
  // Not awaited: activation should not wait on a server process; start reports its own failures.
  void client.start();
}

export async function deactivate(): Promise<void> {
  // Let VS Code wait for the server to shut down; the context then disposes the rest.
  await client?.stop();
  client = undefined;
}
