/**
 * The Engine interface over the Engine API's HTTP (./transport, ./request): unix and npipe
 * sockets, tcp with or without TLS, and ssh through the user's own ssh client. Every call has a
 * deadline, every failure becomes an EngineError (./errors), every answer is checked before it
 * reaches the views (./mappers), and every JSON-lines stream has a cap on its line length.
 */
import type { IncomingMessage } from 'node:http';
import { posix } from 'node:path';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import { shortId } from '../shared/format';
import { splitReference } from '../shared/imageRef';
import type * as BuildModule from './build';
import type { BuilderFacts } from './build';
import { demuxedDuplex, firstTarEntry } from './containerStreams';
import { badResponse, timeoutError, toEngineError } from './errors';
import * as map from './mappers';
import { statsFromEngine } from './stats';
import { mapJsonArray } from './jsonSlices';
import { abortError, idleTimer, parseBody, readAll, Requester, streamError, type Call } from './request';
import type { SshOptions } from './sshAgent';
import { BadLine, Demuxer, describeBadLine, JsonLines } from './streams';
import { Transport } from './transport';
import {
  EngineError,
  type ContainerCommit,
  type ContainerCreate,
  type ContainerDirEntry,
  type ContainerPathStat,
  type ContainerStats,
  type ContainerFilters,
  type Endpoint,
  type Engine,
  type EngineEvent,
  type ExecOptions,
  type ExecSession,
  type BuildOptions,
  type BuildResult,
  type ImageBuild,
  type ImageSearchResult,
  type ProgressEvent,
  type PruneResult,
  type RegistryAuth,
} from './types';

export interface EngineOptions {
  /** Deadline for one ordinary call, and for a stream's first answer, in ms. */
  timeoutMs?: number;
  /** For ssh endpoints: the ssh binary and extra arguments (`-F config`, `-i key`). */
  ssh?: SshOptions;
}

/** A request's `what` names the object when it is short enough to read. */
const short = (id: string) => (/^(sha256:)?[0-9a-f]{64}$/.test(id) ? shortId(id) : id);
const enc = encodeURIComponent;
// Stream deadlines, as multiples of the ordinary call's (30 s by default):
/** A registry can take a while to answer before a pull or push says anything: 3 minutes. */
const REGISTRY_ANSWER = 6;
/** Once a pull or push has started, the engine reports progress far more often than this: 5 minutes. */
const PROGRESS_IDLE = 10;
/** An archive (a file out of a container) flows without pause once it has started: 30 s. */
const ARCHIVE_IDLE = 1;
/** How the engine says it could not reach a registry (search, pull): its dial and DNS errors. */
const REGISTRY_UNREACHABLE = /dial tcp|no such host|i\/o timeout|connection refused|network is unreachable|TLS handshake timeout/i;

/** Creates the Engine for an endpoint. Connecting is lazy: nothing happens until the first call. */
export function createEngine(endpoint: Endpoint, options: EngineOptions = {}): Engine {
  return new HttpEngine(endpoint, options);
}

class HttpEngine implements Engine {
  private readonly transport: Transport;
  private readonly requester: Requester;
  private readonly timeoutMs: number;
  private readonly live = new Set<{ destroy(): void }>();
  private disposed = false;

  constructor(
    readonly endpoint: Endpoint,
    options: EngineOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.transport = new Transport(endpoint, options.ssh);
    this.requester = new Requester(this.transport, this.timeoutMs);
  }

  private checkOpen(): void {
    if (this.disposed) throw new EngineError('api', 'This engine connection was closed.', 'Reconnect to the engine.');
  }

  /** An ordinary call whose JSON answer goes through a mapper; anything unreadable is a bad-response. */
  private async json<T>(call: Call, mapper: (v: unknown) => T): Promise<T> {
    this.checkOpen();
    const data = await this.requester.answer(call);
    try {
      return mapper(data);
    } catch (err) {
      if (err instanceof map.Malformed) throw badResponse(this.endpoint, call.what, err.message);
      throw err;
    }
  }

