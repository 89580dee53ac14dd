/**
 * Berth's own view of a container engine. Views, commands, Run Workspace, `berth run`, the CLI
 * and the language server's image lookups depend on this interface only; ./httpEngine is the one
 * implementation, over the Engine API's HTTP. Pure types: no vscode.
 */
import type { Duplex, Readable } from 'node:stream';

/** Why the engine could not be used, so the UI can say what to do about it. */
export type EngineErrorKind =
  | 'not-installed' // no socket or CLI: Docker is not installed
  | 'not-running' // the socket exists but nothing answers
  | 'permission-denied' // EACCES on the socket
  | 'unreachable' // a remote host does not answer (tcp, ssh)
  | 'tls' // certificate problems
  | 'ssh' // ssh itself failed (auth, host key, no docker on the remote)
  | 'timeout'
  | 'not-found' // 404: no such container/image/...
  | 'conflict' // 409: e.g. removing a running container
  | 'api' // any other error answer from the engine
  | 'bad-response'; // the engine answered with something we cannot read

export class EngineError extends Error {
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
    /** What the user can do about it, in one sentence. */
    readonly hint?: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** Where the engine is and how that was decided. */
export interface Endpoint {
  kind: 'unix' | 'npipe' | 'tcp' | 'ssh';
  /** For unix/npipe: the socket path. */
  socketPath?: string;
  /** For tcp: host and port; for ssh: host, port and user. */
  host?: string;
  port?: number;
  user?: string;
  /** TLS material for tcp (file contents, not paths, once resolved). */
  tls?: { ca?: string; cert?: string; key?: string; verify: boolean };
  /** What the user would recognise: `unix:///var/run/docker.sock`, `ssh://me@box`. */
  display: string;
  /** Which rule chose it: `setting`, `DOCKER_HOST`, `DOCKER_CONTEXT`, `context`, `default`, `rootless`, `podman`. */
  source: string;
  /** The docker context name, when one was used. */
  context?: string;
}

export interface EngineVersion {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** `Docker Engine - Community`, `Podman Engine`, … */
  platform?: string;
}

/** What `/info` says that Berth acts on. */
export interface EngineInfo {
  /** `name=seccomp,profile=default`, `name=rootless`, … as the engine lists them. */
  securityOptions: string[];
  /** The engine runs without root on its host (rootless Docker, rootless Podman): `name=rootless` among the options. */
  rootless: boolean;
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface PortBinding {
  privatePort: number;
  publicPort?: number;
  hostIp?: string;
  type: 'tcp' | 'udp' | 'sctp';
}

export interface MountSummary {
  type: string;
  source: string;
  destination: string;
  /** Volume name for volume mounts. */
  name?: string;
  readOnly: boolean;
}

export interface ContainerSummary {
  id: string;
  /** Primary name without the leading `/`. */
  name: string;
  image: string;
  imageId: string;
  command: string;
  /** Seconds since the epoch. */
  created: number;
  state: ContainerState;
  /** The engine's status text, e.g. `Up 3 minutes (healthy)`. */
  status: string;
  health?: 'healthy' | 'unhealthy' | 'starting';
  ports: PortBinding[];
  labels: Record<string, string>;
  mounts: MountSummary[];
  networks: string[];
  composeProject?: string;
  composeService?: string;
}

export interface ImageSummary {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  /** Seconds since the epoch. */
  created: number;
  size: number;
  dangling: boolean;
  labels: Record<string, string>;
}

export interface ImageLayer {
  id: string;
  created: number;
  createdBy: string;
  size: number;
  tags: string[];
  comment: string;
}

export interface VolumeSummary {
  name: string;
  driver: string;
  mountpoint: string;
  createdAt?: string;
  scope: string;
  labels: Record<string, string>;
}

export interface NetworkSummary {
  id: string;
  name: string;
  driver: string;
  scope: string;
  subnets: string[];
  internal: boolean;
  /** bridge, host and none: made by the engine, cannot be removed. */
  builtIn: boolean;
  labels: Record<string, string>;
}

/** One message of the engine's event stream. */
export interface EngineEvent {
  type: string; // container, image, volume, network, daemon, …
  action: string; // start, die, destroy, pull, tag, create, connect, …
  id: string;
  attributes: Record<string, string>;
  /** Nanoseconds since the epoch, as the engine sends it. */
  timeNano: number;
}

/** Progress of a pull or push, one layer at a time. */
export interface ProgressEvent {
  id?: string;
  status: string;
  current?: number;
  total?: number;
  error?: string;
}

export interface ExecOptions {
  cmd: string[];
  user?: string;
  workdir?: string;
  env?: string[];
  tty: boolean;
}

/** An interactive process in a container: bytes both ways, resizable, with an exit code. */
export interface ExecSession {
  stream: Duplex;
  resize(columns: number, rows: number): Promise<void>;
  /** Resolves with the exit code once the process has ended. */
  exitCode(): Promise<number | undefined>;
}

export interface ContainerDirEntry {
  name: string;
  directory: boolean;
}

export interface PruneResult {
  deleted: string[];
  spaceReclaimed: number;
}

/** One reading of a container's resource use, as `docker stats` shows it (./stats computes it). */
export interface ContainerStats {
  /** When the engine read it, in ms since the epoch. */
  time: number;
  /** Of one CPU: a busy loop on one core reads about 100. Undefined until there is an earlier reading to compare with. */
  cpuPercent: number | undefined;
  /** In use, without the page cache the kernel can drop. */
  memoryBytes: number;
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
}

/** What the archive API says about a path in a container (`X-Docker-Container-Path-Stat`). */
export interface ContainerPathStat {
  name: string;
  size: number;
  /** Go's os.FileMode bits: the permission bits, plus 1<<31 for a directory and 1<<27 for a symlink. */
  mode: number;
  directory: boolean;
  symlink: boolean;
  /** Where a symlink points, resolved by the engine inside the container; empty otherwise. */
  linkTarget: string;
}

/** One answer of the engine's image search (Docker Hub's, as `docker search` shows it). */
export interface ImageSearchResult {
  name: string;
  description: string;
  stars: number;
  official: boolean;
  automated: boolean;
}

/** A new image from a container's changes (`docker commit`). */
export interface ContainerCommit {
  /** `repository[:tag]`; untagged when omitted. */
  reference?: string;
  message?: string;
  author?: string;
  /** Dockerfile instructions applied to the new image's config: `CMD ["node","index.js"]`, `ENV A=b`. */
  changes?: string[];
  /** Pause the container while it is committed (the default, as docker commit does). */
  pause?: boolean;
}

/** What the engine holds and what it takes on disk (`docker system df`), as far as a prune asks. */
export interface DiskUsage {
  containers: { id: string; name: string; state: ContainerState; image: string; sizeRw: number }[];
  images: { id: string; repoTags: string[]; size: number; sharedSize: number; containers: number }[];
  volumes: { name: string; size: number; refCount: number; labels: Record<string, string> }[];
}

/** The Engine API's list filters: `{ label: ['berth.managed=true'], status: ['exited'] }`. */
export type ContainerFilters = Record<string, string[]>;

/** Credentials for a registry, as in ~/.docker/config.json. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

export interface Engine {
  readonly endpoint: Endpoint;
  ping(signal?: AbortSignal): Promise<void>;
  version(): Promise<EngineVersion>;
  /** The engine's `/info`, as far as Berth uses it. */
  info(): Promise<EngineInfo>;

