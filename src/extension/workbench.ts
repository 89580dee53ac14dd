/**
 * Everything of Berth's client but the language client: the engine service, the views, the
 * command handlers, run, Compose, registries and stats. Its own bundle (dist/workbench.js),
 * which main.ts loads on first use of any of it, so activation does not pay for it.
 */
import type * as vscode from 'vscode';
import { EventWatcher, createEngine, listContexts, resolveEndpoint, watchDockerContexts } from '../engine';
import { dockerConfigDir, nodeDeps } from '../engine/endpoint';
import { runCommand, shownFailures } from './commands/dispatch';
import type { LanguageClientCommands } from './commands/invocation';
import type { CommandId } from './commands/table';
import { ComposeLenses } from './compose/codeLens';
import type { ComposeContext } from './compose/commands';
import { ComposeService } from './compose/composeService';
import { ComposeOutputTerminals } from './compose/terminals';
import { showDeclaredServices } from './compose/viewServices';
import { registerContainerFiles } from './containerFiles';
import { disposeInReverse } from './dispose';
import { registerConfigDiagnostics } from './devenv/configDiagnostics';
import { RunStatus } from './devenv/status';
import { berthTaskProvider } from './devenv/task';
import { EngineService } from './engineService';
import { registerInspectProvider } from './inspect';
import { registerManifestDocuments } from './registries/manifestDocuments';
import { RegistryStore } from './registries/store';
import { RegistriesProvider } from './registries/tree';
import { StatsMonitor } from './stats/monitor';
import { StatsView } from './stats/view';
import { EngineStatusBar } from './statusBar';
import { type TreeViewFactory, BerthViews } from './views/views';
import { pullBox } from './workflows/images';

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

/** What main.ts hands over: the parts VS Code needed registered before this bundle loaded. */
export interface WorkbenchDeps {
  context: vscode.ExtensionContext;
  client: LanguageClientCommands;
  /** Hands over the tree views main.ts created at activation. */
  createTreeView: TreeViewFactory;
}

export interface Workbench extends vscode.Disposable {
  readonly api: BerthApi;
  /** Runs one command under its contract (commands/dispatch.ts). */
  runCommand(id: CommandId, raw: readonly unknown[]): Promise<unknown>;
  readonly composeLenses: vscode.CodeLensProvider;
  readonly tasks: vscode.TaskProvider;
}

export function createWorkbench({ context, client, createTreeView }: WorkbenchDeps): Workbench {
  // Each part is owned as soon as it exists, so a failure part-way leaves nothing running. The
  // parts are disposed in reverse, so running workspaces stop and the views let go of the event
  // stream before the service closes the engine they use.
  const parts: vscode.Disposable[] = [];
  const own = <T extends vscode.Disposable>(part: T): T => {
    parts.push(part);
    return part;
  };
  try {
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
    const views = own(new BerthViews(service, createTreeView));
    const runs = own(new RunStatus());
    own(registerInspectProvider());
    const compose: ComposeContext = {
      compose: own(new ComposeService(service)),
      views,
      outputs: own(new ComposeOutputTerminals()),
    };
    own(registerConfigDiagnostics());
    own(registerContainerFiles(service));
    own(showDeclaredServices(views));
    const registryStore = own(new RegistryStore(context.globalState));
    const registries = own(new RegistriesProvider(registryStore));
    own(createTreeView('berth.registries', { treeDataProvider: registries }));
    own(registerManifestDocuments());
    const monitor = own(new StatsMonitor(service));
    const stats = { monitor, view: own(new StatsView(monitor, true)) };
    // Tooltips show the latest CPU and memory while the Stats view reads them.
    views.providers.containers.liveStats = (id) => monitor.latest(id);
    const ctx = { client, service, views, runs, registries, stats, compose };
    return {
      api: { service, views, runs, registries, stats, pullBox, compose, shownFailures },
      runCommand: (id, raw) => runCommand(ctx, id, raw),
      composeLenses: new ComposeLenses(),
      tasks: berthTaskProvider({ service, status: runs, compose: compose.compose }),
      dispose: () => disposeInReverse(parts),
    };
  } catch (error) {
    disposeInReverse(parts);
    throw error;
  }
}
