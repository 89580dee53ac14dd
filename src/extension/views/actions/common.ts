/**
 * What the views' actions share: the engine, picking targets, asking before removing, acting on
 * many targets at once, and progress for what takes a while. Failures are thrown (see
 * commands/errors.ts); the command dispatcher shows them.
 */
import * as vscode from 'vscode';
import type { Engine } from '../../../engine/types';
import { BatchError, errorLine, type BatchFailure } from '../../commands/errors';
import type { Invocation } from '../../commands/invocation';
import type { TargetArgs } from '../../commands/table';
import type { EngineService } from '../../engineService';
import { openInspect, type InspectKind } from '../../inspect';
import { formatSize } from '../model';
import type { BerthViews } from '../views';

export const t = vscode.l10n.t;

/** What the views' actions use. */
export interface ActionContext {
  service: EngineService;
  views: BerthViews;
}

/** The connected engine. @throws EngineError when there is none; the dispatcher shows why, with Retry. */
export function engineOf(ctx: ActionContext): Promise<Engine> {
  return ctx.service.engine();
}

/** The ids and names an argument object names, in the order given. */
export function argIds(args: Partial<TargetArgs>): string[] {
  return [...(args.ids ?? []), ...(args.id ? [args.id] : []), ...(args.names ?? []), ...(args.name ? [args.name] : [])];
}

/** Whether to skip the removal prompt: only an argument object can say so, never a menu. */
function skipsConfirm(input: Invocation<{ readonly skipConfirm?: boolean | undefined }>): boolean {
  return input.hasArgs && input.args.skipConfirm === true;
}

/** A QuickPick of one or many items; an empty list when dismissed. */
export async function pick<T extends vscode.QuickPickItem>(items: readonly T[], placeHolder: string, many: boolean): Promise<T[]> {
  if (many) return (await vscode.window.showQuickPick(items, { placeHolder, canPickMany: true })) ?? [];
  const item = await vscode.window.showQuickPick(items, { placeHolder });
  return item ? [item] : [];
}

/**
 * Runs `work`, and shows a progress notification only if it takes longer than a second, so
 * quick actions do not flash one.
 */
export async function withSlowProgress<T>(title: string, work: () => Promise<T>): Promise<T> {
  const running = work();
  let timer: NodeJS.Timeout | undefined;
  const settled = running.then(
    () => true,
    () => true,
  );
  const quick = await Promise.race([settled, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 1000)))]);
  clearTimeout(timer);
  if (!quick) await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () => settled);
  return running;
}

/**
 * Applies `act` to every target at once and resolves with the names that succeeded. When some
 * fail (or were `refused` beforehand), throws one BatchError naming each with its reason, so ten
 * failures are one message; it still carries the names that succeeded. `oneByOne` keeps order.
 */
export async function forEach<T>(
  title: string,
  targets: readonly T[],
  nameOf: (target: T) => string,
  act: (target: T) => Promise<unknown>,
  options: { refused?: readonly BatchFailure[]; oneByOne?: boolean } = {},
): Promise<string[]> {
  const done: string[] = [];
  const refused = options.refused ?? [];
  const failures: BatchFailure[] = [...refused];
  const attempt = async (target: T): Promise<void> => {
    try {
      await act(target);
      done.push(nameOf(target));
    } catch (error) {
      failures.push({ name: nameOf(target), error });
    }
  };
  await withSlowProgress(title, async () => {
    if (!options.oneByOne) return void (await Promise.all(targets.map(attempt)));
    for (const target of targets) await attempt(target);
  });
  if (failures.length) {
    const total = targets.length + refused.length;
    const reasons = failures.map((f) => `${f.name}: ${errorLine(f.error)}`).join('; ');
    throw new BatchError(total === 1 ? reasons : t('{0} of {1} failed. {2}', failures.length, total, reasons), done, failures);
  }
  return done;
}

/** A modal warning that lists every item that will go; true when the user agreed (or the arguments said so). */
export async function confirmRemoval(
  input: Invocation<{ readonly skipConfirm?: boolean | undefined }>,
  message: string,
  items: readonly string[],
  action: string,
): Promise<boolean> {
  if (skipsConfirm(input)) return true;
  const shown = items.length > 30 ? [...items.slice(0, 30), t('…and {0} more', items.length - 30)] : items;
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail: shown.join('\n') }, action);
  return choice === action;
}

/** Read-only JSON of what the engine knows, one editor per target (ten at most). Resolves with how many opened. */
export async function inspectEach(
  ctx: ActionContext,
  kind: InspectKind,
  targets: readonly { id: string; name: string }[],
): Promise<number> {
  if (!targets.length) return 0;
  const engine = await engineOf(ctx);
  const shown = targets.slice(0, 10);
  // One by one, so the editors open in the order asked.
  const opened = await forEach(
    t('Inspecting {0}', shown.length),
    shown,
    (target) => target.name,
    (target) => openInspect(engine, kind, target.id),
    { oneByOne: true },
  );
  return opened.length;
}

/** Says what a prune removed and how much space came back. */
export function reportPrune(result: { deleted: readonly string[]; spaceReclaimed: number }, what: string): void {
  void vscode.window.showInformationMessage(
    t('Removed {0} {1}, reclaimed {2}.', result.deleted.length, what, formatSize(result.spaceReclaimed)),
  );
}

/** Docker volume and network names: what `docker volume create` and `docker network create` accept. */
export function validateObjectName(value: string): string | undefined {
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(value.trim())
    ? undefined
    : t('Use letters, digits, _ . and -, starting with a letter or digit.');
}

/**
 * Keeps the engine connection a terminal streams from open until the terminal closes, even when
 * the views move to another engine meanwhile (a context switch): the terminal owns that hold.
 */
export function holdWhileOpen(ctx: ActionContext, engine: Engine, terminal: vscode.Terminal): vscode.Terminal {
  const release = ctx.service.hold(engine);
  const closed = vscode.window.onDidCloseTerminal((gone) => {
    if (gone !== terminal) return;
    closed.dispose();
    release();
  });
  return terminal;
}
