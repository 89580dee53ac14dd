/**
 * A client for the Docker Registry HTTP API v2 (the OCI distribution API): the catalog, tags,
 * manifests and deletes, with the authentication each registry announces in `WWW-Authenticate`:
 * Basic, or Bearer tokens from the registry's token service (with Basic credentials, or none for
 * public repositories), one token per scope, kept until it expires. Pure Node: no vscode.
 */
import { parseChallenges, type Challenge } from './challenge';
import { apiRepository, isLoopback, type RegistryAddress } from './address';
import { httpFetch, RegistryError, registryMessage, type HttpAnswer } from './http';
import { MANIFEST_ACCEPT, readImageConfig, summariseManifest, type ManifestSummary, type Platform } from './manifest';

/** A username and password (or access token), as `docker login` takes them. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  /** The registry's credentials, asked for when it first wants them; undefined: go anonymously. */
  credentials?: () => Promise<RegistryCredentials | undefined>;
  timeoutMs?: number;
  /** The HTTP client; tests of registries that cannot be reached here hand in recorded answers. */
  fetch?: typeof httpFetch;
}

/** One tag as a row shows it. */
export interface TagDetails {
  tag: string;
  digest: string;
  kind: 'image' | 'index';
  mediaType: string;
  /** Compressed size of an image's config and layers; undefined for an index. */
  size?: number;
  platforms: Platform[];
  /** ISO date the manifest or the image config gives. */
  created?: string;
}

/** How a registry answered `/v2/`: open, or wanting credentials of a kind. */
export interface RegistryCheck {
  auth: 'none' | 'basic' | 'bearer';
  /** Whether the credentials given (if any) were accepted. */
  authenticated: boolean;
}

/** Pages are followed up to this many entries: a catalog of hundreds of thousands is not a tree. */
const MAX_LISTED = 5000;
const PAGE = 100;

export class RegistryClient {
  private readonly tokens = new Map<string, { token: string; expires: number }>();
  private credentialsAsked: Promise<RegistryCredentials | undefined> | undefined;
  private readonly timeoutMs: number;

