/** Whether an engine runs on this machine: the one test every feature that depends on it asks. */

/** As much of an engine address as locality depends on (the engine core's Endpoint has more). */
export interface EngineAddress {
  kind: 'unix' | 'npipe' | 'tcp' | 'ssh';
  host?: string;
}

/**
 * True when the engine runs on this machine, so its host ports and bind-mount paths are this
 * machine's: a local socket or pipe, or tcp to a loopback address (Docker Desktop's
 * `tcp://localhost:2375`). ssh is remote even to localhost: the engine there is whatever that
 * login reaches.
 */
export function isLocalEndpoint(endpoint: EngineAddress): boolean {
  if (endpoint.kind === 'unix' || endpoint.kind === 'npipe') return true;
  if (endpoint.kind !== 'tcp' || !endpoint.host) return false;
  const host = endpoint.host.toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
