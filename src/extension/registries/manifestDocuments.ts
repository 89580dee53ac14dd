/**
 * Manifests as read-only JSON documents: a content provider for the `berth-manifest` scheme, with
 * URIs like `berth-manifest:/127.0.0.1:5000/team/app/v1.json` (the `.json` ending gives the JSON
 * language). The text is what the registry served, pretty-printed.
 */
import * as vscode from 'vscode';
import type { RegistryAddress } from '../../engine/registry/address';

export const MANIFEST_SCHEME = 'berth-manifest';

class ManifestProvider implements vscode.TextDocumentContentProvider {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  readonly contents = new Map<string, string>();

  set(uri: vscode.Uri, text: string): void {
    const key = uri.toString();
    const changed = this.contents.has(key) && this.contents.get(key) !== text;
    this.contents.set(key, text);
    if (changed) this.changeEmitter.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? vscode.l10n.t('This manifest is no longer loaded: open it again from the Registries view.');
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

let provider: ManifestProvider | undefined;

/** Registers the provider; the extension owns the returned disposable. */
export function registerManifestDocuments(): vscode.Disposable {
  const current = new ManifestProvider();
  provider = current;
  const parts = [
    vscode.workspace.registerTextDocumentContentProvider(MANIFEST_SCHEME, current),
    vscode.workspace.onDidCloseTextDocument((document) => current.contents.delete(document.uri.toString())),
    current,
  ];
  return new vscode.Disposable(() => {
    for (const part of parts) part.dispose();
    if (provider === current) provider = undefined;
  });
}

/** Shows a manifest read-only in an editor. */
export async function showManifest(
  address: RegistryAddress,
  repository: string,
  reference: string,
  json: unknown,
): Promise<vscode.TextEditor> {
  if (!provider) throw new Error('The manifest documents are not registered.');
  const name = reference.startsWith('sha256:') ? reference.replace(':', '-') : reference;
  const uri = vscode.Uri.from({ scheme: MANIFEST_SCHEME, path: `/${address.host}/${repository}/${encodeURIComponent(name)}.json` });
  provider.set(uri, `${JSON.stringify(json, null, 2)}\n`);
  let document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== 'json') document = await vscode.languages.setTextDocumentLanguage(document, 'json');
  return vscode.window.showTextDocument(document, { preview: true });
}
