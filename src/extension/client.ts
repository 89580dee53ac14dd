/**
 * Starts Berth's language server (dist/server.js) over Node IPC for Dockerfiles and Compose files,
 * and answers its `workspace/configuration` requests from the one config reader. Completion and
 * hover in Compose files step aside for another extension's Compose language service
 * (`berth.compose.editingFeatures`), so they do not show twice.
 */
import { once } from 'node:events';
import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { MessageChannel, Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  PortMessageReader,
  PortMessageWriter,
  State,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SERVER_MEMORY_MESSAGE, type ServerMemory } from '../shared/serverMemory';
import { COMPOSE_PEERS, composeEditing } from './composePeers';
import * as config from './config';
import { COMPOSE_LANGUAGE, DOCUMENT_SELECTOR } from './contributions';

export const CLIENT_ID = 'berth';

/**
 * The server thread's young generation, all of it resident: each lint's garbage dies young, and
 * 4 MB held the 3,000-line bench file's keystrokes without promoting more into the old
 * generation than 8 MB did, 4 MB less resident, keystrokes no slower (bench/workerServer.ts).
 */
const YOUNG_GENERATION_MB = 4;
/** Far above what a 20,000-line Dockerfile needs; past it the thread ends and restarts, the extension host goes on. */
const OLD_GENERATION_MB = 512;

/** Value at a dotted path inside the settings object, for sections like `berth.rules`. */
function settingsAt(settings: config.ServerSettings, path: string[]): unknown {
  let value: unknown = settings;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string, unknown>)[key];
  }
  return value ?? null;
}

/** The language client and its lifetime. Owned by the extension context through `disposables`. */
export class BerthClient implements vscode.Disposable {
  private readonly client: LanguageClient;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly serverModule: string;
  private worker: Worker | undefined;
  /** The last Compose editing choice written to the output channel. */
  private composeEditingSaid: string | undefined;

