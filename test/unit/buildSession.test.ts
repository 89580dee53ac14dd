/**
 * The build session's gRPC answers, driven by node's own HTTP/2 client standing in for the
 * engine's BuildKit (the engine tests use the real one; here each answer, error codes included,
 * is checked where the engine would only show its effect): health, credentials, secrets found
 * and missing, an unknown method, and ssh agent bytes both ways over a unix socket.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as http2Connect, type ClientHttp2Session } from 'node:http2';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decode, encode, type MessageName } from '../../src/engine/buildkit/proto';
import { BuildSession, FrameReader, frame, METHODS } from '../../src/engine/buildkit/session';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-session-'));
const servers: Server[] = [];
let session: BuildSession;
let client: ClientHttp2Session;

/** A unix socket server; resolves once it listens. */
function listen(name: string, onConnection: (socket: Socket) => void): Promise<string> {
  const socketPath = path.join(dir, name);
  const server = createServer(onConnection);
  servers.push(server);
  return new Promise((resolve) => server.listen(socketPath, () => resolve(socketPath)));
}

before(async () => {
  writeFileSync(path.join(dir, 'token.txt'), 'from a file');
  // A stand-in ssh agent: answers each request with its bytes reversed.
  const agent = await listen('agent.sock', (socket) => socket.on('data', (d: Buffer) => socket.write(Buffer.from(d).reverse())));
  session = new BuildSession({
    credentials: (host) => (host === '127.0.0.1:5000' ? { username: 'me', password: 'pw', serveraddress: host } : undefined),
    secrets: [
      { id: 'file', file: path.join(dir, 'token.txt') },
      { id: 'env', env: 'BERTH_SESSION_TEST' },
    ],
    ssh: [{ id: 'default', sockets: [agent] }],
    env: { BERTH_SESSION_TEST: 'from the environment' },
  });
  // The session serves the connection the engine would have switched to HTTP/2.
  const socketPath = await listen('session.sock', (socket) => session.serve(socket));
  client = http2Connect('http://localhost', { createConnection: () => netConnect(socketPath) });
});

after(() => {
  client?.close();
  session?.close();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: string | undefined;
  message: string | undefined;
  messages: Buffer[];
}

/** One gRPC call as the engine makes it: the request frames out, the answer frames and status back. */
function call(method: string, requests: Buffer[], headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = client.request({ ':method': 'POST', ':path': method, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    const reader = new FrameReader();
    const messages: Buffer[] = [];
    let status: string | undefined;
    let message: string | undefined;
    const take = (h: Record<string, unknown>) => {
      if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
      if (h['grpc-message'] !== undefined) message = decodeURIComponent(String(h['grpc-message']));
    };
    stream.on('response', take);
    stream.on('trailers', take);
    stream.on('data', (chunk: Buffer) => messages.push(...reader.push(chunk)));
    stream.on('end', () => resolve({ status, message, messages }));
    stream.on('error', reject);
    for (const r of requests) stream.write(frame(r));
    stream.end();
  });
}

const unary = async (method: string, request: MessageName, value: Record<string, unknown>, response: MessageName) => {
  const answer = await call(method, [Buffer.from(encode(request, value))]);
  return { ...answer, value: answer.messages[0] ? decode(response, answer.messages[0]) : undefined };
};

describe('build session', () => {
  it('answers health checks as SERVING', async () => {
    const { status, value } = await unary(METHODS.health, 'HealthCheckRequest', {}, 'HealthCheckResponse');
    assert.equal(status, '0');
    assert.equal(value?.status, 1);
  });

  it("hands out a registry's credentials, and nothing for a registry it has none for", async () => {
    const known = await unary(METHODS.credentials, 'CredentialsRequest', { Host: '127.0.0.1:5000' }, 'CredentialsResponse');
    assert.deepEqual([known.status, known.value?.Username, known.value?.Secret], ['0', 'me', 'pw']);
    const unknown = await unary(METHODS.credentials, 'CredentialsRequest', { Host: 'elsewhere.example' }, 'CredentialsResponse');
    assert.equal(unknown.status, '0');
    assert.equal(unknown.value?.Username ?? '', '');
  });

  it('reads secrets from files and the environment; a missing one is NotFound and remembered', async () => {
    const file = await unary(METHODS.secret, 'GetSecretRequest', { ID: 'file' }, 'GetSecretResponse');
    assert.equal((file.value?.data as Buffer).toString(), 'from a file');
    const env = await unary(METHODS.secret, 'GetSecretRequest', { ID: 'env' }, 'GetSecretResponse');
    assert.equal((env.value?.data as Buffer).toString(), 'from the environment');
    const missing = await unary(METHODS.secret, 'GetSecretRequest', { ID: 'npmrc' }, 'GetSecretResponse');
    assert.equal(missing.status, '5');
    assert.match(missing.message ?? '', /secret npmrc not found/);
    assert.ok(session.missing.includes('secret:npmrc'));
  });

  it('an unknown method is Unimplemented, as BuildKit expects of an older client', async () => {
    const answer = await call('/moby.filesync.v1.Auth/GetTokenAuthority', [Buffer.alloc(0)]);
    assert.equal(answer.status, '12');
  });

  it('ssh: CheckAgent knows the ids given; ForwardAgent carries bytes both ways', async () => {
    assert.equal((await unary(METHODS.checkAgent, 'CheckAgentRequest', { ID: 'default' }, 'CheckAgentResponse')).status, '0');
    assert.equal((await unary(METHODS.checkAgent, 'CheckAgentRequest', { ID: 'other' }, 'CheckAgentResponse')).status, '5');
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const stream = client.request({
        ':method': 'POST',
        ':path': METHODS.forwardAgent,
        'content-type': 'application/grpc',
        'buildkit.ssh.id': 'default',
      });
      const reader = new FrameReader();
      stream.on('data', (chunk: Buffer) => {
        for (const m of reader.push(chunk)) {
          resolve(decode('BytesMessage', m).data as Buffer);
          stream.close();
        }
      });
      stream.on('error', reject);
      stream.write(frame(encode('BytesMessage', { data: Buffer.from('abc') })));
    });
    assert.equal(answer.toString(), 'cba');
  });
});
