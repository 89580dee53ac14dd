/**
 * Logging in and out as `docker login` and `docker logout` do, so the docker CLI, the engine's
 * pulls and pushes and Berth all see one login: credentials go to the credential helper the
 * config names for the registry (`credHelpers`), else to its `credsStore` (with an empty entry in
 * `auths`, as the CLI leaves one), else into `~/.docker/config.json` as base64 (the CLI's
 * unencrypted fallback). Everything else in config.json is kept; the file is replaced atomically
 * and stays private (0600). Pure Node: no vscode.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  callCredentialHelper,
  configPath,
  DOCKER_HUB_SERVER,
  hostOf,
  isDockerHub,
  RegistryAuthError,
  type AuthEnvironment,
} from './registryAuth';

/** Where a login was kept. */
export type CredentialPlace = { kind: 'helper'; helper: string } | { kind: 'file'; file: string };

type Config = Record<string, unknown> & {
  auths?: Record<string, Record<string, unknown>>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
};

/** The key `docker login` stores a registry under: Hub's historic URL, else the host[:port]. */
export function loginKey(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB_SERVER : hostOf(registry);
}

function readConfig(file: string): Config {
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
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new RegistryAuthError('bad-config', '', `${file} does not hold a JSON object`, file);
  return parsed as Config;
}

/** Replaces config.json in one step (a symlinked one is written where it points), private to the user. */
function writeConfig(file: string, config: Config): void {
  let target = file;
  try {
    target = fs.realpathSync(file);
  } catch {
    // No file yet: it is made where the CLI looks.
  }
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const temporary = path.join(path.dirname(target), `.config.json.${randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(temporary, `${JSON.stringify(config, null, '\t')}\n`, { mode: 0o600, flag: 'wx' });
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new RegistryAuthError('bad-config', '', `cannot write ${target}: ${(error as Error).message}`, target);
  }
}

/** The helper that keeps this registry's credentials, as the CLI chooses it. */
function helperFor(config: Config, registry: string): string | undefined {
  const hub = isDockerHub(registry);
  const host = hostOf(loginKey(registry));
  const helpers = config.credHelpers ?? {};
  const key = Object.keys(helpers).find((k) => (hub ? isDockerHub(k) : hostOf(k) === host));
  return (key && helpers[key]) || config.credsStore || undefined;
}

/** The `auths` keys that name this registry, in any of the spellings the CLI has written. */
function authKeys(config: Config, registry: string): string[] {
  const hub = isDockerHub(registry);
  const host = hostOf(loginKey(registry));
  return Object.keys(config.auths ?? {}).filter((k) => (hub ? isDockerHub(k) : hostOf(k) === host));
}

/**
 * Stores a login for `registry` (`docker.io`, `ghcr.io`, `localhost:5000`, …) where `docker login`
 * would. The password goes nowhere else.
 */
export async function storeCredentials(
  registry: string,
  credentials: { username: string; password: string },
  environment: AuthEnvironment = {},
): Promise<CredentialPlace> {
  const file = configPath(environment);
  const config = readConfig(file);
  const key = loginKey(registry);
  const helper = helperFor(config, registry);
  const auths = { ...(config.auths ?? {}) };
  for (const old of authKeys(config, registry)) if (old !== key) delete auths[old];
  if (helper) {
    const input = JSON.stringify({ ServerURL: key, Username: credentials.username, Secret: credentials.password });
    const result = await callCredentialHelper(helper, 'store', input, registry, environment);
    if (result.code !== 0) {
      const said = (result.stdout.trim() || result.stderr.trim()).split('\n')[0] ?? '';
      throw new RegistryAuthError(
        'helper-failed',
        registry,
        `docker-credential-${helper} store failed (exit ${result.code})${said ? `: ${said}` : ''}`,
      );
    }
    // The CLI leaves an empty entry, so `docker` knows it is logged in there.
    auths[key] = {};
    writeConfig(file, { ...config, auths });
    return { kind: 'helper', helper };
  }
  auths[key] = { auth: Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64') };
  writeConfig(file, { ...config, auths });
  return { kind: 'file', file };
}

/**
 * Removes the login for `registry` from its helper and from config.json, as `docker logout`
 * does. Resolves false when there was none.
 */
export async function eraseCredentials(registry: string, environment: AuthEnvironment = {}): Promise<boolean> {
  const file = configPath(environment);
  const config = readConfig(file);
  const key = loginKey(registry);
  const helper = helperFor(config, registry);
  let erased = false;
  if (helper) {
    const result = await callCredentialHelper(helper, 'erase', key, registry, environment);
    const said = (result.stdout.trim() || result.stderr.trim()).split('\n')[0] ?? '';
    if (result.code === 0) erased = true;
    else if (!/credentials not found/i.test(said))
      throw new RegistryAuthError(
        'helper-failed',
        registry,
        `docker-credential-${helper} erase failed (exit ${result.code})${said ? `: ${said}` : ''}`,
      );
  }
  const keys = authKeys(config, registry);
  if (keys.length) {
    const auths = { ...(config.auths ?? {}) };
    for (const k of keys) delete auths[k];
    writeConfig(file, { ...config, auths });
    erased = true;
  }
  return erased;
}
