/**
 * Berth's VS Code client, as activation sees it: it registers what VS Code must find at once
 * (commands, views, the Stats view, the task type, the Compose lenses) and loads the code
 * behind them on first use, from bundles of their own: dist/workbench.js (the engine, views,
 * terminals, run, registries, stats) when a view is shown or a command runs, and
 * dist/languageClient.js when a Dockerfile or Compose file is open. Activation itself loads
 * neither, so a window with a Dockerfile starts Berth in a few milliseconds.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILES } from '../devenv/configFiles';
import type { ServerMemory } from '../shared/serverMemory';
import type * as ClientBundle from './client';
import type { BerthClient } from './client';
import type { LanguageClientCommands } from './commands/invocation';
import { COMMAND_IDS } from './commands/table';
import {
  COMPOSE_LENS_SELECTOR,
  DOCUMENT_SELECTOR,
  OWN_SCHEME_PREFIX,
  STATS_VIEW_ID,
  TASK_TYPE,
  TREE_VIEWS,
  type TreeViewId,
} from './contributions';
import { disposeInReverse } from './dispose';
import { LazyTreeProvider } from './lazyTree';
import type * as WorkbenchBundle from './workbench';
import type { BerthApi, Workbench } from './workbench';

export type { BerthApi } from './workbench';

/** What the memory bench and the crash test reach of the language server; nothing else calls these. */
export interface LanguageServerProbe {
  serverMemory(): Promise<ServerMemory | undefined>;
  writeServerHeapSnapshot(file: string): Promise<boolean>;
  crashServerThread(): Promise<boolean>;
}

let client: BerthClient | undefined;

/** Loads one of the sibling bundles (scripts/build.mjs writes them beside this one). */
function loadBundle<T>(name: string): T {
  // A plain require, so the bundle loads when called and not before.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, name)) as T;
}

export function activate(context: vscode.ExtensionContext): BerthApi & { languageServer: LanguageServerProbe } {
  // Each part is owned as soon as it exists; VS Code disposes subscriptions in the order pushed,
  // the parts go in reverse, so the workbench (made last) goes before the views it fills.
  const parts: vscode.Disposable[] = [];
  context.subscriptions.push({ dispose: () => disposeInReverse(parts) });
  const own = <T extends vscode.Disposable>(part: T): T => {
    parts.push(part);
    return part;
  };

  const languageClient = (): BerthClient => {
    if (!client) {
      const { BerthClient } = loadBundle<typeof ClientBundle>('languageClient.js');
      client = own(new BerthClient(context));
    }
    return client;
  };
  let clientStarted = false;
  const startClient = () => {
    if (clientStarted) return;
    clientStarted = true;
    // Not awaited: start reports its own failures.
    void languageClient().start();
  };
  const clientCommands: LanguageClientCommands = {
    restart: () => {
      clientStarted = true;
      return languageClient().restart();
    },
    showOutput: () => languageClient().showOutput(),
  };

  const trees = new Map<TreeViewId, { provider: LazyTreeProvider<unknown>; view: vscode.TreeView<unknown> }>();
  let workbench: Workbench | undefined;
  const loadWorkbench = (): Workbench => {
    if (!workbench) {
      const { createWorkbench } = loadBundle<typeof WorkbenchBundle>('workbench.js');
      workbench = own(
        createWorkbench({
          context,
          client: clientCommands,
          createTreeView: <T>(id: string, options: vscode.TreeViewOptions<T>) => {
            const tree = trees.get(id as TreeViewId);
            if (!tree) throw new Error(`Berth: no view ${id} was registered at activation`);
            tree.provider.attach(options.treeDataProvider as vscode.TreeDataProvider<unknown>);
            return tree.view as vscode.TreeView<T>;
          },
        }),
      );
    }
    return workbench;
  };

  for (const [id, options] of Object.entries(TREE_VIEWS) as [TreeViewId, (typeof TREE_VIEWS)[TreeViewId]][]) {
    const provider = own(new LazyTreeProvider<unknown>(() => loadWorkbench()));
    trees.set(id, { provider, view: own(vscode.window.createTreeView(id, { treeDataProvider: provider, ...options })) });
  }
  own(
    vscode.window.registerWebviewViewProvider(STATS_VIEW_ID, {
      resolveWebviewView: (view) => loadWorkbench().api.stats.view.resolveWebviewView(view),
    }),
  );
  for (const id of COMMAND_IDS) own(vscode.commands.registerCommand(id, (...raw: unknown[]) => loadWorkbench().runCommand(id, raw)));
  own(
    vscode.tasks.registerTaskProvider(TASK_TYPE, {
      provideTasks: () => [],
      resolveTask: (task, token) => loadWorkbench().tasks.resolveTask(task, token),
    }),
  );
  own(
    vscode.languages.registerCodeLensProvider(COMPOSE_LENS_SELECTOR, {
      provideCodeLenses: (document, token) => loadWorkbench().composeLenses.provideCodeLenses(document, token),
    }),
  );

  // What an open document needs: the language client for Dockerfiles and Compose files, the
  // workbench for a run configuration (its diagnostics) or a document of Berth's own.
  const opened = (document: vscode.TextDocument) => {
    if (vscode.languages.match(DOCUMENT_SELECTOR, document) > 0) startClient();
    else if (document.uri.scheme === 'file' && CONFIG_FILES.some((name) => document.uri.path.endsWith(`/${name}`))) loadWorkbench();
  };
  own(vscode.workspace.onDidOpenTextDocument(opened));
  const restoredOwnTab = vscode.window.tabGroups.all.some((group) =>
    group.tabs.some((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.scheme.startsWith(OWN_SCHEME_PREFIX)),
  );
  // After activation returns: what is open now is served a moment later, not on activation's clock.
  const pending = setImmediate(() => {
    for (const document of vscode.workspace.textDocuments) opened(document);
    if (restoredOwnTab) loadWorkbench();
  });
  own({ dispose: () => clearImmediate(pending) });

  // The tests and the bench reach the parts through these; reading one loads the workbench.
  return {
    languageServer: {
      serverMemory: async () => client?.serverMemory(),
      writeServerHeapSnapshot: async (file) => (client ? client.writeServerHeapSnapshot(file) : false),
      crashServerThread: async () => (client ? client.crashServerThread() : false),
    },
    get service() {
      return loadWorkbench().api.service;
    },
    get views() {
      return loadWorkbench().api.views;
    },
    get runs() {
      return loadWorkbench().api.runs;
    },
    get compose() {
      return loadWorkbench().api.compose;
    },
    get registries() {
      return loadWorkbench().api.registries;
    },
    get stats() {
      return loadWorkbench().api.stats;
    },
    get pullBox() {
      return loadWorkbench().api.pullBox;
    },
    get shownFailures() {
      return loadWorkbench().api.shownFailures;
    },
  };
}

export async function deactivate(): Promise<void> {
  // Let VS Code wait for the server to shut down; the context then disposes the rest.
  await client?.stop();
  client = undefined;
}