  /** All containers, running or not (only those matching `filters` when given); never asks for sizes. */
  listContainers(options?: { filters?: ContainerFilters }): Promise<ContainerSummary[]>;
  listImages(options?: { all?: boolean }): Promise<ImageSummary[]>;
  listVolumes(): Promise<VolumeSummary[]>;
  listNetworks(): Promise<NetworkSummary[]>;

  inspectContainer(id: string): Promise<unknown>;
  inspectImage(id: string): Promise<unknown>;
  inspectVolume(name: string): Promise<unknown>;
  inspectNetwork(id: string): Promise<unknown>;
  imageHistory(id: string): Promise<ImageLayer[]>;
  /** Ids and names of the containers attached to a network. */
  networkContainers(id: string): Promise<{ id: string; name: string; ipv4?: string }[]>;

  /** Creates a container under `name`; resolves with its id. */
  createContainer(name: string, create: ContainerCreate): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds?: number): Promise<void>;
  restartContainer(id: string): Promise<void>;
  pauseContainer(id: string): Promise<void>;
  unpauseContainer(id: string): Promise<void>;
  killContainer(id: string, signal?: string): Promise<void>;
  removeContainer(id: string, options?: { force?: boolean; volumes?: boolean }): Promise<void>;
  /** Resizes the TTY of a container created with one. */
  resizeContainer(id: string, columns: number, rows: number): Promise<void>;
  /**
   * The container's stdin, stdout and stderr, both ways (output merged when it has no TTY);
   * attach before start so no output is lost.
   */
  attachContainer(id: string, options: { tty: boolean; detachKeys?: string }): Promise<Duplex>;
  /**
   * Resolves with the exit code once the container exits (`next-exit`: not at once for one that
   * has not started yet). Rejects with an EngineError when the engine goes away meanwhile.
   */
  waitContainer(id: string, condition?: 'next-exit' | 'not-running' | 'removed'): Promise<number>;
  /** Log lines (stdout and stderr demultiplexed) until the signal aborts or, unfollowed, the end. */
  containerLogs(id: string, options: { follow: boolean; tail?: number; timestamps?: boolean }, signal?: AbortSignal): Promise<Readable>;
  exec(id: string, options: ExecOptions): Promise<ExecSession>;
  /** The entries of a directory in a running container, by running `ls` there. */
  listContainerDirectory(id: string, path: string): Promise<ContainerDirEntry[]>;
  /**
   * A file's bytes from a container, running or not, through the archive API (no process is
   * started, so it works on images without a shell too); symlinks are followed.
   */
  readContainerFile(id: string, path: string, maxBytes: number): Promise<Uint8Array>;