  constructor(
    readonly address: RegistryAddress,
    private readonly options: RegistryClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  private credentials(): Promise<RegistryCredentials | undefined> {
    this.credentialsAsked ??= this.options.credentials?.() ?? Promise.resolve(undefined);
    return this.credentialsAsked;
  }

  /** Asks `/v2/`: whether the registry is there, and what authentication it wants. */
  async check(signal?: AbortSignal): Promise<RegistryCheck> {
    const first = await this.fetch('/v2/', { signal });
    if (first.status === 200) return { auth: 'none', authenticated: false };
    if (first.status !== 401) throw this.failure(first, 'answer the API version check', 'is this a registry?');
    const challenge = pick(parseChallenges(first.headers['www-authenticate']));
    if (!challenge)
      throw new RegistryError(
        'bad-response',
        `${this.address.display} wants credentials of a kind Berth cannot give (${first.headers['www-authenticate'] ?? 'no WWW-Authenticate'}).`,
      );
    const credentials = await this.credentials();
    if (!credentials) return { auth: challenge.scheme, authenticated: false };
    const again = await this.request('/v2/', { scope: undefined, signal });
    if (again.status === 200) return { auth: challenge.scheme, authenticated: true };
    throw this.failure(again, 'accept the credentials');
  }

  /** Repository names from `/v2/_catalog`; a registry that does not offer it throws 'unsupported'. */
  async repositories(signal?: AbortSignal): Promise<string[]> {
    const names: string[] = [];
    let next: string | undefined = `/v2/_catalog?n=${PAGE}`;
    while (next && names.length < MAX_LISTED) {
      const answer = await this.request(next, { scope: 'registry:catalog:*', signal });
      if (answer.status === 404 || answer.status === 405)
        throw new RegistryError(
          'unsupported',
          `${this.address.display} does not list its repositories.`,
          'Add the repository by name.',
          answer.status,
        );
      if (answer.status !== 200) throw this.failure(answer, 'list its repositories');
      const json = this.json(answer, 'the catalog') as { repositories?: unknown };
      const page = Array.isArray(json.repositories) ? json.repositories.filter((r): r is string => typeof r === 'string') : [];
      names.push(...page);
      next = page.length ? nextPage(answer) : undefined;
    }
    return names;
  }

  /** A repository's tags, in the registry's order (lexical for the distribution registry). */
  async tags(repository: string, signal?: AbortSignal): Promise<string[]> {
    const repo = apiRepository(this.address, repository);
    const tags: string[] = [];
    let next: string | undefined = `/v2/${repo}/tags/list?n=${PAGE}`;
    while (next && tags.length < MAX_LISTED) {
      const answer = await this.request(next, { scope: `repository:${repo}:pull`, signal });
      if (answer.status === 404) throw this.failure(answer, `find ${repository}`);
      if (answer.status !== 200) throw this.failure(answer, `list the tags of ${repository}`);
      const json = this.json(answer, 'the tag list') as { tags?: unknown };
      const page = Array.isArray(json.tags) ? json.tags.filter((t): t is string => typeof t === 'string') : [];
      tags.push(...page);
      next = page.length ? nextPage(answer) : undefined;
    }
    return tags;
  }

  /** A manifest as the registry serves it, with its digest. */
  async manifest(
    repository: string,
    reference: string,
    signal?: AbortSignal,
  ): Promise<{ digest: string; mediaType: string; json: unknown }> {
    const repo = apiRepository(this.address, repository);
    const answer = await this.request(`/v2/${repo}/manifests/${encodeURIComponent(reference)}`, {
      scope: `repository:${repo}:pull`,
      accept: MANIFEST_ACCEPT,
      signal,
    });
    if (answer.status !== 200) throw this.failure(answer, `read the manifest of ${repository}:${reference}`);
    const digest = header(answer, 'docker-content-digest') ?? (reference.startsWith('sha256:') ? reference : '');
    return { digest, mediaType: header(answer, 'content-type') ?? '', json: this.json(answer, 'the manifest') };
  }

  /** What a tag row shows: digest, size, platforms and date, reading the image config when the manifest does not date it. */
  async tagDetails(repository: string, tag: string, signal?: AbortSignal): Promise<TagDetails> {
    const { digest, mediaType, json } = await this.manifest(repository, tag, signal);
    let summary: ManifestSummary;
    try {
      summary = summariseManifest(json, mediaType);
    } catch (error) {
      throw new RegistryError('bad-response', `${repository}:${tag}: ${(error as Error).message}.`);
    }
    let created = summary.created;
    let platforms = summary.platforms;
    if (summary.kind === 'image' && summary.configDigest) {
      const config = await this.blobJson(repository, summary.configDigest, signal).catch(() => undefined);
      const read = readImageConfig(config);
      created ??= read.created;
      if (read.platform) platforms = [read.platform];
    }
    return {
      tag,
      digest,
      kind: summary.kind,
      mediaType: summary.mediaType,
      ...(summary.kind === 'image' ? { size: summary.size } : {}),
      platforms,
      ...(created ? { created } : {}),
    };
  }

  /** A small JSON blob (an image config). */
  async blobJson(repository: string, digest: string, signal?: AbortSignal): Promise<unknown> {
    const repo = apiRepository(this.address, repository);
    const answer = await this.request(`/v2/${repo}/blobs/${encodeURIComponent(digest)}`, {
      scope: `repository:${repo}:pull`,
      signal,
      maxBytes: 4 * 1024 * 1024,
    });
    if (answer.status !== 200) throw this.failure(answer, `read ${digest} of ${repository}`);
    return this.json(answer, 'the image config');
  }

  /**
   * Deletes the manifest a tag points at (registries delete manifests, not tags: every tag on
   * that digest goes with it). Resolves with the digest deleted.
   */
  async deleteTag(repository: string, tag: string, signal?: AbortSignal): Promise<string> {
    const repo = apiRepository(this.address, repository);
    const digest = tag.startsWith('sha256:') ? tag : (await this.manifest(repository, tag, signal)).digest;
    if (!digest) throw new RegistryError('bad-response', `${this.address.display} did not say which digest ${repository}:${tag} is.`);
    const answer = await this.request(`/v2/${repo}/manifests/${encodeURIComponent(digest)}`, {
      method: 'DELETE',
      scope: `repository:${repo}:delete`,
      signal,
    });
    if (answer.status === 202 || answer.status === 200) return digest;
    if (answer.status === 405 || /UNSUPPORTED/.test(registryMessage(answer)))
      throw new RegistryError(
        'unsupported',
        `${this.address.display} does not allow deleting images.`,
        'Its administrator can turn deletes on (for the distribution registry: storage.delete.enabled).',
        answer.status,
      );
    throw this.failure(answer, `delete ${repository}:${tag}`);
  }

  // --- requests and authentication ---------------------------------------------------------------

  private fetch(
    path: string,
    o: { method?: 'GET' | 'DELETE' | 'HEAD'; headers?: Record<string, string>; signal?: AbortSignal; maxBytes?: number },
  ) {
    return (this.options.fetch ?? httpFetch)({
      url: this.address.apiBase + path,
      method: o.method,
      headers: o.headers,
      signal: o.signal,
      timeoutMs: this.timeoutMs,
      maxBytes: o.maxBytes,
    });
  }

  /**
   * A request with the authentication the registry asks for: tried with what is known for the
   * scope, then, on a 401, once more after answering the challenge.
   */
  private async request(
    path: string,
    o: { scope: string | undefined; method?: 'GET' | 'DELETE'; accept?: string; signal?: AbortSignal; maxBytes?: number },
  ): Promise<HttpAnswer> {
    const headers = (auth?: string): Record<string, string> => ({
      ...(o.accept ? { Accept: o.accept } : {}),
      ...(auth ? { Authorization: auth } : {}),
    });
    const cached = o.scope !== undefined ? this.cachedToken(o.scope) : undefined;
    const first = await this.fetch(path, {
      method: o.method,
      headers: headers(cached ?? this.basicIfKnown()),
      signal: o.signal,
      maxBytes: o.maxBytes,
    });
    if (first.status !== 401) return first;
    const challenge = pick(parseChallenges(first.headers['www-authenticate']));
    if (!challenge) return first;
    const auth = await this.answer(challenge, o.scope, o.signal);
    if (!auth) return first;
    return this.fetch(path, { method: o.method, headers: headers(auth), signal: o.signal, maxBytes: o.maxBytes });
  }

  private basic: string | undefined;

  /** Basic credentials once a registry has asked for them, so later requests do not take a 401 first. */
  private basicIfKnown(): string | undefined {
    return this.basic;
  }

  private async answer(challenge: Challenge, scope: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
    const credentials = await this.credentials();
    if (challenge.scheme === 'basic') {
      if (!credentials) return undefined;
      this.basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      return this.basic;
    }
    const token = await this.bearerToken(challenge, scope ?? challenge.params.scope, credentials, signal);
    return `Bearer ${token}`;
  }

  private cachedToken(scope: string): string | undefined {
    const entry = this.tokens.get(scope);
    return entry && entry.expires > Date.now() ? `Bearer ${entry.token}` : undefined;
  }

  /** A token from the registry's token service for `scope` (the distribution token spec). */
  private async bearerToken(
    challenge: Challenge,
    scope: string | undefined,
    credentials: RegistryCredentials | undefined,
    signal?: AbortSignal,
  ): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm)
      throw new RegistryError('bad-response', `${this.address.display} asked for a Bearer token without saying where to get one.`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError('bad-response', `${this.address.display} named a token service that is not a URL: ${realm.slice(0, 80)}.`);
    }
    // Credentials go to a token service only over https, on this machine, or on the registry's own host.
    if (credentials && url.protocol !== 'https:' && !isLoopback(url.host) && url.hostname !== new URL(this.address.apiBase).hostname)
      throw new RegistryError(
        'bad-response',
        `${this.address.display} asked for credentials to be sent to ${url.origin} without TLS; Berth does not send them.`,
      );
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    // The challenge's own scope is what this request needs when there is one; otherwise ours.
    const wanted = challenge.params.scope ?? scope;
    if (wanted) url.searchParams.set('scope', wanted);
    if (credentials) url.searchParams.set('account', credentials.username);
    const answer = await (this.options.fetch ?? httpFetch)({
      url: url.toString(),
      headers: credentials
        ? { Authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` }
        : {},
      signal,
      timeoutMs: this.timeoutMs,
      maxBytes: 1024 * 1024,
    });
    if (answer.status === 401 || answer.status === 403)
      throw new RegistryError(
        'unauthorized',
        `${this.address.display} refused ${credentials ? `the credentials of ${credentials.username}` : 'to answer without credentials'} (${registryMessage(answer)}).`,
        credentials ? 'Log in again with the right username and password or access token.' : 'Log in to this registry.',
        answer.status,
      );
    if (answer.status !== 200) throw this.failure(answer, 'hand out a token');
    const json = this.json(answer, 'the token') as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    const token = typeof json.token === 'string' ? json.token : typeof json.access_token === 'string' ? json.access_token : undefined;
    if (!token) throw new RegistryError('bad-response', `The token service of ${this.address.display} answered without a token.`);
    // 60 s is the spec's default lifetime; renew a little early.
    const seconds = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 60;
    if (wanted) this.tokens.set(wanted, { token, expires: Date.now() + Math.max(10, seconds - 10) * 1000 });
    return token;
  }

  // --- answers ---------------------------------------------------------------------------------------

  private json(answer: HttpAnswer, what: string): Record<string, unknown> {
    try {
      const value = JSON.parse(answer.body.toString('utf8')) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Reported below.
    }
    throw new RegistryError(
      'bad-response',
      `${this.address.display} answered with something other than ${what} (${answer.body.toString('utf8', 0, 60).replace(/\s+/g, ' ')}…).`,
    );
  }

  /** The error for an answer that is not what was asked: in the registry's words, with what to do. */
  private failure(answer: HttpAnswer, doing: string, guess?: string): RegistryError {
    const said = registryMessage(answer);
    const where = this.address.display;
    switch (answer.status) {
      case 401:
        return new RegistryError(
          'unauthorized',
          `${where} would not ${doing} without valid credentials (${said}).`,
          'Log in to this registry (Berth: Log In to Registry), then retry.',
          401,
        );
      case 403:
        return new RegistryError(
          'denied',
          `${where} does not allow these credentials to ${doing} (${said}).`,
          'Ask its administrator for access, or log in as another user.',
          403,
        );
      case 404:
        return new RegistryError('not-found', `${where} could not ${doing}: not found (${said}).`, undefined, 404);
      case 429:
        return new RegistryError(
          'rate-limited',
          `${where} is limiting requests (${said}).`,
          'Wait a while, or log in: registries allow logged-in users more.',
          429,
        );
      default:
        return new RegistryError(
          'bad-response',
          `${where} could not ${doing}: ${said}${guess ? `; ${guess}` : ''}.`,
          answer.status >= 500 ? 'The registry has a problem of its own; retry later.' : undefined,
          answer.status,
        );
    }
  }
}

/** Bearer when offered (it covers more), else Basic. */
function pick(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

function header(answer: HttpAnswer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The next page from a `Link: </v2/_catalog?last=x&n=100>; rel="next"` header: a path on the same registry only. */
function nextPage(answer: HttpAnswer): string | undefined {
  const link = header(answer, 'link');
  const match = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
  if (!match) return undefined;
  try {
    const next = new URL(match[1]!, answer.url);
    if (next.origin !== new URL(answer.url).origin) return undefined;
    return next.pathname + next.search;
  } catch {
    return undefined;
  }
}
