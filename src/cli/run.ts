/**
 * `berth run`: the workspace in a toolchain container from a terminal, the same run the
 * VS Code command does. Exit status: the command's own, 2 for usage errors, 125 when the
 * container could not start (as `docker run` does).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parsePort, readFields, type RunConfigInput } from '../devenv/config';
import { dockerCommands, shellLine } from '../devenv/dockerCommands';
import { resolveRunConfig } from '../devenv/resolve';
import { runWorkspace, RunError } from '../devenv/runner';
import { buildRunSpec, validate } from '../devenv/spec';
import { connect } from '../engine/connect';
import { resolveEndpoint } from '../engine/endpoint';
import { createRunnerEngine } from '../engine/runnerAdapter';
import { EngineError } from '../engine/types';
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
  -d, --detach         start in the background and print the container's name
  --print              print the docker commands that do the same, and run nothing
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
    const build =
      values.file || values.target || Object.keys(buildArgs).length
        ? { dockerfile: values.file, target: values.target, args: buildArgs }
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

    if (values.print) {
      const spec = buildRunSpec({ folder, name: path.basename(folder), uid: process.getuid?.(), gid: process.getgid?.() }, config);
      io.out(
        dockerCommands(spec, { detach: config.detach })
          .map((argv) => `${shellLine(argv)}\n`)
          .join(''),
      );
      return 0;
    }
    let endpoint;
    try {
      endpoint = resolveEndpoint(values.host);
    } catch (error) {
      io.err(`berth run: ${error instanceof Error ? error.message : String(error)}\n`);
      return 125;
    }
    const spec = buildRunSpec({ folder, name: path.basename(folder), uid: process.getuid?.(), gid: process.getgid?.() }, config);
    const { docker, agent } = connect(endpoint);
    const engine = createRunnerEngine(docker, endpoint.kind === 'unix' || endpoint.kind === 'npipe');
    const what = spec.build ? `build ${spec.build.dockerfile} as ${spec.build.tag}` : config.image;
    io.err(
      `berth run: ${what}${config.command.length ? ` ${config.command.join(' ')}` : ''} (${resolved.source}) on ${endpoint.display}\n`,
    );
    let run;
    try {
      run = await runWorkspace(engine, spec, {
        onProgress: (event) => {
          if (event.status && event.id) io.err(`berth run: pull ${event.id}: ${event.status}\n`);
        },
        // The builder's output as `docker build` prints it, on stderr: stdout is the command's.
        onBuildOutput: (line) => io.err(`${line}\n`),
      });
    } catch (error) {
      const message =
        error instanceof RunError || error instanceof EngineError ? error.message : error instanceof Error ? error.message : String(error);
      const hint = error instanceof EngineError && error.hint ? ` ${error.hint}` : '';
      io.err(`berth run: ${message}${hint}\n`);
      // Offline, the images already here are the way forward: name them, as the editor offers them.
      if (error instanceof RunError && error.reason === 'image-missing') {
        const local = await docker.listImages().then(
          (list) => list.flatMap((i) => (i.RepoTags ?? []).filter((t) => !t.startsWith('<none>'))),
          () => [],
        );
        if (local.length)
          io.err(
            `berth run: images on this engine: ${local.sort().slice(0, 12).join(', ')}${local.length > 12 ? ', …' : ''}; use one with --image\n`,
          );
      }
      agent.destroy();
      return 125;
    }
    for (const p of run.published)
      io.err(`berth run: port ${p.container} → http://${p.address === '0.0.0.0' ? 'localhost' : p.address}:${p.host}\n`);
    if (config.detach) {
      run.stream.destroy();
      agent.destroy();
      io.out(`${run.name}\n`);
      return 0;
    }
    return attachTerminal(run, agent, io);
  },
};

/** This terminal becomes the container's: raw keys in (Ctrl+C included), output out, resizes followed. */
async function attachTerminal(run: Awaited<ReturnType<typeof runWorkspace>>, agent: { destroy(): void }, io: Io): Promise<number> {
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  if (run.startOutput) io.out(run.startOutput);
  run.stream.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  run.stream.resume();
  stdin.on('data', (chunk: Buffer) => run.stream.write(chunk));
  stdin.resume();
  const resize = () => {
    if (process.stdout.columns && process.stdout.rows) void run.resize(process.stdout.columns, process.stdout.rows).catch(() => undefined);
  };
  resize();
  process.stdout.on('resize', resize);
  // Signals that would end this process end the container too, and nothing is left behind.
  const stopOnSignal = () => void run.stop().finally(() => process.exit(130));
  process.once('SIGTERM', stopOnSignal);
  process.once('SIGHUP', stopOnSignal);
  try {
    return await run.exited;
  } finally {
    if (raw) stdin.setRawMode(false);
    stdin.pause();
    process.stdout.off('resize', resize);
    await run.stop().catch(() => undefined);
    agent.destroy();
  }
}