  /**
   * The container's resource use, one reading a second (the Engine API's stats stream), until the
   * container stops running or the signal aborts (which closes the stream).
   */
  containerStats(id: string, signal: AbortSignal): AsyncIterable<ContainerStats>;
  /** One reading with a CPU figure (the engine takes two, a second apart). */
  containerStatsOnce(id: string, signal?: AbortSignal): Promise<ContainerStats>;
  /** A new image from the container's file system and config; resolves with its id. */
  commitContainer(id: string, commit: ContainerCommit): Promise<string>;
  renameContainer(id: string, name: string): Promise<void>;
  /** The container's whole file system as a tar stream (`docker export`). */
  exportContainer(id: string, signal?: AbortSignal): Promise<Readable>;
  /** What a path in a container is, or undefined when there is nothing there. */
  statContainerPath(id: string, path: string): Promise<ContainerPathStat | undefined>;
  /** A path in a container as a tar stream (its top entry named after the path's last component). */
  getContainerArchive(id: string, path: string, signal?: AbortSignal): Promise<{ stat: ContainerPathStat; archive: Readable }>;
  /**
   * Extracts a tar stream into a directory of the container. Files belong to the container's root
   * unless `copyUIDGID` keeps the archive's owners; `noOverwriteDirNonDir` refuses to replace a
   * directory with a file or the other way round.
   */
  putContainerArchive(
    id: string,
    directory: string,
    archive: Readable,
    options?: { copyUIDGID?: boolean; noOverwriteDirNonDir?: boolean },
    signal?: AbortSignal,
  ): Promise<void>;
  /** Removes every stopped container (`docker container prune`). */
  pruneContainers(): Promise<PruneResult>;

