/**
 * The running workspaces in the status bar, with their ports; when a published port starts
 * answering, an offer to open it in the browser, once.
 */
import { isIP } from 'node:net';
import * as vscode from 'vscode';
import type { RunConfig } from '../../devenv/config';
import type { RunningWorkspace } from '../../devenv/runner';
import { escapeMarkdown, inlineCode } from '../../shared/markdown';

const t = vscode.l10n.t;
const PORT_DEADLINE_MS = 120_000;
const PORT_INTERVAL_MS = 500;

interface Entry {
  run: RunningWorkspace;
  name: string;
  image: string;
  watchers: AbortController;
}

export class RunStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('berth.runningWorkspaces', vscode.StatusBarAlignment.Left, 50);
  private readonly entries = new Map<string, Entry>();

  constructor() {
    this.item.name = t('Berth: running workspaces');
    this.item.command = 'berth.showRunningWorkspaces';
  }

  /** The workspaces running now, for the quick pick and tests. */
  get running(): { id: string; name: string; ports: number[] }[] {
    return [...this.entries.values()].map((e) => ({ id: e.run.id, name: e.name, ports: e.run.published.map((p) => p.host) }));
  }

  add(run: RunningWorkspace, config: RunConfig, name: string): void {
    const entry: Entry = { run, name, image: config.image, watchers: new AbortController() };
    this.entries.set(run.id, entry);
    for (const port of run.published.filter((p) => p.protocol === 'tcp')) void this.watchPort(entry, port.address, port.host);
    // A detached workspace may be stopped anywhere (Containers view, docker CLI): follow its exit.
    const gone = () => this.remove(run.id);
    run.exited.then(gone, gone);
    this.render();
  }

  remove(id: string): void {
    this.entries.get(id)?.watchers.abort();
    this.entries.delete(id);
    this.render();
  }

  /** Offers what can be done with the running workspaces; resolves with the choice made. */
  async pick(): Promise<string | undefined> {
    const items = [...this.entries.values()].flatMap((e) => [
      ...e.run.published.map((p) => ({
        label: `$(globe) ${t('Open {0} in the browser', url(p.address, p.host))}`,
        action: () => vscode.env.openExternal(vscode.Uri.parse(url(p.address, p.host))),
      })),
      {
        label: `$(terminal) ${t('Open a shell in {0}', e.name)}`,
        action: () => vscode.commands.executeCommand('berth.containers.shell', { id: e.run.id }),
      },
      {
        label: `$(output) ${t('Follow the logs of {0}', e.name)}`,
        action: () => vscode.commands.executeCommand('berth.containers.logs', { id: e.run.id }),
      },
      { label: `$(debug-stop) ${t('Stop {0}', e.name)}`, action: () => e.run.stop().then(() => this.remove(e.run.id)) },
    ]);
    const chosen = await vscode.window.showQuickPick(items, { title: t('Running workspaces') });
    await chosen?.action();
    return chosen?.label;
  }

  private render(): void {
    if (this.entries.size === 0) {
      this.item.hide();
      return;
    }
    const parts = [...this.entries.values()].map((e) => {
      const ports = e.run.published.map((p) => p.host).join(',');
      return ports ? `${e.name} · ${ports}` : e.name;
    });
    this.item.text = `$(vm-running) ${parts.join('  ')}`;
    // The folder's name and the image come from the workspace: shown as written, never as Markdown.
    this.item.tooltip = new vscode.MarkdownString(
      [...this.entries.values()]
        .map((e) => {
          const links = e.run.published
            .filter((p) => isIP(p.address))
            .map((p) => ` · [${escapeMarkdown(url(p.address, p.host))}](${url(p.address, p.host)})`);
          return `${t('**{0}** in {1}', escapeMarkdown(e.name), inlineCode(e.image))}${links.join('')}`;
        })
        .join('\n\n'),
    );
    this.item.show();
  }

  /** Polls a published port until it answers HTTP (any status), then offers it once. */
  private async watchPort(entry: Entry, address: string, port: number): Promise<void> {
    const signal = entry.watchers.signal;
    const deadline = Date.now() + PORT_DEADLINE_MS;
    while (!signal.aborted && Date.now() < deadline) {
      try {
        await fetch(url(address, port), { signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]), redirect: 'manual' });
        const open = t('Open in Browser');
        const choice = await vscode.window.showInformationMessage(t('{0} answers on {1}', entry.name, url(address, port)), open);
        if (choice === open) await vscode.env.openExternal(vscode.Uri.parse(url(address, port)));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, PORT_INTERVAL_MS));
      }
    }
  }

  dispose(): void {
    for (const e of this.entries.values()) {
      e.watchers.abort();
      void e.run.stop().catch(() => undefined);
    }
    this.item.dispose();
  }
}

function url(address: string, port: number): string {
  return `http://${address === '0.0.0.0' || address === '::' ? 'localhost' : address}:${port}`;
}
