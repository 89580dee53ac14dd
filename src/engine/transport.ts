/**
 * HTTP to the Engine API over the endpoint's own transport: a unix socket or named pipe, tcp with
 * or without TLS, or ssh through the user's own ssh client (./sshAgent). node:http, not a client
 * library: every request here gets the deadline its caller asks for, an answer is never followed
 * to another address (node:http does not follow redirects; the engine layer refuses them), and a
 * protocol switch (attach, exec) hands over the connection itself.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { SshAgent, type SshOptions } from './sshAgent';
import type { Endpoint } from './types';

/** One request, as the engine layer builds it. */
export interface EngineRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'HEAD';
  /** Path and query, already encoded. */
  path: string;
  headers: Record<string, string | number | string[]>;
  /** A body sent whole (JSON), or streamed as it is read (a build context). */
  body?: Buffer | Readable;
  /** Ask the engine to hand the connection over: `tcp` for attach and exec, `h2c` for a build session. */
  upgrade?: 'tcp' | 'h2c';
  /** Aborts the request (the caller's cancel, or its deadline). */
  signal: AbortSignal;
}

/** What came back: an answer with its body still to read, or the connection itself after a switch. */
export type EngineReply = { kind: 'answer'; res: IncomingMessage } | { kind: 'upgraded'; res: IncomingMessage; socket: Duplex };

interface Connector {
  agent: HttpAgent;
  request: typeof httpRequest;
}

/** The connection to one endpoint: its agent keeps sockets (and ssh processes) for reuse. */
export class Transport {
  private readonly tls: Endpoint['tls'];
  private connector: Promise<Connector> | undefined;
  private disposed = false;

  constructor(
    readonly endpoint: Endpoint,
    private readonly ssh?: SshOptions,
  ) {
    this.tls = endpoint.kind === 'tcp' ? endpoint.tls : undefined;
  }

  /**
   * The agent, made on first use. node:https loads only when an endpoint needs TLS: the language
   * server, which mostly talks to a local socket, stays smaller.
   */
  private connect(): Promise<Connector> {
    this.connector ??= (async () => {
      if (this.endpoint.kind === 'ssh') return { agent: new SshAgent(this.endpoint, this.ssh), request: httpRequest };
      if (this.tls) {
        const https = await import('node:https');
        const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: this.tls.verify }) as unknown as HttpAgent;
        return { agent, request: https.request as unknown as typeof httpRequest };
      }
      return { agent: new HttpAgent({ keepAlive: true }), request: httpRequest };
    })();
    return this.connector;
  }

  /**
   * Sends a request; resolves once the answer's status and headers are in (or the connection
   * was switched), rejects with the socket's own error. `onSent` is called once the whole body
   * has gone out, which is when waiting for the engine starts.
   */
  async send(request: EngineRequest, onSent?: () => void): Promise<EngineReply> {
    const { agent, request: send } = await this.connect();
    if (this.disposed) throw Object.assign(new Error('the connection was closed'), { code: 'ECONNRESET' });
    return new Promise((resolve, reject) => {
      const e = this.endpoint;
      const options: RequestOptions = {
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...(request.upgrade ? { Connection: 'Upgrade', Upgrade: request.upgrade } : {}) },
        agent,
        signal: request.signal,
      };
      if (e.kind === 'unix' || e.kind === 'npipe') options.socketPath = e.socketPath;
      else if (e.kind === 'tcp') Object.assign(options, { host: e.host, port: e.port });
      // ssh: the agent's ssh process is the connection; the name only fills the Host header.
      else Object.assign(options, { host: 'docker', port: 80 });
      if (this.tls)
        Object.assign(options, { ca: this.tls.ca, cert: this.tls.cert, key: this.tls.key, rejectUnauthorized: this.tls.verify });
      let req: ClientRequest;
      try {
        req = send(options);
      } catch (error) {
        reject(error);
        return;
      }
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        f();
      };
      req.on('response', (res) => settle(() => resolve({ kind: 'answer', res })));
      req.on('upgrade', (res, socket, head) => {
        if (head.length) socket.unshift(head);
        settle(() => resolve({ kind: 'upgraded', res, socket }));
      });
      req.on('error', (error) => settle(() => reject(error)));
      req.on('finish', () => onSent?.());
      const body = request.body;
      if (body === undefined || Buffer.isBuffer(body)) req.end(body);
      else {
        body.on('error', (error) => req.destroy(error));
        body.pipe(req);
      }
    });
  }

  /** Closes every socket and ssh process this endpoint holds. */
  dispose(): void {
    this.disposed = true;
    void this.connector?.then((c) => c.agent.destroy());
  }
}
