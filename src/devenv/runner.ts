/**
 * Executes a run spec on an Engine: checks ports, makes sure the image and caches are there
 * (pulling with the user's registry credentials), creates, attaches and starts the container,
 * and removes it again on any failure or cancel, so a bad run leaves nothing behind. Before each
 * run it also removes what earlier runs left when their process or engine died.
 */
import { createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { findCredentials } from '../engine/registryAuth';
import {
  EngineError,
  type BuilderChoice,
  type BuildStep,
  type ContainerCreate,
  type Engine,
  type ProgressEvent,
  type RegistryAuth,
} from '../engine/types';
import { isLocalEndpoint } from '../shared/endpoint';
import { buildRegistries } from './buildAuth';
import { buildFailure } from './buildFailure';
import { LABELS, type BuildSpec, type RunSpec } from './spec';

export interface RunIO {
  onProgress?: (event: ProgressEvent) => void;
  /** The builder's output lines, when the run builds its image first. */
  onBuildOutput?: (line: string) => void;
  /** BuildKit's steps after each change, when the run builds with it. */
  onBuildSteps?: (steps: BuildStep[]) => void;
  /** Which builder builds the image; BuildKit when the engine has it by default. */
  builder?: BuilderChoice;
  /** Cancels the run; whatever it created so far is removed. */
  signal?: AbortSignal;
  /** How long a command may run before an exit counts as a finished run rather than a failed start. */
  startupWindowMs?: number;
  /** The credentials a pull of `reference` sends; the docker CLI's stored ones by default. */
  credentials?: (reference: string) => Promise<RegistryAuth | undefined>;
}

export interface RunningWorkspace {
  id: string;
  name: string;
  stream: Duplex;
  /** What the command printed while it started; the stream carries on from there. */
  startOutput: string;
  published: RunSpec['published'];
  resize(columns: number, rows: number): Promise<void>;
  /** The exit code once the command ends; rejects (an EngineError) when the engine goes away meanwhile. */
  exited: Promise<number>;
  /** Stops and removes the container (closing the terminal does this). */
  stop(): Promise<void>;
}

/** Why a run could not start; the message says what to do, and nothing was left behind. */
export class RunError extends Error {
  constructor(
    message: string,
    readonly reason:
      | 'port-in-use'
      | 'bind-address'
      | 'image-missing'
      | 'build-failed'
      | 'already-running'
      | 'exited'
      | 'remote-folder'
      | 'engine'
      | 'cancelled',
    readonly detail?: string,
    /** For a failed build: the Dockerfile line of the step that failed (0-based). */
    readonly location?: { file: string; line: number },
  ) {
    super(message);
    this.name = 'RunError';
  }
}

/** Whether this machine can listen on address:port right now: free, taken, or an address it does not have. */
export function portState(port: number, address: string): Promise<'free' | 'in-use' | 'no-such-address'> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? 'in-use' : 'no-such-address'),
    );
    server.listen({ port, host: address, exclusive: true }, () => server.close(() => resolve('free')));
  });
}

/** Whether this machine can listen on address:port right now. */
export async function portFree(port: number, address: string): Promise<boolean> {
  return (await portState(port, address)) === 'free';
}

const OUTPUT_TAIL = 2000;
/** After the exit, the output still on its way gets this long to arrive. */
const OUTPUT_DRAIN_MS = 2000;
/** A container created but never started is a leftover only once no run can still be starting it. */
const CREATED_LEFTOVER_SECONDS = 600;

/**
 * Removes Berth's run containers that outlived the process that ran them (its terminal closed
 * while the engine was down, or the process was killed): those marked transient that have exited.
 * Resolves with their names. Never throws.
 */
export async function removeLeftovers(engine: Engine): Promise<string[]> {
  try {
    const now = Date.now() / 1000;
    const found = await engine.listContainers({ filters: { label: [`${LABELS.transient}=true`], status: ['exited', 'dead', 'created'] } });
    const left = found.filter((c) => c.state !== 'created' || now - c.created > CREATED_LEFTOVER_SECONDS);
    for (const c of left) await engine.removeContainer(c.id, { force: true }).catch(() => undefined);
    return left.map((c) => c.name);
  } catch {
    return [];
  }
}

