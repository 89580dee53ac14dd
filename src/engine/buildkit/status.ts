/**
 * BuildKit's progress as the Engine API streams it: each `moby.buildkit.trace` message holds a
 * base64 protobuf StatusResponse. Decoded here into Berth's own types, checked field by field.
 */
import { decode } from './proto';

/** One node of the build graph: a Dockerfile step (`[stage-0 2/3] RUN …`) or internal work. */
export interface VertexUpdate {
  digest: string;
  name: string;
  cached: boolean;
  /** Milliseconds since the epoch. */
  started?: number;
  completed?: number;
  error?: string;
}

/** Progress inside a step: a layer pulled, an image exported. */
export interface VertexProgress {
  id: string;
  vertex: string;
  current: number;
  total: number;
  started?: number;
  completed?: number;
}

/** Output a step's process printed (stream 1 stdout, 2 stderr). */
export interface VertexOutput {
  vertex: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  stream: number;
  data: Buffer;
}

export interface VertexWarning {
  vertex: string;
  text: string;
  url?: string;
}

/** One StatusResponse: what changed since the last. */
export interface StatusUpdate {
  vertexes: VertexUpdate[];
  statuses: VertexProgress[];
  logs: VertexOutput[];
  warnings: VertexWarning[];
}

/** A trace message the engine sent that is not a StatusResponse. */
export class BadTrace extends Error {}

/** The StatusResponse in one `moby.buildkit.trace` message's `aux` (base64 protobuf). */
export function decodeTrace(aux: unknown): StatusUpdate {
  if (typeof aux !== 'string') throw new BadTrace('a moby.buildkit.trace message without base64 data');
  let o: Record<string, unknown>;
  try {
    o = decode('StatusResponse', Buffer.from(aux, 'base64'));
  } catch (error) {
    throw new BadTrace(`a moby.buildkit.trace message that is not a StatusResponse (${(error as Error).message})`);
  }
  return {
    vertexes: list(o.vertexes).map((v) => ({
      digest: text(v.digest),
      name: text(v.name),
      cached: v.cached === true,
      ...time('started', v.started),
      ...time('completed', v.completed),
      ...(text(v.error) ? { error: text(v.error) } : {}),
    })),
    statuses: list(o.statuses).map((s) => ({
      id: text(s.ID),
      vertex: text(s.vertex),
      current: num(s.current),
      total: num(s.total),
      ...time('started', s.started),
      ...time('completed', s.completed),
    })),
    logs: list(o.logs).map((l) => ({
      vertex: text(l.vertex),
      timestamp: millis(l.timestamp) ?? 0,
      stream: num(l.stream),
      data: Buffer.isBuffer(l.msg) ? l.msg : Buffer.alloc(0),
    })),
    warnings: list(o.warnings).map((w) => ({
      vertex: text(w.vertex),
      text: Buffer.isBuffer(w.short) ? w.short.toString('utf8') : '',
      ...(text(w.url) ? { url: text(w.url) } : {}),
    })),
  };
}

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** A protobuf Timestamp in milliseconds; undefined when absent or zero (Go's zero time). */
function millis(v: unknown): number | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { seconds, nanos } = v as { seconds?: unknown; nanos?: unknown };
  const ms = num(seconds) * 1000 + Math.floor(num(nanos) / 1e6);
  return ms > 0 ? ms : undefined;
}

function time<K extends string>(key: K, v: unknown): Partial<Record<K, number>> {
  const ms = millis(v);
  return ms === undefined ? {} : ({ [key]: ms } as Record<K, number>);
}
