import type * as vscode from 'vscode';

/** Disposes every part, last made first; one part failing does not keep the others alive. */
export function disposeInReverse(parts: vscode.Disposable[]): void {
  const errors: unknown[] = [];
  for (const part of parts.splice(0).reverse()) {
    try {
      part.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length) throw new AggregateError(errors, 'Berth: some parts failed to dispose');
}
