/**
 * Registers every command of the table, and is the one place their contract is kept: a command
 * that needs trust refuses in Restricted Mode before its handler runs; arguments are checked
 * against its row; whatever the handler throws is shown once, under the row's title, with the
 * fix; a cancelled operation shows nothing. A command resolves with what its handler did, or
 * undefined when it did nothing.
 */
import * as vscode from 'vscode';
import { EngineError } from '../../engine/types';
import { isConnectionFailure } from '../engineService';
import { BatchError, CommandError, errorLine, UntrustedWorkspaceError } from './errors';
import { HANDLERS } from './handlers';
import { parseInvocation, type CommandContext, type Handler, type Outcome } from './invocation';
import { COMMAND_IDS, COMMANDS, needsTrust, type CommandId } from './table';

const t = vscode.l10n.t;

function untrusted(): UntrustedWorkspaceError {
  return new UntrustedWorkspaceError(
    t('This workspace is not trusted, and in Restricted Mode Berth starts, changes and removes nothing.'),
    t('Trust the workspace to do this.'),
    { title: t('Manage Workspace Trust'), command: 'workbench.trust.manage' },
  );
}

/** Cancelled by the user or aborted along the way: nothing to say. */
function isCancellation(error: unknown): boolean {
  return error instanceof vscode.CancellationError || (error instanceof Error && error.name === 'AbortError');
}

/** The last failures shown, as the user read them: the extension's API hands them to tests. */
const shown: string[] = [];
const SHOWN_KEPT = 20;

/** The command failures shown most recently, oldest first (at most the last 20). */
export function shownFailures(): readonly string[] {
  return shown;
}

/** Shows a command's failure once, under its title, with the fix and the button that applies it. */
function showFailure(ctx: CommandContext, title: string, error: unknown): void {
  if (isCancellation(error)) return;
  if (error instanceof EngineError && isConnectionFailure(error)) {
    // The service's notification has Retry, and stops the views repeating it.
    ctx.service.notifyFailure(error, true, title);
    return;
  }
  const action = error instanceof CommandError ? error.action : undefined;
  const buttons = action ? [action.title] : [];
  const message = `${title}: ${errorLine(error)}`;
  shown.push(message);
  if (shown.length > SHOWN_KEPT) shown.shift();
  void vscode.window.showErrorMessage(message, ...buttons).then((choice) => {
    if (action && choice === action.title) void vscode.commands.executeCommand(action.command, ...(action.args ?? []));
  });
}

/** Runs one command call under its contract; never rejects. */
export async function runCommand(ctx: CommandContext, id: CommandId, raw: readonly unknown[]): Promise<Outcome | undefined> {
  const contract = COMMANDS[id];
  // Titles live in the table (plain Node reads it); they are translated here, where they are shown.
  const title = t(contract.errors);
  try {
    if (needsTrust(id) && !vscode.workspace.isTrusted) throw untrusted();
    const input = parseInvocation(contract, raw, (view) => ctx.views.selection(view));
    // The row's argument type: parseInvocation checked the fields against that same row.
    const handler = HANDLERS[id] as Handler<typeof input.args>;
    return await handler(ctx, input);
  } catch (error) {
    showFailure(ctx, title, error);
    // A batch that partly failed still says what it did.
    return error instanceof BatchError ? [...error.done] : undefined;
  }
}

/** Registers every command in the table; the disposables belong to the extension context. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, (...raw: unknown[]) => runCommand(ctx, id, raw)));
}
