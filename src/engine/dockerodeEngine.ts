/**
 * The Engine interface over dockerode's transport (docker-modem): unix and npipe sockets, tcp with
 * or without TLS, and ssh through the user's own ssh client (./sshAgent). Every failure becomes an
 * EngineError (./errors); every answer is checked before it reaches the views (./mappers).
 */
import { request as httpRequest, type Agent as HttpAgent, type ClientRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { posix } from 'node:path';
import { Duplex, PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { extract } from 'tar-stream';
import { badResponse, timeoutError, toEngineError } from './errors';
import * as map from './mappers';
import { connect } from './connect';
import type { SshOptions } from './sshAgent';
import { BadLine, Demuxer, JsonLines } from './streams';
import {
  EngineError,
  type Endpoint,
  type Engine,
  type EngineEvent,
  type ContainerDirEntry,
  type ExecOptions,
  type ExecSession,
  type ProgressEvent,
  type PruneResult,
  type RegistryAuth,
} from './types';

export interface EngineOptions {
  /** Deadline for one ordinary call (not streams), in ms. */
  timeoutMs?: number;
  /** For ssh endpoints: the ssh binary and extra arguments (`-F config`, `-i key`). */
  ssh?: SshOptions;
}

interface Call {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'HEAD';
  path: string;
  query?: Record<string, unknown>;
  body?: unknown;
  /** Status codes that mean success; 304 (already started/stopped) counts as success by default. */
  ok?: number[];
  stream?: boolean;
  hijack?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  auth?: unknown;
  /** For messages: `list containers`. */
  what: string;
}

/** A request's `what` names the object when it is short enough to read. */
const short = (id: string) => (/^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id);
const enc = encodeURIComponent;
/** More than any real list; an endpoint streaming forever is cut off. */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/** Creates the Engine for an endpoint. Connecting is lazy: nothing happens until the first call. */
export function createEngine(endpoint: Endpoint, options: EngineOptions = {}): Engine {
  return new DockerodeEngine(endpoint, options);
}

class DockerodeEngine implements Engine {
  private readonly docker: Docker;
  private readonly agent: HttpAgent;
  private readonly timeoutMs: number;
  private readonly live = new Set<{ destroy(): void }>();
  private disposed = false;

  constructor(
    readonly endpoint: Endpoint,
    options: EngineOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    ({ docker: this.docker, agent: this.agent } = connect(endpoint, options.ssh));
  }

  /** One Engine API request through docker-modem, with a deadline and errors mapped. */
  private request<T = unknown>(call: Call): Promise<T> {
    if (this.disposed) return Promise.reject(new EngineError('api', 'This engine connection was closed.', 'Reconnect to the engine.'));
    const timeoutMs = call.stream || call.hijack ? undefined : (call.timeoutMs ?? this.timeoutMs);
    const controller = new AbortController();
    let timedOut = false;
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs)
      : undefined;
    const onAbort = () => controller.abort();
    call.signal?.addEventListener('abort', onAbort, { once: true });
    const statusCodes: Record<number, boolean | string> = { 200: true, 201: true, 204: true, 304: true, 101: true };
    for (const code of call.ok ?? []) statusCodes[code] = true;
    for (const code of [400, 401, 403, 404, 409, 500, 503]) statusCodes[code] ??= 'error';
    const hasQuery = call.query && Object.keys(call.query).length > 0;
    return new Promise<T>((resolve, reject) => {
      const done = (err: unknown, data: unknown) => {
        clearTimeout(timer);
        call.signal?.removeEventListener('abort', onAbort);
        if (err) {
          if (timedOut) return reject(timeoutError(this.endpoint, call.what, timeoutMs!));
          if (call.signal?.aborted) return reject(abortError());
          return reject(toEngineError(err, this.endpoint, call.what));
        }
        resolve(data as T);
      };
      if (!call.stream && !call.hijack) return this.plain(call, controller.signal, (code) => statusCodes[code] === true, done);
      try {
        // docker-modem sends `_body` as the JSON body of a POST; `{}` means none at all, which
        // is what start and friends require.
        const opts: Record<string, unknown> = { _query: hasQuery ? stripUndefined(call.query!) : {}, _body: call.body ?? {} };
        this.docker.modem.dial(
          {
            path: call.path + (hasQuery ? '?' : ''),
            method: call.method,
            options: opts,
            statusCodes,
            isStream: call.stream || call.hijack,
            hijack: call.hijack,
            openStdin: call.hijack,
            abortSignal: controller.signal,
            ...(call.auth !== undefined ? { authconfig: call.auth } : {}),
            ...(call.body !== undefined ? { allowEmpty: true } : {}),
          } as never,
          done,
        );
      } catch (err) {
        done(err, undefined);
      }
    });
  }

  /**
   * An ordinary request/answer over node:http with the engine's agent. docker-modem's own path for
   * these does not listen for errors on the answer, so an answer cut short would escape as an
   * uncaught exception and leave the call hanging; streams and hijacked calls still go through it.
   */
  private plain(call: Call, signal: AbortSignal, ok: (status: number) => boolean, done: (err: unknown, data: unknown) => void): void {
    let settled = false;
    const finish = (err: unknown, data?: unknown) => {
      if (settled) return;
      settled = true;
      done(err, data);
    };
    const query = call.query ? new URLSearchParams(stripUndefined(call.query) as Record<string, string>).toString() : '';
    const body = call.body !== undefined ? Buffer.from(JSON.stringify(call.body)) : undefined;
    const headers: Record<string, string | number> = body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {};
    if (call.auth !== undefined) headers['X-Registry-Auth'] = Buffer.from(JSON.stringify(call.auth)).toString('base64url');
    const e = this.endpoint;
    const options: RequestOptions = {
      method: call.method,
      path: call.path + (query ? `?${query}` : ''),
      headers,
      agent: this.agent,
      signal,
    };
    if (e.kind === 'unix' || e.kind === 'npipe') options.socketPath = e.socketPath;
    else if (e.kind === 'tcp') Object.assign(options, { host: e.host, port: e.port });
    else Object.assign(options, { host: 'docker', port: 80 });
    const tls = e.kind === 'tcp' ? e.tls : undefined;
    if (tls) Object.assign(options, { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.verify });
    const cut = () => badResponse(e, call.what, 'the answer was cut short');
    let req: ClientRequest;
    try {
      req = (tls ? httpsRequest : httpRequest)(options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) req.destroy(badResponse(e, call.what, `the answer is over ${MAX_ANSWER_BYTES >> 20} MB`));
          else chunks.push(chunk);
        });
        res.on('error', (err) => finish(res.complete ? err : cut()));
        res.on('close', () => {
          if (!res.complete) finish(signal.aborted ? new Error('aborted') : cut());
        });
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          let json: unknown = buf;
          if (buf.length) {
            try {
              json = JSON.parse(buf.toString('utf8'));
            } catch {
              /* left as a Buffer: the mappers say what was wrong with it */
            }
          }
          const status = res.statusCode ?? 0;
          if (ok(status)) finish(null, json);
          else finish(Object.assign(new Error(`HTTP ${status}`), { statusCode: status, json }));
        });
      });
    } catch (err) {
      return finish(err);
    }
    req.on('error', (err) => finish(err));
    req.end(body);
  }

  /** A request whose JSON answer goes through a mapper; anything unreadable is a bad-response. */
  private async json<T>(call: Call, mapper: (v: unknown) => T): Promise<T> {
    const data = await this.request(call);
    try {
      return mapper(data);
    } catch (err) {
      if (err instanceof map.Malformed) throw badResponse(this.endpoint, call.what, err.message);
      throw err;
    }
  }

  private action(method: Call['method'], path: string, what: string, query?: Record<string, unknown>, timeoutMs?: number): Promise<void> {
    return this.request({ method, path, what, query, timeoutMs }).then(() => undefined);
  }

  async ping(signal?: AbortSignal): Promise<void> {
    const answer = await this.request<unknown>({
      method: 'GET',
      path: '/_ping',
      what: 'ping',
      signal,
      timeoutMs: Math.min(this.timeoutMs, 10_000),
    });
    const text = Buffer.isBuffer(answer) ? answer.toString('utf8').trim() : String(answer);
    if (text !== 'OK') throw badResponse(this.endpoint, 'ping', `expected OK, got ${JSON.stringify(text.slice(0, 60))}`);
  }

  version() {
    return this.json({ method: 'GET', path: '/version', what: 'get the engine version' }, map.version);
  }

  listContainers() {
    // No size=1: sizes make the engine walk every container's file system.
    return this.json({ method: 'GET', path: '/containers/json', query: { all: 1 }, what: 'list containers' }, (v) =>
      map.asArray(v, 'container list').map(map.container),
    );
  }

  listImages(options?: { all?: boolean }) {
    return this.json({ method: 'GET', path: '/images/json', query: options?.all ? { all: 1 } : {}, what: 'list images' }, (v) =>
      map.asArray(v, 'image list').map(map.image),
    );
  }

  listVolumes() {
    return this.json({ method: 'GET', path: '/volumes', what: 'list volumes' }, map.volumeList);
  }

  listNetworks() {
    return this.json({ method: 'GET', path: '/networks', what: 'list networks' }, (v) => map.asArray(v, 'network list').map(map.network));
  }

  private inspect(path: string, what: string) {
    return this.json({ method: 'GET', path, what }, (v) => map.asObject(v, what) as unknown);
  }
  inspectContainer(id: string) {
    return this.inspect(`/containers/${enc(id)}/json`, `inspect container ${short(id)}`);
  }
  inspectImage(id: string) {
    return this.inspect(`/images/${enc(id)}/json`, `inspect image ${short(id)}`);
  }
  inspectVolume(name: string) {
    return this.inspect(`/volumes/${enc(name)}`, `inspect volume ${short(name)}`);
  }
  inspectNetwork(id: string) {
    return this.inspect(`/networks/${enc(id)}`, `inspect network ${short(id)}`);
  }

  imageHistory(id: string) {
    return this.json({ method: 'GET', path: `/images/${enc(id)}/history`, what: `read the history of ${short(id)}` }, (v) =>
      map.asArray(v, 'image history').map(map.layer),
    );
  }

  networkContainers(id: string) {
    return this.json({ method: 'GET', path: `/networks/${enc(id)}`, what: `inspect network ${short(id)}` }, map.networkContainers);
  }

  startContainer(id: string) {
    return this.action('POST', `/containers/${enc(id)}/start`, `start ${short(id)}`);
  }
  stopContainer(id: string, timeoutSeconds?: number) {
    // The engine answers only once the container has stopped: allow for its grace period.
    return this.action(
      'POST',
      `/containers/${enc(id)}/stop`,
      `stop ${short(id)}`,
      timeoutSeconds !== undefined ? { t: timeoutSeconds } : {},
      this.timeoutMs + (timeoutSeconds ?? 10) * 1000,
    );
  }
  restartContainer(id: string) {
    return this.action('POST', `/containers/${enc(id)}/restart`, `restart ${short(id)}`, {}, this.timeoutMs + 10_000);
  }
  pauseContainer(id: string) {
    return this.action('POST', `/containers/${enc(id)}/pause`, `pause ${short(id)}`);
  }
  unpauseContainer(id: string) {
    return this.action('POST', `/containers/${enc(id)}/unpause`, `unpause ${short(id)}`);
  }
  killContainer(id: string, signal?: string) {
    return this.action('POST', `/containers/${enc(id)}/kill`, `kill ${short(id)}`, signal ? { signal } : {});
  }
  removeContainer(id: string, options?: { force?: boolean; volumes?: boolean }) {
    return this.action('DELETE', `/containers/${enc(id)}`, `remove ${short(id)}`, {
      force: options?.force ? 1 : undefined,
      v: options?.volumes ? 1 : undefined,
    });
  }

  async containerLogs(
    id: string,
    options: { follow: boolean; tail?: number; timestamps?: boolean },
    signal?: AbortSignal,
  ): Promise<Readable> {
    // A TTY container's log is raw bytes; any other is multiplexed and must be split.
    const info = (await this.inspectContainer(id)) as { Config?: { Tty?: unknown } };
    const tty = info.Config?.Tty === true;
    const res = await this.request<Readable>({
      method: 'GET',
      path: `/containers/${enc(id)}/logs`,
      query: {
        stdout: 1,
        stderr: 1,
        follow: options.follow ? 1 : undefined,
        tail: options.tail ?? 'all',
        timestamps: options.timestamps ? 1 : undefined,
      },
      stream: true,
      signal,
      what: `read the logs of ${short(id)}`,
    });
    const out = new PassThrough();
    out.setEncoding('utf8');
    const source: Readable = tty ? res : res.pipe(new Demuxer());
    this.track(res, out);
    const stop = () => {
      res.destroy();
      out.end();
    };
    signal?.addEventListener('abort', stop, { once: true });
    res.on('error', () => stop());
    source.on('end', () => {
      signal?.removeEventListener('abort', stop);
      out.end();
    });
    source.pipe(out, { end: false });
    return out;
  }

  async listContainerDirectory(id: string, path: string): Promise<ContainerDirEntry[]> {
    // -1: one name a line; -A: dot files but not . and ..; -p: a / after directories;
    // -L: a link to a directory lists as one. Busybox and GNU ls both know these.
    const session = await this.exec(id, { cmd: ['ls', '-1ApL', path], tty: false });
    let output = '';
    session.stream.setEncoding('utf8');
    session.stream.on('data', (chunk: string) => {
      if (output.length < 4 * 1024 * 1024) output += chunk;
    });
    await new Promise<void>((resolve) =>
      session.stream
        .once('end', resolve)
        .once('close', resolve)
        .once('error', () => resolve()),
    );
    const code = await session.exitCode();
    if (code === 126 || code === 127 || (code !== 0 && /executable file not found|ls: not found/i.test(output))) {
      throw new EngineError(
        'not-found',
        `Container ${short(id)} has no ls to list ${path} with.`,
        'Images without a shell (distroless, scratch) cannot be browsed; open a file by its path instead.',
      );
    }
    if (code !== 0)
      throw new EngineError(
        'not-found',
        `Cannot list ${path} in ${short(id)}: ${output.trim().split('\n').pop() ?? `ls exited with ${code}`}`,
      );
    return output
      .split('\n')
      .filter((line) => line && line !== './' && line !== '../')
      .map((line) => (line.endsWith('/') ? { name: line.slice(0, -1), directory: true } : { name: line, directory: false }));
  }

  async readContainerFile(id: string, path: string, maxBytes: number): Promise<Uint8Array> {
    let current = path;
    // A symlink comes back as a link; follow a few, as a shell would.
    for (let hop = 0; hop < 8; hop++) {
      const archive = await this.request<Readable>({
        method: 'GET',
        path: `/containers/${enc(id)}/archive`,
        query: { path: current },
        stream: true,
        what: `read ${current} from ${short(id)}`,
      });
      const entry = await firstTarEntry(archive, maxBytes);
      if (entry.type === 'symlink') {
        current = entry.linkname.startsWith('/') ? entry.linkname : posix.join(posix.dirname(current), entry.linkname);
        continue;
      }
      if (entry.type === 'directory') throw new EngineError('not-found', `${path} is a directory in ${short(id)}.`);
      if (entry.tooBig)
        throw new EngineError('api', `${path} in ${short(id)} is larger than ${maxBytes >> 20} MB; Berth opens files up to that size.`);
      return entry.data;
    }
    throw new EngineError('not-found', `${path} in ${short(id)} is a chain of more than 8 symlinks.`);
  }

  async exec(id: string, options: ExecOptions): Promise<ExecSession> {
    const created = await this.json(
      {
        method: 'POST',
        path: `/containers/${enc(id)}/exec`,
        body: {
          AttachStdin: true,
          AttachStdout: true,
          AttachStderr: true,
          Tty: options.tty,
          Cmd: options.cmd,
          ...(options.user ? { User: options.user } : {}),
          ...(options.workdir ? { WorkingDir: options.workdir } : {}),
          ...(options.env ? { Env: options.env } : {}),
        },
        what: `exec in ${short(id)}`,
      },
      (v) => {
        const o = map.asObject(v, 'exec create');
        if (typeof o.Id !== 'string') throw new map.Malformed('exec create: no Id');
        return o.Id;
      },
    );
    const socket = await this.request<Duplex>({
      method: 'POST',
      path: `/exec/${enc(created)}/start`,
      body: { Detach: false, Tty: options.tty },
      hijack: true,
      what: `start exec in ${short(id)}`,
    });
    const stream = options.tty ? socket : demuxedDuplex(socket);
    this.track(socket, stream);
    const inspectExec = () =>
      this.json({ method: 'GET', path: `/exec/${enc(created)}/json`, what: 'inspect exec' }, (v) => {
        const o = map.asObject(v, 'exec inspect');
        return { running: o.Running === true, exitCode: typeof o.ExitCode === 'number' ? o.ExitCode : undefined };
      });
    const ended = new Promise<void>((resolve) => {
      const fin = () => resolve();
      socket.once('end', fin);
      socket.once('close', fin);
      socket.once('error', fin);
    });
    let exit: Promise<number | undefined> | undefined;
    return {
      stream,
      resize: (columns, rows) => this.action('POST', `/exec/${enc(created)}/resize`, 'resize the terminal', { h: rows, w: columns }),
      exitCode: () =>
        (exit ??= ended.then(async () => {
          // The engine may record the exit code a moment after the stream closes.
          const deadline = Date.now() + 5000;
          for (;;) {
            const state = await inspectExec().catch(() => ({ running: false, exitCode: undefined }));
            if (!state.running || Date.now() > deadline) return state.exitCode;
            await new Promise((r) => setTimeout(r, 20));
          }
        })),
    };
  }

  /** Reads a JSON progress stream (pull, push) to its end; an `error` in it rejects. */
  private async progress(res: Readable, onProgress: (event: ProgressEvent) => void, what: string, signal?: AbortSignal): Promise<void> {
    const lines = new JsonLines();
    let failure: EngineError | undefined;
    const handle = (v: unknown) => {
      if (v instanceof BadLine) throw badResponse(this.endpoint, what, `not JSON: ${v.line.slice(0, 80)}`);
      if (typeof v !== 'object' || v === null) return;
      const o = v as Record<string, unknown>;
      const detail = (o.progressDetail ?? {}) as Record<string, unknown>;
      const error =
        typeof o.error === 'string'
          ? o.error
          : typeof (o.errorDetail as { message?: unknown })?.message === 'string'
            ? (o.errorDetail as { message: string }).message
            : undefined;
      const event: ProgressEvent = {
        ...(typeof o.id === 'string' ? { id: o.id } : {}),
        status: typeof o.status === 'string' ? o.status : (error ?? ''),
        ...(typeof detail.current === 'number' ? { current: detail.current } : {}),
        ...(typeof detail.total === 'number' ? { total: detail.total } : {}),
        ...(error ? { error } : {}),
      };
      if (error) failure ??= new EngineError('api', `Could not ${what}: ${error}`, authHint(error));
      onProgress(event);
    };
    try {
      for await (const chunk of res) for (const v of lines.push(chunk as Buffer)) handle(v);
      for (const v of lines.end()) handle(v);
    } catch (err) {
      if (signal?.aborted) throw abortError();
      if (err instanceof EngineError) throw err;
      throw toEngineError(err, this.endpoint, what);
    }
    if (signal?.aborted) throw abortError();
    if (failure) throw failure;
  }

  async pullImage(reference: string, onProgress: (event: ProgressEvent) => void, signal?: AbortSignal, auth?: RegistryAuth): Promise<void> {
    const { repository, tag } = splitReference(reference);
    const res = await this.request<Readable>({
      method: 'POST',
      path: '/images/create',
      query: { fromImage: repository, tag: tag ?? 'latest' },
      stream: true,
      signal,
      auth,
      what: `pull ${reference}`,
    });
    this.track(res);
    await this.progress(res, onProgress, `pull ${reference}`, signal);
  }

  async pushImage(
    reference: string,
    auth: RegistryAuth | undefined,
    onProgress: (event: ProgressEvent) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const { repository, tag } = splitReference(reference);
    const res = await this.request<Readable>({
      method: 'POST',
      path: `/images/${enc(repository)}/push`,
      query: tag ? { tag } : {},
      stream: true,
      signal,
      // The engine wants the header even without credentials.
      auth: auth ?? {},
      what: `push ${reference}`,
    });
    this.track(res);
    await this.progress(res, onProgress, `push ${reference}`, signal);
  }

  tagImage(id: string, repository: string, tag: string) {
    return this.action('POST', `/images/${enc(id)}/tag`, `tag ${short(id)} as ${repository}:${tag}`, { repo: repository, tag });
  }

  removeImage(id: string, options?: { force?: boolean }) {
    return this.action('DELETE', `/images/${enc(id)}`, `remove image ${short(id)}`, { force: options?.force ? 1 : undefined });
  }

  pruneImages(options?: { danglingOnly?: boolean }): Promise<PruneResult> {
    const dangling = options?.danglingOnly ?? true;
    return this.json(
      {
        method: 'POST',
        path: '/images/prune',
        query: { filters: JSON.stringify({ dangling: [String(dangling)] }) },
        timeoutMs: this.timeoutMs * 4,
        what: 'prune images',
      },
      (v) => map.prune(v, 'ImagesDeleted'),
    );
  }

  createVolume(name: string, options?: { driver?: string; labels?: Record<string, string> }) {
    return this.json(
      {
        method: 'POST',
        path: '/volumes/create',
        body: { Name: name, Driver: options?.driver ?? 'local', Labels: options?.labels ?? {} },
        what: `create volume ${name}`,
      },
      map.volume,
    );
  }

  removeVolume(name: string, options?: { force?: boolean }) {
    return this.action('DELETE', `/volumes/${enc(name)}`, `remove volume ${short(name)}`, { force: options?.force ? 1 : undefined });
  }

  pruneVolumes() {
    return this.json({ method: 'POST', path: '/volumes/prune', timeoutMs: this.timeoutMs * 4, what: 'prune volumes' }, (v) =>
      map.prune(v, 'VolumesDeleted'),
    );
  }

  async createNetwork(name: string, options?: { driver?: string; labels?: Record<string, string> }) {
    const id = await this.json(
      {
        method: 'POST',
        path: '/networks/create',
        body: { Name: name, CheckDuplicate: true, Driver: options?.driver ?? 'bridge', Labels: options?.labels ?? {} },
        what: `create network ${name}`,
      },
      (v) => {
        const o = map.asObject(v, 'network create');
        if (typeof o.Id !== 'string') throw new map.Malformed('network create: no Id');
        return o.Id;
      },
    );
    return this.json({ method: 'GET', path: `/networks/${enc(id)}`, what: `inspect network ${name}` }, map.network);
  }

  connectNetwork(network: string, container: string) {
    return this.request({
      method: 'POST',
      path: `/networks/${enc(network)}/connect`,
      body: { Container: container },
      what: `connect ${short(container)} to ${short(network)}`,
    }).then(() => undefined);
  }

  disconnectNetwork(network: string, container: string, force?: boolean) {
    return this.request({
      method: 'POST',
      path: `/networks/${enc(network)}/disconnect`,
      body: { Container: container, Force: force === true },
      what: `disconnect ${short(container)} from ${short(network)}`,
    }).then(() => undefined);
  }

  removeNetwork(id: string) {
    return this.action('DELETE', `/networks/${enc(id)}`, `remove network ${short(id)}`);
  }

  pruneNetworks() {
    return this.json({ method: 'POST', path: '/networks/prune', what: 'prune networks' }, (v) => map.prune(v, 'NetworksDeleted'));
  }

  async *events(signal: AbortSignal): AsyncIterable<EngineEvent> {
    if (signal.aborted) return;
    const res = await this.request<Readable>({ method: 'GET', path: '/events', stream: true, signal, what: 'follow engine events' }).catch(
      (err) => {
        if (signal.aborted) return undefined;
        throw err;
      },
    );
    if (!res) return;
    const untrack = this.track(res);
    const stop = () => res.destroy();
    signal.addEventListener('abort', stop, { once: true });
    const lines = new JsonLines();
    const convert = (v: unknown) => {
      if (v instanceof BadLine) throw badResponse(this.endpoint, 'follow engine events', `not JSON: ${v.line.slice(0, 80)}`);
      try {
        return map.event(v);
      } catch (err) {
        throw err instanceof map.Malformed ? badResponse(this.endpoint, 'follow engine events', err.message) : err;
      }
    };
    try {
      for await (const chunk of res) {
        for (const v of lines.push(chunk as Buffer)) yield convert(v);
      }
      for (const v of lines.end()) yield convert(v);
    } catch (err) {
      if (signal.aborted) return;
      throw toEngineError(err, this.endpoint, 'follow engine events');
    } finally {
      signal.removeEventListener('abort', stop);
      res.destroy();
      untrack();
    }
  }

  /** Streams the engine holds open, so dispose() can close them. */
  private track(...streams: { destroy(): void; once?(ev: string, f: () => void): unknown }[]): () => void {
    for (const s of streams) {
      this.live.add(s);
      s.once?.('close', () => this.live.delete(s));
    }
    return () => streams.forEach((s) => this.live.delete(s));
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.live) s.destroy();
    this.live.clear();
    this.agent.destroy();
  }
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function abortError(): Error {
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}

