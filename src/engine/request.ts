/**
 * One Engine API call with its deadline and its errors mapped: the part of the engine client that
 * decides what counts as an answer. An ordinary call has one deadline for the whole exchange; a
 * stream has one until the engine answers and then its own idle rule; a redirect, an answer
 * switched to another protocol unasked, or a status the API does not use is a bad answer, never
 * followed.
 */
import type { IncomingMessage } from 'node:http';
import { Transform, type Duplex, type Readable } from 'node:stream';
import { badResponse, timeoutError, toEngineError } from './errors';
import type { Transport } from './transport';
import { EngineError } from './types';

export interface Call {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'HEAD';
  path: string;
  query?: Record<string, unknown>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is read, e.g. a build context; the deadline starts once it has all gone. */
  upload?: { stream: Readable; contentType: string };
  /** A list sends the header once per value. */
  headers?: Record<string, string | string[]>;
  /**
   * Ordinary calls: the deadline for the whole exchange. Streams and switched connections: the
   * deadline for the engine's answer (its headers), counted from when the request has gone out.
   */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Sent as X-Registry-Auth. */
  auth?: unknown;
  /** For messages: `list containers`. */
  what: string;
}

/** More than any real list; an endpoint streaming forever is cut off. */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;
/** An error answer's body is a short JSON message; more is not worth reading. */
const MAX_ERROR_BYTES = 1024 * 1024;

/** The error a caller's own cancel gives, as fetch and node streams name it. */
export function abortError(): Error {
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}

/** One call's deadline and cancel, joined into the one signal the request listens to. */
class Deadline {
  readonly controller = new AbortController();
  timedOut = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly onOuterAbort = () => this.controller.abort();

  constructor(
    private readonly ms: number | undefined,
    private readonly outer: AbortSignal | undefined,
  ) {
    if (outer?.aborted) this.controller.abort();
    outer?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get cancelled(): boolean {
    return this.outer?.aborted === true;
  }

  /** (Re)starts the clock. */
  start(): void {
    clearTimeout(this.timer);
    if (this.ms === undefined) return;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.ms);
  }

  /** The answer is in: the clock stops; the caller's cancel still applies while `keepCancel`. */
  stop(keepCancel = false): void {
    clearTimeout(this.timer);
    if (!keepCancel) this.outer?.removeEventListener('abort', this.onOuterAbort);
  }
}

/** A query string; undefined values are left out, a list repeats its key (`t=a&t=b`). */
export function queryString(o: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) {
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else if (v !== undefined) params.append(k, String(v));
  }
  return params.toString();
}

/** Calls against one endpoint, through its transport. */
export class Requester {
  constructor(
    private readonly transport: Transport,
    private readonly defaultTimeoutMs: number,
  ) {}

  private get endpoint() {
    return this.transport.endpoint;
  }

  /** An ordinary call: the answer's body, parsed when it is JSON (a Buffer otherwise), within one deadline. */
  async answer(call: Call): Promise<unknown> {
    return parseBody(await this.answerBytes(call));
  }

  /** An ordinary call's body as it came, for a caller that parses it itself (a long list, in slices). */
  async answerBytes(call: Call): Promise<Buffer> {
    const deadline = new Deadline(call.timeoutMs ?? this.defaultTimeoutMs, call.signal);
    try {
      const reply = await this.open(call, deadline);
      return await readAll(reply.res, MAX_ANSWER_BYTES, (why) => badResponse(this.endpoint, call.what, why));
    } catch (error) {
      throw this.failure(error, call, deadline);
    } finally {
      deadline.stop();
    }
  }

  /**
   * A streamed answer: resolves once the engine has answered, with the body to read. The caller's
   * signal keeps cancelling the stream; a consumer that wants an idle rule keeps an IdleTimer.
   */
  async stream(call: Call): Promise<IncomingMessage> {
    const deadline = new Deadline(call.timeoutMs ?? this.defaultTimeoutMs, call.signal);
    let reply: { res: IncomingMessage };
    try {
      reply = await this.open(call, deadline);
    } catch (error) {
      deadline.stop();
      throw this.failure(error, call, deadline);
    }
    deadline.stop(true);
    const res = reply.res;
    res.once('close', () => deadline.stop());
    // A cut connection reads as the engine's failure, not as node's "aborted".
    const wrap = (error: Error) => (error instanceof EngineError ? error : this.failure(error, call, deadline));
    return Object.assign(res, { engineError: wrap });
  }

  /** A call that switches the connection to a raw stream (attach, exec start) or to HTTP/2 (a build session). */
  async upgrade(call: Call, protocol: 'tcp' | 'h2c' = 'tcp'): Promise<Duplex> {
    const deadline = new Deadline(call.timeoutMs ?? this.defaultTimeoutMs, call.signal);
    try {
      const reply = await this.open(call, deadline, protocol);
      if (reply.kind !== 'upgraded') {
        reply.res.destroy();
        throw badResponse(this.endpoint, call.what, `it answered HTTP ${reply.res.statusCode} instead of switching to a raw stream`);
      }
      return reply.socket;
    } catch (error) {
      throw this.failure(error, call, deadline);
    } finally {
      deadline.stop();
    }
  }

