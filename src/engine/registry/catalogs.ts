/**
 * Repository lists for the registries that keep `/v2/_catalog` closed: Docker Hub (the user's
 * namespaces, then each namespace's repositories, from Hub's own API) and GitHub's registry (the
 * user's container packages, from GitHub's REST API with the same access token). Pure Node.
 */
import { httpFetch, RegistryError, registryMessage, type HttpAnswer } from './http';
import type { RegistryCredentials } from './client';

export interface CatalogOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The HTTP client; tests hand in recorded answers, as these services cannot be reached there. */
  fetch?: typeof httpFetch;
}

const HUB_API = 'https://hub.docker.com';
const GITHUB_API = 'https://api.github.com';
/** Pages followed at most: enough for any person's or organisation's repositories. */
const MAX_PAGES = 20;

function json(answer: HttpAnswer, what: string): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8')) as unknown;
  } catch {
    throw new RegistryError('bad-response', `${what} answered with something other than JSON.`);
  }
}

function refused(answer: HttpAnswer, service: string, hint: string): RegistryError {
  if (answer.status === 401 || answer.status === 403)
    return new RegistryError('unauthorized', `${service} refused the credentials (${registryMessage(answer)}).`, hint, answer.status);
  if (answer.status === 429) return new RegistryError('rate-limited', `${service} is limiting requests.`, 'Wait a while, then retry.', 429);
  return new RegistryError(
    'bad-response',
    `${service} answered HTTP ${answer.status} (${registryMessage(answer)}).`,
    undefined,
    answer.status,
  );
}

/** A Docker Hub API token for these credentials (a password or a personal access token). */
async function hubToken(credentials: RegistryCredentials, options: CatalogOptions): Promise<string> {
  const answer = await (options.fetch ?? httpFetch)({
    url: `${HUB_API}/v2/auth/token`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ identifier: credentials.username, secret: credentials.password }),
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  if (answer.status !== 200)
    throw refused(answer, 'Docker Hub', 'Log in again with your Docker ID and a password or personal access token.');
  const token = (json(answer, 'Docker Hub') as { access_token?: unknown; token?: unknown }) ?? {};
  const value = typeof token.access_token === 'string' ? token.access_token : typeof token.token === 'string' ? token.token : undefined;
  if (!value) throw new RegistryError('bad-response', 'Docker Hub answered the login without a token.');
  return value;
}

/** The namespaces the user has on Docker Hub: their own name first, then their organisations. */
export async function hubNamespaces(credentials: RegistryCredentials, options: CatalogOptions = {}): Promise<string[]> {
  const token = await hubToken(credentials, options);
  const answer = await (options.fetch ?? httpFetch)({
    url: `${HUB_API}/v2/repositories/namespaces/`,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  const own = credentials.username.toLowerCase();
  if (answer.status !== 200) return [own];
  const listed = (json(answer, 'Docker Hub') as { namespaces?: unknown }).namespaces;
  const names = Array.isArray(listed) ? listed.filter((n): n is string => typeof n === 'string') : [];
  return [own, ...names.filter((n) => n.toLowerCase() !== own)];
}

/** The repositories of a Docker Hub namespace, as `namespace/name`; private ones only with credentials. */
export async function hubRepositories(
  namespace: string,
  credentials: RegistryCredentials | undefined,
  options: CatalogOptions = {},
): Promise<string[]> {
  const token = credentials ? await hubToken(credentials, options) : undefined;
  const out: string[] = [];
  let url: string | undefined = `${HUB_API}/v2/namespaces/${encodeURIComponent(namespace)}/repositories?page_size=100`;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const answer = await (options.fetch ?? httpFetch)({
      url,
      headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
    if (answer.status === 404) throw new RegistryError('not-found', `Docker Hub has no namespace ${namespace}.`, undefined, 404);
    if (answer.status !== 200) throw refused(answer, 'Docker Hub', 'Log in to Docker Hub again.');
    const body = json(answer, 'Docker Hub') as { results?: unknown; next?: unknown };
    for (const r of Array.isArray(body.results) ? body.results : []) {
      const name = (r as { name?: unknown }).name;
      if (typeof name === 'string') out.push(`${namespace}/${name}`);
    }
    // Only Hub's own pages are followed.
    url = typeof body.next === 'string' && body.next.startsWith(`${HUB_API}/`) ? body.next : undefined;
  }
  return out;
}

/** The container packages the token's user can see on GitHub, as `owner/name`. */
export async function ghcrRepositories(credentials: RegistryCredentials, options: CatalogOptions = {}): Promise<string[]> {
  const out: string[] = [];
  let url: string | undefined = `${GITHUB_API}/user/packages?package_type=container&per_page=100`;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const answer = await (options.fetch ?? httpFetch)({
      url,
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${credentials.password}`,
        'X-GitHub-Api-Version': '2022-11-28',
      },
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
    if (answer.status !== 200)
      throw refused(answer, 'GitHub', 'Log in to ghcr.io with a personal access token that has the read:packages scope.');
    const list = json(answer, 'GitHub');
    for (const p of Array.isArray(list) ? list : []) {
      const name = (p as { name?: unknown }).name;
      const owner = (p as { owner?: { login?: unknown } }).owner?.login;
      if (typeof name === 'string' && typeof owner === 'string') out.push(`${owner}/${name}`.toLowerCase());
    }
    const link = answer.headers.link;
    const next = typeof link === 'string' ? /<([^>]+)>\s*;\s*rel="next"/.exec(link)?.[1] : undefined;
    url = next?.startsWith(`${GITHUB_API}/`) ? next : undefined;
  }
  return out;
}
