/**
 * The run configuration: what `.berth.yaml` holds, what the command's arguments and the
 * `berth` task carry, and what a Dev Containers file maps onto. Pure: no vscode, no engine.
 */
import { isIP } from 'node:net';
import { posix } from 'node:path';
import { isMap, isNode, isScalar, parseDocument } from 'yaml';
import { exposedPorts, findDockerfile, type BuildConfig } from './dockerfileRun';
import { defaultCommand, PRESETS, type ToolchainId } from './presets';
import type { DevcontainerCompose } from './devcontainerCompose';
import { readServices, SERVICES_ON_EXIT, type ServicesConfig, type ServicesOnExit } from './services';
import { didYouMean } from '../shared/didYouMean';

export interface PortSpec {
  container: number;
  /** Host port; the container port when omitted. */
  host?: number;
  protocol: 'tcp' | 'udp';
}

export interface RunConfig {
  toolchain?: ToolchainId;
  image: string;
  /** argv; a string in the YAML runs through `sh -c`, as the user wrote it. Empty: the image's own. */
  command: string[];
  ports: PortSpec[];
  /** Whether the workspace is bind-mounted (and the working directory set there). */
  mount: boolean;
  /** Where the workspace appears in the container. */
  mountTarget: string;
  /** `host` runs as the host user's uid:gid so files created inside belong to them; empty: the image's USER. */
  user: string;
  env: Record<string, string>;
  /** bridge (default), host, none, or a named network. */
  network: string;
  /** Address published ports listen on: loopback unless asked otherwise. */
  bindAddress: string;
  memory?: string;
  cpus?: number;
  /** Named volumes for the toolchain's caches. */
  caches: boolean;
  detach: boolean;
  /** Build this image from the workspace first (the `dockerfile` toolchain); `image` is then its tag. */
  build?: BuildConfig;
  /** Services started first, whose network the workspace joins (services.ts). */
  services?: ServicesConfig;
  /** What happens to them when the run ends; `stop` when unset. */
  servicesOnExit?: ServicesOnExit;
  /** A Compose-based devcontainer.json: a service of its project is the workspace container. */
  compose?: DevcontainerCompose;
}

/** What a file, a task or the command's arguments set: any field, and part of a build. */
export type RunConfigInput = Partial<Omit<RunConfig, 'build'>> & { build?: Partial<BuildConfig> };

export { CONFIG_FILES } from './configFiles';

/** A complete configuration for a toolchain, from its preset and the workspace's files. */
export function presetConfig(id: ToolchainId, read: (name: string) => string | undefined): RunConfig {
  const preset = PRESETS[id];
  if (id === 'dockerfile') return dockerfileConfig(read);
  return {
    toolchain: id,
    image: preset.image,
    command: defaultCommand(id, read),
    ports: preset.ports.map((p) => ({ container: p, protocol: 'tcp' })),
    mount: true,
    mountTarget: '/workspace',
    user: 'host',
    env: {},
    network: 'bridge',
    bindAddress: '127.0.0.1',
    caches: true,
    detach: false,
  };
}

/**
 * The workspace's Dockerfile built and run as it was written: its own command, user and
 * working directory, nothing mounted, the ports it EXPOSEs published.
 */
export function dockerfileConfig(read: (name: string) => string | undefined, build?: Partial<BuildConfig>): RunConfig {
  const dockerfile = build?.dockerfile ?? findDockerfile(read) ?? 'Dockerfile';
  const text = read(dockerfile);
  const args = build?.args ?? {};
  return {
    toolchain: 'dockerfile',
    image: '',
    command: [],
    ports: text === undefined ? [] : exposedPorts(text, build?.target, args),
    mount: false,
    mountTarget: '/workspace',
    user: '',
    env: {},
    network: 'bridge',
    bindAddress: '127.0.0.1',
    caches: false,
    detach: false,
    build: {
      dockerfile,
      context: build?.context ?? '.',
      ...(build?.target ? { target: build.target } : {}),
      args,
      ...(build?.platform ? { platform: build.platform } : {}),
      ...(build?.pull ? { pull: true } : {}),
      ...(build?.secrets ? { secrets: build.secrets } : {}),
      ...(build?.ssh?.length ? { ssh: build.ssh } : {}),
    },
  };
}

