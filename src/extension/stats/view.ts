/**
 * The Stats view (`berth.stats`): a webview in the Berth side bar drawing what StatsMonitor reads.
 * The monitor runs only while this view is visible; the page is redrawn at most once a second
 * from HTML built in render.ts. The page runs one script of ours (nonce) and loads nothing else.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { STATS_VIEW_ID } from '../contributions';
import type { StatsMonitor } from './monitor';
import { renderStats } from './render';

/** Redraws at most this often: the engine reads once a second. */
const REDRAW_MS = 1000;

export class StatsView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private readonly disposables: vscode.Disposable[] = [];
  /** The HTML last sent to the page (tests read it). */
  lastHtml = '';

  /** `registered: false` when activation registered the view already and hands it over (main.ts). */
  constructor(
    private readonly monitor: StatsMonitor,
    registered = false,
  ) {
    this.disposables.push(monitor.onDidUpdate(() => this.schedule()));
    if (!registered) this.disposables.push(vscode.window.registerWebviewViewProvider(STATS_VIEW_ID, this));
  }

  /** Whether the view is on screen now. */
  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true, localResourceRoots: [] };
    view.webview.html = page(view.webview, randomBytes(16).toString('base64'));
    this.describe();
    this.disposables.push(
      view.onDidChangeVisibility(() => {
        this.monitor.setActive(view.visible);
        if (view.visible) this.redraw();
      }),
      view.onDidDispose(() => {
        this.monitor.setActive(false);
        this.view = undefined;
      }),
      // The page asks once its script runs, so nothing sent before it listened is lost.
      view.webview.onDidReceiveMessage((message: { type?: string }) => {
        if (message?.type === 'ready') this.redraw();
      }),
    );
    this.monitor.setActive(view.visible);
  }

  /** Shows the view (and so starts the streams). */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${STATS_VIEW_ID}.focus`);
  }

  /** Says in the view's title bar which containers it follows. */
  describe(): void {
    if (!this.view) return;
    const target = this.monitor.target;
    this.view.description = target.kind === 'all' ? vscode.l10n.t('all running') : target.name;
  }

  private schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.redraw();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.dirty) this.redraw();
    }, REDRAW_MS);
  }

  private redraw(): void {
    this.dirty = false;
    this.describe();
    if (!this.view?.visible) return;
    const target = this.monitor.target;
    const empty =
      target.kind === 'all'
        ? vscode.l10n.t('No container is running. Start one, and its CPU, memory and I/O show here.')
        : vscode.l10n.t('{0} is not running: start it to see what it uses.', target.name);
    this.lastHtml = renderStats(this.monitor.entries(), Date.now(), vscode.l10n.t, empty);
    void this.view.webview.postMessage({ type: 'html', html: this.lastHtml });
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The page: styles from the theme, and a script that swaps in the HTML it is sent. */
function page(webview: vscode.Webview, nonce: string): string {
  const csp = `default-src 'none'; style-src ${webview.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">
body { padding: 0 12px 12px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
section.container { border-bottom: 1px solid var(--vscode-widget-border, transparent); padding: 8px 0; }
h2 { font-size: 1.05em; margin: 4px 0 6px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 4px 12px; margin: 0 0 6px; }
dt { opacity: 0.75; font-size: 0.9em; } dd { margin: 0; font-variant-numeric: tabular-nums; }
figure.chart { margin: 4px 0; } figcaption { display: flex; justify-content: space-between; opacity: 0.75; font-size: 0.85em; }
svg { width: 100%; height: 48px; background: var(--vscode-editorWidget-background, transparent); border-radius: 2px; }
.empty, .waiting { opacity: 0.8; }
</style></head>
<body><main id="stats" aria-live="polite"></main>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
const root = document.getElementById('stats');
window.addEventListener('message', (event) => { if (event.data && event.data.type === 'html') root.innerHTML = event.data.html; });
vscode.postMessage({ type: 'ready' });
</script></body></html>`;
}
