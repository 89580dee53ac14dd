/** Berth's VS Code client: a thin shell over the language server and the container engine. */
import type * as vscode from 'vscode';
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
import { EngineStatusBar } from './statusBar';
import { BerthViews } from './views/views';

let client: BerthClient | undefined;

/** What activate returns: the extension-host tests and the bench reach the views through it. */
export interface BerthApi {
  service: EngineService;
  views: BerthViews;
  runs: RunStatus;
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
    ...registerCommands({ client, service, views, runs }),
  );
  // Not awaited: activation should not wait on a server process; start reports its own failures.
  void client.start();
  return { service, views, runs };
}

export async function deactivate(): Promise<void> {
  // Let VS Code wait for the server to shut down; the context then disposes the rest.
  await client?.stop();
  client = undefined;
}
