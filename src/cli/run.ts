/**
 * `berth run`: the workspace in a toolchain container from a terminal, the same run the
 * VS Code command does. Exit status: the command's own, 2 for usage errors, 125 when the
 * container could not start or the engine went away (as `docker run` does), 128 + n after
 * signal n. Every way it ends removes the container it started, unless `--detach`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { composeArgv, type ComposeAction } from '../devenv/compose/argv';
import { prepareComposeWorkspace, SHELL_COMMAND, startComposeWorkspace } from '../devenv/devcontainerCompose';
import { composeCommandFromSetting, detectCompose, type ComposeCli } from '../devenv/compose/cli';
import { composeEnvironment } from '../devenv/compose/environment';
import { execProcess } from '../devenv/compose/process';
import { ComposeRunner } from '../devenv/compose/runner';
import { engineFlavour, hostUserChoice, type EngineFlavour } from '../devenv/hostUser';
import { servicesScript, type ServicesPlan } from '../devenv/services';
import {
  prepareServices,
  runWorkspaceWithServices,
  servicesCacheDir,
  type RunningWithServices,
  type ServicesRun,
} from '../devenv/servicesRunner';
import { parsePort, readFields, type RunConfig, type RunConfigInput } from '../devenv/config';
import { dockerCommands, shellLine } from '../devenv/dockerCommands';
import { resolveRunConfig } from '../devenv/resolve';
import { RunError, type RunningWorkspace } from '../devenv/runner';
import { buildRunSpec, containerName, validate } from '../devenv/spec';
import { dockerConfigDir, nodeDeps, resolveEndpoint } from '../engine/endpoint';
import { createEngine } from '../engine/httpEngine';
import { EngineError, type BuilderChoice, type Endpoint, type Engine } from '../engine/types';
import { parseOptions, UsageError, type Command, type Io } from './io';

const HELP = `Usage: berth run [options] [FOLDER] [-- COMMAND...]

Runs FOLDER (default: the current folder) in a toolchain container: the folder bind-mounted
at /workspace, as your own user, ports published on 127.0.0.1, in this terminal. The
configuration comes from .berth.yaml, else .devcontainer/devcontainer.json, else the
toolchain detected from the folder's files; options override it.

Options:
  --toolchain NAME     go, hugo, node, rust, python, ruby, or dockerfile (build the
                       folder's Dockerfile and run the image as built)
  --image IMAGE        the image to run (with a build: the tag to build)
  -f, --file PATH      build this Dockerfile (implies --toolchain dockerfile)
  --target STAGE       the build stage to build
  --build-arg N=V      a build argument (repeatable)
  --secret id=ID,src=FILE | id=ID,env=VAR
                       a build secret for RUN --mount=type=secret (repeatable)
  --ssh ID             forward your ssh agent to RUN --mount=type=ssh (default: ID
                       default; repeatable)
  --platform OS/ARCH   build for another platform, e.g. linux/arm64
  --pull               pull base images even when the engine has them
  --builder NAME       auto (BuildKit when the engine has it), buildkit or classic
  --mount / --no-mount bind-mount the folder or not (a build mounts nothing by default)
  -p, --port PORT      publish a port: 1313, 8080:80, 5353/udp (repeatable)
  -e, --env NAME=VALUE set a variable (repeatable)
  --user USER          'host' (default: your uid:gid), root, or a user of the image
  --mount-target PATH  where the folder appears in the container (default /workspace)
  --network NAME       bridge (default), host, none or a network's name
  --bind ADDRESS       address published ports listen on (default 127.0.0.1)
  --memory SIZE        memory limit, e.g. 2g
  --cpus N             CPU limit, e.g. 1.5
  --no-cache           no named cache volumes for the toolchain
  --service NAME       start this service of the folder's compose.yaml first and join its
                       network (repeatable; run.services in .berth.yaml does the same)
  --services-on-exit W what happens to the services when the run ends: stop (default),
                       down or keep. Services run with docker compose, else docker-compose;
                       BERTH_COMPOSE_COMMAND (e.g. "podman compose") chooses another
  -d, --detach         start in the background and print the container's name
  --print              print the compose and docker commands that do the same, and run nothing
  --host URL           the engine (default: as the docker CLI chooses)
  -h, --help           show this help
`;

function listFolder(folder: string): { entries: string[]; read(relative: string): string | undefined } {
  return {
    entries: readdirSync(folder),
    read(relative) {
      const file = path.join(folder, relative);
      try {
        return statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a folder in a toolchain container (Go, Hugo, Node, …)',
  help: HELP,
  async run(args: string[], io: Io): Promise<number> {
    const dash = args.indexOf('--');
    const commandArgs = dash >= 0 ? args.slice(dash + 1) : undefined;
    const { values, positionals } = parseOptions('run', dash >= 0 ? args.slice(0, dash) : args, {
      toolchain: { type: 'string' },
      file: { type: 'string', short: 'f' },
      target: { type: 'string' },
      'build-arg': { type: 'string', multiple: true },
      secret: { type: 'string', multiple: true },
      ssh: { type: 'string', multiple: true },
      platform: { type: 'string' },
      pull: { type: 'boolean' },
      builder: { type: 'string' },
      mount: { type: 'boolean' },
      'no-mount': { type: 'boolean' },
      image: { type: 'string' },
      port: { type: 'string', short: 'p', multiple: true },
      env: { type: 'string', short: 'e', multiple: true },
      user: { type: 'string' },
      'mount-target': { type: 'string' },
      network: { type: 'string' },
      bind: { type: 'string' },
      memory: { type: 'string' },
      cpus: { type: 'string' },
      'no-cache': { type: 'boolean' },
      service: { type: 'string', multiple: true },
      'services-on-exit': { type: 'string' },
      detach: { type: 'boolean', short: 'd' },
      print: { type: 'boolean' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError(`one folder at a time; got ${positionals.length}`, 'run');
    const folder = path.resolve(io.cwd, positionals[0] ?? '.');
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`'${folder}' is not a folder`, 'run');

    const problems: string[] = [];
    const env: Record<string, string> = {};
    for (const pair of values.env ?? []) {
      const eq = pair.indexOf('=');
      if (eq <= 0) problems.push(`--env '${pair}' must be NAME=VALUE`);
      else env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const buildArgs: Record<string, string> = {};
    for (const pair of values['build-arg'] ?? []) {
      const eq = pair.indexOf('=');
      if (eq <= 0) problems.push(`--build-arg '${pair}' must be NAME=VALUE`);
      else buildArgs[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const secrets: Record<string, string | { env: string }> = {};
    for (const spec of values.secret ?? []) {
      const secret = parseSecret(spec);
      if (typeof secret === 'string') problems.push(secret);
      // A file named on the command line is relative to where the command runs, as docker reads it.
      else secrets[secret.id] = typeof secret.source === 'string' ? path.resolve(io.cwd, secret.source) : secret.source;
    }
    const builder = values.builder;
    if (builder !== undefined && builder !== 'auto' && builder !== 'buildkit' && builder !== 'classic')
      problems.push(`--builder '${builder}' must be auto, buildkit or classic`);
    const buildOptions = {
      ...(values.platform ? { platform: values.platform } : {}),
      ...(values.pull ? { pull: true } : {}),
      ...(Object.keys(secrets).length ? { secrets } : {}),
      ...(values.ssh?.length ? { ssh: values.ssh } : {}),
    };
    const build =
      values.file || values.target || Object.keys(buildArgs).length || Object.keys(buildOptions).length
        ? { dockerfile: values.file, target: values.target, args: buildArgs, ...buildOptions }
        : undefined;
    const overrides: RunConfigInput = readFields(
      {
        toolchain: values.toolchain,
        image: values.image,
        user: values.user,
        mountTarget: values['mount-target'],
        network: values.network,
        bind: values.bind,
        memory: values.memory,
        cpus: values.cpus,
        ...(values['no-cache'] ? { caches: false } : {}),
        ...(values.mount ? { mount: true } : values['no-mount'] ? { mount: false } : {}),
        ...(build ? { build } : {}),
        ...(values.detach ? { detach: true } : {}),
        ...(Object.keys(env).length ? { env } : {}),
        ...(values.service?.length ? { services: values.service } : {}),
        ...(values['services-on-exit'] ? { servicesOnExit: values['services-on-exit'] } : {}),
      },
      problems,
    );
    if (values.port?.length) {
      overrides.ports = [];
      for (const p of values.port) {
        const port = parsePort(/^\d+$/.test(p) ? Number(p) : p);
        if (typeof port === 'string') problems.push(port);
        else overrides.ports.push(port);
      }
    }
    if (commandArgs?.length) overrides.command = commandArgs;
    if (problems.length) throw new UsageError(problems.join('; '), 'run');

    const resolved = resolveRunConfig(listFolder(folder), path.basename(folder), overrides);
    if ('error' in resolved) {
      io.err(`berth run: ${resolved.error}\n`);
      return 2;
    }
    for (const note of resolved.notes) io.err(`berth run: note: ${note}\n`);
    const { config } = resolved;
    const invalid = validate(config);
    if (invalid.length) throw new UsageError(invalid.join(' '), 'run');

    let endpoint: Endpoint | undefined;
    try {
      endpoint = resolveEndpoint(values.host);
    } catch (error) {
      // Printing the commands needs no engine.
      if (!values.print) {
        io.err(`berth run: ${describe(error)}\n`);
        return 125;
      }
    }
    const workspace = { folder, name: path.basename(folder), uid: process.getuid?.(), gid: process.getgid?.() };
    if (config.compose) return composeWorkspace(folder, config, endpoint, values.print === true, io);
    const services = config.services ? await servicesFor(folder, config, endpoint, io) : undefined;
    if (services && 'status' in services) return services.status;

    if (values.print) {
      const spec = buildRunSpec(workspace, services ? { ...config, network: services.plan.network } : config);
      const run = dockerCommands(spec, { detach: config.detach }).map(shellLine);
      const lines = services
        ? servicesScript(
            services.plan,
            (action) => composeArgv(services.cli, services.plan.target, action, false),
            services.cli.major,
            run,
            shellLine,
          )
        : run;
      io.out(lines.map((line) => `${line}\n`).join(''));
      return 0;
    }
    if (!endpoint) return 125;
    const engine = createEngine(endpoint);
    // How `user: host` maps onto this engine: rootless engines differ (hostUser.ts).
    const flavour = config.user === 'host' ? await engineFlavourOf(engine) : undefined;
    const spec = buildRunSpec({ ...workspace, ...(flavour ? { flavour } : {}) }, config);
    const what = spec.build ? `build ${spec.build.dockerfile} as ${spec.build.tag}` : config.image;
    io.err(
      `berth run: ${what}${config.command.length ? ` ${config.command.join(' ')}` : ''} (${resolved.source}) on ${endpoint.display}\n`,
    );
    if (flavour) io.err(`berth run: ${hostUserChoice(flavour, workspace.uid, workspace.gid).note}\n`);
    // From the first engine call on, every way this process ends removes what it started.
    const interrupts = new Interrupts(io, spec.name);
    try {
      const withServices = services && { runner: new ComposeRunner({ cli: services.cli, env: services.env, engine }), plan: services.plan };
      return await startAndAttach(engine, spec, config.detach, interrupts, io, builder as BuilderChoice | undefined, withServices);
    } finally {
      interrupts.dispose();
      engine.dispose();
    }
  },
};

/** `id=npm,src=.npmrc` or `id=token,env=TOKEN`, as `docker build --secret` takes them; a string says what is wrong. */
function parseSecret(spec: string): { id: string; source: string | { env: string } } | string {
  const fields = Object.fromEntries(
    spec.split(',').map((field) => {
      const eq = field.indexOf('=');
      return eq < 0 ? [field, ''] : [field.slice(0, eq), field.slice(eq + 1)];
    }),
  );
  const id = fields.id;
  const src = fields.src ?? fields.source;
  if (!id || (!src && !fields.env) || (src && fields.env)) return `--secret '${spec}' must be id=ID,src=FILE or id=ID,env=VARIABLE`;
  return { id, source: src ? src : { env: fields.env } };
}

