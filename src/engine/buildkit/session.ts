/**
 * A BuildKit session: the connection over which the engine's builder asks the client for what
 * only the client has — registry credentials, build secrets, the user's ssh agent. The client
 * opens it with `POST /session` and `Upgrade: h2c`; once switched, the engine is the HTTP/2
 * client and calls gRPC methods that the client serves (node:http2 for the transport, the
 * messages in ./proto). The build refers to it by id (`session=` on POST /build).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { BuildSecret, BuildSsh, RegistryAuth } from '../types';
import { decode, encode, type MessageName } from './proto';

/** gRPC status codes the session answers with. */
const GRPC = { ok: 0, invalidArgument: 3, notFound: 5, unimplemented: 12, internal: 13 } as const;

/** A gRPC message larger than this is refused: the engine sends small requests only. */
const MAX_MESSAGE = 4 * 1024 * 1024;

export const METHODS = {
  health: '/grpc.health.v1.Health/Check',
  credentials: '/moby.filesync.v1.Auth/Credentials',
  secret: '/moby.buildkit.secrets.v1.Secrets/GetSecret',
  checkAgent: '/moby.sshforward.v1.SSH/CheckAgent',
  forwardAgent: '/moby.sshforward.v1.SSH/ForwardAgent',
} as const;

/** What the session hands out when the builder asks. */
export interface SessionProviders {
  /** Credentials for a registry host (`127.0.0.1:5000`, `registry-1.docker.io`). */
  credentials(host: string): RegistryAuth | undefined;
  secrets: BuildSecret[];
  ssh: BuildSsh[];
  /** The environment secrets with `env` are read from. */
  env?: NodeJS.ProcessEnv;
}

class GrpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** A session served over one switched connection; `close()` ends it. */
export class BuildSession {
  readonly id = randomUUID();
  private server: Http2Server | undefined;
  private socket: Duplex | undefined;
  private readonly open = new Set<Duplex>();
  /** What the builder asked for and could not have, for a failure's message. */
  readonly missing: string[] = [];

  constructor(private readonly providers: SessionProviders) {}

  /** The headers POST /session is sent with: the session's id and the methods it serves. */
  headers(): Record<string, string | string[]> {
    return {
      'X-Docker-Expose-Session-Uuid': this.id,
      'X-Docker-Expose-Session-Name': 'berth',
      'X-Docker-Expose-Session-Sharedkey': '',
      'X-Docker-Expose-Session-Grpc-Method': Object.values(METHODS),
    };
  }

  /** Serves the session on the connection the engine switched to HTTP/2. */
  serve(socket: Duplex): void {
    this.socket = socket;
    const server = createServer();
    this.server = server;
    server.on('stream', (stream, headers) => this.dispatch(stream, headers));
    // A broken session fails the build on the engine's side; here it only has to go quietly.
    server.on('sessionError', () => undefined);
    socket.on('error', () => undefined);
    server.emit('connection', socket);
  }

  close(): void {
    for (const s of this.open) s.destroy();
    this.open.clear();
    this.server?.close();
    this.socket?.destroy();
  }

  private dispatch(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on('error', () => undefined);
    const path = headers[':path'];
    switch (path) {
      case METHODS.health:
        return this.unary(stream, 'HealthCheckRequest', 'HealthCheckResponse', async () => ({ status: 1 /* SERVING */ }));
      case METHODS.credentials:
        return this.unary(stream, 'CredentialsRequest', 'CredentialsResponse', async (req) => this.credentials(String(req.Host ?? '')));
      case METHODS.secret:
        return this.unary(stream, 'GetSecretRequest', 'GetSecretResponse', async (req) => ({
          data: await this.secret(String(req.ID ?? '')),
        }));
      case METHODS.checkAgent:
        return this.unary(stream, 'CheckAgentRequest', 'CheckAgentResponse', async (req) => {
          this.agent(String(req.ID ?? '') || 'default');
          return {};
        });
      case METHODS.forwardAgent:
        return this.forwardAgent(stream, headers);
      default:
        return trailersOnly(stream, GRPC.unimplemented, `Berth's build session does not serve ${String(path)}`);
    }
  }

  private credentials(host: string): Record<string, unknown> {
    const auth = this.providers.credentials(host);
    if (!auth) return {};
    // An identity token goes as the secret with no user name, as the docker CLI sends it.
    if (auth.identitytoken) return { Secret: auth.identitytoken };
    return { Username: auth.username ?? '', Secret: auth.password ?? '' };
  }

