/**
 * `.devcontainer/devcontainer.json` with `dockerComposeFile`: the named `service` is the workspace
 * container, brought up with its `runServices` by the user's own Compose, as Dev Containers do
 * (same project name, so either tool finds the other's containers). Berth adds an override file of
 * its own: the folder mounted at `workspaceFolder` where the Compose files do not mount it there,
 * the container kept alive when `overrideCommand` asks, and `forwardPorts` published on loopback.
 * The terminal is a shell in that container, in `workspaceFolder`, as `remoteUser`.
 */
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import type { Engine } from '../engine/types';
import { composeProjectName, declaredProject } from './compose/project';
import type { ComposeRunner } from './compose/runner';
import type { ComposeHost } from '../compose';
import { fsComposeHost } from './compose/fsHost';
import type { PortSpec, RunConfig } from './config';
import type { RunningWorkspace } from './runner';
import type { ServicesPlan } from './services';
import { startServices, type RunningWithServices, type ServicesIO } from './servicesRunner';

/** What a Compose-based devcontainer.json says, read by devcontainer.ts. */
export interface DevcontainerCompose {
  /** The Compose files, relative to the workspace folder (POSIX separators), in merge order. */
  files: string[];
  /** The service that is the workspace container. */
  service: string;
  /** The services to start with it; all of the project's when absent. */
  runServices?: string[];
  /** Where the workspace is in the container (and the shell starts). */
  workspaceFolder: string;
  /** Keep the container alive with a command of Berth's, instead of its own. */
  overrideCommand: boolean;
  /** `stopCompose` (the default) stops the services when the terminal closes; `none` keeps them. */
  shutdownAction: 'stopCompose' | 'none';
  /** `forwardPorts` entries that name another service: `db:5432`. */
  servicePorts: { service: string; port: number }[];
}

/** The plan for a Compose devcontainer: the services plan, plus where and as whom the shell runs. */
export interface ComposeWorkspacePlan extends ServicesPlan {
  service: string;
  workdir: string;
  user?: string;
  env: Record<string, string>;
}

/** A command that keeps a container alive until it is stopped, in any image with a POSIX sh. */
const KEEP_ALIVE = ['/bin/sh', '-c', "trap 'exit 0' TERM INT; while sleep 1000 & wait $$!; do :; done"];

/** The shell for the terminal: bash where the image has it, else sh. A constant script, nothing spliced in. */
export const SHELL_COMMAND = ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi'];

/** Whether a container path is `target` or inside it. */
function inside(target: string, folder: string): boolean {
  const t = path.posix.normalize(target).replace(/\/+$/, '') || '/';
  const f = path.posix.normalize(folder).replace(/\/+$/, '') || '/';
  return f === t || f.startsWith(t === '/' ? '/' : `${t}/`);
}

/** The mount targets a service's volumes already have, from the Compose files' own text. */
function mountTargets(volumes: unknown): string[] {
  if (!Array.isArray(volumes)) return [];
  return volumes.flatMap((v) => {
    if (typeof v === 'string') {
      const parts = v.split(':');
      return parts.length >= 2 ? [parts[1]] : [parts[0]];
    }
    if (v && typeof v === 'object' && typeof (v as { target?: unknown }).target === 'string') return [(v as { target: string }).target];
    return [];
  });
}

/**
 * Plans a Compose devcontainer run: the project as Dev Containers name it
 * (`<folder>_devcontainer` when the first Compose file is in .devcontainer), the files plus Berth's
 * override, the services to start. `readService` gives a service's merged `volumes:` from the files.
 */
