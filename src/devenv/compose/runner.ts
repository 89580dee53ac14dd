/**
 * Runs Compose for a project: up, down, stop, start, restart, pull, build, its service and profile
 * lists. Compose does the work as the user has it; the engine is asked what the project holds
 * before and after, so a failed `up` removes what it made, a failed service is named with its last
 * log lines, and a project whose files are not on this machine is still stopped, started and taken
 * down, through the engine and its labels.
 */
import {
  EngineError,
  type ContainerState,
  type ContainerSummary,
  type Engine,
  type NetworkSummary,
  type VolumeSummary,
} from '../../engine/types';
import { composeArgv, serviceNameProblem, type ComposeAction, type ComposeTarget } from './argv';
import type { ComposeCli } from './cli';
import { describeFailure, parseFailure, parseProgressLine, type ComposeFailure, type ComposeProgress, type OutputContext } from './output';
import { spawnProcess, type ComposeSpawn, type SpawnResult } from './process';
import { COMPOSE_LABELS } from './project';

/** A Compose command that failed: one message naming the fix, and what Compose said. */
export class ComposeError extends Error {
  constructor(
    message: string,
    readonly failure: ComposeFailure,
    /** Compose's whole output. */
    readonly output: string,
  ) {
    super(message);
    this.name = 'ComposeError';
  }
}

/** What the runner works with: the user's Compose, its environment (the engine named), the engine itself. */
export interface ComposeDeps {
  cli: ComposeCli;
  /** The environment Compose runs in (see composeEnvironment). */
  env: Record<string, string>;
  engine: Engine;
  spawn?: ComposeSpawn;
}

/** A project to act on: by its files (a target), or by name only, through the engine and its labels. */
export interface ProjectRef {
  /** The project's name: its containers carry it in `com.docker.compose.project`. */
  project: string;
  /** How Compose reaches its files; absent when they are not on this machine. */
  target?: ComposeTarget;
}

/** One service container as the engine reports it. */
export interface ServiceState {
  service: string;
  id: string;
  name: string;
  state: ContainerState;
  health?: ContainerSummary['health'];
  /** For an exited container. */
  exitCode?: number;
}

/** A service that did not come up: why, and the last lines it logged. */
export interface ServiceFailure {
  service: string;
  reason: string;
  exitCode?: number;
  logTail: string;
}

export interface CommandIO {
  /** Each progress line, as it comes. */
  onProgress?: (progress: ComposeProgress) => void;
  /** Compose's raw output, as printed. */
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
}

export interface UpOptions extends CommandIO {
  services: string[];
  build?: boolean;
  /** The project's services, to name containers by service in progress lines. */
  declared?: readonly string[];
}

export interface UpResult {
  project: string;
  /** The project's containers after the up, by service. */
  services: ServiceState[];
  /** Services that exited or restart at once: named with their last log lines. */
  failed: ServiceFailure[];
}

/** What `down` removes: shown before it goes. */
export interface ProjectResources {
  containers: ContainerSummary[];
  networks: NetworkSummary[];
  volumes: VolumeSummary[];
}

const LOG_TAIL_LINES = 12;

/** Reads the whole of a non-followed log stream, up to a deadline. */
async function logTail(engine: Engine, id: string, lines = LOG_TAIL_LINES): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 5000);
  try {
    const stream = await engine.containerLogs(id, { follow: false, tail: lines }, controller.signal);
    let text = '';
    for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    return text
      .split(/\r?\n/)
      .filter((l) => l.trim())
      .slice(-lines)
      .join('\n');
  } catch {
    return '';
  } finally {
    clearTimeout(timer);
  }
}

function exitCodeOf(status: string): number | undefined {
  const m = /^Exited \((-?\d+)\)/.exec(status.trim());
  return m ? Number(m[1]) : undefined;
}

