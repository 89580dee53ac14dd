/**
 * The one table of Berth's command registrations. Each id here is also contributed in
 * package.json (`contributes.commands`); handlers take `(node?, nodes?)` or an argument object
 * so tasks and tests can drive them without UI.
 */
import * as vscode from 'vscode';
import type { BerthClient } from './client';

/** What command handlers may use; grows as views and the engine arrive. */
export interface CommandContext {
  client: BerthClient;
}

type Handler = (ctx: CommandContext, ...args: unknown[]) => unknown;

export const COMMANDS: Readonly<Record<string, Handler>> = {
  'berth.restartLanguageServer': (ctx) => ctx.client.restart(),
  'berth.showOutput': (ctx) => ctx.client.showOutput(),
};

/** Registers every command in the table; the returned disposables belong to the extension context. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => handler(ctx, ...args)),
  );
}