/** `1313`, `"8080:80"`, `"5353/udp"`, `{ container, host, protocol }`. */
export function parsePort(value: unknown): PortSpec | string {
  if (typeof value === 'number')
    return validPort(value) ? { container: value, protocol: 'tcp' } : `port ${value} is not between 1 and 65535`;
  if (value && typeof value === 'object') {
    const v = value as { container?: unknown; host?: unknown; protocol?: unknown };
    const container = Number(v.container);
    const host = v.host === undefined ? undefined : Number(v.host);
    const protocol = v.protocol === 'udp' ? 'udp' : 'tcp';
    if (!validPort(container) || (host !== undefined && !validPort(host)))
      return `port ${JSON.stringify(value)} needs container (and host) between 1 and 65535`;
    return host === undefined ? { container, protocol } : { container, host, protocol };
  }
  if (typeof value !== 'string') return `port ${JSON.stringify(value)} is not a number or "host:container"`;
  const m = /^(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/.exec(value.trim());
  if (!m) return `port '${value}' is not "container", "host:container" or "…/udp"`;
  const container = Number(m[2]);
  const host = m[1] === undefined ? undefined : Number(m[1]);
  if (!validPort(container) || (host !== undefined && !validPort(host))) return `port '${value}' is not between 1 and 65535`;
  const protocol = (m[3] as 'tcp' | 'udp' | undefined) ?? 'tcp';
  return host === undefined ? { container, protocol } : { container, host, protocol };
}

/** Folders the container runtime fills in itself: a mount over them breaks the container's start. */
const RUNTIME_FOLDERS = ['/dev', '/proc', '/sys'];

/** Why the workspace cannot be mounted at `target` in the container, or undefined when it can. */
export function mountTargetProblem(target: string): string | undefined {
  if (!target.startsWith('/')) return `mountTarget '${target}' must be an absolute path in the container`;
  const normal = posix.normalize(target).replace(/\/+$/, '') || '/';
  if (normal === '/') return `mountTarget '${target}' would hide the image's whole file system: choose a folder such as /workspace`;
  const runtime = RUNTIME_FOLDERS.find((folder) => normal === folder || normal.startsWith(`${folder}/`));
  if (runtime)
    return `mountTarget '${target}' is inside ${runtime}, which the container runtime provides itself (a mount there hides what the container needs to start): choose a folder such as /workspace`;
  return undefined;
}

function validPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** A command as argv: a list stays as written, a string runs through `sh -c`. */
export function parseCommand(value: unknown): string[] | string {
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    return value.map(String);
  if (typeof value === 'string' && value.trim()) return ['sh', '-c', value];
  return `command must be a list of words or a string, got ${JSON.stringify(value)}`;
}

/** A problem in the file's text: `start`/`end` are offsets of the key or value it is about. */
export interface LocatedProblem {
  message: string;
  start: number;
  end: number;
}

export interface ConfigRead {
  config: RunConfigInput;
  /** What was wrong, with line numbers: shown once, and the rest of the file still applies. */
  problems: string[];
  /** The same problems with their place in the text, for an editor to underline. */
  located: LocatedProblem[];
  /**
   * Set when the file as a whole cannot be read (not YAML, not a mapping, not text): nothing of it
   * applies, and a run must not fall back to defaults as if it were not there.
   */
  unreadable?: string;
}

/** The settings a run section takes; anything else is a typo worth saying so. */
export const RUN_KEYS = [
  'toolchain',
  'image',
  'command',
  'ports',
  'build',
  'mount',
  'mountTarget',
  'user',
  'env',
  'network',
  'bind',
  'bindAddress',
  'memory',
  'cpus',
  'caches',
  'detach',
  'services',
  'servicesOnExit',
];

/** Reads `.berth.yaml`'s `run:` section (or a top level holding the same keys). Never throws. */
export function parseRunConfig(text: string): ConfigRead {
  const located: LocatedProblem[] = [];
  const add = (message: string, range: readonly number[] | undefined) =>
    located.push({ message, start: range?.[0] ?? 0, end: range?.[1] ?? range?.[0] ?? 0 });
  // NUL bytes, or bytes that were not UTF-8 (read as U+FFFD): a binary file, not a config.
  const binary = /[\u0000\uFFFD]/.exec(text);
  if (binary) {
    add('it is not a text file: it holds bytes that are not UTF-8 text', [binary.index, binary.index + 1]);
    const problem = `line ${text.slice(0, binary.index).split('\n').length}: ${located[0].message}`;
    return { config: {}, located, problems: [problem], unreadable: problem };
  }
  // 'error': yaml would otherwise print a process warning for odd keys; the checks below report them.
  const doc = parseDocument(text, { prettyErrors: false, logLevel: 'error' });
  for (const error of doc.errors) add(error.message.split('\n')[0], error.pos);
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const done = (config: RunConfigInput): ConfigRead => ({
    config,
    located,
    problems: located.map((p) => `line ${lineOf(p.start)}: ${p.message}`),
  });
  /** The file as a whole cannot be used: its first problem says why. */
  const unreadable = (): ConfigRead => ({ ...done({}), unreadable: `line ${lineOf(located[0].start)}: ${located[0].message}` });
  if (doc.errors.length) return unreadable();
  let root: unknown;
  try {
    root = doc.toJS();
  } catch (error) {
    add(String(error instanceof Error ? error.message : error), [0, 0]);
    return unreadable();
  }
  if (root === null || root === undefined) return done({});
  if (typeof root !== 'object' || Array.isArray(root) || !isMap(doc.contents)) {
    add('the file must be a mapping with a `run:` section', doc.contents?.range ?? undefined);
    return unreadable();
  }
  const runPair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'run');
  const section = runPair ? runPair.value : doc.contents;
  if (!isMap(section)) {
    add(
      'run: must be a mapping of settings (image, command, ports, …)',
      (isNode(section) ? section.range : undefined) ?? (isNode(runPair?.key) ? runPair.key.range : undefined),
    );
    return unreadable();
  }
  // Each setting is read alone, so its problems point at its own value.
  for (const pair of section.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const keyRange = isNode(pair.key) ? pair.key.range : undefined;
    if (key === undefined || !RUN_KEYS.includes(key)) {
      const guess = key === undefined ? undefined : didYouMean(key, RUN_KEYS, { ignoreCase: true });
      add(`'${key ?? String(pair.key)}' is not a run setting${guess ? ` (did you mean '${guess}'?)` : ''}`, keyRange);
      continue;
    }
    const problems: string[] = [];
    readFields({ [key]: isNode(pair.value) ? pair.value.toJS(doc) : pair.value }, problems);
    for (const message of problems) add(message, (isNode(pair.value) ? pair.value.range : undefined) ?? keyRange);
  }
  return done(readFields(section.toJS(doc) as Record<string, unknown>, []));
}