  private async secret(id: string): Promise<Buffer> {
    const secret = this.providers.secrets.find((s) => s.id === id);
    if (!secret) {
      this.missing.push(`secret:${id}`);
      throw new GrpcError(GRPC.notFound, `secret ${id} not found`);
    }
    if (secret.env !== undefined) {
      const value = (this.providers.env ?? process.env)[secret.env];
      if (value === undefined) throw new GrpcError(GRPC.notFound, `secret ${id}: the environment variable ${secret.env} is not set`);
      return Buffer.from(value);
    }
    if (secret.file === undefined) throw new GrpcError(GRPC.notFound, `secret ${id} has neither a file nor an environment variable`);
    try {
      return await readFile(secret.file);
    } catch (error) {
      throw new GrpcError(GRPC.notFound, `secret ${id}: cannot read ${secret.file} (${(error as NodeJS.ErrnoException).code ?? error})`);
    }
  }

  /** The agent socket for an id; throws NotFound when the build was not given it. */
  private agent(id: string): string {
    const ssh = this.providers.ssh.find((s) => s.id === id);
    const socket = ssh?.sockets[0] ?? (ssh ? (this.providers.env ?? process.env).SSH_AUTH_SOCK : undefined);
    if (!socket) {
      this.missing.push(`ssh:${id}`);
      throw new GrpcError(
        GRPC.notFound,
        ssh ? `ssh ${id}: no agent socket (SSH_AUTH_SOCK is not set)` : `no ssh forwarding configured for id ${id}`,
      );
    }
    return socket;
  }

  /** One gRPC call with one message each way. */
  private unary(
    stream: ServerHttp2Stream,
    request: MessageName,
    response: MessageName,
    handle: (req: Record<string, unknown>) => Promise<Record<string, unknown>>,
  ): void {
    const frames = new FrameReader();
    let message: Buffer | undefined;
    stream.on('data', (chunk: Buffer) => {
      try {
        for (const m of frames.push(chunk)) message ??= m;
      } catch (error) {
        trailersOnly(stream, GRPC.invalidArgument, (error as Error).message);
      }
    });
    stream.on('end', () => {
      if (stream.headersSent) return;
      void (async () => {
        try {
          const answer = await handle(decode(request, message ?? Buffer.alloc(0)));
          if (stream.destroyed) return;
          stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
          stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(GRPC.ok) }));
          stream.end(frame(encode(response, answer)));
        } catch (error) {
          const code = error instanceof GrpcError ? error.code : GRPC.internal;
          trailersOnly(stream, code, error instanceof Error ? error.message : String(error));
        }
      })();
    });
  }

  /** Bytes both ways between the builder and the user's ssh agent, one BytesMessage at a time. */
  private forwardAgent(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    let path: string;
    try {
      const id = headers['buildkit.ssh.id'];
      path = this.agent((Array.isArray(id) ? id[0] : id) || 'default');
    } catch (error) {
      trailersOnly(stream, (error as GrpcError).code, (error as Error).message);
      return;
    }
    const agent = connect(path);
    this.open.add(agent);
    const frames = new FrameReader();
    let ended = false;
    const finish = (code: number, message?: string) => {
      if (ended) return;
      ended = true;
      this.open.delete(agent);
      agent.destroy();
      if (stream.destroyed || stream.closed) return;
      if (!stream.headersSent) return trailersOnly(stream, code, message ?? '');
      stream.end();
    };
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(GRPC.ok) }));
    stream.on('data', (chunk: Buffer) => {
      try {
        for (const m of frames.push(chunk)) {
          const data = decode('BytesMessage', m).data;
          if (Buffer.isBuffer(data) && data.length) agent.write(data);
        }
      } catch {
        finish(GRPC.invalidArgument);
      }
    });
    stream.on('end', () => agent.end());
    stream.on('close', () => finish(GRPC.ok));
    agent.on('data', (data: Buffer) => {
      if (!stream.destroyed) stream.write(frame(encode('BytesMessage', { data })));
    });
    agent.on('end', () => finish(GRPC.ok));
    agent.on('error', (error) => finish(GRPC.internal, `ssh agent ${path}: ${error.message}`));
  }
}

/** A gRPC answer without a message: the status in the headers, the stream ended. */
function trailersOnly(stream: ServerHttp2Stream, code: number, message: string): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond(
    { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(code), 'grpc-message': encodeURIComponent(message) },
    { endStream: true },
  );
}

/** One gRPC frame: no compression, the length as 4 bytes big-endian, the message. */
export function frame(message: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** Splits a stream of gRPC frames into messages, whatever the chunking. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.pending.length >= 5) {
      if (this.pending[0] !== 0) throw new Error('compressed gRPC messages are not accepted');
      const length = this.pending.readUInt32BE(1);
      if (length > MAX_MESSAGE) throw new Error(`a gRPC message of ${length} bytes is over the limit`);
      if (this.pending.length < 5 + length) break;
      out.push(this.pending.subarray(5, 5 + length));
      this.pending = this.pending.subarray(5 + length);
    }
    return out;
  }
}
