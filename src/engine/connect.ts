/**
 * One dockerode client per endpoint, built the same way for every user of the engine: unix
 * and npipe sockets, tcp with or without TLS, and ssh through the user's own ssh client.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import Docker from 'dockerode';
import { SshAgent, type SshOptions } from './sshAgent';
import type { Endpoint } from './types';

export interface Connection {
  docker: Docker;
  agent: HttpAgent;
}

export function connect(endpoint: Endpoint, ssh?: SshOptions): Connection {
  // Every key is given, even as undefined: docker-modem fills missing ones from DOCKER_HOST,
  // which must not override the endpoint we resolved.
  const base = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    timeout: undefined,
    version: undefined,
  } as Record<string, unknown>;
  switch (endpoint.kind) {
    case 'unix':
    case 'npipe': {
      const agent = new HttpAgent({ keepAlive: true });
      return { agent, docker: new Docker({ ...base, socketPath: endpoint.socketPath, agent } as Docker.DockerOptions) };
    }
    case 'tcp': {
      const tls = endpoint.tls;
      const agent = tls
        ? (new HttpsAgent({ keepAlive: true, rejectUnauthorized: tls.verify }) as unknown as HttpAgent)
        : new HttpAgent({ keepAlive: true });
      const docker = new Docker({
        ...base,
        host: endpoint.host,
        port: endpoint.port,
        protocol: tls ? 'https' : 'http',
        ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {}),
        agent,
      } as Docker.DockerOptions);
      return { agent, docker };
    }
    case 'ssh': {
      const agent = new SshAgent(endpoint, ssh);
      // The host name only fills the Host header: the agent's ssh process is the connection.
      return { agent, docker: new Docker({ ...base, host: 'docker', port: 80, protocol: 'http', agent } as Docker.DockerOptions) };
    }
  }
}
