/**
 * An image's layers as a read-only document (`berth-history:/<reference>.txt`), like
 * `docker history --no-trunc`, for the palette's Show Image Layers. Read-only, so closing it
 * never asks to save.
 */
import * as vscode from 'vscode';
import type { ImageLayer } from '../../engine/types';
import { historyText } from './model';

export const HISTORY_SCHEME = 'berth-history';

export class HistoryDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(HISTORY_SCHEME, this);
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? vscode.l10n.t('Open the layers again from the Images view.');
  }

  async show(reference: string, layers: readonly ImageLayer[]): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: HISTORY_SCHEME, path: `/${reference.replace(/[/:@]/g, '_')}.txt` });
    const known = this.contents.has(uri.toString());
    this.contents.set(uri.toString(), historyText(reference, layers, Date.now()));
    if (known) this.emitter.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(document, { preview: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
    this.contents.clear();
  }
}