  /** Sends the request and checks the status; error answers become EngineErrors with the engine's message. */
  private async open(
    call: Call,
    deadline: Deadline,
    upgrade?: 'tcp' | 'h2c',
  ): Promise<{ kind: 'answer'; res: IncomingMessage } | { kind: 'upgraded'; res: IncomingMessage; socket: Duplex }> {
    if (deadline.signal.aborted) throw abortError();
    const query = call.query ? queryString(call.query) : '';
    const json = call.body !== undefined ? Buffer.from(JSON.stringify(call.body)) : undefined;
    const headers: Record<string, string | number | string[]> = { ...call.headers };
    if (json) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': json.length });
    else if (!call.upload && call.method !== 'GET' && call.method !== 'HEAD') headers['Content-Length'] = 0;
    if (call.upload) headers['Content-Type'] = call.upload.contentType;
    if (call.auth !== undefined) headers['X-Registry-Auth'] = Buffer.from(JSON.stringify(call.auth)).toString('base64url');
    deadline.start();
    // While a body streams out, the clock is its progress: a body the engine stops reading times out
    // too; the wait for the answer starts once it has all gone. (A transform rather than a 'data'
    // listener, which would set the body flowing before the request is there to take it.)
    const source = call.upload?.stream;
    const upload = source?.pipe(
      new Transform({
        transform(chunk, _encoding, done) {
          deadline.start();
          done(null, chunk);
        },
      }),
    );
    source?.on('error', (error) => upload?.destroy(error));
    const reply = await this.transport.send(
      {
        method: call.method,
        path: call.path + (query ? `?${query}` : ''),
        headers,
        body: json ?? upload,
        upgrade,
        signal: deadline.signal,
      },
      () => {
        if (upload) deadline.start();
      },
    );
    if (reply.kind === 'upgraded') return reply;
    const res = reply.res;
    const status = res.statusCode ?? 0;
    if ((status >= 200 && status < 300) || status === 304) return reply;
    if (status >= 300 && status < 400) {
      res.destroy();
      const location = res.headers.location;
      throw badResponse(
        this.endpoint,
        call.what,
        `it answered with a redirect (HTTP ${status}${location ? ` to ${location.slice(0, 120)}` : ''}), which an engine never sends; Berth does not follow it`,
      );
    }
    const body = await readAll(res, MAX_ERROR_BYTES, () => undefined).catch(() => Buffer.alloc(0));
    if (status < 400) throw badResponse(this.endpoint, call.what, `it answered HTTP ${status}`);
    throw toEngineError(
      Object.assign(new Error(`HTTP ${status}`), { statusCode: status, json: parseBody(body) }),
      this.endpoint,
      call.what,
    );
  }

  /** What a failed call throws: our deadline, the caller's cancel, or the failure mapped. */
  private failure(error: unknown, call: Call, deadline: Deadline): Error {
    if (deadline.timedOut) return timeoutError(this.endpoint, call.what, call.timeoutMs ?? this.defaultTimeoutMs);
    if (deadline.cancelled) return abortError();
    return toEngineError(error, this.endpoint, call.what);
  }
}

/** A stream whose failures can be told in the engine's terms (set by Requester.stream). */
export type EngineStream = IncomingMessage & { engineError?: (error: Error) => Error };

/** The engine's terms for a stream's failure. */
export function streamError(stream: Readable, error: unknown): Error {
  const wrap = (stream as EngineStream).engineError;
  const e = error instanceof Error ? error : new Error(String(error));
  return wrap ? wrap(e) : e;
}

/**
 * A stream's idle rule: `touch()` on every chunk the consumer reads; when none comes for `ms`, the
 * stream is destroyed with `onIdle()`'s error. Kept by the consumer rather than by a 'data'
 * listener, which would set the stream flowing before the consumer reads it.
 */
export function idleTimer(stream: Readable, ms: number, onIdle: () => Error): { touch(): void; stop(): void } {
  let timer = setTimeout(() => stream.destroy(onIdle()), ms);
  const stop = () => clearTimeout(timer);
  stream.once('close', stop);
  return {
    touch() {
      clearTimeout(timer);
      timer = setTimeout(() => stream.destroy(onIdle()), ms);
    },
    stop,
  };
}

/**
 * A whole body, up to `max` bytes. `problem` names what went wrong (a body cut short, one over
 * the limit) and returns the error to reject with, or undefined for the plain reason.
 */
export function readAll(res: IncomingMessage, max: number, problem: (why: string) => Error | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (why: string) => problem(why) ?? new Error(why);
    let overflow: Error | undefined;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
      else if (!overflow) res.destroy((overflow = fail(`the answer is over ${Math.round(max / 2 ** 20)} MB`)));
    });
    // A connection lost halfway is an answer cut short, whatever node calls it.
    res.on('error', (error) => reject(overflow ?? (res.complete ? error : fail('the answer was cut short'))));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('close', () => {
      if (!res.complete) reject(fail('the answer was cut short'));
    });
  });
}

/** JSON when it parses, else the bytes: the mappers say what was wrong with them. */
export function parseBody(body: Buffer): unknown {
  if (!body.length) return body;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
}
