/**
 * What a registry the user names is: Docker Hub (under any of its names), GitHub's (ghcr.io), or
 * any other Docker Registry HTTP API v2 registry; where its API answers; and the name `docker
 * login` stores its credentials under. Pure.
 */
import { DOCKER_HUB_SERVER, hostOf, isDockerHub } from '../registryAuth';

export type RegistryKind = 'dockerhub' | 'ghcr' | 'v2';

export interface RegistryAddress {
  kind: RegistryKind;
  /** `host[:port]` as image references name it (`docker.io` for Hub). */
  host: string;
  /** Where the v2 API answers, without the trailing `/v2/`: `https://registry-1.docker.io`, `http://127.0.0.1:5000`. */
  apiBase: string;
  /** The key `docker login` stores credentials under: `https://index.docker.io/v1/` for Hub, else the host. */
  credentialKey: string;
  /** How the views name it. */
  display: string;
}

const GHCR = 'ghcr.io';

/** Loopback hosts: registries there are spoken to over plain http, as the engine does. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '::1';
}

/**
 * Reads what a user typed: `docker.io`, `ghcr.io`, `localhost:5000`, `https://harbor.example.com`,
 * `http://10.0.0.5:5000/v2/`. Throws with the reason when it is not a registry address.
 */
export function parseRegistryAddress(input: string): RegistryAddress {
  const text = input.trim();
  if (!text) throw new Error('Enter a registry address, such as localhost:5000 or ghcr.io.');
  if (isDockerHub(text) || /^(https?:\/\/)?hub\.docker\.com\/?$/i.test(text)) {
    return {
      kind: 'dockerhub',
      host: 'docker.io',
      apiBase: 'https://registry-1.docker.io',
      credentialKey: DOCKER_HUB_SERVER,
      display: 'Docker Hub',
    };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme && scheme !== 'http' && scheme !== 'https')
    throw new Error(`${text}: a registry is reached over http or https, not ${scheme}.`);
  const host = hostOf(text);
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(:\d{1,5})?$/i.test(host)) {
    throw new Error(`${text} is not a registry address: use host[:port], such as localhost:5000 or registry.example.com.`);
  }
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw new Error(`${text}: the port must be between 1 and 65535.`);
  // No scheme: https, except on loopback, where registries run without TLS (the engine allows that too).
  const useScheme = scheme ?? (isLoopback(host) ? 'http' : 'https');
  return {
    kind: host === GHCR ? 'ghcr' : 'v2',
    host,
    apiBase: `${useScheme}://${host}`,
    credentialKey: host,
    display: host,
  };
}

/**
 * The repository path in this registry's API: Docker Hub keeps its official images under
 * `library/`, which references leave out.
 */
export function apiRepository(address: RegistryAddress, repository: string): string {
  return address.kind === 'dockerhub' && !repository.includes('/') ? `library/${repository}` : repository;
}

/** The reference to pull `repository:tag` (or `@digest`) from this registry, as the docker CLI writes it. */
export function imageReference(address: RegistryAddress, repository: string, tagOrDigest: string): string {
  const sep = tagOrDigest.startsWith('sha256:') ? '@' : ':';
  if (address.kind === 'dockerhub') {
    const name = repository.startsWith('library/') ? repository.slice('library/'.length) : repository;
    return `${name}${sep}${tagOrDigest}`;
  }
  return `${address.host}/${repository}${sep}${tagOrDigest}`;
}
