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
  attachContainer(id: string, options: { tty: boolean }): Promise<Duplex>;
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

  pullImage(reference: string, onProgress: (event: ProgressEvent) => void, signal?: AbortSignal, auth?: RegistryAuth): Promise<void>;
  pushImage(
    reference: string,
    auth: RegistryAuth | undefined,
    onProgress: (event: ProgressEvent) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /**
   * Builds `build.context` (minus its .dockerignore) and tags the result; `onOutput` gets the
   * builder's lines as they come, `registries` the credentials FROM images are pulled with, by
   * server address. Rejects with the builder's own message when a step fails.
   */
  buildImage(
    build: ImageBuild,
    onOutput: (line: string) => void,
    signal?: AbortSignal,
    registries?: Record<string, RegistryAuth>,
  ): Promise<void>;
  tagImage(id: string, repository: string, tag: string): Promise<void>;
  removeImage(id: string, options?: { force?: boolean }): Promise<void>;
  pruneImages(options?: { danglingOnly?: boolean }): Promise<PruneResult>;

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
  target?: string;
  args: Record<string, string>;
  labels: Record<string, string>;
}
