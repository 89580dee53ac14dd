/**
 * Read-only JSON documents of `docker inspect`: a virtual document provider for the
 * `berth-inspect` scheme, with URIs like `berth-inspect:/container/<id>.json`. The `.json` ending
 * gives the JSON language (folding, outline); re-opening fetches afresh.
 */
import * as vscode from 'vscode';
import type { Engine } from '../engine/types';
import { errorText } from './terminals/text';

export const INSPECT_SCHEME = 'berth-inspect';

export type InspectKind = 'container' | 'image' | 'volume' | 'network';
const KINDS: readonly InspectKind[] = ['container', 'image', 'volume', 'network'];

/** `berth-inspect:/image/node%3A20.json`: ids and names with `/` or `:` (images) are encoded. */
export function inspectUri(kind: InspectKind, id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: INSPECT_SCHEME, path: `/${kind}/${encodeURIComponent(id)}.json` });
}

/** The kind and id an inspect URI names, or undefined for anything else. */
export function parseInspectUri(uri: vscode.Uri): { kind: InspectKind; id: string } | undefined {
  const match = /^\/([a-z]+)\/(.+)\.json$/.exec(uri.path);
  if (uri.scheme !== INSPECT_SCHEME || !match || !KINDS.includes(match[1] as InspectKind)) return undefined;
  try {
    return { kind: match[1] as InspectKind, id: decodeURIComponent(match[2]!) };
  } catch {
    return undefined;
  }
}

function fetchInspect(engine: Engine, kind: InspectKind, id: string): Promise<unknown> {
  switch (kind) {
    case 'container':
      return engine.inspectContainer(id);
    case 'image':
      return engine.inspectImage(id);
    case 'volume':
      return engine.inspectVolume(id);
    case 'network':
      return engine.inspectNetwork(id);
  }
}

class InspectProvider implements vscode.TextDocumentContentProvider {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  /** Text fetched by openInspect, keyed by URI, handed out when VS Code asks. */
  private readonly contents = new Map<string, string>();
  /** The engine of the latest openInspect, for documents VS Code restores or re-reads on its own. */
  engine: Engine | undefined;

  set(uri: vscode.Uri, text: string): void {
    const key = uri.toString();
    const changed = this.contents.has(key) && this.contents.get(key) !== text;
    this.contents.set(key, text);
    // An open document only re-reads when told: that is the refresh on re-open.
    if (changed) this.changeEmitter.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string | undefined> {
    const cached = this.contents.get(uri.toString());
    if (cached !== undefined) return cached;
    const target = parseInspectUri(uri);
    // Nothing to say: VS Code then asks the next provider of the scheme, if another copy of this module registered one.
    if (!target || !this.engine) return undefined;
    try {
      const text = pretty(await fetchInspect(this.engine, target.kind, target.id));
      this.contents.set(uri.toString(), text);
      return text;
    } catch (error) {
      return vscode.l10n.t('Could not inspect {0}: {1}', target.id, errorText(error));
    }
  }

  /** Documents no longer open need not be kept. */
  forget(uri: vscode.Uri): void {
    this.contents.delete(uri.toString());
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.contents.clear();
  }
}

function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

let provider: InspectProvider | undefined;
let registration: vscode.Disposable | undefined;

/**
 * Registers the `berth-inspect` provider (once); the extension owns the returned disposable.
 * openInspect calls it too, so inspect works even if activation has not.
 */
export function registerInspectProvider(): vscode.Disposable {
  if (!provider) {
    const current = new InspectProvider();
    provider = current;
    const parts = [
      vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, current),
      vscode.workspace.onDidCloseTextDocument((document) => current.forget(document.uri)),
      current,
    ];
    registration = new vscode.Disposable(() => {
      parts.forEach((part) => part.dispose());
      if (provider === current) {
        provider = undefined;
        registration = undefined;
      }
    });
  }
  return registration!;
}

/**
 * Shows `docker inspect` of a container, image, volume or network as read-only JSON in an
 * editor; opening it again shows the current state. Rejects with the engine's error (not found,
 * engine gone) so the caller can show it once.
 */
export async function openInspect(engine: Engine, kind: InspectKind, id: string): Promise<vscode.TextEditor> {
  registerInspectProvider();
  const current = provider!;
  current.engine = engine;
  const uri = inspectUri(kind, id);
  current.set(uri, pretty(await fetchInspect(engine, kind, id)));
  let document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== 'json') document = await vscode.languages.setTextDocumentLanguage(document, 'json');
  return vscode.window.showTextDocument(document, { preview: true });
}