/** Validates loose input (YAML, task definitions, command arguments) into a partial config. */
export function readFields(input: Record<string, unknown>, problems: string[]): RunConfigInput {
  const out: RunConfigInput = {};
  const str = (key: string): string | undefined => {
    const v = input[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    problems.push(`${key} must be a string`);
    return undefined;
  };
  const toolchain = str('toolchain');
  if (toolchain !== undefined) {
    if (toolchain in PRESETS) out.toolchain = toolchain as ToolchainId;
    else problems.push(`toolchain '${toolchain}' is not one of ${Object.keys(PRESETS).join(', ')}`);
  }
  const image = str('image');
  if (image !== undefined) out.image = image;
  if (input.command !== undefined) {
    const command = parseCommand(input.command);
    if (typeof command === 'string') problems.push(command);
    else out.command = command;
  }
  if (input.ports !== undefined) {
    const list = Array.isArray(input.ports) ? input.ports : [input.ports];
    out.ports = [];
    for (const p of list) {
      const port = parsePort(p);
      if (typeof port === 'string') problems.push(port);
      else out.ports.push(port);
    }
  }
  const mountTarget = str('mountTarget');
  if (mountTarget !== undefined) {
    const problem = mountTargetProblem(mountTarget);
    if (problem) problems.push(problem);
    else out.mountTarget = mountTarget;
  }
  const user = str('user');
  if (user !== undefined) out.user = user;
  if (input.env !== undefined) {
    if (input.env && typeof input.env === 'object' && !Array.isArray(input.env)) {
      out.env = {};
      for (const [k, v] of Object.entries(input.env as Record<string, unknown>)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) problems.push(`env name '${k}' is not a valid variable name`);
        else out.env[k] = v === null || v === undefined ? '' : String(v);
      }
    } else problems.push('env must be a mapping of NAME: value');
  }
  const network = str('network');
  if (network !== undefined) out.network = network;
  const bind = str('bind') ?? str('bindAddress');
  if (bind !== undefined) {
    if (isIP(bind)) out.bindAddress = bind;
    else problems.push(`bind '${bind}' must be an IP address such as 127.0.0.1 or 0.0.0.0`);
  }
  const memory = str('memory');
  if (memory !== undefined) {
    if (/^\d+(\.\d+)?[bkmg]?$/i.test(memory)) out.memory = memory;
    else problems.push(`memory '${memory}' must look like 512m or 2g`);
  }
  if (input.cpus !== undefined) {
    const cpus = Number(input.cpus);
    if (cpus > 0 && Number.isFinite(cpus)) out.cpus = cpus;
    else problems.push(`cpus must be a positive number`);
  }
  if (input.build !== undefined) {
    const build = readBuild(input.build, problems);
    if (build) out.build = build;
  }
  if (input.services !== undefined) {
    const services = readServices(input.services, problems);
    if (services) out.services = services;
  }
  const onExit = str('servicesOnExit');
  if (onExit !== undefined) {
    if ((SERVICES_ON_EXIT as readonly string[]).includes(onExit)) out.servicesOnExit = onExit as ServicesOnExit;
    else problems.push(`servicesOnExit '${onExit}' is not one of ${SERVICES_ON_EXIT.join(', ')}`);
  }
  for (const key of ['mount', 'caches', 'detach'] as const) {
    if (input[key] === undefined) continue;
    if (typeof input[key] === 'boolean') out[key] = input[key] as boolean;
    else problems.push(`${key} must be true or false`);
  }
  return out;
}

