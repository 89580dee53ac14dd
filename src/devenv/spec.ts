/**
 * Run specs as data: `(workspace, config) → create options` for the Engine API. A separate
 * runner executes them, so every choice here is unit-tested without an engine.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { ContainerCreate, ImageBuild } from '../engine/types';
import { isImageReference } from '../shared/imageRef';
import { mountTargetProblem, type RunConfig } from './config';
import { hostUserChoice, type EngineFlavour } from './hostUser';
import { PRESETS } from './presets';

export interface Workspace {
  /** Absolute host path of the folder. */
  folder: string;
  name: string;
  /** The host user's ids (POSIX hosts); undefined where the engine maps ownership itself. */
  uid?: number;
  gid?: number;
  /** How `user: host` maps to the engine (rootless engines differ); rootful when not known. */
  flavour?: EngineFlavour;
}

export const LABELS = {
  managed: 'berth.managed',
  workspace: 'berth.workspace',
  toolchain: 'berth.toolchain',
  /** Removed when its terminal closes: one found exited was left behind (its process or engine died). */
  transient: 'berth.transient',
} as const;

/** An image build the runner does first: the context folder sent as a tar, the result tagged. */
export type BuildSpec = ImageBuild;

/** What the runner passes to the Engine API's container create, plus what it must do first. */
export interface RunSpec {
  name: string;
  build?: BuildSpec;
  create: ContainerCreate;
  /** Cache volumes to make writable for the user before the first run (a new volume is root's). */
  caches: { volume: string; target: string }[];
  /** Ports published on the host, to watch for an answer. */
  published: { host: number; container: number; protocol: 'tcp' | 'udp'; address: string }[];
  /**
   * After a build: also publish, on this address and the same port number, what the built image
   * EXPOSEs beyond `published`; a base image's EXPOSE (nginx's 80) is not in the Dockerfile.
   */
  publishExposed?: { address: string };
  /** Networks to join besides `NetworkMode` before the start (a workspace's services' other networks). */
  networks?: string[];
}

const UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export function memoryBytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?)([bkmg]?)$/i.exec(value.trim());
  if (!m) throw new Error(`memory '${value}' must look like 512m or 2g`);
  return Math.round(Number(m[1]) * UNITS[(m[2] || 'b').toLowerCase()]);
}

/** A container name Docker accepts, unique per folder: the folder name may hold anything. */
export function containerName(workspace: Workspace): string {
  // NFKD splits `ü` into `u` and a combining mark, which goes: `Über` → `Uber`.
  const slug =
    workspace.name
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'workspace';
  const hash = createHash('sha256').update(workspace.folder).digest('hex').slice(0, 8);
  return `berth-${slug}-${hash}`;
}

/** The tag a workspace's own image is built under: image names must be lower case. */
export function workspaceImageTag(workspace: Workspace): string {
  return `${containerName(workspace).toLowerCase()}:latest`;
}

/** Problems that stop a run before anything is created. */
export function validate(config: RunConfig): string[] {
  const problems: string[] = [];
  // A Compose devcontainer's image and command are its service's, in its Compose files.
  if (config.compose) return problems;
  // A build names its own image, and its image brings its own command.
  if (!config.build && !config.image.trim()) problems.push('No image is set: choose a toolchain or set image.');
  else if (config.image.trim() && !isImageReference(config.image.trim()))
    problems.push(
      `image '${config.image}' is not an image reference: lower-case names, an optional registry, :tag or @digest, no spaces (e.g. golang:1.23-bookworm).`,
    );
  if (!config.build && config.command.length === 0) problems.push('No command is set.');
  const target = config.mount ? mountTargetProblem(config.mountTarget) : undefined;
  if (target) problems.push(target);
  if (config.memory !== undefined) {
    try {
      memoryBytes(config.memory);
    } catch (error) {
      problems.push(`${(error as Error).message}.`);
    }
  }
  if (config.cpus !== undefined && !(config.cpus > 0 && Number.isFinite(config.cpus))) problems.push(`cpus must be a positive number.`);
  if (config.build) {
    const { context, dockerfile } = config.build;
    const inside = path.posix.relative(path.posix.normalize(context), path.posix.normalize(dockerfile));
    if (inside.startsWith('..') || path.posix.isAbsolute(inside))
      problems.push(`The Dockerfile ${dockerfile} must be inside the build context ${context}.`);
  }
  const seen = new Set<string>();
  for (const p of config.ports) {
    const key = `${p.host ?? p.container}/${p.protocol}`;
    if (seen.has(key)) problems.push(`Host port ${p.host ?? p.container}/${p.protocol} is published twice.`);
    seen.add(key);
  }
  return problems;
}

