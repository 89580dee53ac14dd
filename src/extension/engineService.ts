/**
 * The extension's one connection to a container engine, for the extension's lifetime: resolves
 * the endpoint (the `berth.docker.host` setting, then the docker CLI's order), creates the
 * Engine, says how that went (connecting / connected / failed with a reason and a fix), runs the
 * one event stream while someone wants it, and reconnects when the setting or the docker context
 * changes, without a reload.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { endpointKey } from '../engine/endpoint';
import { EngineError, type Endpoint, type Engine, type EngineEvent, type EngineVersion } from '../engine/types';
import * as config from './config';
import { engineStateKey } from './views/model';

export type EngineState =
  | { kind: 'idle' }
  | { kind: 'connecting'; endpoint?: Endpoint }
  | { kind: 'connected'; endpoint: Endpoint; version: EngineVersion }
  | { kind: 'failed'; endpoint?: Endpoint; error: EngineError };

/** One docker context, as the switcher lists it. */
export interface ContextChoice {
  name: string;
  description?: string;
  host: string;
  current: boolean;
  error?: string;
}

/** A running event stream; the engine module reconnects it with backoff. */
export interface EventSubscription {
  dispose(): void;
}

/** The engine module's pieces the service uses; injected so main.ts picks the real adapter. */
export interface EngineModule {
  resolveEndpoint(host?: string): Endpoint;
  createEngine(endpoint: Endpoint): Engine;
  listContexts(): ContextChoice[];
  /** The docker CLI's configuration folder (DOCKER_CONFIG or ~/.docker). */
  dockerConfigDir(): string;
  /** Calls `onChange` when config.json or the contexts change (`docker context use`, `create`). */
  watchContexts(onChange: () => void): EventSubscription;
  /** Follows the engine's events, reconnecting with backoff; onResync after every gap. */
  watchEvents(
    engine: Engine,
    handlers: { onEvent(event: EngineEvent): void; onResync(): void; onDisconnect(error: EngineError): void },
  ): EventSubscription;
}

/** The context key `berth.engineState`, which the welcome views' `when` clauses read. */
export function stateContextValue(state: EngineState): string {
  return engineStateKey(state);
}

const PING_TIMEOUT_MS = 10_000;

function asEngineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError('api', message);
}

const CONNECTION_KINDS: ReadonlySet<EngineError['kind']> = new Set([
  'not-installed',
  'not-running',
  'permission-denied',
  'unreachable',
  'ssh',
  'tls',
  'timeout',
]);

/** Whether an error says the engine cannot be reached at all (rather than that one call failed). */
export function isConnectionFailure(error: EngineError): boolean {
  return CONNECTION_KINDS.has(error.kind);
}

export class EngineService implements vscode.Disposable {
  private current: EngineState = { kind: 'idle' };
  private engineInstance: Engine | undefined;
  private connecting: Promise<Engine> | undefined;
  /** Bumped on every (re)connect, so a slow old attempt cannot overwrite a newer one. */
  private generation = 0;
  private eventsWanted = 0;
  /** Engines someone still uses (a running workspace, a build), with how many holds each. */
  private readonly holds = new Map<Engine, number>();
  /** Engines the service has moved on from, closed when their last hold goes. */
  private readonly retired = new Set<Engine>();
  private subscription: EventSubscription | undefined;
  private readonly notified = new Set<string>();

