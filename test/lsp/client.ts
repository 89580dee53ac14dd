/**
 * A real LSP client for the tests: spawns `node dist/server.js --stdio` and speaks to it through
 * vscode-languageserver-protocol's stream reader and writer, as editors do.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type InitializeResult,
  type LogMessageParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
  type ShowMessageParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

import { ROOT, SERVER } from './build';

export { ensureBuilt } from './build';
const DEADLINE_MS = 15_000;

export interface StartOptions {
  /** What `workspace/configuration` answers for section `berth`; change it on the client later. */
  settings?: unknown;
  /** Leave out to advertise everything VS Code does that the server uses. */
  capabilities?: ClientCapabilities;
  workspaceFolders?: string[];
  initializationOptions?: unknown;
}

export const FULL_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceFolders: true,
  },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
  },
};

export class TestClient {
  readonly publishes: PublishDiagnosticsParams[] = [];
  readonly messages: ShowMessageParams[] = [];
  /** window/logMessage traffic; type 1 entries are handler failures the server caught. */
  readonly logs: LogMessageParams[] = [];
  readonly registrations: Registration[] = [];
  configurationRequests = 0;
  settings: unknown;
  stderr = '';
  initializeResult!: InitializeResult;
  private readonly waiters = new Set<() => void>();
  private exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
  ) {
    this.exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 20_000) this.stderr += chunk.toString();
    });
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.publishes.push(params);
      this.wake();
    });
    connection.onNotification('window/showMessage', (params: ShowMessageParams) => {
      this.messages.push(params);
      this.wake();
    });
    connection.onNotification('window/logMessage', (params: LogMessageParams) => {
      if (this.logs.length < 1000) this.logs.push(params);
      this.wake();
    });
    connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => {
      this.configurationRequests++;
      return params.items.map((item) => (item.section === 'berth' ? (this.settings ?? null) : null));
    });
    connection.onRequest('client/registerCapability', (params: { registrations: Registration[] }) => {
      this.registrations.push(...params.registrations);
      this.wake();
      return null;
    });
    connection.onRequest('window/showMessageRequest', () => null);
    connection.onRequest('workspace/workspaceFolders', () => null);
  }

  static async start(options: StartOptions = {}): Promise<TestClient> {
    const child = spawn(process.execPath, [SERVER, '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new TestClient(child, connection);
    client.settings = options.settings;
    connection.listen();
    const folders = options.workspaceFolders ?? [];
    client.initializeResult = await client.within(
      connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: folders[0] ? fileUri(folders[0]) : null,
        workspaceFolders: folders.length ? folders.map((f) => ({ uri: fileUri(f), name: path.basename(f) })) : null,
        capabilities: options.capabilities ?? FULL_CAPABILITIES,
        initializationOptions: options.initializationOptions,
      }) as Promise<InitializeResult>,
      'initialize',
    );
    await connection.sendNotification('initialized', {});
    return client;
  }

  /** Errors the server caught and logged: each one is a bug, even though nothing crashed. */
  caughtErrors(): string[] {
    return this.logs.filter((l) => l.type === 1).map((l) => l.message.slice(0, 2000));
  }

  /** Count of publishes so far: pass it as `after` to wait for one that comes later. */
  mark(): number {
    return this.publishes.length;
  }

  /** The first publish for `uri` (at index ≥ after) that satisfies `accept`, waiting with a deadline. */
  diagnostics(
    uri: string,
    accept: (p: PublishDiagnosticsParams) => boolean = () => true,
    after = 0,
    what = `diagnostics for ${uri}`,
  ): Promise<PublishDiagnosticsParams> {
    return this.until(() => this.publishes.slice(after).find((p) => p.uri === uri && accept(p)), what);
  }

  /** Diagnostics for exactly this document version. */
  version(uri: string, version: number, after = 0): Promise<PublishDiagnosticsParams> {
    return this.diagnostics(uri, (p) => p.version === version, after, `diagnostics for ${uri} version ${version}`);
  }

  /** Resolves when `probe` returns something, checking on every message from the server. */
  until<T>(probe: () => T | undefined, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found !== undefined) {
          this.waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; server stderr:\n${this.stderr}`));
      }, DEADLINE_MS);
      this.waiters.add(check);
      check();
    });
  }

  open(uri: string, text: string, version = 1, languageId = 'dockerfile'): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.within(this.connection.sendRequest(method, params) as Promise<R>, method);
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** shutdown then exit, as a client does; resolves with the process's exit. */
  async shutdown(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    await this.request('shutdown', null);
    await this.connection.sendNotification('exit');
    const result = await this.within(this.exit, 'the server process to exit');
    this.connection.dispose();
    return result;
  }

  /** For after() hooks: ends the server whatever state it is in. */
  async dispose(): Promise<void> {
    if (!this.exited) {
      this.child.kill();
      await this.exit;
    }
    this.connection.dispose();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private within<T>(promise: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; server stderr:\n${this.stderr}`)), DEADLINE_MS);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}

export function fileUri(file: string): string {
  return pathToFileURL(file).href;
}
