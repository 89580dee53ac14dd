/**
 * A workspace's services: the database and cache its app talks to, started before the workspace
 * container, which then joins their network so the app reaches them by name (`mongodb://db:27017`).
 * `run.services` names services of the folder's own Compose project (`[db, cache]`) or declares
 * them inline (`{ db: { image: mongo:7.0 } }`, written out as a Compose file of Berth's own); either
 * way Compose starts them, as the user has it. When the run ends they are stopped, taken down or
 * kept, as `run.servicesOnExit` says.
 */
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { ComposeAction, ComposeTarget } from './compose/argv';
import { composeProjectName, normalizeProjectName, targetForFile, type DeclaredProject } from './compose/project';
import { parsePort, type PortSpec } from './config';

/** A service declared in `.berth.yaml` itself. */
export interface InlineService {
  image: string;
  /** argv; the image's own when absent. */
  command?: string[];
  env: Record<string, string>;
  /** Published on the run's bind address (loopback by default); the workspace reaches every port by name anyway. */
  ports: PortSpec[];
  /** Compose volume strings: `data:/data/db` (a named volume, kept between runs) or `./seed:/seed:ro`. */
  volumes: string[];
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number; startPeriod?: string };
}

/** `run.services`: names in the folder's Compose project, or services declared inline. */
export type ServicesConfig = { kind: 'project'; names: string[] } | { kind: 'inline'; services: Record<string, InlineService> };

/** What happens to the services when the run ends. */
export type ServicesOnExit = 'stop' | 'down' | 'keep';
export const SERVICES_ON_EXIT: readonly ServicesOnExit[] = ['stop', 'down', 'keep'];

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const DURATION = /^\d+(?:\.\d+)?(?:ns|us|ms|s|m|h)(?:\d+(?:\.\d+)?(?:ns|us|ms|s|m|h))*$/;
const INLINE_KEYS = ['image', 'command', 'env', 'environment', 'ports', 'volumes', 'healthcheck'];

/** Reads `run.services` (a list of names or a mapping of inline services); problems are added to `problems`. */
export function readServices(value: unknown, problems: string[]): ServicesConfig | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const names: string[] = [];
    for (const v of value) {
      if (typeof v === 'string' && NAME.test(v)) names.push(v);
      else problems.push(`services: ${JSON.stringify(v)} is not a service name`);
    }
    return names.length ? { kind: 'project', names: [...new Set(names)] } : undefined;
  }
  if (typeof value === 'string') return readServices(value.split(/[\s,]+/).filter(Boolean), problems);
  if (typeof value !== 'object') {
    problems.push('services must be a list of service names ([db, cache]) or a mapping of services ({ db: { image: mongo:7.0 } })');
    return undefined;
  }
  const services: Record<string, InlineService> = {};
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    if (!NAME.test(name)) {
      problems.push(`services: '${name}' is not a service name (letters, digits, ., _ and -)`);
      continue;
    }
    const service = readInline(name, raw, problems);
    if (service) services[name] = service;
  }
  return Object.keys(services).length ? { kind: 'inline', services } : undefined;
}