  private readonly stateEmitter = new vscode.EventEmitter<EngineState>();
  private readonly eventEmitter = new vscode.EventEmitter<EngineEvent>();
  private readonly resyncEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.stateEmitter, this.eventEmitter, this.resyncEmitter];

  /** Fires on every state change. */
  readonly onDidChangeState = this.stateEmitter.event;
  /** One engine event; only while some view wants events (see `wantEvents`). */
  readonly onDidReceiveEvent = this.eventEmitter.event;
  /** The stream came back after a gap, or the engine changed: re-list everything. */
  readonly onDidResync = this.resyncEmitter.event;

  constructor(private readonly module: EngineModule) {
    this.disposables.push(
      config.onDidChangeDockerHost(() => this.reconnectIfMoved()),
      module.watchContexts(() => this.reconnectIfMoved()),
    );
    void vscode.commands.executeCommand('setContext', 'berth.engineState', 'connecting');
  }

  get state(): EngineState {
    return this.current;
  }

  /** The connected engine, connecting first when needed. @throws EngineError when it cannot. */
  async engine(): Promise<Engine> {
    if (this.engineInstance && this.current.kind === 'connected') return this.engineInstance;
    if (!this.connecting) {
      // A failed engine may still have a watcher waiting to reconnect: start afresh instead.
      if (this.engineInstance) this.teardown();
      this.connecting = this.connect();
    }
    return this.connecting;
  }

  /**
   * Starts connecting in the background when a view is shown: the first time, and again after
   * a failure nothing is retrying (a user opening the views is a natural moment to look again;
   * the welcome view, not a popup, says how it went).
   */
  ensureStarted(): void {
    const retryable = this.current.kind === 'failed' && !this.subscription && !this.connecting;
    if (this.current.kind === 'idle' || retryable) void this.engine().catch(() => undefined);
  }

  /**
   * A list call found the engine gone (daemon stopped, socket removed): say so, so the welcome
   * views explain it, and wait for Retry or the next context change.
   */
  connectionLost(error: EngineError): void {
    if (this.current.kind !== 'connected') return;
    const endpoint = this.current.endpoint;
    // With an event stream running, keep it: it reconnects with backoff and brings us back.
    if (!this.subscription) this.teardown();
    this.setState({ kind: 'failed', endpoint, error });
  }

  /**
   * Keeps `engine` open until the returned function is called, even when the service reconnects
   * meanwhile: a running workspace's terminal and a build keep the connection they started on,
   * and can still remove what they made. Safe to call the release twice.
   */
  hold(engine: Engine): () => void {
    this.holds.set(engine, (this.holds.get(engine) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.holds.get(engine) ?? 1) - 1;
      if (left > 0) return void this.holds.set(engine, left);
      this.holds.delete(engine);
      if (this.retired.delete(engine)) engine.dispose();
    };
  }

  /** Drops the current connection and tries again; resolves with the new state. */
  async retry(): Promise<EngineState> {
    this.teardown();
    await this.engine().catch(() => undefined);
    return this.current;
  }

  /**
   * Keeps the event stream running while the returned disposable lives (a visible view holds
   * one); the stream stops when nobody wants it, so an idle window makes no requests.
   */
  wantEvents(): vscode.Disposable {
    this.eventsWanted++;
    this.updateSubscription();
    let released = false;
    return new vscode.Disposable(() => {
      if (released) return;
      released = true;
      this.eventsWanted--;
      this.updateSubscription();
    });
  }

  /** Whether the event stream is running (tests and the bench check that idle means no stream). */
  get eventsActive(): boolean {
    return this.subscription !== undefined;
  }

  /** The contexts the docker CLI knows, for the switcher. */
  contexts(): ContextChoice[] {
    return this.module.listContexts();
  }

  /**
   * Makes `name` the docker CLI's current context (as `docker context use` does: currentContext in
   * config.json, removed for `default`); the file watcher then reconnects.
   */
  async useContext(name: string): Promise<void> {
    const file = path.join(this.module.dockerConfigDir(), 'config.json');
    let data: Record<string, unknown> = {};
    let mode = 0o600;
    try {
      const text = await fs.promises.readFile(file, 'utf8');
      mode = (await fs.promises.stat(file)).mode & 0o777;
      const parsed: unknown = text.trim() ? JSON.parse(text) : {};
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      data = parsed as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new EngineError(
          'api',
          vscode.l10n.t('{0} cannot be read: {1}', file, (error as Error).message),
          vscode.l10n.t('Fix or remove the file, then switch again.'),
        );
      }
    }
    if (name === 'default') delete data.currentContext;
    else data.currentContext = name;
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    // Written beside and renamed, so the CLI never reads half a file.
    const temporary = `${file}.berth-${process.pid}`;
    await fs.promises.writeFile(temporary, `${JSON.stringify(data, null, '\t')}\n`, { mode });
    await fs.promises.rename(temporary, file);
    this.reconnectIfMoved();
  }

  /**
   * Shows a connection failure as a notification, once per failure and endpoint for the
   * session: the welcome views carry the explanation after that. `force` shows it again (the
   * user asked for something), under `title` when a command failed.
   */
  notifyFailure(error: EngineError, force = false, title?: string): void {
    const key = `${error.kind}|${this.current.kind === 'failed' ? this.current.endpoint?.display : ''}`;
    if (!force && this.notified.has(key)) return;
    this.notified.add(key);
    const retry = vscode.l10n.t('Retry');
    const reason = error.hint ? `${error.message} ${error.hint}` : error.message;
    const message = title ? `${title}: ${reason}` : reason;
    void vscode.window.showErrorMessage(message, retry).then((choice) => {
      if (choice === retry) void vscode.commands.executeCommand('berth.retryConnection');
    });
  }

  /**
   * Closes the connection, and stops watching settings and contexts. A held connection stays open
   * until its holder lets go: the extension's parts are disposed synchronously, and a workspace
   * stopping as the window closes still needs it to remove its container.
   */
  dispose(): void {
    this.teardown();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  // --- internals ---------------------------------------------------------------------------------

  private setState(state: EngineState): void {
    this.current = state;
    void vscode.commands.executeCommand('setContext', 'berth.engineState', stateContextValue(state));
    // Lets the welcome view point at the setting when that is where the address came from.
    void vscode.commands.executeCommand('setContext', 'berth.engineSource', state.kind === 'idle' ? undefined : state.endpoint?.source);
    this.stateEmitter.fire(state);
  }

  private async connect(): Promise<Engine> {
    const generation = ++this.generation;
    let endpoint: Endpoint | undefined;
    let engine: Engine | undefined;
    try {
      endpoint = this.module.resolveEndpoint(config.dockerHost());
      this.setState({ kind: 'connecting', endpoint });
      engine = this.module.createEngine(endpoint);
      await engine.ping(AbortSignal.timeout(PING_TIMEOUT_MS));
      const version = await engine.version();
      if (generation !== this.generation) {
        engine.dispose();
        throw new EngineError('api', vscode.l10n.t('The engine connection was replaced.'));
      }
      this.engineInstance = engine;
      this.connecting = undefined;
      this.setState({ kind: 'connected', endpoint, version });
      this.updateSubscription();
      return engine;
    } catch (error) {
      engine?.dispose();
      const engineError = asEngineError(error);
      if (generation === this.generation) {
        this.connecting = undefined;
        this.setState({ kind: 'failed', endpoint, error: engineError });
      }
      throw engineError;
    }
  }

  /** The event stream came back after the engine went away: connected again, views re-list. */
  private async recovered(engine: Engine, generation: number): Promise<void> {
    try {
      const version = await engine.version();
      if (generation !== this.generation || this.current.kind !== 'failed') return;
      this.setState({ kind: 'connected', endpoint: engine.endpoint, version });
    } catch {
      // Still down: the watcher keeps trying.
    }
  }

  private teardown(): void {
    this.generation++;
    this.subscription?.dispose();
    this.subscription = undefined;
    const engine = this.engineInstance;
    if (engine && this.holds.has(engine)) this.retired.add(engine);
    else engine?.dispose();
    this.engineInstance = undefined;
    this.connecting = undefined;
  }

  private updateSubscription(): void {
    const engine = this.engineInstance;
    if (this.eventsWanted > 0 && engine && !this.subscription) {
      const generation = this.generation;
      this.subscription = this.module.watchEvents(engine, {
        onEvent: (event) => this.eventEmitter.fire(event),
        onResync: () => {
          if (generation !== this.generation) return;
          if (this.current.kind === 'failed') void this.recovered(engine, generation);
          else this.resyncEmitter.fire();
        },
        onDisconnect: (error) => {
          if (generation === this.generation && this.current.kind === 'connected') {
            this.setState({ kind: 'failed', endpoint: this.current.endpoint, error });
          }
        },
      });
    } else if (this.eventsWanted === 0 && this.subscription) {
      this.subscription.dispose();
      this.subscription = undefined;
    }
  }

  /** Re-resolves the endpoint; reconnects when it moved (or when the last attempt failed). */
  private reconnectIfMoved(): void {
    if (this.current.kind === 'idle') return;
    let next: Endpoint | undefined;
    try {
      next = this.module.resolveEndpoint(config.dockerHost());
    } catch {
      next = undefined;
    }
    const now = 'endpoint' in this.current ? this.current.endpoint : undefined;
    if (this.current.kind === 'connected' && endpointKey(next) === endpointKey(now)) return;
    this.teardown();
    this.resyncEmitter.fire();
    void this.engine().catch(() => undefined);
  }
}