function stateOf(c: ContainerSummary): ServiceState {
  const exitCode = c.state === 'exited' ? exitCodeOf(c.status) : undefined;
  return {
    service: c.labels[COMPOSE_LABELS.service] ?? c.composeService ?? c.name,
    id: c.id,
    name: c.name,
    state: c.state,
    ...(c.health ? { health: c.health } : {}),
    ...(exitCode !== undefined ? { exitCode } : {}),
  };
}

/** A container that is not one-off (`compose run`) is a service's. */
const isServiceContainer = (c: ContainerSummary) => (c.labels[COMPOSE_LABELS.oneoff] ?? 'False') !== 'True';

/** Runs Compose commands for projects on one engine. */
export class ComposeRunner {
  private readonly spawn: ComposeSpawn;

  constructor(private readonly deps: ComposeDeps) {
    this.spawn = deps.spawn ?? spawnProcess;
  }

  get cli(): ComposeCli {
    return this.deps.cli;
  }

  get engine(): Engine {
    return this.deps.engine;
  }

  /** The argv of an action on a target, as this runner would run it. */
  argv(target: ComposeTarget, action: ComposeAction, plain = true): string[] {
    return composeArgv(this.deps.cli, target, action, plain);
  }

  /** Runs one Compose command; rejects with a ComposeError (message naming the fix) when it fails. */
  async run(target: ComposeTarget, action: ComposeAction, io: CommandIO = {}, context: OutputContext = {}): Promise<SpawnResult> {
    for (const name of [...('services' in action ? action.services : []), ...target.profiles]) {
      const problem = serviceNameProblem(name);
      if (problem) throw new ComposeError(`${problem}.`, { kind: 'other', reason: problem }, '');
    }
    const argv = this.argv(target, action);
    const result = await this.spawn(argv, {
      cwd: target.directory,
      env: this.deps.env,
      signal: io.signal,
      onData: io.onOutput ? (text) => io.onOutput!(text) : undefined,
      onLine: io.onProgress
        ? (line) => {
            const progress = parseProgressLine(line, context);
            if (progress) io.onProgress!(progress);
          }
        : undefined,
    });
    if (result.missing) {
      throw new ComposeError(
        `${argv[0]} was not found: Compose is not installed where Berth looked. Install the Docker Compose plugin or docker-compose, or set berth.compose.command.`,
        { kind: 'other', reason: `${argv[0]} not found` },
        result.output,
      );
    }
    if (result.code !== 0) {
      if (io.signal?.aborted) throw new ComposeError('Cancelled.', { kind: 'other', reason: 'cancelled' }, result.output);
      const failure = parseFailure(result.output, context);
      throw new ComposeError(describeFailure(failure, action.verb), failure, result.output);
    }
    return result;
  }

  /** `config --services`: the services the files declare (with the target's profiles active). */
  async services(target: ComposeTarget): Promise<string[]> {
    return words((await this.run(target, { verb: 'config', list: 'services' })).stdout);
  }

  /** `config --profiles`: every profile the files name. */
  async profiles(target: ComposeTarget): Promise<string[]> {
    return words((await this.run(target, { verb: 'config', list: 'profiles' })).stdout);
  }

  /** The project's service containers, from the engine. */
  async containers(project: string): Promise<ContainerSummary[]> {
    const list = await this.deps.engine.listContainers({ filters: { label: [`${COMPOSE_LABELS.project}=${project}`] } });
    return list.filter(isServiceContainer);
  }

  /** Everything the project has on the engine: what `down` would remove (volumes only when asked). */
  async resources(project: string): Promise<ProjectResources> {
    const engine = this.deps.engine;
    const ours = (labels: Record<string, string>) => labels[COMPOSE_LABELS.project] === project;
    const [containers, networks, volumes] = await Promise.all([
      engine.listContainers({ filters: { label: [`${COMPOSE_LABELS.project}=${project}`] } }),
      engine.listNetworks(),
      engine.listVolumes(),
    ]);
    return { containers, networks: networks.filter((n) => ours(n.labels)), volumes: volumes.filter((v) => ours(v.labels)) };
  }

