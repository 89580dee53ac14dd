/**
 * Which engine to talk to, decided the way the docker CLI decides it: an explicit host (Berth's
 * `berth.docker.host` setting) > DOCKER_HOST > DOCKER_CONTEXT > the current context of
 * ~/.docker/config.json > /var/run/docker.sock > rootless Docker > Podman.
 *
 * Pure: the file system, environment and home directory are injected, so every rule is
 * unit-tested with a temporary HOME.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EngineError, type Endpoint } from './types';

/** What endpoint resolution reads from the outside world. */
export interface EndpointDeps {
  env: Record<string, string | undefined>;
  home: string;
  /** Reads a UTF-8 file; throws (with a `code`) when it cannot. */
  readFile(path: string): string;
  /** True when something (a socket, a file) exists at the path. */
  exists(path: string): boolean;
  /** Entries of a directory; [] when it does not exist. */
  readDir(path: string): string[];
}

export const nodeDeps = (): EndpointDeps => ({
  env: process.env,
  home: homedir(),
  readFile: (path) => readFileSync(path, 'utf8'),
  exists: (path) => {
    try {
      statSync(path);
      return true;
    } catch {
      return false;
    }
  },
  readDir: (path) => {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
});

export const DEFAULT_SOCKET = '/var/run/docker.sock';
const DEFAULT_NPIPE = '//./pipe/docker_engine';

/** The docker CLI's configuration directory: DOCKER_CONFIG or ~/.docker. */
export function dockerConfigDir(deps: EndpointDeps): string {
  return deps.env.DOCKER_CONFIG || join(deps.home, '.docker');
}

const configError = (message: string, hint: string) => new EngineError('api', message, hint);

/**
 * Parses an engine address (`unix:///path`, `tcp://host:port`, `ssh://user@host:port`,
 * `npipe:////./pipe/name`; a bare `host:port` means tcp). TLS is not decided here.
 * @throws EngineError when the address is malformed, naming where it came from.
 */
export function parseHost(address: string, source: string, context?: string): Endpoint {
  const raw = address.trim();
  const where =
    source === 'setting'
      ? 'the berth.docker.host setting'
      : source === 'DOCKER_HOST'
        ? 'DOCKER_HOST'
        : context
          ? `docker context "${context}"`
          : source;
  const bad = (why: string) =>
    configError(
      `${where} is not a valid engine address (${JSON.stringify(raw)}): ${why}.`,
      'Use unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host or npipe:////./pipe/docker_engine.',
    );
  if (!raw) throw bad('it is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  const base = { source, ...(context ? { context } : {}) };
  if (scheme === 'unix') {
    const path = raw.slice('unix://'.length);
    if (!path.startsWith('/')) throw bad('the socket path must be absolute, as in unix:///var/run/docker.sock');
    return { kind: 'unix', socketPath: path, display: `unix://${path}`, ...base };
  }
  if (scheme === 'npipe') {
    const path = raw.slice('npipe://'.length) || DEFAULT_NPIPE;
    return { kind: 'npipe', socketPath: path, display: `npipe://${path}`, ...base };
  }
  if (scheme === undefined || scheme === 'tcp' || scheme === 'http' || scheme === 'https' || scheme === 'ssh') {
    if (scheme === undefined && raw.includes('://')) throw bad('unknown scheme');
    let url: URL;
    try {
      url = new URL(scheme === undefined ? `tcp://${raw}` : raw);
    } catch {
      throw bad('it cannot be parsed as a URL');
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!host) throw bad('no host name');
    if (url.pathname && url.pathname !== '/') throw bad(`unexpected path "${url.pathname}" after the host`);
    if (url.search || url.hash) throw bad('unexpected query or fragment');
    const port = url.port ? Number(url.port) : undefined;
    if (scheme === 'ssh') {
      if (url.password) throw bad('ssh addresses take no password; use keys or your ssh config');
      const user = url.username ? decodeURIComponent(url.username) : undefined;
      // ssh reads a leading dash as an option: refuse names that could smuggle one in.
      if (host.startsWith('-') || user?.startsWith('-')) throw bad('host and user must not start with "-"');
      const display = `ssh://${user ? `${user}@` : ''}${url.host}`;
      return { kind: 'ssh', host, ...(port ? { port } : {}), ...(user ? { user } : {}), display, ...base };
    }
    if (url.username || url.password) throw bad('credentials in a tcp address are not supported');
    return { kind: 'tcp', host, ...(port ? { port } : {}), display: `tcp://${url.host}`, ...base };
  }
  throw bad(`unsupported scheme "${scheme}://"`);
}

/** Reads TLS material (file contents) from a directory of ca.pem, cert.pem and key.pem. */
function readTls(deps: EndpointDeps, dir: string, verify: boolean, requireCa: boolean, what: string): Endpoint['tls'] {
  const read = (file: string, required: boolean): string | undefined => {
    const path = join(dir, file);
    if (!required && !deps.exists(path)) return undefined;
    try {
      return deps.readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new EngineError(
        'tls',
        `Cannot read ${path} for ${what}${code ? ` (${code})` : ''}.`,
        code === 'EACCES'
          ? `Make ${path} readable by your user.`
          : `Put ca.pem, cert.pem and key.pem in ${dir}, or point DOCKER_CERT_PATH at the directory that holds them.`,
      );
    }
  };
  const ca = read('ca.pem', requireCa);
  const cert = read('cert.pem', false);
  const key = read('key.pem', false);
  if ((cert === undefined) !== (key === undefined)) {
    throw new EngineError(
      'tls',
      `${what}: ${cert === undefined ? 'cert.pem' : 'key.pem'} is missing in ${dir}.`,
      'A client certificate needs both cert.pem and key.pem.',
    );
  }
  return { ...(ca !== undefined ? { ca } : {}), ...(cert !== undefined ? { cert, key } : {}), verify };
}

/** DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH, as the CLI applies them to a tcp host. */
function withEnvTls(endpoint: Endpoint, deps: EndpointDeps): Endpoint {
  if (endpoint.kind !== 'tcp') return endpoint;
  const verify = !!deps.env.DOCKER_TLS_VERIFY;
  const tls = verify || !!deps.env.DOCKER_TLS;
  const out = { ...endpoint, port: endpoint.port ?? (tls ? 2376 : 2375) };
  if (!tls) return out;
  const dir = deps.env.DOCKER_CERT_PATH || dockerConfigDir(deps);
  return {
    ...out,
    tls: readTls(deps, dir, verify, verify, `${endpoint.source === 'setting' ? 'the berth.docker.host setting' : 'DOCKER_HOST'} with TLS`),
  };
}

/** The directory name the CLI gives a context: the hex sha256 of its name. */
export const contextDigest = (name: string) => createHash('sha256').update(name).digest('hex');

interface ContextMeta {
  Name?: unknown;
  Metadata?: { Description?: unknown };
  Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } };
}

