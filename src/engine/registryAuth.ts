/**
 * Registry credentials for pushes and private pulls, found where the docker CLI keeps them:
 * `~/.docker/config.json` (or `$DOCKER_CONFIG/config.json`) with its `auths`, `credsStore` and
 * `credHelpers`. Credential helpers run as `docker-credential-<name> get` with the server address
 * on stdin, never through a shell. Pure Node: no vscode.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseImageRef } from '../shared/imageRef';
import type { RegistryAuth } from './types';

/** The key Docker Hub credentials are stored under, by `docker login` and the credential helpers. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';
/** The host names that all mean Docker Hub. */
const DOCKER_HUB_HOSTS = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];
/** A helper that has not answered by then is stuck (a GUI prompt nobody sees, a locked keyring). */
const HELPER_TIMEOUT_MS = 30_000;

export type RegistryAuthErrorKind =
  | 'no-credentials' // nothing stored for this registry
  | 'bad-config' // config.json unreadable or not JSON
  | 'helper-missing' // docker-credential-<name> is not on PATH
  | 'helper-failed'; // the helper ran and failed

/** Why no credentials could be had; `registry` is what the user would pass to `docker login`. */
export class RegistryAuthError extends Error {
  constructor(
    readonly kind: RegistryAuthErrorKind,
    readonly registry: string,
    message: string,
    /** The helper's name or the config file, when that is what went wrong. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'RegistryAuthError';
  }
}

/** Where to look: a temporary HOME and PATH in tests, the process's otherwise. */
export interface AuthEnvironment {
  env?: NodeJS.ProcessEnv;
  /** Home directory; defaults to env.HOME, then os.homedir(). */
  home?: string;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** True for every spelling of Docker Hub: `docker.io`, `index.docker.io`, `https://index.docker.io/v1/`, … */
export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_HOSTS.includes(hostOf(registry));
}

/**
 * The registry an image reference lives in, as `docker login` would name it: a host[:port], or
 * `docker.io` for Docker Hub (names without a registry component, and Hub's aliases).
 */
export function registryOf(reference: string): string {
  const registry = parseImageRef(reference.trim()).registry;
  if (!registry || isDockerHub(registry)) return 'docker.io';
  return registry.toLowerCase();
}

/** `https://Host:5000/v2/` → `host:5000`: how the CLI compares `auths` keys with a registry. */
export function hostOf(serverAddress: string): string {
  let rest = serverAddress.trim();
  rest = rest.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = rest.indexOf('/');
  if (slash >= 0) rest = rest.slice(0, slash);
  return rest.toLowerCase();
}

/** The server address credential stores are asked about: Hub's historic URL, else the host. */
export function serverAddressFor(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB_SERVER : hostOf(registry);
}

/** The docker CLI's config file for this environment. */
export function configPath(environment: AuthEnvironment = {}): string {
  const env = environment.env ?? process.env;
  if (env.DOCKER_CONFIG) return path.join(env.DOCKER_CONFIG, 'config.json');
  const home = environment.home ?? (env.HOME || os.homedir());
  return path.join(home, '.docker', 'config.json');
}

/** Reads config.json; a missing file is an empty config, a broken one an error naming the file. */
export function readDockerConfig(environment: AuthEnvironment = {}): DockerConfig {
  const file = configPath(environment);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new RegistryAuthError('bad-config', '', `cannot read ${file}: ${(error as Error).message}`, file);
  }
  let parsed: unknown;
  try {
    parsed = text.trim() ? JSON.parse(text) : {};
  } catch (error) {
    throw new RegistryAuthError('bad-config', '', `${file} is not valid JSON: ${(error as Error).message}`, file);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RegistryAuthError('bad-config', '', `${file} does not hold a JSON object`, file);
  }
  return parsed as DockerConfig;
}

/**
 * Credentials for the registry of `reference` (an image reference, or a registry name), or
 * undefined when none are stored: pulls then go anonymously. Throws RegistryAuthError when the
 * config is broken or a credential helper fails.
 */
export async function findCredentials(reference: string, environment: AuthEnvironment = {}): Promise<RegistryAuth | undefined> {
  const registry = looksLikeRegistry(reference) ? normaliseRegistry(reference) : registryOf(reference);
  const config = readDockerConfig(environment);
  const host = hostOf(serverAddressFor(registry));
  const hub = isDockerHub(registry);

  // A per-registry helper wins over everything, as in the CLI.
  const helpers = config.credHelpers ?? {};
  const helperKey = Object.keys(helpers).find((key) => (hub ? isDockerHub(key) : hostOf(key) === host));
  if (helperKey && helpers[helperKey]) return runHelper(helpers[helperKey], registry, environment);
  if (config.credsStore) {
    const fromStore = await runHelper(config.credsStore, registry, environment);
    if (fromStore) return fromStore;
  }
  const auths = config.auths ?? {};
  const key =
    (hub && auths[DOCKER_HUB_SERVER] ? DOCKER_HUB_SERVER : undefined) ??
    (auths[registry] ? registry : undefined) ??
    Object.keys(auths).find((k) => (hub ? isDockerHub(k) : hostOf(k) === host));
  if (key === undefined) return undefined;
  return fromAuthEntry(auths[key] ?? {}, serverAddressFor(registry));
}

/**
 * Like findCredentials, but no credentials is an error saying what to run, for pushes, which
 * registries refuse anonymously.
 */
export async function requireCredentials(reference: string, environment: AuthEnvironment = {}): Promise<RegistryAuth> {
  const auth = await findCredentials(reference, environment);
  if (auth) return auth;
  const registry = looksLikeRegistry(reference) ? normaliseRegistry(reference) : registryOf(reference);
  const login = isDockerHub(registry) ? 'docker login' : `docker login ${registry}`;
  throw new RegistryAuthError('no-credentials', registry, `no credentials for registry ${registry}: run ${login}`);
}

/** `docker.io`, `https://index.docker.io/v1/`, `localhost:5000`: a registry rather than an image. */
function looksLikeRegistry(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim()) || isDockerHub(value);
}