function readInline(name: string, raw: unknown, problems: string[]): InlineService | undefined {
  const where = `services.${name}`;
  if (typeof raw === 'string') return { image: raw, env: {}, ports: [], volumes: [] };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${where} must be a mapping with an image (or just the image)`);
    return undefined;
  }
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input))
    if (!INLINE_KEYS.includes(key)) problems.push(`${where}.${key} is not a service setting (${INLINE_KEYS.join(', ')})`);
  if (typeof input.image !== 'string' || !input.image.trim()) {
    problems.push(`${where} needs an image`);
    return undefined;
  }
  const service: InlineService = { image: input.image.trim(), env: {}, ports: [], volumes: [] };
  if (input.command !== undefined) {
    if (Array.isArray(input.command) && input.command.length) service.command = input.command.map(String);
    else if (typeof input.command === 'string' && input.command.trim()) service.command = ['sh', '-c', input.command];
    else problems.push(`${where}.command must be a list of words or a string`);
  }
  const env = input.env ?? input.environment;
  if (env !== undefined) {
    if (env && typeof env === 'object' && !Array.isArray(env)) {
      for (const [k, v] of Object.entries(env as Record<string, unknown>)) {
        if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(k)) service.env[k] = v === null || v === undefined ? '' : String(v);
        else problems.push(`${where}.env: '${k}' is not a variable name`);
      }
    } else problems.push(`${where}.env must be a mapping of NAME: value`);
  }
  if (input.ports !== undefined) {
    for (const p of Array.isArray(input.ports) ? input.ports : [input.ports]) {
      const port = parsePort(p);
      if (typeof port === 'string') problems.push(`${where}.ports: ${port}`);
      else service.ports.push(port);
    }
  }
  if (input.volumes !== undefined) {
    if (Array.isArray(input.volumes) && input.volumes.every((v) => typeof v === 'string' && v.includes(':')))
      service.volumes = input.volumes as string[];
    else problems.push(`${where}.volumes must be a list of "volume:/path" or "./folder:/path"`);
  }
  if (input.healthcheck !== undefined) {
    const health = readHealthcheck(input.healthcheck, `${where}.healthcheck`, problems);
    if (health) service.healthcheck = health;
  }
  return service;
}

function readHealthcheck(raw: unknown, where: string, problems: string[]): InlineService['healthcheck'] {
  const input = (typeof raw === 'string' || Array.isArray(raw) ? { test: raw } : raw) as Record<string, unknown> | null;
  if (!input || typeof input !== 'object') {
    problems.push(`${where} must be a command or a mapping with test`);
    return undefined;
  }
  const test = Array.isArray(input.test)
    ? ['CMD', 'CMD-SHELL', 'NONE'].includes(String(input.test[0]))
      ? input.test.map(String)
      : ['CMD', ...input.test.map(String)]
    : typeof input.test === 'string' && input.test.trim()
      ? ['CMD-SHELL', input.test]
      : undefined;
  if (!test) {
    problems.push(`${where}.test must be a command`);
    return undefined;
  }
  const out: NonNullable<InlineService['healthcheck']> = { test };
  for (const [key, field] of [
    ['interval', 'interval'],
    ['timeout', 'timeout'],
    ['start_period', 'startPeriod'],
    ['startPeriod', 'startPeriod'],
  ] as const) {
    const v = input[key];
    if (v === undefined) continue;
    if (typeof v === 'string' && DURATION.test(v)) out[field] = v;
    else problems.push(`${where}.${key} must be a duration such as 2s or 1m30s`);
  }
  if (input.retries !== undefined) {
    if (Number.isInteger(input.retries) && (input.retries as number) > 0) out.retries = input.retries as number;
    else problems.push(`${where}.retries must be a positive whole number`);
  }
  return out;
}

/** `$` is Compose's interpolation: a value written in `.berth.yaml` means itself. */
const literal = (s: string) => s.replace(/\$/g, '$$$$');

/**
 * The Compose file of inline services: each as written, published on `bindAddress`, labelled as
 * Berth's (with the workspace folder), on the project's default network.
 */
export function inlineComposeText(services: Record<string, InlineService>, folder: string, bindAddress: string): string {
  const body: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(services)) {
    body[name] = {
      image: literal(s.image),
      ...(s.command ? { command: s.command.map(literal) } : {}),
      ...(Object.keys(s.env).length ? { environment: Object.fromEntries(Object.entries(s.env).map(([k, v]) => [k, literal(v)])) } : {}),
      ...(s.ports.length
        ? {
            ports: s.ports.map(
              (p) =>
                `${bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress}:${p.host ?? p.container}:${p.container}/${p.protocol}`,
            ),
          }
        : {}),
      ...(s.volumes.length ? { volumes: s.volumes.map(literal) } : {}),
      ...(s.healthcheck
        ? {
            healthcheck: {
              test: s.healthcheck.test.map(literal),
              ...(s.healthcheck.interval ? { interval: s.healthcheck.interval } : {}),
              ...(s.healthcheck.timeout ? { timeout: s.healthcheck.timeout } : {}),
              ...(s.healthcheck.retries ? { retries: s.healthcheck.retries } : {}),
              ...(s.healthcheck.startPeriod ? { start_period: s.healthcheck.startPeriod } : {}),
            },
          }
        : {}),
      labels: { 'berth.managed': 'true', 'berth.workspace': literal(folder) },
    };
  }
  const volumes = [
    ...new Set(
      Object.values(services).flatMap((s) =>
        s.volumes.map((v) => v.split(':')[0]).filter((source) => /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source)),
      ),
    ),
  ];
  const doc = {
    services: body,
    ...(volumes.length ? { volumes: Object.fromEntries(volumes.map((v) => [v, { labels: { 'berth.managed': 'true' } }])) } : {}),
    networks: { default: { labels: { 'berth.managed': 'true' } } },
  };
  return `# Written by Berth from run.services in ${literal(folder)}; rewritten on every run.\n${stringify(doc, { lineWidth: 0 })}`;
}

/** How a run starts and ends its services. */
export interface ServicesPlan {
  project: string;
  target: ComposeTarget;
  /** The services to start. */
  services: string[];
  /** Inline services: the Compose file to write before Compose reads it. */
  file?: { path: string; text: string };
  onExit: ServicesOnExit;
  /** The network the workspace container joins, as Compose names a project's default network. */
  network: string;
  /** Whether the services are Berth's own (inline): then the whole project goes on `down`. */
  own: boolean;
}