const BUILD_KEYS = ['dockerfile', 'context', 'target', 'args', 'platform', 'pull', 'secrets', 'ssh'];

/** `{ npm: .npmrc, token: { env: TOKEN } }`, or undefined when it is not that shape. */
function readSecrets(value: unknown): Record<string, string | { env: string }> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string | { env: string }> = {};
  for (const [id, source] of Object.entries(value as Record<string, unknown>)) {
    if (typeof source === 'string' && source.trim()) out[id] = source.trim();
    else if (source && typeof source === 'object' && typeof (source as { env?: unknown }).env === 'string')
      out[id] = { env: (source as { env: string }).env };
    else return undefined;
  }
  return out;
}

/** `build: Dockerfile.dev` or `build: { dockerfile, context, target, args, platform, pull, secrets, ssh }`. */
function readBuild(value: unknown, problems: string[]): Partial<BuildConfig> | undefined {
  if (typeof value === 'string') return value.trim() ? { dockerfile: value.trim() } : undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`build must be a Dockerfile path or a mapping with ${BUILD_KEYS.join(', ')}`);
    return undefined;
  }
  const input = value as Record<string, unknown>;
  const out: Partial<BuildConfig> = {};
  for (const key of ['dockerfile', 'context', 'target', 'platform'] as const) {
    const v = input[key];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && v.trim()) out[key] = v.trim();
    else problems.push(`build.${key} must be a non-empty string`);
  }
  for (const key of Object.keys(input)) {
    if (!BUILD_KEYS.includes(key)) problems.push(`build.${key} is not a build setting (${BUILD_KEYS.join(', ')})`);
  }
  if (input.pull !== undefined) {
    if (typeof input.pull === 'boolean') out.pull = input.pull;
    else problems.push('build.pull must be true or false');
  }
  if (input.secrets !== undefined) {
    const secrets = readSecrets(input.secrets);
    if (secrets) out.secrets = secrets;
    else problems.push('build.secrets must be a mapping of id: file path, or id: { env: VARIABLE }');
  }
  if (input.ssh !== undefined) {
    const ssh = input.ssh === true ? ['default'] : input.ssh;
    if (Array.isArray(ssh) && ssh.every((id) => typeof id === 'string' && /^[A-Za-z0-9_.-]+$/.test(id))) out.ssh = ssh as string[];
    else problems.push('build.ssh must be true (the default agent) or a list of ids such as [default]');
  }
  if (input.args !== undefined) {
    if (input.args && typeof input.args === 'object' && !Array.isArray(input.args)) {
      out.args = Object.fromEntries(
        Object.entries(input.args as Record<string, unknown>).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]),
      );
    } else problems.push('build.args must be a mapping of NAME: value');
  }
  return out;
}

/** Settings from the file (or arguments) over the preset's defaults. */
export function mergeConfig(base: RunConfig, override: RunConfigInput): RunConfig {
  const merged = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  if (override.env) merged.env = { ...base.env, ...override.env };
  if (override.build) {
    const from = base.build ?? { dockerfile: 'Dockerfile', context: '.', args: {} };
    merged.build = { ...from, ...override.build, args: { ...from.args, ...override.build.args } };
  }
  return merged;
}

