/**
 * Starts a workspace's services before its container and ends them after it: Compose brings them
 * up, healthchecks are waited for where the services have them, and the networks they are on are
 * handed to the workspace container. Services that were already running before the run are left
 * as they were when it ends; a start that fails takes down what it started.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Engine } from '../engine/types';
import type { ComposeProgress } from './compose/output';
import { ComposeError, type ComposeRunner } from './compose/runner';
import { runWorkspace, type RunIO, type RunningWorkspace } from './runner';
import type { RunConfig } from './config';
import { fsComposeHost, folderCompose, isFileOnDisk } from './compose/fsHost';
import { folderProjectName, planServices, type ServicesPlan } from './services';
import type { RunSpec } from './spec';

export interface ServicesIO {
  /** Each service's steps: pull, create, start, healthy. */
  onServiceProgress?: (progress: ComposeProgress) => void;
  /** Compose's output as printed, and Berth's own lines about the services. */
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
  /** How long a healthcheck may take to pass; 120 s by default. */
  healthTimeoutMs?: number;
}

/** Services that are up for a run. */
export interface RunningServices {
  plan: ServicesPlan;
  /** The networks the workspace container joins: the services' own, the project's default first. */
  networks: string[];
  /** Services this run started; the others were running already and are left as they are. */
  started: string[];
  /** Ends them as `servicesOnExit` says; never throws (the run is over either way). */
  end(): Promise<string>;
}

/** Why the services did not come up; nothing this run started is left running. */
export class ServicesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServicesError';
  }
}

interface Inspected {
  Id: string;
  Name: string;
  Config?: { Labels?: Record<string, string> };
  State?: { Status?: string; ExitCode?: number; Health?: { Status?: string; Log?: { Output?: string; ExitCode?: number }[] } };
  NetworkSettings?: { Networks?: Record<string, unknown> };
}

const HEALTH_POLL_MS = 250;

/** Resolves after `ms`, or at once when the signal aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Waits until every container with a healthcheck reports healthy. Rejects naming the service that
 * became unhealthy or exited, with its healthcheck's last output, or that is still not healthy at the deadline.
 */