  pullImage(reference: string, onProgress: (event: ProgressEvent) => void, signal?: AbortSignal, auth?: RegistryAuth): Promise<void>;
  pushImage(
    reference: string,
    auth: RegistryAuth | undefined,
    onProgress: (event: ProgressEvent) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /**
   * Builds `build.context` (minus its .dockerignore) and tags the result: with BuildKit when the
   * engine has it (or `options.builder` says so), else with the classic builder. Rejects with a
   * BuildError naming the failed step, its output and the builder's own message.
   */
  buildImage(build: ImageBuild, options?: BuildOptions): Promise<BuildResult>;
  tagImage(id: string, repository: string, tag: string): Promise<void>;
  removeImage(id: string, options?: { force?: boolean }): Promise<void>;
  pruneImages(options?: { danglingOnly?: boolean }): Promise<PruneResult>;
  /** Images (by reference or id) as one tar stream (`docker save`). */
  saveImages(references: string[], signal?: AbortSignal): Promise<Readable>;
  /**
   * Loads images from a tar stream (`docker load`); resolves with what was loaded: references,
   * or `sha256:` ids for images the archive names no tag for.
   */
  loadImages(archive: Readable, onProgress?: (event: ProgressEvent) => void, signal?: AbortSignal): Promise<string[]>;
  /** Docker Hub's answers for `term`, as the engine asks Hub for them (`docker search`). */
  searchImages(term: string, limit?: number, signal?: AbortSignal): Promise<ImageSearchResult[]>;
  /** Everything the engine holds with its size on disk; slow, as it measures the containers' layers. */
  diskUsage(): Promise<DiskUsage>;

  createVolume(name: string, options?: { driver?: string; labels?: Record<string, string> }): Promise<VolumeSummary>;
  removeVolume(name: string, options?: { force?: boolean }): Promise<void>;
  pruneVolumes(): Promise<PruneResult>;

  createNetwork(name: string, options?: { driver?: string; labels?: Record<string, string> }): Promise<NetworkSummary>;
  connectNetwork(network: string, container: string): Promise<void>;
  disconnectNetwork(network: string, container: string, force?: boolean): Promise<void>;
  removeNetwork(id: string): Promise<void>;
  pruneNetworks(): Promise<PruneResult>;

  /** The engine's event stream; ends (or throws) when the connection drops. */
  events(signal: AbortSignal): AsyncIterable<EngineEvent>;

  /** Closes sockets and child processes (ssh) this engine holds. */
  dispose(): void;
}

/** The Engine API's container create body, as far as Berth fills it in. */
export interface ContainerCreate {
  Image: string;
  /** Omitted: the image's own command. */
  Cmd?: string[];
  WorkingDir: string;
  User?: string;
  Env: string[];
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts: Record<string, object>;
  Labels: Record<string, string>;
  HostConfig: {
    Mounts: { Type: 'bind' | 'volume'; Source: string; Target: string; ReadOnly?: boolean }[];
    PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
    Init: boolean;
    NetworkMode: string;
    /** `keep-id` on rootless Podman: the host user is the same uid inside. */
    UsernsMode?: string;
    Memory?: number;
    NanoCpus?: number;
  };
}

/** An image build from a folder on this machine. */
export interface ImageBuild {
  context: string;
  /** Path of the Dockerfile inside the context, POSIX separators. */
  dockerfile: string;
  tag: string;
  /** More names for the same image. */
  extraTags?: string[];
  target?: string;
  args: Record<string, string>;
  labels: Record<string, string>;
  /** Build every step anew (`--no-cache`). */
  noCache?: boolean;
  /** Pull base images even when the engine has them (`--pull`). */
  pull?: boolean;
  /** `linux/arm64`: the platform to build for, where the engine can. */
  platform?: string;
  /** Images whose layers may serve as cache (`--cache-from`). */
  cacheFrom?: string[];
  /** Named build contexts (`--build-context name=value`). */
  contexts?: Record<string, string>;
  /** What `RUN --mount=type=secret,id=…` reads. */
  secrets?: BuildSecret[];
  /** What `RUN --mount=type=ssh` forwards. */
  ssh?: BuildSsh[];
}

/** A build secret: the bytes of a file or of an environment variable, never stored in the image. */
export interface BuildSecret {
  id: string;
  file?: string;
  env?: string;
}

/** An ssh agent the build may use: `default` is the user's SSH_AUTH_SOCK. */
export interface BuildSsh {
  id: string;
  /** Agent sockets; the user's SSH_AUTH_SOCK when empty. */
  sockets: string[];
}

/** Which builder: BuildKit when the engine has it (`auto`), or one of them always. */
export type BuilderChoice = 'auto' | 'buildkit' | 'classic';

/** The builder that ran a build. */
export type Builder = 'buildkit' | 'classic';

export type BuildStepState = 'waiting' | 'running' | 'done' | 'cached' | 'error';

/** One step of a BuildKit build, numbered in the order the builder first names it. */
export interface BuildStep {
  number: number;
  /** `[stage-0 2/3] RUN make`, `[internal] load metadata for …`. */
  name: string;
  state: BuildStepState;
  /** Milliseconds since the epoch. */
  started?: number;
  completed?: number;
  error?: string;
  /** The step's last output lines, oldest first. */
  output: string[];
}

export interface BuildOptions {
  builder?: BuilderChoice;
  /**
   * Output lines as they come: for BuildKit as `docker build --progress=plain` prints them
   * (`#5 [stage-0 2/3] RUN make`, `#5 0.412 …`, `#5 DONE 1.2s`), for the classic builder its own.
   */
  onOutput?: (line: string) => void;
  /** BuildKit's steps, after each change. */
  onSteps?: (steps: BuildStep[]) => void;
  signal?: AbortSignal;
  /**
   * Credentials for base image pulls, by server address: sent as X-Registry-Config to the
   * classic builder, handed out per registry host over the build's session to BuildKit.
   */
  registries?: Record<string, RegistryAuth>;
}

export interface BuildResult {
  builder: Builder;
  imageId?: string;
  /** BuildKit's steps; empty for the classic builder. */
  steps: BuildStep[];
  /** Why the classic builder built it when `auto` would have liked BuildKit. */
  fallback?: string;
}

/** A build that failed: the builder's message, and for BuildKit the step that failed. */
export class BuildError extends EngineError {
  constructor(
    message: string,
    readonly builder: Builder,
    readonly step?: BuildStep,
    /** The classic builder's last output lines. */
    readonly output: string[] = [],
    hint?: string,
  ) {
    super('api', message, hint);
    this.name = 'BuildError';
  }
}
