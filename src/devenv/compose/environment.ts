/**
 * The environment Compose runs in: the user's own, with the engine Berth uses named explicitly,
 * so Compose talks to the same engine as the views whether it was chosen by the
 * `berth.docker.host` setting, DOCKER_HOST, a docker context, or found as a rootless or Podman socket.
 */
import { join } from 'node:path';
import { contextDigest } from '../../engine/endpoint';
import type { Endpoint } from '../../engine/types';

/** The engine's address as DOCKER_HOST spells it. */
export function dockerHostOf(endpoint: Endpoint): string {
  switch (endpoint.kind) {
    case 'unix':
      return `unix://${endpoint.socketPath}`;
    case 'npipe':
      return `npipe://${endpoint.socketPath}`;
    case 'tcp': {
      const host = endpoint.host?.includes(':') ? `[${endpoint.host}]` : endpoint.host;
      return `tcp://${host}${endpoint.port ? `:${endpoint.port}` : ''}`;
    }
    case 'ssh': {
      const host = endpoint.host?.includes(':') ? `[${endpoint.host}]` : endpoint.host;
      return `ssh://${endpoint.user ? `${endpoint.user}@` : ''}${host}${endpoint.port ? `:${endpoint.port}` : ''}`;
    }
  }
}

/**
 * `base` with DOCKER_HOST set to `endpoint` and DOCKER_CONTEXT removed (both set is a conflict to
 * the docker CLI). TLS: a context's certificates are in its own folder, which DOCKER_CERT_PATH then
 * names; an engine from DOCKER_HOST or the setting keeps the user's DOCKER_TLS_VERIFY and
 * DOCKER_CERT_PATH, which is where its certificates were read from.
 */
export function composeEnvironment(
  endpoint: Endpoint,
  base: Readonly<Record<string, string | undefined>>,
  dockerConfigDir: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  delete env.DOCKER_CONTEXT;
  env.DOCKER_HOST = dockerHostOf(endpoint);
  if (endpoint.kind === 'tcp' && endpoint.context) {
    delete env.DOCKER_TLS_VERIFY;
    delete env.DOCKER_TLS;
    delete env.DOCKER_CERT_PATH;
    if (endpoint.tls) {
      env.DOCKER_CERT_PATH = join(dockerConfigDir, 'contexts', 'tls', contextDigest(endpoint.context), 'docker');
      if (endpoint.tls.verify) env.DOCKER_TLS_VERIFY = '1';
      else env.DOCKER_TLS = '1';
    }
  }
  return env;
}