/** One line for anything thrown: the message, and the engine's hint when it has one. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof EngineError && error.hint ? ` ${error.hint}` : '';
  return `${message}${hint}`;
}

/** Names of the signals that end a process from outside, by number. */
const SIGNAL_NAMES: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 9: 'SIGKILL', 15: 'SIGTERM' };

/** The exit status a shell gives a process ended by each signal Berth handles: 128 + its number. */
const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGTERM: 143 };

/**
 * The signals that would end this process, turned into a cancel: the run stops and removes its
 * container, then `berth run` exits with the signal's status. A second signal leaves at once,
 * saying what is left behind.
 */
class Interrupts {
  readonly controller = new AbortController();
  /** The first signal, or `output gone` when stdout was closed under us. */
  reason: { name: string; status: number } | undefined;
  private readonly listeners = new Map<NodeJS.Signals, () => void>();

  constructor(
    private readonly io: Io,
    private readonly container: string,
  ) {
    for (const [signal, status] of Object.entries(SIGNALS) as [NodeJS.Signals, number][]) {
      const listener = () => this.interrupt(signal, status);
      this.listeners.set(signal, listener);
      process.on(signal, listener);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  interrupt(name: string, status: number): void {
    if (this.reason) {
      this.io.err(
        `berth run: ${name} again: leaving now; if ${this.container} is still there, remove it with docker rm -f ${this.container}\n`,
      );
      process.exit(this.reason.status);
    }
    this.reason = { name, status };
    this.io.err(`berth run: ${name}: stopping and removing ${this.container}…\n`);
    this.controller.abort();
  }

  dispose(): void {
    for (const [signal, listener] of this.listeners) process.off(signal, listener);
  }
}

async function startAndAttach(
  engine: Engine,
  spec: ReturnType<typeof buildRunSpec>,
  detach: boolean,
  interrupts: Interrupts,
  io: Io,
  builder: BuilderChoice | undefined,
  services?: ServicesRun,
): Promise<number> {
  let run: RunningWithServices;
  try {
    // An engine that is not there, or not answering, is told in seconds rather than at the first real call.
    await engine.ping(interrupts.signal);
    run = await runWorkspaceWithServices(engine, spec, services, {
      signal: interrupts.signal,
      onProgress: (event) => {
        if (event.status && event.id) io.err(`berth run: pull ${event.id}: ${event.status}\n`);
      },
      // The builder's output as `docker build --progress=plain` prints it, on stderr: stdout is the command's.
      onBuildOutput: (line) => io.err(`${line}\n`),
      // Compose's own output, as it prints it, on stderr too.
      onOutput: (text) => io.err(text),
      builder,
    });
  } catch (error) {
    if (interrupts.reason) {
      io.err(`berth run: cancelled by ${interrupts.reason.name}; nothing was left behind.\n`);
      return interrupts.reason.status;
    }
    io.err(`berth run: ${describe(error)}\n`);
    // Offline, the images already here are the way forward: name them, as the editor offers them.
    if (error instanceof RunError && error.reason === 'image-missing') {
      const local = await engine.listImages().then(
        (list) => list.flatMap((i) => i.repoTags.filter((t) => !t.startsWith('<none>'))),
        () => [],
      );
      if (local.length)
        io.err(
          `berth run: images on this engine: ${local.sort().slice(0, 12).join(', ')}${local.length > 12 ? ', …' : ''}; use one with --image\n`,
        );
    }
    return 125;
  }
  if (run.services)
    io.err(
      `berth run: joined ${run.services.networks.join(', ')}: the services answer by name (${run.services.plan.services.join(', ')})\n`,
    );
  for (const p of run.published)
    io.err(`berth run: port ${p.container} → http://${p.address === '0.0.0.0' ? 'localhost' : p.address}:${p.host}\n`);
  if (detach) {
    run.stream.destroy();
    io.out(`${run.name}\n`);
    return 0;
  }
  const status = await attachTerminal(run, interrupts, io);
  const ended = await run.services?.end();
  if (ended) io.err(`berth run: ${ended}\n`);
  return status;
}

/** Compose for the run's services, found as the user has it, and the plan; or the exit status when they cannot run. */
async function servicesFor(
  folder: string,
  config: RunConfig,
  endpoint: Endpoint | undefined,
  io: Io,
): Promise<{ cli: ComposeCli; env: Record<string, string>; plan: ServicesPlan } | { status: number }> {
  const env = endpoint
    ? composeEnvironment(endpoint, process.env, dockerConfigDir(nodeDeps()))
    : { ...(process.env as Record<string, string>) };
  const found = await detectCompose(execProcess, composeCommandFromSetting(process.env.BERTH_COMPOSE_COMMAND), env);
  if ('missing' in found) {
    io.err(`berth run: the run has services, and ${found.message}\n`);
    return { status: 2 };
  }
  const plan = prepareServices({
    folder,
    containerName: containerName({ folder, name: path.basename(folder) }),
    config,
    env,
    cacheDir: servicesCacheDir(process.env, homedir()),
    major: found.major,
  });
  if (!plan) return { status: 2 };
  if ('error' in plan) {
    io.err(`berth run: ${plan.error}\n`);
    return { status: 2 };
  }
  return { cli: found, env, plan };
}

/**
 * A Compose devcontainer.json: its services up, then a shell in the workspace service, in this
 * terminal; `--print` shows the compose commands that do the same.
 */
async function composeWorkspace(
  folder: string,
  config: RunConfig,
  endpoint: Endpoint | undefined,
  print: boolean,
  io: Io,
): Promise<number> {
  const env = endpoint
    ? composeEnvironment(endpoint, process.env, dockerConfigDir(nodeDeps()))
    : { ...(process.env as Record<string, string>) };
  const found = await detectCompose(execProcess, composeCommandFromSetting(process.env.BERTH_COMPOSE_COMMAND), env);
  if ('missing' in found) {
    io.err(`berth run: devcontainer.json runs a Compose project, and ${found.message}\n`);
    return 2;
  }
  const plan = prepareComposeWorkspace({
    folder,
    workspaceName: path.basename(folder),
    config,
    env,
    cacheDir: servicesCacheDir(process.env, homedir()),
    major: found.major,
  });
  if (!plan || 'error' in plan) {
    io.err(`berth run: ${plan?.error ?? 'devcontainer.json has no Compose project'}\n`);
    return 2;
  }
  if (print) {
    const argv = (action: ComposeAction) => composeArgv(found, plan.target, action, false);
    const shell = argv({
      verb: 'exec',
      service: plan.service,
      command: SHELL_COMMAND,
      workdir: plan.workdir,
      ...(plan.user ? { user: plan.user } : {}),
      env: plan.env,
    });
    io.out(
      servicesScript(plan, argv, found.major, [shellLine(shell)], shellLine)
        .map((line) => `${line}\n`)
        .join(''),
    );
    return 0;
  }
  if (!endpoint) return 125;
  const engine = createEngine(endpoint);
  const interrupts = new Interrupts(io, `the services of ${plan.project}`);
  try {
    await engine.ping(interrupts.signal);
    const runner = new ComposeRunner({ cli: found, env, engine });
    let run: RunningWithServices;
    try {
      run = await startComposeWorkspace(engine, runner, plan, { signal: interrupts.signal, onOutput: (text) => io.err(text) });
    } catch (error) {
      io.err(`berth run: ${describe(error)}\n`);
      return interrupts.reason?.status ?? 125;
    }
    io.err(`berth run: a shell in ${plan.service} (${run.name}), in ${plan.workdir}\n`);
    const status = await attachTerminal(run, interrupts, io);
    const ended = await run.services?.end();
    if (ended) io.err(`berth run: ${ended}\n`);
    return status;
  } finally {
    interrupts.dispose();
    engine.dispose();
  }
}

/** The engine's flavour for `user: host`; rootful when it cannot be asked (the run then says why it fails). */
async function engineFlavourOf(engine: Engine): Promise<EngineFlavour | undefined> {
  try {
    const [info, version] = await Promise.all([engine.info(), engine.version()]);
    return engineFlavour(info, version);
  } catch {
    return undefined;
  }
}

/**
 * This terminal becomes the container's: raw keys in (Ctrl+C included), output out, resizes
 * followed. However it ends (the command exits, a signal, stdout closed, the engine gone), the
 * container is removed before this resolves, or, when the engine is gone, by the next run.
 */
async function attachTerminal(run: RunningWorkspace, interrupts: Interrupts, io: Io): Promise<number> {
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  // A closed stdout (berth run … | head) ends the run like a signal, not the process at once.
  const outputListeners = process.stdout.listeners('error') as ((error: Error) => void)[];
  process.stdout.removeAllListeners('error');
  const onOutputError = () => interrupts.interrupt('output closed', 141);
  process.stdout.on('error', onOutputError);
  if (run.startOutput) io.out(run.startOutput);
  run.stream.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  run.stream.resume();
  const onInput = (chunk: Buffer) => run.stream.write(chunk);
  stdin.on('data', onInput);
  stdin.resume();
  const resize = () => {
    if (process.stdout.columns && process.stdout.rows) void run.resize(process.stdout.columns, process.stdout.rows).catch(() => undefined);
  };
  resize();
  process.stdout.on('resize', resize);
  const interrupted = new Promise<'interrupted'>((resolve) => {
    if (interrupts.signal.aborted) resolve('interrupted');
    interrupts.signal.addEventListener('abort', () => resolve('interrupted'), { once: true });
  });
  try {
    const outcome = await Promise.race([run.exited, interrupted]);
    const status = outcome === 'interrupted' ? (interrupts.reason?.status ?? 130) : outcome;
    try {
      await run.stop();
    } catch (error) {
      // The command ended, but the engine is not there to remove its container: that is the
      // news, whatever the command's own status (an engine shutting down stops it too).
      io.err(`\nberth run: the command ended (status ${status}), but ${run.name} could not be removed: ${describe(error)}\n`);
      io.err(`berth run: ${run.name} is removed by the next berth run once the engine is back.\n`);
      return 125;
    }
    // A command ended by a signal nobody here sent was stopped from outside: docker stop, or the
    // engine shutting down. Worth one line; its status alone reads like the command's own doing.
    const signal = outcome !== 'interrupted' && status > 128 ? SIGNAL_NAMES[status - 128] : undefined;
    if (signal) io.err(`\nberth run: the command was ended by ${signal} (status ${status}), from outside this terminal.\n`);
    return status;
  } catch (error) {
    // The engine went away while the command ran: say so, and leave the clean-up to the next run.
    io.err(`\nberth run: ${describe(error)}\n`);
    io.err(`berth run: ${run.name} is removed by the next berth run once the engine is back.\n`);
    return 125;
  } finally {
    if (raw) stdin.setRawMode(false);
    stdin.off('data', onInput);
    stdin.pause();
    process.stdout.off('resize', resize);
    await run.stop().catch(() => undefined);
    process.stdout.off('error', onOutputError);
    for (const listener of outputListeners) process.stdout.on('error', listener);
  }
}