/** YAML people can read and edit, for remembering a choice. */
export function serializeRunConfig(config: RunConfig): string {
  const ports = config.ports.map((p) =>
    p.host && p.host !== p.container
      ? `"${p.host}:${p.container}${p.protocol === 'udp' ? '/udp' : ''}"`
      : p.protocol === 'udp'
        ? `"${p.container}/udp"`
        : String(p.container),
  );
  const lines = [
    '# Berth: how "Run Workspace in Container" runs this folder. Edit freely.',
    'run:',
    ...(config.toolchain ? [`  toolchain: ${config.toolchain}`] : []),
    ...(config.image || !config.build ? [`  image: ${JSON.stringify(config.image)}`] : []),
    ...(config.command.length ? [`  command: [${config.command.map((c) => JSON.stringify(c)).join(', ')}]`] : []),
    `  ports: [${ports.join(', ')}]`,
    ...(config.build
      ? [
          '  build:',
          `    dockerfile: ${JSON.stringify(config.build.dockerfile)}`,
          `    context: ${JSON.stringify(config.build.context)}`,
          ...(config.build.target ? [`    target: ${JSON.stringify(config.build.target)}`] : []),
          ...(Object.keys(config.build.args).length
            ? ['    args:', ...Object.entries(config.build.args).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`)]
            : []),
          ...(config.build.platform ? [`    platform: ${JSON.stringify(config.build.platform)}`] : []),
          ...(config.build.pull ? ['    pull: true'] : []),
          ...(config.build.secrets && Object.keys(config.build.secrets).length
            ? [
                '    secrets:',
                ...Object.entries(config.build.secrets).map(
                  ([k, v]) => `      ${k}: ${typeof v === 'string' ? JSON.stringify(v) : `{ env: ${JSON.stringify(v.env)} }`}`,
                ),
              ]
            : []),
          ...(config.build.ssh?.length ? [`    ssh: [${config.build.ssh.map((id) => JSON.stringify(id)).join(', ')}]`] : []),
        ]
      : []),
    `  mount: ${config.mount}`,
    `  mountTarget: ${config.mountTarget}`,
    ...(config.user ? [`  user: ${config.user}`] : []),
    `  network: ${config.network}`,
    `  bind: ${config.bindAddress}`,
    ...(Object.keys(config.env).length ? ['  env:', ...Object.entries(config.env).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)] : []),
    ...(config.memory ? [`  memory: ${config.memory}`] : []),
    ...(config.cpus ? [`  cpus: ${config.cpus}`] : []),
    `  caches: ${config.caches}`,
    `  detach: ${config.detach}`,
    ...serializeServices(config),
  ];
  return lines.join('\n') + '\n';
}

/** `services:` and `servicesOnExit:` as YAML, for remembering a run that has them. */
function serializeServices(config: RunConfig): string[] {
  const services = config.services;
  const lines: string[] = [];
  if (services?.kind === 'project') lines.push(`  services: [${services.names.join(', ')}]`);
  else if (services?.kind === 'inline') {
    lines.push('  services:');
    for (const [name, s] of Object.entries(services.services)) {
      lines.push(`    ${name}:`, `      image: ${JSON.stringify(s.image)}`);
      if (s.command) lines.push(`      command: [${s.command.map((c) => JSON.stringify(c)).join(', ')}]`);
      if (Object.keys(s.env).length)
        lines.push('      env:', ...Object.entries(s.env).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`));
      if (s.ports.length)
        lines.push(
          `      ports: [${s.ports.map((p) => JSON.stringify(`${p.host ?? p.container}:${p.container}/${p.protocol}`)).join(', ')}]`,
        );
      if (s.volumes.length) lines.push(`      volumes: [${s.volumes.map((v) => JSON.stringify(v)).join(', ')}]`);
      if (s.healthcheck) {
        const h = s.healthcheck;
        lines.push('      healthcheck:', `        test: [${h.test.map((c) => JSON.stringify(c)).join(', ')}]`);
        if (h.interval) lines.push(`        interval: ${h.interval}`);
        if (h.timeout) lines.push(`        timeout: ${h.timeout}`);
        if (h.retries) lines.push(`        retries: ${h.retries}`);
        if (h.startPeriod) lines.push(`        start_period: ${h.startPeriod}`);
      }
    }
  }
  if (services && config.servicesOnExit) lines.push(`  servicesOnExit: ${config.servicesOnExit}`);
  return lines;
}
