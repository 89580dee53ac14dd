/**
 * The few BuildKit protobuf messages Berth reads or writes, as a schema of its own (field numbers
 * as BuildKit's control, health, auth, secrets and sshforward protos define them), encoded and
 * decoded by protobufjs. Only the fields Berth uses are declared; protobuf skips the rest.
 */
import { Root, type Type } from 'protobufjs/light';

const ts = (id: number) => ({ type: 'Timestamp', id });
const str = (id: number) => ({ type: 'string', id });
const bytes = (id: number) => ({ type: 'bytes', id });

const root = Root.fromJSON({
  nested: {
    Timestamp: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
    // moby.buildkit.v1 (control.proto): what the engine streams as moby.buildkit.trace.
    Vertex: {
      fields: {
        digest: str(1),
        inputs: { rule: 'repeated', type: 'string', id: 2 },
        name: str(3),
        cached: { type: 'bool', id: 4 },
        started: ts(5),
        completed: ts(6),
        error: str(7),
      },
    },
    VertexStatus: {
      fields: {
        ID: str(1),
        vertex: str(2),
        name: str(3),
        current: { type: 'int64', id: 4 },
        total: { type: 'int64', id: 5 },
        timestamp: ts(6),
        started: ts(7),
        completed: ts(8),
      },
    },
    VertexLog: { fields: { vertex: str(1), timestamp: ts(2), stream: { type: 'int64', id: 3 }, msg: bytes(4) } },
    VertexWarning: { fields: { vertex: str(1), level: { type: 'int64', id: 2 }, short: bytes(3), url: str(5) } },
    StatusResponse: {
      fields: {
        vertexes: { rule: 'repeated', type: 'Vertex', id: 1 },
        statuses: { rule: 'repeated', type: 'VertexStatus', id: 2 },
        logs: { rule: 'repeated', type: 'VertexLog', id: 3 },
        warnings: { rule: 'repeated', type: 'VertexWarning', id: 4 },
      },
    },
    // grpc.health.v1: the engine checks the session's health every few seconds.
    HealthCheckRequest: { fields: { service: str(1) } },
    HealthCheckResponse: { fields: { status: { type: 'int32', id: 1 } } },
    // moby.filesync.v1.Auth: registry credentials for the engine's pulls.
    CredentialsRequest: { fields: { Host: str(1) } },
    CredentialsResponse: { fields: { Username: str(1), Secret: str(2) } },
    // moby.buildkit.secrets.v1.Secrets: RUN --mount=type=secret.
    GetSecretRequest: { fields: { ID: str(1) } },
    GetSecretResponse: { fields: { data: bytes(1) } },
    // moby.sshforward.v1.SSH: RUN --mount=type=ssh.
    CheckAgentRequest: { fields: { ID: str(1) } },
    CheckAgentResponse: { fields: {} },
    BytesMessage: { fields: { data: bytes(1) } },
  },
});

export type MessageName =
  | 'StatusResponse'
  | 'HealthCheckRequest'
  | 'HealthCheckResponse'
  | 'CredentialsRequest'
  | 'CredentialsResponse'
  | 'GetSecretRequest'
  | 'GetSecretResponse'
  | 'CheckAgentRequest'
  | 'CheckAgentResponse'
  | 'BytesMessage';

const types = new Map<MessageName, Type>();
function type(name: MessageName): Type {
  let t = types.get(name);
  if (!t) types.set(name, (t = root.lookupType(name)));
  return t;
}

/**
 * Decodes one message into plain data: 64-bit numbers as numbers, bytes as Buffers, absent
 * repeated fields as empty arrays. Throws on bytes that are not that message.
 */
export function decode(name: MessageName, data: Uint8Array): Record<string, unknown> {
  const t = type(name);
  return t.toObject(t.decode(data), { longs: Number, bytes: Buffer, arrays: true }) as Record<string, unknown>;
}

/** Encodes plain data as one message; fields the schema does not know are an error. */
export function encode(name: MessageName, value: Record<string, unknown>): Uint8Array {
  const t = type(name);
  const problem = t.verify(value);
  if (problem) throw new Error(`${name}: ${problem}`);
  return t.encode(t.fromObject(value)).finish();
}