function authHint(error: string): string | undefined {
  if (/unauthorized|authentication required|denied|login/i.test(error))
    return 'Log in to the registry with docker login (credentials are read from ~/.docker/config.json), then retry.';
  if (/no such host|connection refused|timeout|dial tcp/i.test(error))
    return 'The registry cannot be reached from the engine; check its address and the network.';
  return undefined;
}

/** `repo[:tag][@digest]` → repository and tag (a digest rides along in the tag position, as the API wants). */
export function splitReference(reference: string): { repository: string; tag?: string } {
  const at = reference.indexOf('@');
  if (at >= 0) return { repository: reference.slice(0, at), tag: reference.slice(at + 1) };
  const colon = reference.lastIndexOf(':');
  // A colon before the last slash belongs to a registry's port, not a tag.
  if (colon > reference.lastIndexOf('/')) return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { repository: reference };
}

/** A hijacked exec stream without a TTY: stdin goes in as is, stdout and stderr come out merged. */
function demuxedDuplex(socket: Duplex): Duplex {
  const demux = socket.pipe(new Demuxer());
  const duplex = new Duplex({
    read() {
      demux.resume();
    },
    write(chunk, encoding, done) {
      socket.write(chunk, encoding, done);
    },
    final(done) {
      // Half-close so the process sees end of input but we still read its output.
      (socket as Socket).end?.();
      done();
    },
    destroy(err, done) {
      socket.destroy();
      done(err);
    },
  });
  demux.on('data', (chunk) => {
    if (!duplex.push(chunk)) demux.pause();
  });
  demux.on('end', () => duplex.push(null));
  socket.on('error', (err) => duplex.destroy(err));
  return duplex;
}

