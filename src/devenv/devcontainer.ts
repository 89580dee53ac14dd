/**
 * The simple, image-based subset of `.devcontainer/devcontainer.json`, so Dev Containers
 * users start without rewriting anything. What Berth cannot honour is named, not dropped silently.
 */
import * as path from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { parsePort, readFields, type PortSpec, type RunConfigInput } from './config';
import type { DevcontainerCompose } from './devcontainerCompose';

export interface DevcontainerRead {
  config: RunConfigInput;
  /** Keys Berth ignores, each with why; empty when everything was honoured. */
  ignored: string[];
  problems: string[];
}

/**
 * JSON with comments and trailing commas, as devcontainer.json allows, read by jsonc-parser (VS
 * Code's own reader): string values stay exactly as written. @throws Error naming the first problem and its line.
 */
export function parseJsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) throw new Error(`${printParseErrorCode(first.error)} at line ${text.slice(0, first.offset).split('\n').length}`);
  return value;
}

const UNSUPPORTED: Record<string, string> = {
  features: 'Dev Container Features are installed by the Dev Containers CLI',
  postCreateCommand: 'lifecycle scripts are not run',
  postStartCommand: 'lifecycle scripts are not run',
  postAttachCommand: 'lifecycle scripts are not run',
  onCreateCommand: 'lifecycle scripts are not run',
  updateContentCommand: 'lifecycle scripts are not run',
  initializeCommand: 'lifecycle scripts are not run',
  mounts: 'extra mounts are not applied',
  customizations: 'editor customizations do not apply to a terminal run',
};

/**
 * `dir` is the folder of the devcontainer.json relative to the workspace (`.devcontainer` or
 * `.`): a Dockerfile and build context there are relative to it.
 */
