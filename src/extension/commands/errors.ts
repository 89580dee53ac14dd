/**
 * The errors command handlers throw. dispatch.ts shows each once, under the command's title
 * from the table, with its fix; an EngineError carries its own fix (`hint`), and a cancelled
 * operation (vscode.CancellationError, an aborted signal) shows nothing.
 */
import { EngineError } from '../../engine/types';

/** A button on the error message that runs a command (the fix, one click away). */
export interface FixAction {
  title: string;
  command: string;
  args?: unknown[];
}

/** A failure a user can act on: what went wrong, and what to do about it. */
export class CommandError extends Error {
  constructor(
    message: string,
    /** What to do about it, shown after the message. */
    readonly fix?: string,
    /** A button that does it. */
    readonly action?: FixAction,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** The workspace is in Restricted Mode and the command needs trust; thrown before the handler runs. */
export class UntrustedWorkspaceError extends CommandError {
  constructor(message: string, fix: string, action: FixAction) {
    super(message, fix, action);
    this.name = 'UntrustedWorkspaceError';
  }
}

/** One target of a batch that failed, with why. */
export interface BatchFailure {
  name: string;
  error: unknown;
}

/**
 * Some targets of a batch (stop ten containers) failed: one message lists them all, and the
 * command still resolves with what it did (`done`), so a task or test can tell which went.
 */
export class BatchError extends CommandError {
  constructor(
    message: string,
    readonly done: readonly string[],
    readonly failures: readonly BatchFailure[],
  ) {
    super(message);
    this.name = 'BatchError';
  }
}

/** Anything thrown as one line: the message, then its fix (an EngineError's hint, a CommandError's fix). */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const fix = error instanceof EngineError ? error.hint : error instanceof CommandError ? error.fix : undefined;
  return fix ? `${message}${/[.!?…]$/.test(message) ? '' : '.'} ${fix}` : message;
}