/** The first entry of a tar stream, its bytes up to `maxBytes`; the rest is not read. */
function firstTarEntry(
  archive: Readable,
  maxBytes: number,
): Promise<{ type: string; linkname: string; data: Uint8Array; tooBig: boolean }> {
  return new Promise((resolve, reject) => {
    const tar = extract();
    let settled = false;
    const finish = (err: Error | null, value?: { type: string; linkname: string; data: Uint8Array; tooBig: boolean }) => {
      if (settled) return;
      settled = true;
      archive.destroy();
      tar.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    tar.on('entry', (header, stream) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const tooBig = (header.size ?? 0) > maxBytes;
      if (tooBig || header.type !== 'file') {
        finish(null, { type: header.type ?? 'file', linkname: header.linkname ?? '', data: new Uint8Array(), tooBig });
        return;
      }
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        chunks.push(chunk);
      });
      stream.on('end', () =>
        finish(null, { type: 'file', linkname: '', data: new Uint8Array(Buffer.concat(chunks, size)), tooBig: false }),
      );
      stream.on('error', (err: Error) => finish(err));
    });
    tar.on('finish', () => finish(new Error('the archive was empty')));
    tar.on('error', (err: Error) => finish(err));
    archive.on('error', (err: Error) => finish(err));
    archive.pipe(tar);
  });
}
