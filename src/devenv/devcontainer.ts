/**
 * The simple, image-based subset of `.devcontainer/devcontainer.json`, so Dev Containers
 * users start without rewriting anything. What Berth cannot honour is named, not dropped silently.
 */
import * as path from 'node:path';
import { parsePort, type PortSpec, type RunConfigInput } from './config';

export interface DevcontainerRead {
  config: RunConfigInput;
  /** Keys Berth ignores, each with why; empty when everything was honoured. */
  ignored: string[];
  problems: string[];
}

/** JSON with comments and trailing commas, as devcontainer.json allows. */
export function parseJsonc(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

const UNSUPPORTED: Record<string, string> = {
  dockerComposeFile: 'Compose-based configurations need Dev Containers',
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
  } else problems.push('devcontainer.json has neither "image" nor "build.dockerfile": Compose-based configurations need Dev Containers');

  const ports: PortSpec[] = [];
  const portValues = [
    ...(Array.isArray(json.forwardPorts) ? json.forwardPorts : []),
    ...(Array.isArray(json.appPort) ? json.appPort : json.appPort !== undefined ? [json.appPort] : []),
  ];
  for (const value of portValues) {
    // "service:port" forwards to a Compose service; plain numbers and "host:container" map.
    if (typeof value === 'string' && /^[a-z]/i.test(value)) {
      ignored.push(`forwardPorts "${value}": forwarding to another service needs Compose`);
      continue;
    }
    const port = parsePort(value);
    if (typeof port === 'string') problems.push(port);
    else if (!ports.some((p) => p.container === port.container && p.protocol === port.protocol)) ports.push(port);
  }
  if (ports.length) config.ports = ports;

  const user = json.containerUser ?? json.remoteUser;
  if (typeof user === 'string') config.user = user;
  if (typeof json.workspaceFolder === 'string') {
    config.mountTarget = json.workspaceFolder.replace(/\$\{localWorkspaceFolderBasename\}/g, workspaceName);
  }
  const env = { ...(json.containerEnv as Record<string, unknown> | undefined), ...(json.remoteEnv as Record<string, unknown> | undefined) };
  const envOut: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string' && !v.includes('${')) envOut[k] = v;
  if (Object.keys(envOut).length) config.env = envOut;

  if (Array.isArray(json.runArgs)) readRunArgs(json.runArgs.map(String), config, ignored);
  for (const key of Object.keys(json)) if (UNSUPPORTED[key]) ignored.push(`${key}: ${UNSUPPORTED[key]}`);
  return { config, ignored, problems };
}

/** The `docker run` flags Berth can honour; the rest are named in `ignored`. */
function readRunArgs(args: string[], config: RunConfigInput, ignored: string[]): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] =
      arg.includes('=') && arg.startsWith('--') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? args[++i];
    switch (flag) {
      case '-p':
      case '--publish': {
        const port = parsePort(value());
        if (typeof port !== 'string') config.ports = [...(config.ports ?? []), port];
        break;
      }
      case '-e':
      case '--env': {
        const v = value() ?? '';
        const eq = v.indexOf('=');
        if (eq > 0) config.env = { ...config.env, [v.slice(0, eq)]: v.slice(eq + 1) };
        break;
      }
      case '-m':
      case '--memory':
        config.memory = value();
        break;
      case '--cpus':
        config.cpus = Number(value());
        break;
      case '--network':
      case '--net':
        config.network = value();
        break;
      case '-u':
      case '--user':
        config.user = value();
        break;
      default:
        ignored.push(`runArgs ${arg}: not applied`);
    }
  }
}