export function buildRunSpec(workspace: Workspace, config: RunConfig): RunSpec {
  const problems = validate(config);
  if (problems.length) throw new Error(problems.join(' '));
  const preset = config.toolchain ? PRESETS[config.toolchain] : undefined;
  const hostUser = config.user === 'host' ? hostUserChoice(workspace.flavour ?? 'rootful', workspace.uid, workspace.gid) : undefined;
  const user = hostUser ? hostUser.user : config.user || undefined;
  // A cache is made writable for one user when created, so each user gets their own.
  const suffix = user ? `-${user.split(':')[0].replace(/[^A-Za-z0-9_.-]/g, '_')}` : '';
  const caches = config.caches && preset ? preset.caches.map((c) => ({ volume: c.volume + suffix, target: c.target })) : [];
  // A port published on a host or no network means nothing: the container shares or lacks one.
  const publishes = config.network !== 'host' && config.network !== 'none';
  const env: Record<string, string> = {
    // The host user has no home in the image; /tmp is writable by anyone.
    ...(config.user === 'host' ? { HOME: '/tmp' } : {}),
    ...(config.caches && preset ? preset.env : {}),
    ...config.env,
  };
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  const published: RunSpec['published'] = [];
  for (const p of config.ports) {
    const key = `${p.container}/${p.protocol}`;
    exposed[key] = {};
    if (!publishes) continue;
    const host = p.host ?? p.container;
    (bindings[key] ??= []).push({ HostIp: config.bindAddress, HostPort: String(host) });
    published.push({ host, container: p.container, protocol: p.protocol, address: config.bindAddress });
  }
  const image = config.build ? config.image.trim() || workspaceImageTag(workspace) : config.image;
  return {
    name: containerName(workspace),
    ...(config.build ? { build: buildSpec(workspace, config.build, image) } : {}),
    create: {
      Image: image,
      // Empty: the image's own CMD, and its own WORKDIR when nothing is mounted.
      ...(config.command.length ? { Cmd: config.command } : {}),
      WorkingDir: config.mount ? config.mountTarget : '',
      ...(user ? { User: user } : {}),
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      Tty: true,
      OpenStdin: true,
      StdinOnce: false,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      ExposedPorts: exposed,
      Labels: {
        [LABELS.managed]: 'true',
        [LABELS.workspace]: workspace.folder,
        ...(config.toolchain ? { [LABELS.toolchain]: config.toolchain } : {}),
        ...(config.detach ? {} : { [LABELS.transient]: 'true' }),
      },
      HostConfig: {
        // Mounts, not Binds: a `src:dst` string breaks on paths with colons; these take any path.
        Mounts: [
          ...(config.mount ? [{ Type: 'bind' as const, Source: workspace.folder, Target: config.mountTarget }] : []),
          ...caches.map((c) => ({ Type: 'volume' as const, Source: c.volume, Target: c.target })),
        ],
        PortBindings: bindings,
        Init: true,
        NetworkMode: config.network || 'bridge',
        ...(hostUser?.usernsMode ? { UsernsMode: hostUser.usernsMode } : {}),
        ...(config.memory ? { Memory: memoryBytes(config.memory) } : {}),
        ...(config.cpus ? { NanoCpus: Math.round(config.cpus * 1e9) } : {}),
      },
    },
    caches,
    published,
    ...(config.build && publishes ? { publishExposed: { address: config.bindAddress } } : {}),
  };
}

function buildSpec(workspace: Workspace, build: NonNullable<RunConfig['build']>, tag: string): BuildSpec {
  const context = path.resolve(workspace.folder, build.context);
  const dockerfile = path.relative(context, path.resolve(workspace.folder, build.dockerfile)).split(path.sep).join('/');
  return {
    context,
    dockerfile,
    tag,
    ...(build.target ? { target: build.target } : {}),
    args: build.args,
    labels: { [LABELS.managed]: 'true', [LABELS.workspace]: workspace.folder },
    ...(build.platform ? { platform: build.platform } : {}),
    ...(build.pull ? { pull: true } : {}),
    ...(build.secrets
      ? {
          secrets: Object.entries(build.secrets).map(([id, source]) =>
            typeof source === 'string' ? { id, file: path.resolve(workspace.folder, source) } : { id, env: source.env },
          ),
        }
      : {}),
    ...(build.ssh?.length ? { ssh: build.ssh.map((id) => ({ id, sockets: [] })) } : {}),
  };
}

/**
 * An image run from the Images view: the image's own command, in a terminal (interactive,
 * removed when the terminal closes) or in the background. Each of the image's EXPOSEd ports
 * (`8080/tcp`) is published on a free port of 127.0.0.1, not on every interface as `-P` does.
 */
export function buildImageRunSpec(image: string, interactive: boolean, suffix: string, exposed: string[] = []): RunSpec {
  const base =
    image
      .replace(/@.*$/, '')
      .split('/')
      .pop()!
      .replace(/:.*$/, '')
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '') || 'image';
  return {
    name: `${base}-${suffix}`,
    create: {
      Image: image,
      WorkingDir: '',
      Env: [],
      Tty: interactive,
      OpenStdin: interactive,
      StdinOnce: false,
      AttachStdin: interactive,
      AttachStdout: true,
      AttachStderr: true,
      ExposedPorts: Object.fromEntries(exposed.map((p) => [p, {}])),
      Labels: { 'berth.started': 'true', ...(interactive ? { [LABELS.transient]: 'true' } : {}) },
      HostConfig: {
        Mounts: [],
        PortBindings: Object.fromEntries(exposed.map((p) => [p, [{ HostIp: '127.0.0.1', HostPort: '' }]])),
        Init: false,
        NetworkMode: 'bridge',
      },
    },
    caches: [],
    published: [],
  };
}