  constructor(context: vscode.ExtensionContext) {
    this.serverModule = context.asAbsolutePath('dist/server.js');
    // The server runs in a worker thread of this extension host: no second Node process (~40 MB
    // before it does anything). A crash ends the worker and closes its port, which the client
    // sees as a closed connection and restarts, as it would a process; a hung server hangs only
    // its own thread, and a restart terminates it.
    const serverOptions: ServerOptions = async () => {
      await this.terminateWorker();
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(this.serverModule, {
        workerData: { lspPort: port2 },
        transferList: [port2],
        // What `capYoungGeneration` does for the standalone server, set where a worker may;
        // the old-generation cap keeps a runaway document from taking the extension host's memory.
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: OLD_GENERATION_MB },
        name: 'Berth language server',
      });
      this.worker = worker;
      worker.on('error', (error) => this.client.outputChannel.appendLine(`server thread failed: ${error.stack ?? error.message}`));
      // A worker that ends without closing its port (out of memory, terminated) still ends the connection.
      worker.on('exit', () => port1.close());
      return { reader: new PortMessageReader(port1), writer: new PortMessageWriter(port1) };
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      middleware: {
        provideCompletionItem: (document, position, context, token, next) =>
          this.offersEditing(document) ? next(document, position, context, token) : undefined,
        provideHover: (document, position, token, next) => (this.offersEditing(document) ? next(document, position, token) : undefined),
        workspace: {
          // The server pulls section `berth`; answer from config.ts so every read of the
          // user's settings goes through the one typed reader.
          configuration: async (params, token, next) => {
            const answers: unknown[] = [];
            for (const item of params.items) {
              const path = item.section?.split('.') ?? [];
              if (path[0] === config.SECTION) {
                const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
                answers.push(settingsAt(config.serverSettings(scope), path.slice(1)));
              } else {
                const other = await next({ items: [item] }, token);
                answers.push(Array.isArray(other) ? other[0] : null);
              }
            }
            return answers;
          },
        },
      },
    };
    // The id makes the client honor `berth.trace.server` and name its output channel.
    this.client = new LanguageClient(CLIENT_ID, 'Berth', serverOptions, clientOptions);
    this.disposables.push(
      config.onDidChange(() => {
        if (this.client.state !== State.Running) return;
        // Push the new values too, so a server on either the push or the pull model updates.
        void this.client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [config.SECTION]: config.serverSettings() },
        });
      }),
    );
  }

  /**
   * Whether Berth completes and hovers in this document: always in Dockerfiles; in Compose files
   * as `berth.compose.editingFeatures` and the installed Compose language services decide. Asked
   * per request, so installing a peer or changing a setting takes effect at once.
   */
  private offersEditing(document: vscode.TextDocument): boolean {
    if (document.languageId !== COMPOSE_LANGUAGE) return true;
    const peers = COMPOSE_PEERS.map((peer) => ({
      peer,
      installed: vscode.extensions.getExtension(peer.id) !== undefined,
      serviceOn: config.peerSwitch(peer.setting, document.uri),
    }));
    const { offer, deferTo } = composeEditing(config.composeEditingFeatures(document.uri), peers);
    const said = offer ? 'on' : (deferTo?.id ?? 'off');
    if (said !== this.composeEditingSaid) {
      this.composeEditingSaid = said;
      this.client.outputChannel.appendLine(
        deferTo
          ? vscode.l10n.t(
              'Compose completion and hover are left to {0} ({1}); set berth.compose.editingFeatures to "on" for Berth\'s as well.',
              deferTo.name,
              deferTo.id,
            )
          : offer
            ? vscode.l10n.t('Compose completion and hover: on.')
            : vscode.l10n.t('Compose completion and hover: off (berth.compose.editingFeatures).'),
      );
    }
    return offer;
  }

  /** Starts the server; a failure is shown once, with what to do about it. */
  async start(): Promise<void> {
    if (!fs.existsSync(this.serverModule)) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          "Berth's language server is missing at {0}. Build it with `npm run build`, then run 'Berth: Restart Language Server'.",
          this.serverModule,
        ),
      );
      return;
    }
    try {
      await this.client.start();
    } catch (error) {
      this.reportStartFailure(error);
    }
  }

  /** Restarts the server (starts it when stopped); resolves with whether it runs now. */
  async restart(): Promise<boolean> {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Restarting the Berth language server') },
      async () => {
        if (this.client.state === State.Stopped) return this.start();
        try {
          await this.client.restart();
        } catch (error) {
          this.reportStartFailure(error);
        }
      },
    );
    return this.client.state === State.Running;
  }

  /** The server thread's heap as the thread reads it; undefined when no thread runs. For the memory bench. */
  async serverMemory(): Promise<ServerMemory | undefined> {
    const worker = this.worker;
    if (!worker) return undefined;
    const answer = once(worker, 'message') as Promise<[ServerMemory]>;
    worker.postMessage(SERVER_MEMORY_MESSAGE);
    return (await answer)[0];
  }

  /** Writes a heap snapshot of the server thread to `file`; false when no thread runs. For the memory bench. */
  async writeServerHeapSnapshot(file: string): Promise<boolean> {
    const worker = this.worker;
    if (!worker) return false;
    await pipeline(await worker.getHeapSnapshot(), fs.createWriteStream(file));
    return true;
  }

  /**
   * Ends the server thread as an out-of-memory end would, without the client's say; false when
   * none runs. For the test that a server crash is contained and restarted.
   */
  async crashServerThread(): Promise<boolean> {
    const worker = this.worker;
    if (!worker) return false;
    await worker.terminate();
    return true;
  }

  showOutput(): void {
    this.client.outputChannel.show(true);
  }

  /** Stops the server and waits for it, for `deactivate`. */
  async stop(): Promise<void> {
    try {
      if (this.client.needsStop()) await this.client.stop();
    } finally {
      await this.terminateWorker();
    }
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    void this.client
      .dispose()
      .catch(() => undefined)
      .finally(() => this.terminateWorker());
  }

  /** Ends the server thread, whether it exited on `exit`, hangs, or is gone already. */
  private async terminateWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private reportStartFailure(error: unknown): void {
    const detail = error instanceof Error ? error.message : String(error);
    const showOutput = vscode.l10n.t('Show Output');
    void vscode.window
      .showErrorMessage(vscode.l10n.t('The Berth language server could not start: {0}', detail), showOutput)
      .then((choice) => {
        if (choice === showOutput) this.showOutput();
      });
  }
}