export function planComposeWorkspace(input: {
  folder: string;
  workspaceName: string;
  compose: DevcontainerCompose;
  user?: string;
  env: Record<string, string>;
  ports: PortSpec[];
  bindAddress: string;
  host: ComposeHost;
  composeEnv: Readonly<Record<string, string | undefined>>;
  cacheDir: string;
  major?: 1 | 2;
}): ComposeWorkspacePlan | { error: string } {
  const { compose, folder } = input;
  const files = compose.files.map((f) => path.resolve(folder, f));
  const missing = files.find((f) => input.host.stat(f) !== 'file');
  if (missing)
    return { error: `devcontainer.json names ${path.relative(folder, missing)} in dockerComposeFile, and there is no such file.` };
  const declared = declaredProject(input.host, files[0], files);
  if (!declared) return { error: `${path.relative(folder, files[0])} cannot be read.` };
  const names = declared.services.map((s) => s.name);
  const unknown = [compose.service, ...(compose.runServices ?? []), ...compose.servicePorts.map((p) => p.service)].filter(
    (s) => !names.includes(s),
  );
  if (unknown.length)
    return {
      error: `devcontainer.json names ${[...new Set(unknown)].map((s) => `'${s}'`).join(', ')}, which the Compose files do not declare (their services: ${names.join(', ')}).`,
    };
  const directory = path.dirname(files[0]);
  const dirName = path.basename(directory) === '.devcontainer' ? `${input.workspaceName}_devcontainer` : path.basename(directory);
  const project = composeProjectName(path.join(path.dirname(directory), dirName), {
    env: input.composeEnv,
    dotenv: input.host.readFile(path.join(directory, '.env')),
    ...(declared.name ? { nameField: declared.name } : {}),
    major: input.major,
  });
  const services = [
    ...new Set([compose.service, ...(compose.runServices ?? declared.services.filter((s) => !s.profiles.length).map((s) => s.name))]),
  ];

  // What the files already mount in the workspace service, from their own text.
  const targets = files.flatMap((file) => {
    type Services = { services?: Record<string, { volumes?: unknown } | null> } | null;
    const doc = ((): Services => {
      try {
        return parse(input.host.readFile(file) ?? '', { logLevel: 'error' }) as Services;
      } catch {
        return null;
      }
    })();
    return mountTargets(doc?.services?.[compose.service]?.volumes);
  });
  const mounted = targets.some((t) => inside(t, compose.workspaceFolder));
  const overridePath = path.join(input.cacheDir, project, 'devcontainer.override.yaml');
  const address = input.bindAddress.includes(':') ? `[${input.bindAddress}]` : input.bindAddress;
  const literal = (text: string) => text.replace(/\$/g, '$$$$');
  const override: Record<string, Record<string, unknown>> = {
    [compose.service]: {
      ...(compose.overrideCommand ? { entrypoint: KEEP_ALIVE } : {}),
      ...(mounted ? {} : { volumes: [{ type: 'bind', source: literal(folder), target: compose.workspaceFolder }] }),
      ...(input.ports.length ? { ports: input.ports.map((p) => `${address}:${p.host ?? p.container}:${p.container}/${p.protocol}`) } : {}),
      labels: { 'berth.managed': 'true', 'berth.workspace': literal(folder) },
    },
  };
  for (const { service, port } of compose.servicePorts) {
    const entry = (override[service] ??= {});
    entry.ports = [...((entry.ports as string[] | undefined) ?? []), `${address}:${port}:${port}`];
  }
  const text = `# Written by Berth for .devcontainer/devcontainer.json in ${literal(folder)}; rewritten on every run.\n${stringify({ services: override }, { lineWidth: 0 })}`;
  return {
    project,
    target: { directory, files: [...files, overridePath], project, profiles: [], projectDirectory: true },
    services,
    file: { path: overridePath, text },
    onExit: compose.shutdownAction === 'none' ? 'keep' : 'stop',
    network: `${project}_default`,
    own: false,
    service: compose.service,
    workdir: compose.workspaceFolder,
    ...(input.user ? { user: input.user } : {}),
    env: input.env,
  };
}

/**
 * Starts the services and opens a shell in the workspace service's container: the run's terminal.
 * Ending the run (closing the terminal) ends the services as `shutdownAction` says.
 */
export async function startComposeWorkspace(
  engine: Engine,
  runner: ComposeRunner,
  plan: ComposeWorkspacePlan,
  io: ServicesIO = {},
): Promise<RunningWithServices> {
  const services = await startServices(runner, plan, io);
  try {
    const container = (await runner.containers(plan.project)).find((c) => c.composeService === plan.service && c.state === 'running');
    if (!container)
      throw new Error(`Service ${plan.service} is not running after the start: check its command, or set "overrideCommand": true.`);
    const session = await engine.exec(container.id, {
      cmd: SHELL_COMMAND,
      tty: true,
      workdir: plan.workdir,
      ...(plan.user ? { user: plan.user } : {}),
      env: Object.entries(plan.env).map(([k, v]) => `${k}=${v}`),
    });
    session.stream.on('error', () => undefined);
    session.stream.pause();
    let stopped: Promise<void> | undefined;
    const run: RunningWorkspace = {
      id: container.id,
      name: container.name,
      stream: session.stream,
      startOutput: '',
      published: [],
      resize: (columns, rows) => session.resize(columns, rows).catch(() => undefined),
      exited: session.exitCode().then((code) => code ?? 0),
      stop: () =>
        (stopped ??= (async () => {
          session.stream.destroy();
          await services.end();
        })()),
    };
    return { ...run, services };
  } catch (error) {
    await services.end();
    throw error;
  }
}

/** The plan for a run whose configuration came from a Compose devcontainer.json, read from disk. */
export function prepareComposeWorkspace(input: {
  folder: string;
  workspaceName: string;
  config: RunConfig;
  /** Compose's environment (its files may name variables, and COMPOSE_PROJECT_NAME). */
  env: Readonly<Record<string, string | undefined>>;
  cacheDir: string;
  major?: 1 | 2;
}): ComposeWorkspacePlan | { error: string } | undefined {
  const { config } = input;
  if (!config.compose) return undefined;
  return planComposeWorkspace({
    folder: input.folder,
    workspaceName: input.workspaceName,
    compose: config.compose,
    // `host` is a Berth default, not the file's: the shell runs as remoteUser, else the image's user.
    ...(config.user && config.user !== 'host' ? { user: config.user } : {}),
    env: config.env,
    ports: config.ports,
    bindAddress: config.bindAddress,
    host: fsComposeHost(input.env),
    composeEnv: input.env,
    cacheDir: input.cacheDir,
    major: input.major,
  });
}
