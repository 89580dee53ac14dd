/** Berth's VS Code client: a thin shell over the language server and the container engine. */
import * as vscode from 'vscode';
import { EventWatcher, createEngine, listContexts, resolveEndpoint, watchDockerContexts } from '../engine';
import { dockerConfigDir, nodeDeps } from '../engine/endpoint';
import { BerthClient } from './client';
import { registerCommands } from './commands/dispatch';
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
  registries: RegistriesProvider;
  stats: { monitor: StatsMonitor; view: StatsView };
  /** The Pull box while it is open: its rows and whether it is searching. */
  pullBox: typeof pullBox;
}

export async function activate(context: vscode.ExtensionContext): Promise<BerthApi> {
  client = new BerthClient(context);
  const service = new EngineService({
    resolveEndpoint: (host) => resolveEndpoint(host),
    createEngine: (endpoint) => createEngine(endpoint),
    listContexts: () => listContexts(),
    dockerConfigDir: () => dockerConfigDir(nodeDeps()),
    watchContexts: (onChange) => watchDockerContexts(onChange),
    watchEvents: (engine, handlers) => new EventWatcher(engine, { ...handlers, resyncOnFirstConnect: true }),
  });
  const views = new BerthViews(service);
  const statusBar = new EngineStatusBar(service);
  const runs = new RunStatus();
  const registryStore = new RegistryStore(context.globalState);
  const registries = new RegistriesProvider(registryStore);
  const monitor = new StatsMonitor(service);
  const stats = { monitor, view: new StatsView(monitor) };
  // Tooltips show the latest CPU and memory while the Stats view reads them.
  views.providers.containers.liveStats = (id) => monitor.latest(id);
  // Disposed in reverse: running workspaces stop and views let go of the event stream before the service closes the engine.
  context.subscriptions.push(
    client,
    service,
    statusBar,
    views,
    runs,
    registerInspectProvider(),
    registerTaskProvider({ service, status: runs }),
    registerConfigDiagnostics(),
    registerContainerFiles(service),
    registryStore,
    registries,
    vscode.window.createTreeView('berth.registries', { treeDataProvider: registries, showCollapseAll: true }),
    registerManifestDocuments(),
    monitor,
    stats.view,
    ...registerCommands({ client, service, views, runs, registries, stats }),
  );
  // Not awaited: activation should not wait on a server process; start reports its own failures.
  void client.start();
  return { service, views, runs, registries, stats, pullBox };
}

export async function deactivate(): Promise<void> {
  // Let VS Code wait for the server to shut down; the context then disposes the rest.
  await client?.stop();
  client = undefined;
}