/** Kills and removes; never throws for a container that is already gone or going. */
async function remove(engine: Engine, id: string): Promise<void> {
  try {
    await engine.removeContainer(id, { force: true });
  } catch (error) {
    if (!(error instanceof EngineError && (error.kind === 'not-found' || error.kind === 'conflict'))) throw error;
  }
}

async function imageExists(engine: Engine, reference: string): Promise<boolean> {
  try {
    await engine.inspectImage(reference);
    return true;
  } catch (error) {
    if (error instanceof EngineError && error.kind === 'not-found') return false;
    throw error;
  }
}

function cancelled(): RunError {
  return new RunError('The run was cancelled; nothing was left behind.', 'cancelled');
}

export async function runWorkspace(engine: Engine, spec: RunSpec, io: RunIO = {}): Promise<RunningWorkspace> {
  const checkCancel = () => {
    if (io.signal?.aborted) throw cancelled();
  };
  // Calls that change nothing are abandoned at a cancel; their answer no longer matters.
  const step = <T>(call: Promise<T>): Promise<T> => untilCancelled(call, io.signal);
  const local = isLocalEndpoint(engine.endpoint);
  if (local) await step(checkPorts(spec.published));
  checkCancel();
  await step(removeLeftovers(engine));

  const existing = (await step(engine.listContainers({ filters: { name: [`^/${spec.name}$`] } })))[0];
  if (existing?.state === 'running' || existing?.state === 'restarting' || existing?.state === 'paused') {
    throw new RunError(
      `This workspace already runs in container ${spec.name}. Stop it first, or open its terminal.`,
      'already-running',
      existing.id,
    );
  }
  if (existing) await remove(engine, existing.id);
  checkCancel();

  let published = spec.published;
  let create = spec.create;
  const credentials = io.credentials ?? ((reference: string) => findCredentials(reference));
  if (spec.build) {
    await build(engine, spec.build, io, credentials);
    ({ create, published } = await withExposedPorts(engine, spec, local, io));
  } else if (!(await step(imageExists(engine, create.Image)))) {
    await pull(engine, create.Image, io, credentials);
  }
  checkCancel();

  // A new named volume belongs to root; make it the user's once, when it is created.
  const owner = create.User;
  for (const cache of spec.caches) {
    const created = await ensureVolume(engine, cache.volume, { [LABELS.managed]: 'true', ...(owner ? { 'berth.owner': owner } : {}) });
    if (created && owner && owner !== 'root' && owner !== '0') await chown(engine, create.Image, owner, cache);
    checkCancel();
  }

  const id = await engine.createContainer(spec.name, create);
  try {
    for (const network of spec.networks ?? []) await engine.connectNetwork(network, id);
    checkCancel();
    const stream = await engine.attachContainer(id, { tty: create.Tty });
    let output = '';
    let startOutput = '';
    const collect = (chunk: Buffer | string) => {
      const text = chunk.toString();
      startOutput += text;
      output = (output + text).slice(-OUTPUT_TAIL);
    };
    stream.on('data', collect);
    // Errors surface through `exited` and the caller's own reads; an unread failure must not crash.
    stream.on('error', () => undefined);
    // The exit code comes on its own connection: wait for the output to drain too, so whoever
    // reads the stream has all of it when `exited` resolves.
    const exited = engine.waitContainer(id, 'next-exit').then(async (code) => {
      await drained(stream, OUTPUT_DRAIN_MS);
      return code;
    });
    exited.catch(() => undefined);
    try {
      await engine.startContainer(id);
    } catch (error) {
      throw startError(error, { ...spec, create, published }, local);
    }
    // A command that fails at once is a failed start: say why, with what it printed.
    const window = io.startupWindowMs ?? 1500;
    const early = await Promise.race([exited.then((code) => ({ code })), delay(window, io.signal).then(() => undefined)]);
    checkCancel();
    if (early && early.code !== 0) {
      await new Promise((r) => setImmediate(r));
      const tail = output.trim().split('\n').slice(-5).join('\n');
      throw new RunError(`The command exited at once with code ${early.code}${tail ? `:\n${tail}` : '.'}`, 'exited', tail);
    }
    stream.off('data', collect);
    // Without a listener a flowing stream drops data: hold it until the caller reads.
    stream.pause();
    let stopped: Promise<void> | undefined;
    return {
      id,
      name: spec.name,
      stream,
      startOutput,
      published,
      resize: (columns, rows) => engine.resizeContainer(id, columns, rows).catch(ignoreGone),
      exited,
      stop: () =>
        (stopped ??= (async () => {
          stream.destroy();
          await remove(engine, id);
        })()),
    };
  } catch (error) {
    await remove(engine, id).catch(() => undefined);
    throw error;
  }
}