function readContextMeta(deps: EndpointDeps, dir: string): ContextMeta | undefined {
  let text: string;
  try {
    text = deps.readFile(join(dir, 'meta.json'));
  } catch {
    return undefined;
  }
  try {
    const meta = JSON.parse(text) as ContextMeta;
    return meta && typeof meta === 'object' ? meta : undefined;
  } catch {
    throw configError(
      `${join(dir, 'meta.json')} is not valid JSON.`,
      'Recreate the context with docker context create, or remove it with docker context rm.',
    );
  }
}

/** A named context's endpoint and TLS material. */
function contextEndpoint(deps: EndpointDeps, name: string, source: string): Endpoint {
  const configDir = dockerConfigDir(deps);
  const digest = contextDigest(name);
  const meta = readContextMeta(deps, join(configDir, 'contexts', 'meta', digest));
  const origin = source === 'DOCKER_CONTEXT' ? 'DOCKER_CONTEXT' : `currentContext in ${join(configDir, 'config.json')}`;
  if (!meta) {
    throw new EngineError(
      'not-found',
      `Docker context "${name}" (from ${origin}) does not exist.`,
      `Run docker context ls to see the contexts you have, then choose one with docker context use, or ${source === 'DOCKER_CONTEXT' ? 'unset DOCKER_CONTEXT' : 'docker context use default'}.`,
    );
  }
  const docker = meta.Endpoints?.docker;
  if (!docker || typeof docker.Host !== 'string' || !docker.Host) {
    throw configError(`Docker context "${name}" has no Docker endpoint.`, `Set one with docker context update ${name} --docker host=…`);
  }
  const endpoint = parseHost(docker.Host, source, name);
  if (endpoint.kind !== 'tcp') return endpoint;
  const tlsDir = join(configDir, 'contexts', 'tls', digest, 'docker');
  const skipVerify = docker.SkipTLSVerify === true;
  const hasTls = deps.readDir(tlsDir).some((f) => f.endsWith('.pem'));
  if (!hasTls && !skipVerify) return { ...endpoint, port: endpoint.port ?? 2375 };
  return { ...endpoint, port: endpoint.port ?? 2376, tls: readTls(deps, tlsDir, !skipVerify, false, `docker context "${name}"`) };
}