function normaliseRegistry(value: string): string {
  return isDockerHub(value) ? 'docker.io' : hostOf(value);
}

/** An `auths` entry: `auth` is base64 of `user:password` (the password may contain colons). */
function fromAuthEntry(entry: AuthEntry, serveraddress: string): RegistryAuth | undefined {
  let { username, password } = entry;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, username, serveraddress };
  if (!username && !password) return undefined;
  return { username, password, serveraddress };
}

/**
 * Runs `docker-credential-<helper> <action>` with `input` on stdin, never through a shell; resolves
 * with its exit code and output. Throws RegistryAuthError when the helper's name is not a plain
 * program name, it is not installed, or it does not answer within 30 s.
 */
export async function callCredentialHelper(
  helper: string,
  action: 'get' | 'store' | 'erase',
  input: string,
  registry: string,
  environment: AuthEnvironment = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const program = `docker-credential-${helper}`;
  // A name with a slash would make spawn run a path relative to the working directory.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(helper)) {
    throw new RegistryAuthError(
      'helper-failed',
      registry,
      `credential helper name ${JSON.stringify(helper)} in ${configPath(environment)} is not a plain program name`,
      program,
    );
  }
  const env = environment.env ?? process.env;
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(program, [action], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new RegistryAuthError('helper-failed', registry, `${program} did not answer within ${HELPER_TIMEOUT_MS / 1000} s`, program));
    }, HELPER_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new RegistryAuthError(
              'helper-missing',
              registry,
              `${program} is not installed or not on PATH (named in ${configPath(environment)})`,
              program,
            )
          : new RegistryAuthError('helper-failed', registry, `${program} could not start: ${error.message}`, program),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A helper that exits before reading stdin makes this write fail with EPIPE; its exit code says enough.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/**
 * `docker-credential-<helper> get`, server address on stdin, JSON `{ServerURL, Username, Secret}`
 * on stdout. "credentials not found" is no credentials; `<token>` as Username means an identity token.
 */
async function runHelper(helper: string, registry: string, environment: AuthEnvironment): Promise<RegistryAuth | undefined> {
  const program = `docker-credential-${helper}`;
  const serverAddress = serverAddressFor(registry);
  const result = await callCredentialHelper(helper, 'get', serverAddress, registry, environment);
  if (result.code !== 0) {
    const said = (result.stdout.trim() || result.stderr.trim()).split('\n')[0] ?? '';
    if (/credentials not found/i.test(said)) return undefined;
    throw new RegistryAuthError(
      'helper-failed',
      registry,
      `${program} get failed (exit ${result.code})${said ? `: ${said}` : ''}`,
      program,
    );
  }
  let answer: { ServerURL?: unknown; Username?: unknown; Secret?: unknown };
  try {
    answer = JSON.parse(result.stdout);
  } catch {
    throw new RegistryAuthError('helper-failed', registry, `${program} get answered something other than JSON`, program);
  }
  const username = typeof answer.Username === 'string' ? answer.Username : undefined;
  const secret = typeof answer.Secret === 'string' ? answer.Secret : undefined;
  if (!secret) return undefined;
  if (username === '<token>') return { identitytoken: secret, serveraddress: serverAddress };
  return { username, password: secret, serveraddress: serverAddress };
}
