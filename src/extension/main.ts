/** Berth's VS Code client: a thin shell over the language server and the container engine. */
import * as vscode from 'vscode';
import { EventWatcher, createEngine, listContexts, resolveEndpoint, watchDockerContexts } from '../engine';
import { dockerConfigDir, nodeDeps } from '../engine/endpoint';
import { BerthClient } from './client';
import { registerCommands, shownFailures } from './commands/dispatch';
import { registerComposeLenses } from './compose/codeLens';
import type { ComposeContext } from './compose/commands';
import { ComposeService } from './compose/composeService';
import { ComposeOutputTerminals } from './compose/terminals';
import { showDeclaredServices } from './compose/viewServices';
import { registerContainerFiles } from './containerFiles';
import { registerConfigDiagnostics } from './devenv/configDiagnostics';
import { RunStatus } from './devenv/status';
import { registerTaskProvider } from './devenv/task';
import { EngineService } from './engineService';
import { registerInspectProvider } from './inspect';
import { registerManifestDocuments } from './registries/manifestDocuments';
import { RegistryStore } from './registries/store';
import { RegistriesProvider } from './registries/tree';
import { StatsMonitor } from './stats/monitor';
import { StatsView } from './stats/view';
import { pullBox } from './workflows/images';
import { EngineStatusBar } from './statusBar';
import { BerthViews } from './views/views';

let client: BerthClient | undefined;

/** What activate returns: the extension-host tests and the bench reach the views through it. */
export interface BerthApi {
  service: EngineService;
  views: BerthViews;
  runs: RunStatus;
  compose: ComposeContext;
  registries: RegistriesProvider;
  stats: { monitor: StatsMonitor; view: StatsView };
  /** The Pull box while it is open: its rows and whether it is searching. */
  pullBox: typeof pullBox;
  /** The command failures shown most recently, as the user read them. */
  shownFailures: typeof shownFailures;
}

export async function activate(context: vscode.ExtensionContext): Promise<BerthApi> {
  // Each part is owned as soon as it exists, so a failure part-way through activation leaves
  // nothing running. VS Code disposes subscriptions in the order pushed; the parts go in reverse,
  // so running workspaces stop and the views let go of the event stream before the service
  // closes the engine they use.
  const parts: vscode.Disposable[] = [];
  context.subscriptions.push({ dispose: () => disposeInReverse(parts) });
  const own = <T extends vscode.Disposable>(part: T): T => {
    parts.push(part);
    return part;
  };
  client = own(new BerthClient(context));
  const service = own(
    new EngineService({
      resolveEndpoint: (host) => resolveEndpoint(host),
      createEngine: (endpoint) => createEngine(endpoint),
      listContexts: () => listContexts(),
      dockerConfigDir: () => dockerConfigDir(nodeDeps()),
      watchContexts: (onChange) => watchDockerContexts(onChange),
      watchEvents: (engine, handlers) => new EventWatcher(engine, { ...handlers, resyncOnFirstConnect: true }),
    }),
  );
  own(new EngineStatusBar(service));
  const views = own(new BerthViews(service));
  const runs = own(new RunStatus());
  own(registerInspectProvider());
  const compose: ComposeContext = {
    compose: own(new ComposeService(service)),
    views,
    outputs: own(new ComposeOutputTerminals()),
  };
  own(registerTaskProvider({ service, status: runs, compose: compose.compose }));
  own(registerConfigDiagnostics());
  own(registerContainerFiles(service));
  own(registerComposeLenses());
  own(showDeclaredServices(views));
  const registryStore = own(new RegistryStore(context.globalState));
  const registries = own(new RegistriesProvider(registryStore));
  own(vscode.window.createTreeView('berth.registries', { treeDataProvider: registries, showCollapseAll: true }));
  own(registerManifestDocuments());
  const monitor = own(new StatsMonitor(service));
  const stats = { monitor, view: own(new StatsView(monitor)) };
  // Tooltips show the latest CPU and memory while the Stats view reads them.
  views.providers.containers.liveStats = (id) => monitor.latest(id);
  for (const command of registerCommands({ client, service, views, runs, registries, stats, compose })) own(command);
  // Not awaited: activation should not wait on a server process; start reports its own failures.
  void client.start();
  return { service, views, runs, registries, stats, pullBox, compose, shownFailures };
}

/** Disposes every part, last made first; one part failing does not keep the others alive. */
function disposeInReverse(parts: vscode.Disposable[]): void {
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

export async function deactivate(): Promise<void> {
  // Let VS Code wait for the server to shut down; the context then disposes the rest.
  await client?.stop();
  client = undefined;
}