/** Resizing a container that just stopped is not worth an error. */
function ignoreGone(error: unknown): void {
  if (error instanceof EngineError && (error.kind === 'not-found' || error.kind === 'conflict' || error.statusCode === 500)) return;
  throw error;
}

async function checkPorts(published: RunSpec['published']): Promise<void> {
  for (const p of published) {
    if (p.protocol !== 'tcp') continue;
    const state = await portState(p.host, p.address);
    if (state === 'no-such-address') {
      throw new RunError(
        `Cannot publish port ${p.host} on ${p.address}: this machine has no such address. Use 127.0.0.1 (the default), 0.0.0.0 for every interface, or an address of this machine (bind: …).`,
        'bind-address',
      );
    }
    if (state === 'in-use') {
      throw new RunError(
        `Port ${p.host} is already in use on ${p.address}. Stop what uses it, or publish the container's port ${p.container} on another host port (ports: ["${p.host + 1}:${p.container}"]).`,
        'port-in-use',
      );
    }
  }
}

async function pull(
  engine: Engine,
  image: string,
  io: RunIO,
  credentials: (reference: string) => Promise<RegistryAuth | undefined>,
): Promise<void> {
  try {
    const auth = await credentials(image);
    await engine.pullImage(image, io.onProgress ?? (() => undefined), io.signal, auth);
  } catch (error) {
    if (io.signal?.aborted) throw cancelled();
    const why = error instanceof Error ? error.message : String(error);
    // The engine itself failing is not the image's fault: say that, with its hint.
    if (error instanceof EngineError && error.kind !== 'api' && error.kind !== 'not-found') throw error;
    throw new RunError(
      `Image '${image}' is not on this engine and could not be pulled (${why}). Choose a local image, or check the registry connection and your docker login.`,
      'image-missing',
      why,
    );
  }
}

/** Creates the volume when missing; true when it was created now. */
async function ensureVolume(engine: Engine, name: string, labels: Record<string, string>): Promise<boolean> {
  try {
    await engine.inspectVolume(name);
    return false;
  } catch (error) {
    if (!(error instanceof EngineError && error.kind === 'not-found')) throw error;
  }
  await engine.createVolume(name, { labels });
  return true;
}

/** `chown owner target` as root in a throwaway container with the volume mounted. */
async function chown(engine: Engine, image: string, owner: string, cache: { volume: string; target: string }): Promise<void> {
  const create: ContainerCreate = {
    Image: image,
    Cmd: ['chown', owner, cache.target],
    WorkingDir: '',
    User: '0:0',
    Env: [],
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ExposedPorts: {},
    Labels: { [LABELS.managed]: 'true', [LABELS.transient]: 'true' },
    HostConfig: {
      Mounts: [{ Type: 'volume', Source: cache.volume, Target: cache.target }],
      PortBindings: {},
      Init: false,
      NetworkMode: 'none',
    },
  };
  const id = await engine.createContainer(`${cache.volume}-chown-${process.pid}`, create);
  try {
    const exited = engine.waitContainer(id, 'next-exit');
    exited.catch(() => undefined);
    await engine.startContainer(id);
    const code = await exited;
    if (code !== 0)
      throw new RunError(`Could not make the cache volume ${cache.volume} writable for ${owner} (chown exited with ${code}).`, 'engine');
  } finally {
    await remove(engine, id).catch(() => undefined);
  }
}