export async function waitHealthy(engine: Engine, ids: string[], io: ServicesIO = {}): Promise<void> {
  const deadline = Date.now() + (io.healthTimeoutMs ?? 120_000);
  const reported = new Set<string>();
  for (;;) {
    if (io.signal?.aborted) throw new ServicesError('Cancelled.');
    const states = (await Promise.all(ids.map((id) => engine.inspectContainer(id)))) as Inspected[];
    let waiting = false;
    for (const c of states) {
      const service = c.Config?.Labels?.['com.docker.compose.service'] ?? c.Name.replace(/^\//, '');
      const health = c.State?.Health?.Status;
      if (c.State?.Status === 'exited' || c.State?.Status === 'dead')
        throw new ServicesError(`Service ${service} exited with code ${c.State.ExitCode ?? '?'} before it was healthy.`);
      if (health === undefined || health === 'none' || health === 'healthy') {
        if (health === 'healthy' && !reported.has(service)) {
          reported.add(service);
          io.onServiceProgress?.({ resource: 'service', name: service, service, step: 'ready', state: 'done' });
        }
        continue;
      }
      if (health === 'unhealthy') {
        const last = c.State?.Health?.Log?.at(-1)?.Output?.trim();
        throw new ServicesError(
          `Service ${service} is unhealthy${last ? `: its healthcheck said ${JSON.stringify(last.slice(-300))}` : ''}.`,
        );
      }
      waiting = true;
      if (!reported.has(`${service}:waiting`)) {
        reported.add(`${service}:waiting`);
        io.onServiceProgress?.({ resource: 'service', name: service, service, step: 'wait', state: 'working' });
      }
      if (Date.now() > deadline)
        throw new ServicesError(
          `Service ${service} is still not healthy after ${Math.round((io.healthTimeoutMs ?? 120_000) / 1000)} s. Check its healthcheck and its logs.`,
        );
    }
    if (!waiting) return;
    await pause(HEALTH_POLL_MS, io.signal);
  }
}

/** Starts the plan's services, waits for their healthchecks, and says which networks the workspace joins. */
export async function startServices(runner: ComposeRunner, plan: ServicesPlan, io: ServicesIO = {}): Promise<RunningServices> {
  if (plan.file) {
    mkdirSync(path.dirname(plan.file.path), { recursive: true });
    writeFileSync(plan.file.path, plan.file.text);
  }
  const before = await runner.containers(plan.project);
  const alreadyRunning = new Set(
    before.filter((c) => c.state === 'running' && plan.services.includes(c.composeService ?? '')).map((c) => c.composeService ?? ''),
  );
  const started = plan.services.filter((s) => !alreadyRunning.has(s));
  if (alreadyRunning.size) io.onOutput?.(`Already running, left as they are: ${[...alreadyRunning].join(', ')}\n`);

  const up = await runner.up(plan.target, plan.project, {
    services: plan.services,
    onProgress: io.onServiceProgress,
    onOutput: io.onOutput,
    signal: io.signal,
  });
  const services = new ServicesHandle(runner, plan, started);
  try {
    if (up.failed.length) {
      const f = up.failed[0];
      throw new ServicesError(`Service ${f.service} did not start: ${f.reason}${f.logTail ? `. Its last log lines:\n${f.logTail}` : '.'}`);
    }
    const ours = up.services.filter((s) => plan.services.includes(s.service));
    await waitHealthy(
      runner.engine,
      ours.map((s) => s.id),
      io,
    );
    const first = (await runner.engine.inspectContainer(ours[0]?.id ?? '')) as Inspected;
    const networks = Object.keys(first.NetworkSettings?.Networks ?? {}).sort((a, b) =>
      a === plan.network ? -1 : b === plan.network ? 1 : a.localeCompare(b),
    );
    return { plan, networks: networks.length ? networks : [plan.network], started, end: () => services.end() };
  } catch (error) {
    // What this run started goes again: a half-started set of services is no use to anyone.
    await services.end('down');
    if (error instanceof ServicesError || error instanceof ComposeError) throw error;
    throw new ServicesError(error instanceof Error ? error.message : String(error));
  }
}

/** Ends a run's services once, as the plan says (or as told, after a failed start). */
class ServicesHandle {
  private ended: Promise<string> | undefined;

  constructor(
    private readonly runner: ComposeRunner,
    private readonly plan: ServicesPlan,
    private readonly started: string[],
  ) {}

  end(how = this.plan.onExit): Promise<string> {
    this.ended ??= this.finish(how).catch(
      (error: unknown) => `The services could not be ended: ${error instanceof Error ? error.message : String(error)}`,
    );
    return this.ended;
  }

  private async finish(how: ServicesPlan['onExit']): Promise<string> {
    const { runner, plan } = this;
    if (how === 'keep' || !this.started.length) return this.started.length ? `Services kept running: ${this.started.join(', ')}.` : '';
    const ref = { project: plan.project, target: plan.target };
    if (how === 'stop') {
      await runner.lifecycle(ref, 'stop', this.started);
      return `Services stopped: ${this.started.join(', ')}.`;
    }
    const containers = await runner.containers(plan.project);
    const others = containers.filter((c) => !this.started.includes(c.composeService ?? ''));
    if (plan.own || others.length === 0) {
      await runner.down(ref, { anonymousVolumes: true });
      return `Services taken down: ${this.started.join(', ')}.`;
    }
    // Other services of the user's project run on: only ours go, with their anonymous volumes.
    for (const c of containers.filter((c) => this.started.includes(c.composeService ?? '')))
      await runner.engine.removeContainer(c.id, { force: true, volumes: true }).catch(() => undefined);
    return `Services removed: ${this.started.join(', ')}.`;
  }
}

/** A run's services and the Compose runner that starts them. */
export interface ServicesRun {
  runner: ComposeRunner;
  plan: ServicesPlan;
}

/** A workspace container that runs with its services: stopping it ends them too. */
export type RunningWithServices = RunningWorkspace & { services?: RunningServices };

/**
 * Starts the services, then the workspace container on their network; when the container cannot
 * start, the services go again (as `servicesOnExit` says). Stopping the run ends them after the container.
 */
export async function runWorkspaceWithServices(
  engine: Engine,
  spec: RunSpec,
  services: ServicesRun | undefined,
  io: RunIO & ServicesIO = {},
): Promise<RunningWithServices> {
  if (!services) return runWorkspace(engine, spec, io);
  const up = await startServices(services.runner, services.plan, io);
  const mode = spec.create.HostConfig.NetworkMode;
  // host and none have no networks to join; anything else is replaced by the services' networks.
  const joined: RunSpec =
    mode === 'host' || mode === 'none'
      ? spec
      : {
          ...spec,
          create: { ...spec.create, HostConfig: { ...spec.create.HostConfig, NetworkMode: up.networks[0] } },
          networks: up.networks.slice(1),
        };
  let run: RunningWorkspace;
  try {
    run = await runWorkspace(engine, joined, io);
  } catch (error) {
    await up.end();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    ...run,
    services: up,
    stop: () =>
      (stopped ??= (async () => {
        try {
          await run.stop();
        } finally {
          await up.end();
        }
      })()),
  };
}

/** Where the Compose files of inline services are kept: `$XDG_CACHE_HOME/berth/services`, else `~/.cache/berth/services`. */
export function servicesCacheDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'berth', 'services');
}

/**
 * The plan for a run's `services`, read from the folder as Compose will see it; undefined when
 * the run has none, `{ error }` when they cannot be started as written.
 */
export function prepareServices(input: {
  folder: string;
  containerName: string;
  config: RunConfig;
  /** Compose's environment: the folder's project name and files may depend on it. */
  env: Readonly<Record<string, string | undefined>>;
  cacheDir: string;
  major?: 1 | 2;
}): ServicesPlan | { error: string } | undefined {
  const { config } = input;
  if (!config.services) return undefined;
  if (config.network === 'host' || config.network === 'none')
    return { error: `network: ${config.network} cannot reach services by name: remove network (the run joins the services' network).` };
  const host = fsComposeHost(input.env);
  const found = config.services.kind === 'project' ? folderCompose(input.folder, host) : undefined;
  return planServices({
    folder: input.folder,
    containerName: input.containerName,
    services: config.services,
    onExit: config.servicesOnExit,
    bindAddress: config.bindAddress,
    cacheDir: input.cacheDir,
    isFile: isFileOnDisk,
    ...(found
      ? {
          folderProject: {
            ...found,
            name: folderProjectName(input.folder, found.declared, (p) => host.readFile(p), input.env, input.major),
          },
        }
      : {}),
  });
}
