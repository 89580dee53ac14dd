/**
 * The local engine's images, for quick fixes that suggest tags and digests.
 *
 * One GET of the Engine API over node:http rather than dockerode: bundled into the language server,
 * dockerode and its ssh2/grpc dependencies cost 4–8 MB of resident memory even when never loaded,
 * against a 50 MB budget. The full engine connection module (dockerode) comes with the views.
 */
import type { LocalImage } from '../shared/localImage';

/** How long one answer (or the lack of one) is reused: fixes ask per lightbulb, the engine changes slowly. */
const CACHE_MS = 10_000;
/** A code action waits this long at most; an absent engine must not slow the editor. */
const TIMEOUT_MS = 1_500;
/** More than any real image list; a stray server streaming forever is cut off. */
const MAX_BYTES = 64 * 1024 * 1024;

/** Where the Engine API listens. */
export interface EngineEndpoint {
  socketPath?: string;
  host?: string;
  port?: number;
  https: boolean;
  /** DOCKER_CERT_PATH, for https. */
  certPath?: string;
}

let cached: { at: number; images: Promise<LocalImage[]> } | undefined;

/**
 * Lists the images of the engine at `DOCKER_HOST` (unix://, tcp://, npipe://; https with
 * DOCKER_TLS_VERIFY/DOCKER_CERT_PATH) or the default socket. Never throws: no engine, a slow
 * engine or any error gives [].
 */
export function listLocalImages(now: number = Date.now()): Promise<LocalImage[]> {
  if (cached && now - cached.at < CACHE_MS) return cached.images;
  const images = fetchImages(process.env).catch(() => []);
  cached = { at: now, images };
  return images;
}

/** Forgets the cached answer (tests, and later the views after a pull or build). */
export function clearLocalImagesCache(): void {
  cached = undefined;
}

/** The endpoint the Docker CLI would use for these environment variables; undefined for ssh:// and nonsense. */
export function endpointFromEnv(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): EngineEndpoint | undefined {
  const dockerHost = env.DOCKER_HOST?.trim();
  if (!dockerHost) {
    return { socketPath: platform === 'win32' ? '//./pipe/docker_engine' : '/var/run/docker.sock', https: false };
  }
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) || '/var/run/docker.sock', https: false };
  if (dockerHost.startsWith('npipe://'))
    return { socketPath: dockerHost.slice('npipe://'.length) || '//./pipe/docker_engine', https: false };
  let url: URL;
  try {
    url = new URL(dockerHost.includes('://') ? dockerHost : `tcp://${dockerHost}`);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const https = url.protocol === 'https:' || !!env.DOCKER_TLS_VERIFY || url.port === '2376';
  const port = url.port ? Number(url.port) : https ? 2376 : 2375;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, https, certPath: env.DOCKER_CERT_PATH || undefined };
}

async function fetchImages(env: NodeJS.ProcessEnv): Promise<LocalImage[]> {
  const endpoint = endpointFromEnv(env);
  if (!endpoint) return [];
  const body = await get(endpoint, '/images/json');
  const list: unknown = JSON.parse(body);
  if (!Array.isArray(list)) return [];
  return list
    .filter((info): info is Record<string, unknown> => typeof info === 'object' && info !== null)
    .map((info) => ({
      id: typeof info.Id === 'string' ? info.Id : '',
      repoTags: strings(info.RepoTags).filter((tag) => tag !== '<none>:<none>'),
      repoDigests: strings(info.RepoDigests).filter((digest) => !digest.startsWith('<none>@')),
      ...(typeof info.Size === 'number' ? { size: info.Size } : {}),
      ...(typeof info.Created === 'number' ? { created: info.Created } : {}),
    }));
}

async function get(endpoint: EngineEndpoint, requestPath: string): Promise<string> {
  // Loaded on first use so the language server starts without them.
  const { request } = endpoint.https ? await import('node:https') : await import('node:http');
  const tls = endpoint.https && endpoint.certPath ? await readCerts(endpoint.certPath) : {};
  return new Promise<string>((resolve, reject) => {
    const req = request(
      {
        socketPath: endpoint.socketPath,
        host: endpoint.host,
        port: endpoint.port,
        path: requestPath,
        method: 'GET',
        headers: { Host: 'docker' },
        timeout: TIMEOUT_MS,
        ...tls,
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`engine answered ${res.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BYTES) req.destroy(new Error('answer too large'));
          else chunks.push(chunk);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    // One deadline for the whole exchange: a tcp:// host that accepts and then stalls counts too.
    const deadline = setTimeout(() => req.destroy(new Error('timeout')), TIMEOUT_MS);
    deadline.unref();
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function readCerts(dir: string): Promise<{ ca?: Buffer; cert?: Buffer; key?: Buffer }> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const read = (name: string) => readFile(join(dir, name)).catch(() => undefined);
  const [ca, cert, key] = await Promise.all([read('ca.pem'), read('cert.pem'), read('key.pem')]);
  return { ca, cert, key };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
