/**
 * The engine in the status bar: which one (context or address) and its version when connected,
 * why not when it failed. Clicking switches context, or retries after a failure. Hidden until
 * the engine is first used, so a window that only lints Dockerfiles shows nothing.
 */
import * as vscode from 'vscode';
import type { EngineService, EngineState } from './engineService';

/**
 * Short text for where the engine is: the context name, `default` for the CLI's default
 * (a local socket, as `docker context ls` calls it), else the address.
 */
export function endpointLabel(state: EngineState): string | undefined {
  if (state.kind === 'idle' || !state.endpoint) return undefined;
  const { context, source, display } = state.endpoint;
  if (context) return context;
  return source === 'default' || source === 'rootless' || source === 'podman' ? 'default' : display;
}

function failureText(kind: string): string {
  switch (kind) {
    case 'not-installed':
      return vscode.l10n.t('Docker: not installed');
    case 'not-running':
      return vscode.l10n.t('Docker: not running');
    case 'permission-denied':
      return vscode.l10n.t('Docker: permission denied');
    case 'unreachable':
    case 'timeout':
      return vscode.l10n.t('Docker: unreachable');
    case 'ssh':
      return vscode.l10n.t('Docker: ssh failed');
    case 'tls':
      return vscode.l10n.t('Docker: TLS failed');
    default:
      return vscode.l10n.t('Docker: error');
  }
}

export class EngineStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('berth.engine', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

  constructor(service: EngineService) {
    this.item.name = vscode.l10n.t('Berth: Docker engine');
    this.subscription = service.onDidChangeState((state) => this.render(state));
    this.render(service.state);
  }

  private render(state: EngineState): void {
    const where = endpointLabel(state) ?? '';
    switch (state.kind) {
      case 'idle':
        this.item.hide();
        return;
      case 'connecting':
        this.item.text = `$(loading~spin) ${vscode.l10n.t('Docker: connecting')}`;
        this.item.tooltip = vscode.l10n.t('Connecting to {0}', state.endpoint?.display ?? '…');
        this.item.command = undefined;
        this.item.backgroundColor = undefined;
        break;
      case 'connected': {
        const platform = state.version.platform?.includes('Podman') ? 'Podman' : 'Docker';
        this.item.text = `$(vm) ${platform} ${state.version.version}${where && where !== 'default' ? ` · ${where}` : ''}`;
        const tooltip = new vscode.MarkdownString(undefined, true);
        tooltip.appendText(
          vscode.l10n.t(
            '{0} {1} (API {2}, {3}/{4}) at {5}, chosen by {6}.',
            platform,
            state.version.version,
            state.version.apiVersion,
            state.version.os,
            state.version.arch,
            state.endpoint.display,
            state.endpoint.source,
          ),
        );
        tooltip.appendMarkdown(`\n\n$(arrow-swap) ${vscode.l10n.t('Click to switch the docker context.')}`);
        this.item.tooltip = tooltip;
        this.item.command = 'berth.switchContext';
        this.item.backgroundColor = undefined;
        break;
      }
      case 'failed':
        this.item.text = `$(vm-outline) ${failureText(state.error.kind)}`;
        this.item.tooltip = `${state.error.message}${state.error.hint ? `\n${state.error.hint}` : ''}\n${vscode.l10n.t('Click to retry.')}`;
        this.item.command = 'berth.retryConnection';
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
    }
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