/** The built image's EXPOSEd ports the spec does not publish yet, added on the same port where free. */
async function withExposedPorts(engine: Engine, spec: RunSpec, local: boolean, io: RunIO): Promise<Pick<RunSpec, 'create' | 'published'>> {
  const { create, published, publishExposed } = spec;
  if (!publishExposed) return { create, published };
  const info = (await engine.inspectImage(create.Image).catch(() => ({}))) as {
    Config?: { ExposedPorts?: Record<string, unknown> | null };
  };
  const exposed = Object.keys(info.Config?.ExposedPorts ?? {});
  const extra: RunSpec['published'] = [];
  for (const key of exposed) {
    const m = /^(\d+)\/(tcp|udp)$/.exec(key);
    if (!m || key in create.ExposedPorts) continue;
    const port = Number(m[1]);
    const protocol = m[2] as 'tcp' | 'udp';
    if (published.some((p) => p.host === port && p.protocol === protocol)) continue;
    if (local && protocol === 'tcp' && !(await portFree(port, publishExposed.address))) {
      io.onBuildOutput?.(
        `Port ${port}, which the image EXPOSEs, is in use on ${publishExposed.address}: not published. Set ports: ["<free port>:${port}"] to reach it.`,
      );
      continue;
    }
    extra.push({ host: port, container: port, protocol, address: publishExposed.address });
  }
  if (!extra.length) return { create, published };
  const bindings = { ...create.HostConfig.PortBindings };
  const exposedPorts = { ...create.ExposedPorts };
  for (const p of extra) {
    exposedPorts[`${p.container}/${p.protocol}`] = {};
    bindings[`${p.container}/${p.protocol}`] = [{ HostIp: p.address, HostPort: String(p.host) }];
  }
  return {
    create: { ...create, ExposedPorts: exposedPorts, HostConfig: { ...create.HostConfig, PortBindings: bindings } },
    published: [...published, ...extra],
  };
}

async function build(
  engine: Engine,
  spec: BuildSpec,
  io: RunIO,
  credentials: (reference: string) => Promise<RegistryAuth | undefined>,
): Promise<void> {
  try {
    const registries = await buildRegistries(spec, credentials);
    await engine.buildImage(spec, {
      builder: io.builder,
      onOutput: io.onBuildOutput,
      onSteps: io.onBuildSteps,
      signal: io.signal,
      registries,
    });
  } catch (error) {
    if (io.signal?.aborted) throw cancelled();
    const failure = await buildFailure(error, spec);
    throw new RunError(failure.message, 'build-failed', failure.why, failure.location);
  }
}

/** A failed start in the user's terms: a port taken on the engine's host, a folder the engine cannot see, or the engine's own words. */
function startError(error: unknown, spec: RunSpec, local: boolean): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/port is already allocated|address already in use/i.test(message)) {
    const ports = spec.published.map((p) => `${p.address}:${p.host}`).join(', ');
    return new RunError(
      `A published port (${ports}) is already in use on the engine's host. Choose another host port.`,
      'port-in-use',
      message,
    );
  }
  const bind = spec.create.HostConfig.Mounts.find((m) => m.Type === 'bind');
  // Only the folder's own path missing means the engine cannot see it; a missing path inside the
  // container (a mount over /dev hides /dev/null) is the runtime's error, told as it is.
  if (bind && (/bind source path does not exist/i.test(message) || (!local && message.includes(bind.Source)))) {
    return new RunError(
      `The engine cannot see the workspace folder ${bind.Source}. A remote engine mounts paths of its own machine: run Berth where the files are, or use a local engine.`,
      'remote-folder',
      message,
    );
  }
  if (error instanceof EngineError) return new RunError(`${error.message}${error.hint ? ` ${error.hint}` : ''}`, 'engine', message);
  return new RunError(message, 'engine', message);
}

/** `call`, or a cancelled RunError as soon as the signal aborts (the call itself runs on to its deadline, unheeded). */
function untilCancelled<T>(call: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return call;
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Resolves once `stream` has ended (its reader has had everything), or after `ms`. */
function drained(stream: Duplex, ms: number): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stream.off('end', done).off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stream.once('end', done).once('close', done);
  });
}

/** Resolves after `ms`, or at once when the signal aborts. */
function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // Unref'd: a run that has already ended must not keep a CLI process waiting for the window.
    const timer = setTimeout(done, ms).unref();
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