/** The project name of a workspace's inline services: its container name, as Compose allows names. */
export function inlineProjectName(containerName: string): string {
  return normalizeProjectName(containerName);
}

/** The folder's own Compose project, as `run.services: [names]` uses it. */
export interface FolderProject {
  /** The compose file Compose finds in the folder. */
  file: string;
  declared: DeclaredProject;
  /** The project's name as Compose derives it. */
  name: string;
}

/**
 * The plan for `config`'s services, or an error naming the fix. `cacheDir` holds the Compose files
 * of inline services; `folderProject` is the folder's own project (for names), when it has one.
 */
export function planServices(input: {
  folder: string;
  containerName: string;
  services: ServicesConfig;
  onExit?: ServicesOnExit;
  bindAddress: string;
  cacheDir: string;
  folderProject?: FolderProject;
  isFile: (p: string) => boolean;
}): ServicesPlan | { error: string } {
  const onExit = input.onExit ?? 'stop';
  if (input.services.kind === 'inline') {
    const project = inlineProjectName(input.containerName);
    const file = path.join(input.cacheDir, project, 'compose.yaml');
    return {
      project,
      target: { directory: input.folder, files: [file], project, profiles: [], projectDirectory: true },
      services: Object.keys(input.services.services),
      file: { path: file, text: inlineComposeText(input.services.services, input.folder, input.bindAddress) },
      onExit,
      network: `${project}_default`,
      own: true,
    };
  }
  const found = input.folderProject;
  if (!found)
    return {
      error: `run.services names services (${input.services.names.join(', ')}), but ${input.folder} has no compose.yaml. Add one, or declare the services in .berth.yaml (services: { db: { image: … } }).`,
    };
  const known = found.declared.services.map((s) => s.name);
  const unknown = input.services.names.filter((n) => !known.includes(n));
  if (unknown.length)
    return {
      error: `run.services: ${unknown.map((n) => `'${n}'`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a service of ${path.basename(found.file)} (its services: ${known.join(', ') || 'none'}).`,
    };
  // A service behind a profile starts only with its profile active.
  const profiles = [
    ...new Set(
      found.declared.services
        .filter((s) => input.services.kind === 'project' && input.services.names.includes(s.name))
        .flatMap((s) => s.profiles),
    ),
  ];
  return {
    project: found.name,
    target: targetForFile(found.file, input.isFile, profiles),
    services: input.services.names,
    onExit,
    network: `${found.name}_default`,
    own: false,
  };
}

/** The folder's project name as Compose derives it, from what the folder holds. */
export function folderProjectName(
  folder: string,
  declared: DeclaredProject,
  read: (p: string) => string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  major: 1 | 2 = 2,
): string {
  return composeProjectName(folder, {
    env,
    dotenv: read(path.join(folder, '.env')),
    ...(declared.name ? { nameField: declared.name } : {}),
    major,
  });
}

/**
 * The shell lines that do what a run with services does: write the inline services' Compose file,
 * bring the services up, run the workspace (`run`, already shell lines) on their network, and end
 * them as `servicesOnExit` says. Compose's argv comes from `argv` (the user's Compose).
 */
export function servicesScript(
  plan: ServicesPlan,
  argv: (action: ComposeAction) => string[],
  major: 1 | 2,
  run: string[],
  quote: (argv: string[]) => string,
): string[] {
  const lines: string[] = [];
  if (plan.file) {
    lines.push(quote(['mkdir', '-p', path.dirname(plan.file.path)]));
    lines.push(`cat > ${quote([plan.file.path])} <<'BERTH_COMPOSE'`, ...plan.file.text.trimEnd().split('\n'), 'BERTH_COMPOSE');
  }
  const up = argv({ verb: 'up', detach: true, services: plan.services });
  // v2 waits for healthchecks itself; with docker-compose 1.x Berth polls the engine.
  lines.push(major === 2 ? quote([...up.slice(0, up.indexOf('-d') + 1), '--wait', ...up.slice(up.indexOf('-d') + 1)]) : quote(up));
  if (major !== 2) lines.push('# (Berth also waits here until the services with a healthcheck are healthy.)');
  lines.push(...run);
  if (plan.onExit === 'keep') lines.push('# When the run ends the services keep running (servicesOnExit: keep).');
  else {
    lines.push(`# When the run ends (servicesOnExit: ${plan.onExit}):`);
    lines.push(
      quote(
        plan.onExit === 'stop'
          ? argv({ verb: 'stop', services: plan.services })
          : plan.own
            ? argv({ verb: 'down', removeOrphans: true })
            : argv({ verb: 'rm', services: plan.services }),
      ),
    );
  }
  return lines;
}