  /**
   * `up -d`: creates and starts the services (all when none are named). When it fails, whatever
   * this up created (containers, networks, volumes) is removed again, and the message names the
   * service with its last log lines. Services that exited at once are reported in `failed`.
   */
  async up(target: ComposeTarget, project: string, options: UpOptions): Promise<UpResult> {
    const before = await this.resources(project);
    const context: OutputContext = { project, ...(options.declared ? { services: options.declared } : {}) };
    try {
      await this.run(target, { verb: 'up', detach: true, services: options.services, build: options.build }, options, context);
    } catch (error) {
      if (!(error instanceof ComposeError)) throw error;
      const after = await this.resources(project).catch(() => before);
      // The failed service's own words, before its container goes.
      const failedService = error.failure.service;
      const failedContainer = failedService ? after.containers.find((c) => stateOf(c).service === failedService) : undefined;
      const tail = failedContainer ? await logTail(this.deps.engine, failedContainer.id) : '';
      await this.removeNew(before, after);
      const message = tail ? describeFailure(error.failure, 'up', tail) : error.message;
      throw new ComposeError(
        `${message}${error.failure.kind === 'other' && /cancel/i.test(error.failure.reason) ? '' : ' Nothing this up created was left behind.'}`,
        error.failure,
        error.output,
      );
    }
    const containers = await this.containers(project);
    const wanted = options.services.length ? containers.filter((c) => options.services.includes(stateOf(c).service)) : containers;
    const failed: ServiceFailure[] = [];
    for (const c of wanted) {
      const state = stateOf(c);
      if ((state.state === 'exited' && state.exitCode !== 0) || state.state === 'restarting' || state.state === 'dead') {
        failed.push({
          service: state.service,
          reason: state.state === 'restarting' ? 'it keeps restarting' : `it exited with code ${state.exitCode ?? '?'}`,
          ...(state.exitCode !== undefined ? { exitCode: state.exitCode } : {}),
          logTail: await logTail(this.deps.engine, c.id),
        });
      }
    }
    return { project, services: containers.map(stateOf), failed };
  }

  /** Removes what appeared since `before`: new containers first, then their networks and volumes. */
  private async removeNew(before: ProjectResources, after: ProjectResources): Promise<void> {
    const engine = this.deps.engine;
    const had = (list: { id?: string; name: string }[], item: { id?: string; name: string }) =>
      list.some((x) => (x.id && item.id ? x.id === item.id : x.name === item.name));
    // Best effort: the failure is the news; what could not go is found by the next up's snapshot.
    const quietly = (call: Promise<unknown>) => call.catch(() => undefined);
    for (const c of after.containers)
      if (!had(before.containers, c)) await quietly(engine.removeContainer(c.id, { force: true, volumes: true }));
    for (const n of after.networks) if (!had(before.networks, n)) await quietly(engine.removeNetwork(n.id));
    for (const v of after.volumes) if (!had(before.volumes, v)) await quietly(engine.removeVolume(v.name));
  }

  /**
   * Takes the project down: with its files through Compose (`down`, and `--remove-orphans` so
   * containers of services outside the active profiles go too), without them through the engine:
   * its containers, then its networks, and its volumes when asked. `anonymousVolumes`: also the
   * unnamed volumes its containers had (an image's VOLUME), which `down` alone leaves behind.
   */
  async down(
    ref: ProjectRef,
    options: { volumes?: boolean; removeOrphans?: boolean; anonymousVolumes?: boolean } & CommandIO = {},
  ): Promise<void> {
    const engine = this.deps.engine;
    const resources = await this.resources(ref.project);
    const anonymous = options.anonymousVolumes
      ? resources.containers.flatMap((c) =>
          c.mounts.filter((m) => m.type === 'volume' && m.name && /^[0-9a-f]{64}$/.test(m.name)).map((m) => m.name!),
        )
      : [];
    if (ref.target) {
      await this.run(ref.target, { verb: 'down', volumes: options.volumes, removeOrphans: options.removeOrphans ?? true }, options, {
        project: ref.project,
      });
    } else {
      for (const c of resources.containers) await engine.removeContainer(c.id, { force: true }).catch(ignoreGone);
      for (const n of resources.networks) await engine.removeNetwork(n.id).catch(ignoreGone);
      if (options.volumes) for (const v of resources.volumes) await engine.removeVolume(v.name).catch(ignoreGone);
    }
    for (const name of anonymous) await engine.removeVolume(name).catch(() => undefined);
  }