export function readDevcontainer(text: string, workspaceName: string, dir = '.devcontainer'): DevcontainerRead {
  const problems: string[] = [];
  const ignored: string[] = [];
  let json: Record<string, unknown>;
  try {
    const value = parseJsonc(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected an object');
    json = value as Record<string, unknown>;
  } catch (error) {
    return {
      config: {},
      ignored,
      problems: [`devcontainer.json cannot be read: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
  const config: RunConfigInput = {};
  const build = (json.build && typeof json.build === 'object' ? json.build : {}) as Record<string, unknown>;
  const dockerfile = build.dockerfile ?? build.dockerFile ?? json.dockerFile;
  if (typeof json.image === 'string') config.image = json.image;
  else if (typeof dockerfile === 'string') {
    const relative = (p: string) => path.posix.normalize(path.posix.join(dir, p.replace(/\\/g, '/')));
    const context = build.context ?? json.context;
    config.build = { dockerfile: relative(dockerfile), context: relative(typeof context === 'string' ? context : '.') };
    if (typeof build.target === 'string' && build.target) config.build.target = build.target;
    if (build.args && typeof build.args === 'object') {
      config.build.args = Object.fromEntries(
        Object.entries(build.args as Record<string, unknown>)
          .filter(([, v]) => typeof v === 'string' && !v.includes('${'))
          .map(([k, v]) => [k, String(v)]),
      );
    }
  } else if (json.dockerComposeFile !== undefined) {
    const compose = readCompose(json, dir, workspaceName, problems);
    if (compose) config.compose = compose;
  } else problems.push('devcontainer.json has neither "image", "build.dockerfile" nor "dockerComposeFile"');

  const ports: PortSpec[] = [];
  const portValues = [
    ...(Array.isArray(json.forwardPorts) ? json.forwardPorts : []),
    ...(Array.isArray(json.appPort) ? json.appPort : json.appPort !== undefined ? [json.appPort] : []),
  ];
  for (const value of portValues) {
    // "service:port" forwards to a Compose service; plain numbers and "host:container" map.
    if (typeof value === 'string' && /^[a-z]/i.test(value)) {
      const m = /^([a-zA-Z0-9][a-zA-Z0-9._-]*):(\d+)$/.exec(value);
      if (config.compose && m && Number(m[2]) >= 1 && Number(m[2]) <= 65535) {
        if (m[1] === config.compose.service) ports.push({ container: Number(m[2]), protocol: 'tcp' });
        else config.compose.servicePorts.push({ service: m[1], port: Number(m[2]) });
      } else ignored.push(`forwardPorts "${value}": forwarding to another service needs a dockerComposeFile`);
      continue;
    }
    const port = parsePort(value);
    if (typeof port === 'string') problems.push(port);
    else if (!ports.some((p) => p.container === port.container && p.protocol === port.protocol)) ports.push(port);
  }
  if (ports.length) config.ports = ports;

  const user = json.containerUser ?? json.remoteUser;
  if (typeof user === 'string') config.user = user;
  if (typeof json.workspaceFolder === 'string' && !config.compose) {
    config.mountTarget = json.workspaceFolder.replace(/\$\{localWorkspaceFolderBasename\}/g, workspaceName);
  }
  const env = { ...(json.containerEnv as Record<string, unknown> | undefined), ...(json.remoteEnv as Record<string, unknown> | undefined) };
  const envOut: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string' && !v.includes('${')) envOut[k] = v;
  if (Object.keys(envOut).length) config.env = envOut;

  if (Array.isArray(json.runArgs)) readRunArgs(json.runArgs.map(String), config, ignored, problems);
  for (const key of Object.keys(json)) if (UNSUPPORTED[key]) ignored.push(`${key}: ${UNSUPPORTED[key]}`);
  return { config, ignored, problems };
}

/**
 * The `docker run` flags Berth can honour, checked as the same settings in .berth.yaml are (a
 * `--memory=lots` is a problem named here, not a failure later); the rest are named in `ignored`.
 */
function readRunArgs(args: string[], config: RunConfigInput, ignored: string[], problems: string[]): void {
  const loose: Record<string, unknown> = {};
  const ports: unknown[] = [];
  const env: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] =
      arg.includes('=') && arg.startsWith('--') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? args[++i] ?? '';
    switch (flag) {
      case '-p':
      case '--publish':
        ports.push(value());
        break;
      case '-e':
      case '--env': {
        const v = value();
        const eq = v.indexOf('=');
        if (eq > 0) env[v.slice(0, eq)] = v.slice(eq + 1);
        else ignored.push(`runArgs ${flag} ${v}: a variable from the host environment is not passed`);
        break;
      }
      case '-m':
      case '--memory':
        loose.memory = value();
        break;
      case '--cpus':
        loose.cpus = value();
        break;
      case '--network':
      case '--net':
        loose.network = value();
        break;
      case '-u':
      case '--user':
        loose.user = value();
        break;
      default:
        ignored.push(`runArgs ${arg}: not applied`);
    }
  }
  if (ports.length) loose.ports = ports;
  if (Object.keys(env).length) loose.env = env;
  const found: string[] = [];
  const read = readFields(loose, found);
  problems.push(...found.map((p) => `runArgs: ${p}`));
  if (read.ports) config.ports = [...(config.ports ?? []), ...read.ports];
  if (read.env) config.env = { ...config.env, ...read.env };
  for (const key of ['memory', 'cpus', 'network', 'user'] as const)
    if (read[key] !== undefined) (config as Record<string, unknown>)[key] = read[key];
}

/**
 * `dockerComposeFile` (one path or a list, relative to the devcontainer.json), `service`,
 * `runServices`, `workspaceFolder`, `overrideCommand` and `shutdownAction`.
 */
function readCompose(
  json: Record<string, unknown>,
  dir: string,
  workspaceName: string,
  problems: string[],
): DevcontainerCompose | undefined {
  const raw = json.dockerComposeFile;
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.length || !list.every((f): f is string => typeof f === 'string' && f.trim() !== '')) {
    problems.push('devcontainer.json: dockerComposeFile must be a path or a list of paths');
    return undefined;
  }
  if (typeof json.service !== 'string' || !json.service.trim()) {
    problems.push('devcontainer.json: "service" must name the Compose service to work in');
    return undefined;
  }
  const runServices = json.runServices;
  if (runServices !== undefined && !(Array.isArray(runServices) && runServices.every((s) => typeof s === 'string'))) {
    problems.push('devcontainer.json: runServices must be a list of service names');
    return undefined;
  }
  const folder =
    typeof json.workspaceFolder === 'string' && json.workspaceFolder.startsWith('/')
      ? json.workspaceFolder
      : '/workspaces/${localWorkspaceFolderBasename}';
  return {
    files: list.map((f) => path.posix.normalize(path.posix.join(dir, f.replace(/\\/g, '/')))),
    service: json.service.trim(),
    ...(Array.isArray(runServices) ? { runServices: runServices as string[] } : {}),
    workspaceFolder: folder.replace(/\$\{localWorkspaceFolderBasename\}/g, workspaceName),
    overrideCommand: json.overrideCommand === true,
    shutdownAction: json.shutdownAction === 'none' ? 'none' : 'stopCompose',
    servicePorts: [],
  };
}
