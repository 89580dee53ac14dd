/**
 * Turns whatever a failed engine call threw (a socket error, an HTTP error answer from the engine,
 * an ssh failure, our own timeout) into an EngineError whose kind and hint tell the user what to do.
 */
import { EngineError, type Endpoint } from './types';

export const HINTS = {
  permission: 'Add your user to the docker group (sudo usermod -aG docker $USER, then log in again) or use rootless Docker.',
  notInstalled:
    'Install Docker Engine (or Docker Desktop, rootless Docker or Podman), or choose another engine with the berth.docker.host setting or a docker context.',
  notRunning: 'Start the engine (sudo systemctl start docker, or start Docker Desktop), then retry.',
  unreachable:
    'Check that the host is up and reachable from here, and that the address in DOCKER_HOST, the docker context or berth.docker.host is right.',
  timeout: 'The engine is slow or stuck; check it with docker info and retry.',
  tls: 'Check the certificates in DOCKER_CERT_PATH or the docker context (ca.pem, cert.pem, key.pem) and that they match the host name.',
  badResponse: 'Something other than a Docker engine may be answering at this address; check the address.',
} as const;

/** Where we are talking to, for messages. */
const where = (endpoint: Endpoint) => endpoint.display;

/** Sources that were chosen by existence of a default socket, rather than named by the user. */
const isDefault = (endpoint: Endpoint) => ['default', 'rootless', 'podman'].includes(endpoint.source);

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_OSSL|EPROTO$|HOSTNAME_MISMATCH)/;

/** The engine's own message from an error answer (`json` holds its parsed body, or the bytes). */
export function engineMessage(err: { json?: unknown; message?: string }): string {
  const json = err.json as { message?: unknown } | string | Buffer | null | undefined;
  if (json && typeof json === 'object' && !Buffer.isBuffer(json) && typeof json.message === 'string') return json.message;
  if (Buffer.isBuffer(json) && json.length) return json.toString('utf8').trim().slice(0, 500);
  if (typeof json === 'string' && json) return json.trim().slice(0, 500);
  return (err.message ?? '').replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/**
 * Maps any failure of a call to the engine at `endpoint` to an EngineError.
 * @param what the action, for the message: `list containers`, `stop web`.
 */
export function toEngineError(err: unknown, endpoint: Endpoint, what: string): EngineError {
  if (err instanceof EngineError) return err;
  const e = (err ?? {}) as NodeJS.ErrnoException & { statusCode?: number; json?: unknown };
  const code = e.code ?? '';
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined) {
    const msg = engineMessage(e) || `HTTP ${status}`;
    if (status === 404) return new EngineError('not-found', msg, 'It may have been removed meanwhile; refresh the view.', status);
    if (status === 409) return new EngineError('conflict', msg, conflictHint(msg), status);
    return new EngineError('api', `Could not ${what}: ${msg}`, undefined, status);
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new EngineError('permission-denied', `Permission denied on the engine socket ${where(endpoint)}.`, HINTS.permission);
  }
  if (code === 'ENOENT' && (endpoint.kind === 'unix' || endpoint.kind === 'npipe')) {
    return isDefault(endpoint)
      ? new EngineError(
          'not-installed',
          `No Docker engine socket at ${where(endpoint)}: Docker does not seem to be installed.`,
          HINTS.notInstalled,
        )
      : new EngineError(
          'not-running',
          `No engine socket at ${where(endpoint)} (from ${endpoint.source}).`,
          'Start that engine, or fix the address in ' + sourceName(endpoint) + '.',
        );
  }
  if (code === 'ECONNREFUSED') {
    return endpoint.kind === 'unix' || endpoint.kind === 'npipe'
      ? new EngineError('not-running', `The Docker engine is not running: nothing answers on ${where(endpoint)}.`, HINTS.notRunning)
      : new EngineError('unreachable', `Nothing answers at ${where(endpoint)} (connection refused).`, HINTS.unreachable);
  }
  if (['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTDOWN'].includes(code)) {
    return new EngineError('unreachable', `Cannot reach ${where(endpoint)} (${code}).`, HINTS.unreachable);
  }
  if (TLS_CODES.test(code) || /certificate|SSL routines|TLS/i.test(e.message ?? '')) {
    return new EngineError('tls', `TLS handshake with ${where(endpoint)} failed: ${e.message}.`, HINTS.tls);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/.test(e.message ?? '')) {
    return endpoint.kind === 'unix' || endpoint.kind === 'npipe'
      ? new EngineError(
          'not-running',
          `The engine at ${where(endpoint)} closed the connection while we tried to ${what}.`,
          'It may be restarting; retry in a moment.',
        )
      : new EngineError('unreachable', `The connection to ${where(endpoint)} was cut while we tried to ${what}.`, HINTS.unreachable);
  }
  if (e instanceof SyntaxError)
    return new EngineError(
      'bad-response',
      `The engine at ${where(endpoint)} sent an answer we cannot read (${e.message}).`,
      HINTS.badResponse,
    );
  return new EngineError('api', `Could not ${what} on ${where(endpoint)}: ${e.message ?? String(err)}`);
}

function sourceName(endpoint: Endpoint): string {
  switch (endpoint.source) {
    case 'setting':
      return 'the berth.docker.host setting';
    case 'DOCKER_HOST':
      return 'DOCKER_HOST';
    default:
      return endpoint.context ? `docker context "${endpoint.context}"` : endpoint.source;
  }
}

function conflictHint(message: string): string | undefined {
  if (/running container|is running|stop the container/i.test(message)) return 'Stop it first, or remove it with force.';
  if (/in use|being used|has active endpoints|is using/i.test(message))
    return 'Remove or disconnect what uses it first, or use force where offered.';
  if (/already in use|already exists|Conflict\. The/i.test(message)) return 'Choose another name, or remove the existing one.';
  return undefined;
}

/** A 200 answer whose body is not what the API promises. */
export function badResponse(endpoint: Endpoint, what: string, detail: string): EngineError {
  return new EngineError(
    'bad-response',
    `The engine at ${where(endpoint)} answered "${what}" with something we cannot read (${detail}).`,
    HINTS.badResponse,
  );
}

/**
 * A deadline passed: the engine did not answer in time, or (`silent`) a stream it had started
 * stopped sending.
 */
export function timeoutError(endpoint: Endpoint, what: string, ms: number, silent = false): EngineError {
  const seconds = Math.max(1, Math.round(ms / 1000));
  return new EngineError(
    'timeout',
    silent
      ? `The engine at ${where(endpoint)} went silent for ${seconds} s while we tried to ${what}.`
      : `The engine at ${where(endpoint)} did not answer "${what}" within ${seconds} s.`,
    HINTS.timeout,
  );
}
