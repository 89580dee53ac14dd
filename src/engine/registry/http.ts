/**
 * HTTP to registries and their token services: node:http and node:https, one deadline per
 * request, a cap on every body, certificates always checked, redirects followed a few times (blob
 * downloads go to storage elsewhere) but never with the credentials to another host. Pure Node.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Why a registry could not be used, so the UI can say what to do about it. */
export type RegistryErrorKind =
  | 'unreachable' // DNS, refused, reset: nothing answers there
  | 'timeout'
  | 'tls' // certificate problems, or TLS spoken to a plain-http registry
  | 'unauthorized' // 401: credentials missing or wrong
  | 'denied' // 403: these credentials may not do that
  | 'not-found'
  | 'unsupported' // the registry does not offer this (no catalog, deletes disabled)
  | 'rate-limited'
  | 'bad-response'; // an answer that is not the registry API

export class RegistryError extends Error {
  constructor(
    readonly kind: RegistryErrorKind,
    message: string,
    /** What the user can do about it, in one sentence. */
    readonly hint?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'HEAD' | 'DELETE' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The most of a body read; more is a bad-response. */
  maxBytes?: number;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Where the answer came from, after redirects. */
  url: string;
}

const MAX_REDIRECTS = 5;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const USER_AGENT = 'berth (vscode extension)';

/** One request, its redirects followed; rejects only when no HTTP answer came (status codes are the caller's). */
export async function httpFetch(req: HttpRequest): Promise<HttpAnswer> {
  let url = new URL(req.url);
  let headers = { 'User-Agent': USER_AGENT, ...req.headers };
  let method = req.method ?? 'GET';
  let body = req.body;
  for (let hop = 0; ; hop++) {
    const answer = await once(url, method, headers, body, req);
    const location = answer.headers.location;
    if (answer.status >= 300 && answer.status < 400 && location && hop < MAX_REDIRECTS) {
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:')
        throw new RegistryError('bad-response', `${url.host} redirected to ${next.protocol} URL, which Berth does not follow.`);
      // Credentials are for the host they were given to; a redirect elsewhere (storage, a CDN) goes without.
      if (next.origin !== url.origin) {
        const { Authorization: _dropped, ...rest } = headers as Record<string, string>;
        headers = rest as typeof headers;
      }
      if (answer.status === 303) {
        method = 'GET';
        body = undefined;
      }
      url = next;
      continue;
    }
    return answer;
  }
}

function once(url: URL, method: string, headers: Record<string, string>, body: string | undefined, req: HttpRequest): Promise<HttpAnswer> {
  const timeoutMs = req.timeoutMs ?? 30_000;
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (f: () => void) => {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      f();
    };
    const fail = (error: unknown) =>
      finish(() => {
        if (req.signal?.aborted) reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }));
        else if (timedOut)
          reject(
            new RegistryError(
              'timeout',
              `${url.host} did not answer within ${Math.round(timeoutMs / 1000)} s.`,
              'Check that the registry is up, then retry.',
            ),
          );
        else reject(networkError(error, url));
      });
    const request = send(
      url,
      {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'Content-Length': Buffer.byteLength(body) } : {}) },
        signal: controller.signal,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy(new RegistryError('bad-response', `${url.host} sent more than ${maxBytes >> 20} MB for ${url.pathname}.`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () =>
          finish(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: url.toString() })),
        );
      },
    );
    request.on('error', fail);
    request.end(body);
  });
}

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_OSSL|EPROTO$|HOSTNAME_MISMATCH)/;

function networkError(error: unknown, url: URL): Error {
  if (error instanceof RegistryError) return error;
  const e = error as NodeJS.ErrnoException;
  const code = e.code ?? '';
  if (TLS_CODES.test(code) || /certificate|SSL routines|wrong version number/i.test(e.message ?? ''))
    return new RegistryError(
      'tls',
      `The TLS connection to ${url.host} failed: ${e.message}.`,
      url.protocol === 'https:'
        ? 'If the registry speaks plain http, add it as http://host:port; if it has its own certificate authority, trust that CA on this machine.'
        : undefined,
    );
  if (['ENOTFOUND', 'EAI_AGAIN'].includes(code))
    return new RegistryError(
      'unreachable',
      `${url.hostname} cannot be found (${code}): no network, or a wrong name.`,
      'Check the address and the network, then retry.',
    );
  if (['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE'].includes(code))
    return new RegistryError(
      'unreachable',
      `Nothing answers at ${url.host} (${code}).`,
      'Check that the registry is running and the address is right, then retry.',
    );
  return new RegistryError('unreachable', `Cannot reach ${url.host}: ${e.message ?? String(error)}.`);
}

/** A registry's own error answer (`{"errors":[{"code","message"}]}`), or the status. */
export function registryMessage(answer: HttpAnswer): string {
  try {
    const json = JSON.parse(answer.body.toString('utf8')) as {
      errors?: { code?: unknown; message?: unknown }[];
      message?: unknown;
      detail?: unknown;
    };
    const first = json.errors?.[0];
    if (first && typeof first.message === 'string')
      return typeof first.code === 'string' ? `${first.code}: ${first.message}` : first.message;
    if (typeof json.message === 'string') return json.message;
    if (typeof json.detail === 'string') return json.detail;
  } catch {
    // Not JSON: the status says it.
  }
  return `HTTP ${answer.status}`;
}