/** currentContext from config.json, when it names something other than `default`. */
function currentContext(deps: EndpointDeps): string | undefined {
  const path = join(dockerConfigDir(deps), 'config.json');
  let text: string;
  try {
    text = deps.readFile(path);
  } catch {
    return undefined;
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw configError(`${path} is not valid JSON.`, `Fix or remove ${path}; the docker CLI cannot read it either.`);
  }
  const name = (config as { currentContext?: unknown } | null)?.currentContext;
  return typeof name === 'string' && name ? name : undefined;
}

/** The default socket, or the first rootless or Podman socket that exists. */
function defaultEndpoint(deps: EndpointDeps): Endpoint {
  const unix = (path: string, source: string): Endpoint => ({ kind: 'unix', socketPath: path, display: `unix://${path}`, source });
  if (deps.exists(DEFAULT_SOCKET)) return unix(DEFAULT_SOCKET, 'default');
  const runtime = deps.env.XDG_RUNTIME_DIR;
  const fallbacks: [string, string][] = [
    ...(runtime
      ? ([
          [join(runtime, 'docker.sock'), 'rootless'],
          [join(runtime, 'podman', 'podman.sock'), 'podman'],
        ] as [string, string][])
      : []),
    ['/run/podman/podman.sock', 'podman'],
  ];
  for (const [path, source] of fallbacks) if (deps.exists(path)) return unix(path, source);
  // Nothing exists: name the default, so connecting fails with "not installed" for it.
  return unix(DEFAULT_SOCKET, 'default');
}

/**
 * Decides which engine to use.
 * @param host the `berth.docker.host` setting; empty or undefined to follow the environment.
 * @throws EngineError for a malformed address, a missing context or unreadable TLS files.
 */
export function resolveEndpoint(host?: string, deps: EndpointDeps = nodeDeps()): Endpoint {
  if (host?.trim()) return withEnvTls(parseHost(host, 'setting'), deps);
  const dockerHost = deps.env.DOCKER_HOST;
  if (dockerHost?.trim()) return withEnvTls(parseHost(dockerHost, 'DOCKER_HOST'), deps);
  const fromEnv = deps.env.DOCKER_CONTEXT;
  if (fromEnv) return fromEnv === 'default' ? defaultEndpoint(deps) : contextEndpoint(deps, fromEnv, 'DOCKER_CONTEXT');
  const current = currentContext(deps);
  if (current && current !== 'default') return contextEndpoint(deps, current, 'context');
  return defaultEndpoint(deps);
}

/** One docker context, for a context switcher. */
export interface ContextInfo {
  name: string;
  description?: string;
  /** The engine address, or an explanation when it cannot be read. */
  host: string;
  /** The one the CLI would use now (DOCKER_CONTEXT, else config.json's currentContext, else default). */
  current: boolean;
  /** Set when the context is broken (unreadable meta.json). */
  error?: string;
}

/** `default` plus every context in ~/.docker/contexts/meta, sorted by name after `default`. */
export function listContexts(deps: EndpointDeps = nodeDeps()): ContextInfo[] {
  let current = deps.env.DOCKER_CONTEXT || undefined;
  if (!current) {
    try {
      current = currentContext(deps);
    } catch {
      current = undefined;
    }
  }
  current ??= 'default';
  const out: ContextInfo[] = [];
  const dflt = defaultEndpoint(deps);
  out.push({
    name: 'default',
    description: 'The local engine (or DOCKER_HOST)',
    host: deps.env.DOCKER_HOST || dflt.display,
    current: current === 'default',
  });
  const metaRoot = join(dockerConfigDir(deps), 'contexts', 'meta');
  const others: ContextInfo[] = [];
  for (const digest of deps.readDir(metaRoot)) {
    let meta: ContextMeta | undefined;
    try {
      meta = readContextMeta(deps, join(metaRoot, digest));
    } catch (err) {
      others.push({ name: digest, host: '', current: false, error: (err as Error).message });
      continue;
    }
    if (!meta || typeof meta.Name !== 'string' || meta.Name === 'default') continue;
    const host = meta.Endpoints?.docker?.Host;
    const description = meta.Metadata?.Description;
    others.push({
      name: meta.Name,
      ...(typeof description === 'string' && description ? { description } : {}),
      host: typeof host === 'string' ? host : '(no Docker endpoint)',
      current: meta.Name === current,
    });
  }
  others.sort((a, b) => a.name.localeCompare(b.name));
  return [...out, ...others];
}

/** What makes two endpoints the same engine connection: equal keys, one client. */
export function endpointKey(endpoint: Endpoint | undefined): string {
  if (!endpoint) return '';
  const { kind, socketPath, host, port, user, tls, context } = endpoint;
  return JSON.stringify({ kind, socketPath, host, port, user, tls, context });
}