  /** stop, start or restart services (all when none are named), through Compose or, without files, the engine. */
  async lifecycle(ref: ProjectRef, verb: 'stop' | 'start' | 'restart', services: string[], io: CommandIO = {}): Promise<ServiceState[]> {
    if (ref.target) {
      await this.run(ref.target, { verb, services }, io, { project: ref.project });
    } else {
      const engine = this.deps.engine;
      const containers = (await this.containers(ref.project)).filter((c) => !services.length || services.includes(stateOf(c).service));
      await Promise.all(
        containers.map((c) =>
          verb === 'stop' ? engine.stopContainer(c.id) : verb === 'start' ? engine.startContainer(c.id) : engine.restartContainer(c.id),
        ),
      );
    }
    const after = await this.containers(ref.project);
    return after.map(stateOf).filter((s) => !services.length || services.includes(s.service));
  }

  /**
   * The services' logs, line by line with the service that wrote them: through `compose logs`
   * when the files are here, else from the engine, container by container. Resolves when the logs
   * end (unfollowed, or the containers are gone) or the signal aborts.
   */
  async logs(
    ref: ProjectRef,
    services: string[],
    io: { onLine: (service: string, text: string) => void; signal: AbortSignal; follow: boolean; tail?: number },
  ): Promise<void> {
    if (ref.target) {
      const result = await this.spawn(this.argv(ref.target, { verb: 'logs', services, follow: io.follow, tail: io.tail ?? 200 }), {
        cwd: ref.target.directory,
        env: this.deps.env,
        signal: io.signal,
        onLine: (line) => {
          if (/^Attaching to /.test(line)) return;
          const { service, text } = splitLogLine(line);
          io.onLine(service, text);
        },
      });
      if (result.code !== 0 && !io.signal.aborted) {
        const failure = parseFailure(result.output, { project: ref.project });
        throw new ComposeError(describeFailure(failure, 'logs'), failure, result.output);
      }
      return;
    }
    const containers = (await this.containers(ref.project)).filter((c) => !services.length || services.includes(stateOf(c).service));
    await Promise.all(
      containers.map(async (c) => {
        const service = stateOf(c).service;
        const stream = await this.deps.engine.containerLogs(c.id, { follow: io.follow, tail: io.tail ?? 200 }, io.signal);
        let partial = '';
        try {
          for await (const chunk of stream) {
            const lines = (partial + (typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8'))).split(/\r?\n/);
            partial = lines.pop() ?? '';
            for (const line of lines) io.onLine(service, line);
          }
        } catch (error) {
          if (!io.signal.aborted) throw error;
        }
        if (partial) io.onLine(service, partial);
      }),
    );
  }

  /** `pull` or `build` for services (all when none are named), with progress. */
  async fetch(
    target: ComposeTarget,
    project: string,
    verb: 'pull' | 'build',
    services: string[],
    io: CommandIO & { declared?: readonly string[] } = {},
  ): Promise<void> {
    await this.run(target, { verb, services }, io, { project, ...(io.declared ? { services: io.declared } : {}) });
  }
}

/** A log line's service, from Compose's prefix (`web_1  | …` in 1.x, `web-1  | …` in v2). */
export function splitLogLine(line: string): { service: string; text: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*?)(?:[-_]\d+)?\s*\| ?(.*)$/.exec(line);
  return m ? { service: m[1], text: m[2] } : { service: '', text: line };
}

function words(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Removing something that is already gone (or going) is not an error. */
function ignoreGone(error: unknown): void {
  if (error instanceof EngineError && (error.kind === 'not-found' || error.kind === 'conflict')) return;
  throw error;
}
