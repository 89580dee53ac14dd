/**
 * Executes a run spec: checks ports, makes sure the image and caches are there, creates,
 * attaches and starts the container, and removes it again on any failure, so a bad run
 * leaves nothing behind. The engine is reached through `RunnerEngine`, an interface of ours.
 */
import { createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { EngineError, type ProgressEvent, type RunnerEngine } from '../engine/types';
import type { BuildSpec, RunSpec } from './spec';

export type { RunnerEngine };

export interface RunIO {
  onProgress?: (event: ProgressEvent) => void;
  /** The builder's output lines, when the run builds its image first. */
  onBuildOutput?: (line: string) => void;
  signal?: AbortSignal;
  /** How long a command may run before an exit counts as a finished run rather than a failed start. */
  startupWindowMs?: number;
}

export interface RunningWorkspace {
  id: string;
  name: string;
  stream: Duplex;
  /** What the command printed while it started; the stream carries on from there. */
  startOutput: string;
  published: RunSpec['published'];
  resize(columns: number, rows: number): Promise<void>;
  /** The exit code once the command ends. */
  exited: Promise<number>;
  /** Stops and removes the container (closing the terminal does this). */
  stop(): Promise<void>;
}

/** Why a run could not start; the message says what to do, and nothing was left behind. */
export class RunError extends Error {
  constructor(
    message: string,
    readonly reason: 'port-in-use' | 'image-missing' | 'build-failed' | 'already-running' | 'exited' | 'remote-folder' | 'engine',
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'RunError';
  }
}

/** Whether this machine can listen on address:port right now. */
export function portFree(port: number, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: address, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

const OUTPUT_TAIL = 2000;

export async function runWorkspace(engine: RunnerEngine, spec: RunSpec, io: RunIO = {}): Promise<RunningWorkspace> {
  if (engine.local) {
    for (const p of spec.published) {
      if (p.protocol === 'tcp' && !(await portFree(p.host, p.address))) {
        throw new RunError(
          `Port ${p.host} is already in use on ${p.address}. Stop what uses it, or publish the container's port ${p.container} on another host port (ports: ["${p.host + 1}:${p.container}"]).`,
          'port-in-use',
        );
      }
    }
  }

  const existing = await engine.findContainer(spec.name);
  if (existing?.running) {
    throw new RunError(
      `This workspace already runs in container ${spec.name}. Stop it first, or open its terminal.`,
      'already-running',
      existing.id,
    );
  }
  if (existing) await engine.remove(existing.id);

  let published = spec.published;
  let create = spec.create;
  if (spec.build) {
    await build(engine, spec.build, io);
    ({ create, published } = await withExposedPorts(engine, spec, io));
  }

  if (!(await engine.imageExists(create.Image))) {
    try {
      await engine.pullImage(create.Image, io.onProgress ?? (() => undefined), io.signal);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new RunError(
        `Image '${create.Image}' is not on this engine and could not be pulled (${why}). Choose a local image, or check the registry connection.`,
        'image-missing',
        why,
      );
    }
  }

  // A new named volume belongs to root; make it the user's once, when it is created.
  const owner = create.User;
  for (const cache of spec.caches) {
    const created = await engine.ensureVolume(cache.volume, { 'berth.managed': 'true', ...(owner ? { 'berth.owner': owner } : {}) });
    if (created && owner && owner !== 'root' && owner !== '0') {
      await engine.runToCompletion(create.Image, ['chown', owner, cache.target], [cache]);
    }
  }

  const id = await engine.createContainer(spec.name, create);
  try {
    const stream = await engine.attach(id);
    let output = '';
    let startOutput = '';
    const collect = (chunk: Buffer | string) => {
      const text = chunk.toString();
      startOutput += text;
      output = (output + text).slice(-OUTPUT_TAIL);
    };
    stream.on('data', collect);
    const exited = engine.wait(id);
    try {
      await engine.start(id);
    } catch (error) {
      throw startError(error, { ...spec, create, published });
    }
    // A command that fails at once is a failed start: say why, with what it printed.
    const window = io.startupWindowMs ?? 1500;
    const early = await Promise.race([exited.then((code) => ({ code })), delay(window).then(() => undefined)]);
    if (early && early.code !== 0) {
      await new Promise((r) => setImmediate(r));
      const tail = output.trim().split('\n').slice(-5).join('\n');
      throw new RunError(`The command exited at once with code ${early.code}${tail ? `:\n${tail}` : '.'}`, 'exited', tail);
    }
    stream.off('data', collect);
    // Without a listener a flowing stream drops data: hold it until the caller reads.
    stream.pause();
    let stopped = false;
    return {
      id,
      name: spec.name,
      stream,
      startOutput,
      published,
      resize: (columns, rows) => engine.resize(id, columns, rows),
      exited,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        stream.destroy();
        await engine.remove(id);
      },
    };
  } catch (error) {
    await engine.remove(id).catch(() => undefined);
    throw error;
  }
}

/** The built image's EXPOSEd ports the spec does not publish yet, added on the same port where free. */
async function withExposedPorts(engine: RunnerEngine, spec: RunSpec, io: RunIO): Promise<Pick<RunSpec, 'create' | 'published'>> {
  const { create, published, publishExposed } = spec;
  if (!publishExposed) return { create, published };
  const exposed = await engine.imageExposedPorts(create.Image).catch(() => []);
  const extra: RunSpec['published'] = [];
  for (const key of exposed) {
    const m = /^(\d+)\/(tcp|udp)$/.exec(key);
    if (!m || key in create.ExposedPorts) continue;
    const port = Number(m[1]);
    const protocol = m[2] as 'tcp' | 'udp';
    if (published.some((p) => p.host === port && p.protocol === protocol)) continue;
    if (engine.local && protocol === 'tcp' && !(await portFree(port, publishExposed.address))) {
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

async function build(engine: RunnerEngine, spec: BuildSpec, io: RunIO): Promise<void> {
  const tail: string[] = [];
  try {
    await engine.buildImage(
      spec,
      (line) => {
        tail.push(line);
        if (tail.length > 12) tail.shift();
        io.onBuildOutput?.(line);
      },
      io.signal,
    );
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new RunError(buildFailure(why, spec, tail), 'build-failed', why);
  }
}

/** The builder's reason, the last lines it printed, and what to do for the causes seen most. */
function buildFailure(why: string, spec: BuildSpec, tail: string[]): string {
  const lines = tail
    .filter((l) => !why.includes(l.trim()))
    .slice(-6)
    .join('\n');
  let hint = '';
  if (/requires BuildKit|--mount|unknown flag: (mount|chmod|link|parents|exclude|checksum)|heredoc/i.test(why + lines)) {
    hint = ` This Dockerfile needs BuildKit, which the Engine API's classic builder lacks: build it with \`docker buildx build -t ${spec.tag}${spec.dockerfile === 'Dockerfile' ? '' : ` -f ${spec.dockerfile}`} .\` in ${spec.context} and run the image (image: ${spec.tag}).`;
  } else if (
    /pull access denied|manifest unknown|not found: manifest|dial tcp|lookup .* (no such host|server misbehaving)|connection refused|i\/o timeout/i.test(
      why,
    )
  ) {
    hint = ' A base image in FROM could not be pulled: build or pull it on this engine first, or point FROM at a local image.';
  } else if (/Cannot locate specified Dockerfile|no such file or directory.*Dockerfile/i.test(why)) {
    hint = ` Check build.dockerfile (${spec.dockerfile}) and build.context (${spec.context}).`;
  }
  return `Building ${spec.dockerfile} failed: ${why.trim()}${lines ? `\n${lines}` : ''}${hint}`;
}

function startError(error: unknown, spec: RunSpec): Error {
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
  if (bind && /bind source path does not exist|invalid mount config|no such file or directory/i.test(message)) {
    return new RunError(
      `The engine cannot see the workspace folder ${bind.Source}. A remote engine mounts paths of its own machine: run Berth where the files are, or use a local engine.`,
      'remote-folder',
      message,
    );
  }
  if (error instanceof EngineError) return new RunError(`${error.message}${error.hint ? ` ${error.hint}` : ''}`, 'engine', message);
  return new RunError(message, 'engine', message);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