  private async action(
    method: Call['method'],
    path: string,
    what: string,
    query?: Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<void> {
    this.checkOpen();
    await this.requester.answer({ method, path, what, query, timeoutMs });
  }

  private async stream(call: Call): Promise<IncomingMessage> {
    this.checkOpen();
    const res = await this.requester.stream(call);
    this.track(res);
    return res;
  }

  private async upgrade(call: Call, protocol: 'tcp' | 'h2c' = 'tcp'): Promise<Duplex> {
    this.checkOpen();
    const socket = await this.requester.upgrade(call, protocol);
    this.track(socket);
    return socket;
  }

  /**
   * The values of a JSON-lines stream, in order. A line that is not JSON, or longer than the cap,
   * ends it with a bad-response; so does `idleMs` of silence, with a timeout.
   */
  private async *jsonLines(res: Readable, what: string, idleMs?: number, signal?: AbortSignal): AsyncGenerator<unknown> {
    const lines = new JsonLines();
    const idle = idleMs === undefined ? undefined : idleTimer(res, idleMs, () => timeoutError(this.endpoint, what, idleMs, true));
    const check = (v: unknown) => {
      if (v instanceof BadLine) throw badResponse(this.endpoint, what, describeBadLine(v));
      return v;
    };
    try {
      for await (const chunk of res) {
        idle?.touch();
        for (const v of lines.push(chunk as Buffer)) yield check(v);
      }
      for (const v of lines.end()) yield check(v);
    } catch (err) {
      if (signal?.aborted) throw abortError();
      if (err instanceof EngineError) throw err;
      throw streamError(res, err);
    } finally {
      idle?.stop();
      res.destroy();
    }
    if (signal?.aborted) throw abortError();
  }

  async ping(signal?: AbortSignal): Promise<void> {
    this.checkOpen();
    const answer = await this.requester.answer({
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

  info() {
    return this.json({ method: 'GET', path: '/info', what: 'get the engine information' }, map.info);
  }

  /**
   * A list the engine may answer in megabytes (2,000 containers: 1.3 MB): parsed and mapped in
   * slices, so the extension host's event loop is never held for the whole of it.
   */
  private async list<T>(call: Call, what: string, mapper: (v: unknown) => T): Promise<T[]> {
    this.checkOpen();
    const body = await this.requester.answerBytes(call);
    try {
      return (await mapJsonArray(body, mapper)) ?? map.asArray(parseBody(body), what).map(mapper);
    } catch (err) {
      if (err instanceof map.Malformed) throw badResponse(this.endpoint, call.what, err.message);
      throw err;
    }
  }

  listContainers(options?: { filters?: ContainerFilters }) {
    // No size=1: sizes make the engine walk every container's file system.
    const filters = options?.filters ? { filters: JSON.stringify(options.filters) } : {};
    return this.list(
      { method: 'GET', path: '/containers/json', query: { all: 1, ...filters }, what: 'list containers' },
      'container list',
      map.container,
    );
  }

  listImages(options?: { all?: boolean }) {
    return this.list(
      { method: 'GET', path: '/images/json', query: options?.all ? { all: 1 } : {}, what: 'list images' },
      'image list',
      map.image,
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

  async createContainer(name: string, create: ContainerCreate): Promise<string> {
    return this.json(
      { method: 'POST', path: '/containers/create', query: { name }, body: create, what: `create container ${name}` },
      (v) => {
        const o = map.asObject(v, 'container create');
        if (typeof o.Id !== 'string') throw new map.Malformed('container create: no Id');
        return o.Id;
      },
    );
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
    // Force-removing a running container stops it first: allow for that.
    return this.action(
      'DELETE',
      `/containers/${enc(id)}`,
      `remove ${short(id)}`,
      { force: options?.force ? 1 : undefined, v: options?.volumes ? 1 : undefined },
      this.timeoutMs + (options?.force ? 10_000 : 0),
    );
  }
  resizeContainer(id: string, columns: number, rows: number) {
    return this.action('POST', `/containers/${enc(id)}/resize`, `resize the terminal of ${short(id)}`, { h: rows, w: columns });
  }

  async attachContainer(id: string, options: { tty: boolean; detachKeys?: string }): Promise<Duplex> {
    const socket = await this.upgrade({
      method: 'POST',
      path: `/containers/${enc(id)}/attach`,
      query: { stream: 1, stdin: 1, stdout: 1, stderr: 1, detachKeys: options.detachKeys },
      what: `attach to ${short(id)}`,
    });
    return options.tty ? socket : demuxedDuplex(socket);
  }

  async waitContainer(id: string, condition: 'next-exit' | 'not-running' | 'removed' = 'next-exit'): Promise<number> {
    const what = `wait for ${short(id)} to exit`;
    // The engine answers at once and sends the body when the container exits, however long that takes.
    const res = await this.stream({ method: 'POST', path: `/containers/${enc(id)}/wait`, query: { condition }, what });
    let body: Buffer;
    try {
      body = await readAll(res, 1024 * 1024, () => undefined);
    } catch (err) {
      throw new EngineError(
        this.endpoint.kind === 'unix' || this.endpoint.kind === 'npipe' ? 'not-running' : 'unreachable',
        `The engine at ${this.endpoint.display} closed the connection while container ${short(id)} ran (${(err as Error).message}): it may have stopped or restarted.`,
        'Check the engine with docker info; when it is back, Berth removes the container it left behind.',
      );
    }
    let answer: Record<string, unknown>;
    try {
      answer = map.asObject(JSON.parse(body.toString('utf8')), 'container wait');
    } catch (err) {
      throw badResponse(this.endpoint, what, err instanceof Error ? err.message : String(err));
    }
    const error = (answer.Error as { Message?: unknown } | null | undefined)?.Message;
    if (typeof error === 'string' && error) throw new EngineError('api', `Could not ${what}: ${error}`);
    if (typeof answer.StatusCode !== 'number') throw badResponse(this.endpoint, what, 'no StatusCode');
    return answer.StatusCode;
  }

  async containerLogs(
    id: string,
    options: { follow: boolean; tail?: number; timestamps?: boolean },
    signal?: AbortSignal,
  ): Promise<Readable> {
    // A TTY container's log is raw bytes; any other is multiplexed and must be split.
    const info = (await this.inspectContainer(id)) as { Config?: { Tty?: unknown } };
    const tty = info.Config?.Tty === true;
    const res = await this.stream({
      method: 'GET',
      path: `/containers/${enc(id)}/logs`,
      query: {
        stdout: 1,
        stderr: 1,
        follow: options.follow ? 1 : undefined,
        tail: options.tail ?? 'all',
        timestamps: options.timestamps ? 1 : undefined,
      },
      signal,
      what: `read the logs of ${short(id)}`,
    });
    const out = new PassThrough();
    out.setEncoding('utf8');
    const source: Readable = tty ? res : res.pipe(new Demuxer());
    this.track(out);
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
    const what = `list ${path} in ${short(id)}`;
    await new Promise<void>((resolve, reject) => {
      // ls on a huge or hung mount must not keep the view waiting for ever.
      const timer = setTimeout(() => {
        session.stream.destroy();
        reject(timeoutError(this.endpoint, what, this.timeoutMs));
      }, this.timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      session.stream.once('end', done).once('close', done).once('error', done);
    });
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
      const what = `read ${current} from ${short(id)}`;
      const archive = await this.stream({ method: 'GET', path: `/containers/${enc(id)}/archive`, query: { path: current }, what });
      const idleMs = this.timeoutMs * ARCHIVE_IDLE;
      const idle = idleTimer(archive, idleMs, () => timeoutError(this.endpoint, what, idleMs, true));
      const entry = await firstTarEntry(archive, maxBytes, () => idle.touch())
        .catch((err: unknown) => {
          throw err instanceof EngineError ? err : streamError(archive, err);
        })
        .finally(() => idle.stop());
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
    const socket = await this.upgrade({
      method: 'POST',
      path: `/exec/${enc(created)}/start`,
      body: { Detach: false, Tty: options.tty },
      what: `start exec in ${short(id)}`,
    });
    const stream = options.tty ? socket : demuxedDuplex(socket);
    this.track(stream);
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
    let failure: EngineError | undefined;
    for await (const v of this.jsonLines(res, what, this.timeoutMs * PROGRESS_IDLE, signal)) {
      if (typeof v !== 'object' || v === null) continue;
      const o = v as Record<string, unknown>;
      const detail = (o.progressDetail ?? {}) as Record<string, unknown>;
      const error = errorOf(o);
      const event: ProgressEvent = {
        ...(typeof o.id === 'string' ? { id: o.id } : {}),
        status: typeof o.status === 'string' ? o.status : (error ?? ''),
        ...(typeof detail.current === 'number' ? { current: detail.current } : {}),
        ...(typeof detail.total === 'number' ? { total: detail.total } : {}),
        ...(error ? { error } : {}),
      };
      if (error) failure ??= new EngineError('api', `Could not ${what}: ${error}`, authHint(error));
      onProgress(event);
    }
    if (failure) throw failure;
  }

  async pullImage(reference: string, onProgress: (event: ProgressEvent) => void, signal?: AbortSignal, auth?: RegistryAuth): Promise<void> {
    const { repository, tag, digest } = splitReference(reference);
    const res = await this.stream({
      method: 'POST',
      path: '/images/create',
      // A digest goes where the tag would: the API's way of pulling by digest.
      query: { fromImage: repository, tag: digest ?? tag ?? 'latest' },
      timeoutMs: this.timeoutMs * REGISTRY_ANSWER,
      signal,
      auth,
      what: `pull ${reference}`,
    });
    await this.progress(res, onProgress, `pull ${reference}`, signal);
  }

  async pushImage(
    reference: string,
    auth: RegistryAuth | undefined,
    onProgress: (event: ProgressEvent) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const { repository, tag } = splitReference(reference);
    const res = await this.stream({
      method: 'POST',
      path: `/images/${enc(repository)}/push`,
      query: tag ? { tag } : {},
      timeoutMs: this.timeoutMs * REGISTRY_ANSWER,
      signal,
      // The engine wants the header even without credentials.
      auth: auth ?? {},
      what: `push ${reference}`,
    });
    await this.progress(res, onProgress, `push ${reference}`, signal);
  }

  buildImage(build: ImageBuild, options?: BuildOptions): Promise<BuildResult> {
    this.checkOpen();
    // Loaded on the first build: BuildKit's protocol (protobufjs) and the tar packer are a third of
    // the engine code, and the language server, which lists images, never builds.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
    const { runBuild } = require('./build') as typeof BuildModule;
    return runBuild(
      {
        stream: (call) => this.stream(call),
        upgrade: (call, protocol) => this.upgrade(call, protocol),
        answer: (call) => this.requester.answer(call),
        // No idle rule: a RUN step may work silently for as long as it needs.
        lines: (res, what, signal) => this.jsonLines(res, what, undefined, signal),
        facts: () => this.builderFacts(),
      },
      build,
      options,
    );
  }

  /** What the engine's /_ping headers say about its builders. */
  private async builderFacts(): Promise<BuilderFacts> {
    const res = await this.stream({ method: 'GET', path: '/_ping', what: 'ask the engine which builders it has' });
    res.resume();
    const header = (name: string) => {
      const v = res.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    return {
      apiVersion: header('api-version') ?? '0',
      os: header('ostype') ?? 'linux',
      ...(header('builder-version') ? { builderVersion: header('builder-version') } : {}),
      podman: header('libpod-buildah-version') !== undefined || header('libpod-api-version') !== undefined,
    };
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

  async connectNetwork(network: string, container: string) {
    this.checkOpen();
    await this.requester.answer({
      method: 'POST',
      path: `/networks/${enc(network)}/connect`,
      body: { Container: container },
      what: `connect ${short(container)} to ${short(network)}`,
    });
  }

  async disconnectNetwork(network: string, container: string, force?: boolean) {
    this.checkOpen();
    await this.requester.answer({
      method: 'POST',
      path: `/networks/${enc(network)}/disconnect`,
      body: { Container: container, Force: force === true },
      what: `disconnect ${short(container)} from ${short(network)}`,
    });
  }

  removeNetwork(id: string) {
    return this.action('DELETE', `/networks/${enc(id)}`, `remove network ${short(id)}`);
  }

  pruneNetworks() {
    return this.json({ method: 'POST', path: '/networks/prune', what: 'prune networks' }, (v) => map.prune(v, 'NetworksDeleted'));
  }

  async *events(signal: AbortSignal): AsyncIterable<EngineEvent> {
    if (signal.aborted) return;
    const what = 'follow engine events';
    const res = await this.stream({ method: 'GET', path: '/events', signal, what }).catch((err) => {
      if (signal.aborted) return undefined;
      throw err;
    });
    if (!res) return;
    try {
      // No idle rule: an idle engine sends nothing, for hours.
      for await (const v of this.jsonLines(res, what, undefined, signal)) {
        try {
          yield map.event(v);
        } catch (err) {
          throw err instanceof map.Malformed ? badResponse(this.endpoint, what, err.message) : err;
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      throw err instanceof EngineError ? err : toEngineError(err, this.endpoint, what);
    }
  }

  // --- the everyday workflows: stats, commit, rename, archives, save and load, search, disk use ---

  async *containerStats(id: string, signal: AbortSignal): AsyncIterable<ContainerStats> {
    if (signal.aborted) return;
    const what = `read the resource use of ${short(id)}`;
    const res = await this.stream({ method: 'GET', path: `/containers/${enc(id)}/stats`, query: { stream: 1 }, signal, what }).catch(
      (err) => {
        if (signal.aborted) return undefined;
        throw err;
      },
    );
    if (!res) return;
    try {
      // The engine sends a reading a second; silence for the ordinary deadline is an engine gone wrong.
      for await (const v of this.jsonLines(res, what, this.timeoutMs, signal)) {
        // A container that is not running reads as the zero time, once a second, for ever: that is the end.
        if (typeof v === 'object' && v !== null && String((v as { read?: unknown }).read).startsWith('0001-')) return;
        yield statsFromEngine(v);
      }
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
  }

  containerStatsOnce(id: string, signal?: AbortSignal): Promise<ContainerStats> {
    // stream=0: the engine reads twice, a second apart, so the answer has a CPU figure.
    return this.json(
      { method: 'GET', path: `/containers/${enc(id)}/stats`, query: { stream: 0 }, signal, what: `read the resource use of ${short(id)}` },
      (v) => statsFromEngine(map.asObject(v, 'container stats')),
    );
  }

  commitContainer(id: string, commit: ContainerCommit): Promise<string> {
    const { repository, tag } = commit.reference ? splitReference(commit.reference) : { repository: undefined, tag: undefined };
    return this.json(
      {
        method: 'POST',
        path: '/commit',
        query: {
          container: id,
          repo: repository,
          tag: repository ? (tag ?? 'latest') : undefined,
          comment: commit.message,
          author: commit.author,
          changes: commit.changes,
          pause: commit.pause === false ? 0 : 1,
        },
        // Committing copies the container's layer: a big one takes a while.
        timeoutMs: this.timeoutMs * 4,
        what: `commit ${short(id)}`,
      },
      (v) => {
        const o = map.asObject(v, 'commit');
        if (typeof o.Id !== 'string') throw new map.Malformed('commit: no Id');
        return o.Id;
      },
    );
  }

  renameContainer(id: string, name: string) {
    return this.action('POST', `/containers/${enc(id)}/rename`, `rename ${short(id)} to ${name}`, { name });
  }

  async exportContainer(id: string, signal?: AbortSignal): Promise<Readable> {
    const what = `export ${short(id)}`;
    const res = await this.stream({ method: 'GET', path: `/containers/${enc(id)}/export`, signal, what });
    return this.idleGuarded(res, what, this.timeoutMs * PROGRESS_IDLE);
  }

  async statContainerPath(id: string, path: string): Promise<ContainerPathStat | undefined> {
    const what = `look at ${path} in ${short(id)}`;
    try {
      const res = await this.stream({ method: 'HEAD', path: `/containers/${enc(id)}/archive`, query: { path }, what });
      res.destroy();
      return this.pathStat(res, what);
    } catch (err) {
      if (!(err instanceof EngineError && err.kind === 'not-found')) throw err;
      // A HEAD answer has no body to say whether the path or the container is missing: ask.
      await this.inspectContainer(id);
      return undefined;
    }
  }

  async getContainerArchive(id: string, path: string, signal?: AbortSignal): Promise<{ stat: ContainerPathStat; archive: Readable }> {
    const what = `copy ${path} from ${short(id)}`;
    const res = await this.stream({ method: 'GET', path: `/containers/${enc(id)}/archive`, query: { path }, signal, what });
    const stat = this.pathStat(res, what);
    return { stat, archive: this.idleGuarded(res, what, this.timeoutMs * PROGRESS_IDLE) };
  }

  async putContainerArchive(
    id: string,
    directory: string,
    archive: Readable,
    options: { copyUIDGID?: boolean; noOverwriteDirNonDir?: boolean } = {},
    signal?: AbortSignal,
  ): Promise<void> {
    this.checkOpen();
    await this.requester.answer({
      method: 'PUT',
      path: `/containers/${enc(id)}/archive`,
      query: {
        path: directory,
        copyUIDGID: options.copyUIDGID ? 1 : undefined,
        noOverwriteDirNonDir: options.noOverwriteDirNonDir ? 1 : undefined,
      },
      upload: { stream: archive, contentType: 'application/x-tar' },
      signal,
      what: `copy into ${directory} in ${short(id)}`,
    });
  }

  pruneContainers() {
    return this.json({ method: 'POST', path: '/containers/prune', timeoutMs: this.timeoutMs * 4, what: 'prune containers' }, (v) =>
      map.prune(v, 'ContainersDeleted'),
    );
  }

  async saveImages(references: string[], signal?: AbortSignal): Promise<Readable> {
    const what = `save ${references.length === 1 ? short(references[0]!) : `${references.length} images`}`;
    // The engine may gather a large image's layers before its first byte.
    const res = await this.stream({
      method: 'GET',
      path: '/images/get',
      query: { names: references },
      timeoutMs: this.timeoutMs * REGISTRY_ANSWER,
      signal,
      what,
    });
    return this.idleGuarded(res, what, this.timeoutMs * PROGRESS_IDLE);
  }

  async loadImages(
    archive: Readable,
    onProgress: (event: ProgressEvent) => void = () => undefined,
    signal?: AbortSignal,
  ): Promise<string[]> {
    const what = 'load images';
    const res = await this.stream({
      method: 'POST',
      path: '/images/load',
      query: { quiet: 0 },
      upload: { stream: archive, contentType: 'application/x-tar' },
      timeoutMs: this.timeoutMs * REGISTRY_ANSWER,
      signal,
      what,
    });
    const loaded: string[] = [];
    let failure: string | undefined;
    for await (const v of this.jsonLines(res, what, this.timeoutMs * PROGRESS_IDLE, signal)) {
      if (typeof v !== 'object' || v === null) continue;
      const o = v as Record<string, unknown>;
      const error = errorOf(o);
      if (error) failure ??= error;
      const text = typeof o.stream === 'string' ? o.stream : '';
      // `Loaded image: name:tag` for tagged images, `Loaded image ID: sha256:…` for the rest.
      for (const m of text.matchAll(/Loaded image(?: ID)?: (\S+)/g)) loaded.push(m[1]!);
      if (typeof o.status === 'string') {
        const detail = (o.progressDetail ?? {}) as Record<string, unknown>;
        onProgress({
          ...(typeof o.id === 'string' ? { id: o.id } : {}),
          status: o.status,
          ...(typeof detail.current === 'number' ? { current: detail.current } : {}),
          ...(typeof detail.total === 'number' ? { total: detail.total } : {}),
        });
      }
    }
    if (failure) throw new EngineError('api', `Could not load the images: ${failure}`);
    return loaded;
  }

  async searchImages(term: string, limit = 25, signal?: AbortSignal): Promise<ImageSearchResult[]> {
    try {
      return await this.json(
        {
          method: 'GET',
          path: '/images/search',
          query: { term, limit },
          timeoutMs: this.timeoutMs,
          signal,
          what: `search Docker Hub for ${term}`,
        },
        (v) => map.asArray(v, 'image search').map(map.searchResult),
      );
    } catch (err) {
      // The engine asks Hub itself; when it cannot get there it says so with a dial error, under any status.
      if (err instanceof EngineError && REGISTRY_UNREACHABLE.test(err.message))
        throw new EngineError(
          'api',
          `Docker Hub cannot be reached from the engine at ${this.endpoint.display}, so it cannot search (${err.message.replace(/^Could not [^:]*: /, '')}).`,
          'Check the network or the proxy the engine uses (docker info shows it), or pull by the full image name.',
          err.statusCode,
        );
      throw err;
    }
  }

  diskUsage() {
    // The engine measures every container's layer for this: allow it time.
    return this.json({ method: 'GET', path: '/system/df', timeoutMs: this.timeoutMs * 4, what: 'measure disk use' }, map.diskUsage);
  }

  /** The path stat header of an archive answer. */
  private pathStat(res: IncomingMessage, what: string): ContainerPathStat {
    const header = res.headers['x-docker-container-path-stat'];
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) throw badResponse(this.endpoint, what, 'no X-Docker-Container-Path-Stat header');
    try {
      return map.pathStat(JSON.parse(Buffer.from(value, 'base64').toString('utf8')));
    } catch (err) {
      throw badResponse(this.endpoint, what, `its path stat header cannot be read (${(err as Error).message})`);
    }
  }

  /** A byte stream that ends with a timeout error when the engine goes silent for `idleMs`. */
  private idleGuarded(res: IncomingMessage, what: string, idleMs: number): Readable {
    const idle = idleTimer(res, idleMs, () => timeoutError(this.endpoint, what, idleMs, true));
    const out = new PassThrough();
    this.track(out);
    res.on('data', () => idle.touch());
    res.on('error', (err) => out.destroy(err instanceof EngineError ? err : streamError(res, err)));
    out.on('close', () => {
      idle.stop();
      res.destroy();
    });
    res.pipe(out);
    return out;
  }

  /** Streams the engine holds open, so dispose() can close them. */
  private track(stream: { destroy(): void; once(ev: 'close', f: () => void): unknown }): void {
    this.live.add(stream);
    stream.once('close', () => this.live.delete(stream));
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.live) s.destroy();
    this.live.clear();
    this.transport.dispose();
  }
}

/** The error a JSON stream's message carries: `error`, or `errorDetail.message`. */
function errorOf(o: Record<string, unknown>): string | undefined {
  if (typeof o.error === 'string' && o.error) return o.error;
  const detail = o.errorDetail as { message?: unknown } | undefined;
  return typeof detail?.message === 'string' && detail.message ? detail.message : undefined;
}

function authHint(error: string): string | undefined {
  if (/unauthorized|authentication required|denied|login/i.test(error))
    return 'Log in to the registry with docker login (credentials are read from ~/.docker/config.json), then retry.';
  if (/no such host|connection refused|timeout|dial tcp/i.test(error))
    return 'The registry cannot be reached from the engine; check its address and the network.';
  return undefined;
}
