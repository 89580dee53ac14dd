/**
 * Progress for byte streams (save, load, export): a counter the bytes pass through, and a
 * cancellable notification once the work has taken more than a second, saying how much has moved
 * and, when the total is known, what share of it. And the archive files they write and read.
 */
import * as path from 'node:path';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import * as vscode from 'vscode';
import { formatSize } from '../../shared/format';

/** How long work runs before its notification shows: quick ones never flash one. */
const SHOW_AFTER_MS = 1000;

/**
 * Runs `work` with a counting stream to pipe the bytes through and a signal that the
 * notification's Cancel aborts; `total` (bytes), when known, gives a percentage.
 */
export async function byteProgress<T>(
  title: string,
  total: number | undefined,
  work: (counter: Transform, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let moved = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      moved += chunk.length;
      done(null, chunk);
    },
  });
  const running = work(counter, controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const settled = running.then(
    () => true,
    () => true,
  );
  const quick = await Promise.race([settled, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), SHOW_AFTER_MS)))]);
  clearTimeout(timer);
  if (!quick) {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        const tick = setInterval(() => {
          const share = total ? Math.min(99, (moved / total) * 100) : undefined;
          progress.report({
            message: total ? vscode.l10n.t('{0} of about {1}', formatSize(moved), formatSize(total)) : formatSize(moved),
            ...(share !== undefined ? { increment: share - reported } : {}),
          });
          if (share !== undefined) reported = share;
        }, 250);
        await settled;
        clearInterval(tick);
      },
    );
  }
  try {
    return await running;
  } catch (error) {
    if (controller.signal.aborted) throw new vscode.CancellationError();
    throw error;
  }
}

/** An archive file to write: the argument object's, or one chosen in a save dialog. */
export async function fileToWrite(given: string | undefined, suggested: string, title: string): Promise<string | undefined> {
  if (given) return path.resolve(given);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({
    title,
    defaultUri: folder ? vscode.Uri.joinPath(folder, suggested) : undefined,
    filters: { [vscode.l10n.t('Tar archives')]: ['tar'] },
  });
  return uri?.fsPath;
}

/** Runs `write`; a file it leaves half written (failed or cancelled) is removed, so no broken archive stays. */
export async function writingFile<T>(file: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}
