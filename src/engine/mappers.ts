/**
 * Engine API JSON → Berth's summaries. Each mapper checks the shape it relies on and throws a
 * `Malformed` (turned into a bad-response EngineError by the caller) instead of handing the views
 * undefined fields.
 */
import type {
  ContainerPathStat,
  ContainerState,
  ContainerSummary,
  DiskUsage,
  EngineEvent,
  EngineInfo,
  EngineVersion,
  ImageLayer,
  ImageSearchResult,
  ImageSummary,
  MountSummary,
  NetworkSummary,
  PortBinding,
  PruneResult,
  VolumeSummary,
} from './types';

export class Malformed extends Error {}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

export function asArray(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new Malformed(`${what}: expected a JSON array, got ${describe(v)}`);
  return v;
}

export function asObject(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new Malformed(`${what}: expected a JSON object, got ${describe(v)}`);
  return v;
}

function describe(v: unknown): string {
  if (Buffer.isBuffer(v))
    return v.length ? `text "${v.toString('utf8', 0, 60).replace(/\s+/g, ' ')}${v.length > 60 ? '…' : ''}"` : 'an empty body';
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : typeof v;
}

const str = (o: Obj, key: string, what: string): string => {
  const v = o[key];
  if (typeof v !== 'string') throw new Malformed(`${what}: "${key}" is ${describe(v)}, not a string`);
  return v;
};
const optStr = (o: Obj, key: string): string => (typeof o[key] === 'string' ? (o[key] as string) : '');
const num = (o: Obj, key: string): number => (typeof o[key] === 'number' && Number.isFinite(o[key]) ? (o[key] as number) : 0);
const labels = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
};

const STATES: ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

function health(status: string): ContainerSummary['health'] {
  if (/\(healthy\)/.test(status)) return 'healthy';
  if (/\(unhealthy\)/.test(status)) return 'unhealthy';
  if (/\(health: starting\)/.test(status)) return 'starting';
  return undefined;
}

function ports(v: unknown): PortBinding[] {
  const out: PortBinding[] = [];
  const seen = new Set<string>();
  if (!Array.isArray(v)) return out;
  // IPv4 first, so the IPv6 twin of a published port (same ports, `::`) is the one dropped.
  const list = v.filter(isObj).sort((a, b) => Number(String(a.IP ?? '').includes(':')) - Number(String(b.IP ?? '').includes(':')));
  for (const p of list) {
    const privatePort = num(p, 'PrivatePort');
    const publicPort = typeof p.PublicPort === 'number' ? p.PublicPort : undefined;
    const type = p.Type === 'udp' || p.Type === 'sctp' ? p.Type : 'tcp';
    const key = `${privatePort}/${publicPort}/${type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      privatePort,
      ...(publicPort !== undefined ? { publicPort } : {}),
      ...(typeof p.IP === 'string' && p.IP ? { hostIp: p.IP } : {}),
      type,
    });
  }
  return out.sort((a, b) => a.privatePort - b.privatePort);
}

function mounts(v: unknown): MountSummary[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObj).map((m) => ({
    type: optStr(m, 'Type'),
    source: optStr(m, 'Source'),
    destination: optStr(m, 'Destination'),
    ...(typeof m.Name === 'string' && m.Name ? { name: m.Name } : {}),
    readOnly: m.RW === false,
  }));
}

export function container(v: unknown): ContainerSummary {
  const c = asObject(v, 'container');
  const id = str(c, 'Id', 'container');
  const names = Array.isArray(c.Names) ? c.Names.filter((n): n is string => typeof n === 'string') : [];
  // Legacy links add names like /other/alias; the container's own name has a single slash.
  const primary = names.find((n) => n.lastIndexOf('/') === 0) ?? names[0] ?? id.slice(0, 12);
  const status = optStr(c, 'Status');
  const state = STATES.includes(c.State as ContainerState) ? (c.State as ContainerState) : /^Up/.test(status) ? 'running' : 'exited';
  const l = labels(c.Labels);
  const networks = isObj(c.NetworkSettings) && isObj(c.NetworkSettings.Networks) ? Object.keys(c.NetworkSettings.Networks).sort() : [];
  const h = health(status);
  return {
    id,
    name: primary.replace(/^\//, ''),
    image: optStr(c, 'Image'),
    imageId: optStr(c, 'ImageID'),
    command: optStr(c, 'Command'),
    created: num(c, 'Created'),
    state,
    status,
    ...(h ? { health: h } : {}),
    ports: ports(c.Ports),
    labels: l,
    mounts: mounts(c.Mounts),
    networks,
    ...(l['com.docker.compose.project'] ? { composeProject: l['com.docker.compose.project'] } : {}),
    ...(l['com.docker.compose.service'] ? { composeService: l['com.docker.compose.service'] } : {}),
  };
}

/**
 * The name as Docker shows it: Podman answers fully qualified names (`docker.io/library/node:20`,
 * `docker.io/me/app:1`) where Docker omits its default registry; its compat API takes either.
 */
export function familiarName(reference: string): string {
  const m = /^(?:docker\.io|index\.docker\.io)\/(.+)$/.exec(reference);
  if (!m) return reference;
  return m[1].startsWith('library/') && !m[1].slice(8).includes('/') ? m[1].slice(8) : m[1];
}

const realTags = (v: unknown): string[] =>
  Array.isArray(v)
    ? v.filter((t): t is string => typeof t === 'string' && t !== '<none>:<none>' && t !== '<none>@<none>').map(familiarName)
    : [];

export function image(v: unknown): ImageSummary {
  const i = asObject(v, 'image');
  const repoTags = realTags(i.RepoTags);
  return {
    id: str(i, 'Id', 'image'),
    repoTags,
    repoDigests: realTags(i.RepoDigests),
    created: num(i, 'Created'),
    size: num(i, 'Size'),
    dangling: repoTags.length === 0,
    labels: labels(i.Labels),
  };
}

export function layer(v: unknown): ImageLayer {
  const l = asObject(v, 'image history entry');
  return {
    id: optStr(l, 'Id'),
    created: num(l, 'Created'),
    createdBy: optStr(l, 'CreatedBy'),
    size: num(l, 'Size'),
    tags: realTags(l.Tags),
    comment: optStr(l, 'Comment'),
  };
}

export function volume(v: unknown): VolumeSummary {
  const o = asObject(v, 'volume');
  return {
    name: str(o, 'Name', 'volume'),
    driver: optStr(o, 'Driver'),
    mountpoint: optStr(o, 'Mountpoint'),
    ...(typeof o.CreatedAt === 'string' ? { createdAt: o.CreatedAt } : {}),
    scope: optStr(o, 'Scope') || 'local',
    labels: labels(o.Labels),
  };
}

export function volumeList(v: unknown): VolumeSummary[] {
  const o = asObject(v, 'volume list');
  if (o.Volumes === null || o.Volumes === undefined) return [];
  return asArray(o.Volumes, 'volume list').map(volume);
}

const BUILT_IN_NETWORKS = new Set(['bridge', 'host', 'none']);

export function network(v: unknown): NetworkSummary {
  const n = asObject(v, 'network');
  const name = str(n, 'Name', 'network');
  const driver = optStr(n, 'Driver');
  const config = isObj(n.IPAM) && Array.isArray(n.IPAM.Config) ? n.IPAM.Config.filter(isObj) : [];
  return {
    id: str(n, 'Id', 'network'),
    name,
    driver,
    scope: optStr(n, 'Scope'),
    subnets: config.map((c) => optStr(c, 'Subnet')).filter(Boolean),
    internal: n.Internal === true,
    builtIn: BUILT_IN_NETWORKS.has(name) && ['bridge', 'host', 'null'].includes(driver),
    labels: labels(n.Labels),
  };
}

export function networkContainers(v: unknown): { id: string; name: string; ipv4?: string }[] {
  const n = asObject(v, 'network');
  if (!isObj(n.Containers)) return [];
  return Object.entries(n.Containers)
    .filter((e): e is [string, Obj] => isObj(e[1]))
    .map(([id, c]) => {
      const ipv4 = optStr(c, 'IPv4Address').replace(/\/\d+$/, '');
      return { id, name: optStr(c, 'Name'), ...(ipv4 ? { ipv4 } : {}) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function version(v: unknown): EngineVersion {
  const o = asObject(v, 'version');
  // Podman puts its OS in Platform.Name (`linux/amd64/debian-12`) and its own name only in Components.
  const components = Array.isArray(o.Components) ? o.Components.filter(isObj) : [];
  const podman = components.find((c) => typeof c.Name === 'string' && /^Podman\b/.test(c.Name))?.Name as string | undefined;
  const platform = podman ?? (isObj(o.Platform) && typeof o.Platform.Name === 'string' && o.Platform.Name ? o.Platform.Name : undefined);
  return {
    version: str(o, 'Version', 'version'),
    apiVersion: str(o, 'ApiVersion', 'version'),
    os: optStr(o, 'Os'),
    arch: optStr(o, 'Arch'),
    ...(platform ? { platform } : {}),
  };
}

export function info(v: unknown): EngineInfo {
  const o = asObject(v, 'info');
  const securityOptions = Array.isArray(o.SecurityOptions) ? o.SecurityOptions.filter((x): x is string => typeof x === 'string') : [];
  return { securityOptions, rootless: securityOptions.some((option) => option.split(',').includes('name=rootless')) };
}

export function prune(v: unknown, listKey: string): PruneResult {
  const o = asObject(v, 'prune result');
  const list = o[listKey] === null || o[listKey] === undefined ? [] : asArray(o[listKey], `prune result ${listKey}`);
  const deleted = list.flatMap((d) => {
    if (typeof d === 'string') return [d];
    // Image prune answers { Untagged } and { Deleted } entries: report what went.
    if (isObj(d)) return [d.Deleted, d.Untagged].filter((x): x is string => typeof x === 'string');
    return [];
  });
  return { deleted, spaceReclaimed: num(o, 'SpaceReclaimed') };
}

export function event(v: unknown): EngineEvent {
  const o = asObject(v, 'event');
  const actor = isObj(o.Actor) ? o.Actor : {};
  const type = optStr(o, 'Type') || optStr(o, 'type');
  const raw = optStr(o, 'Action') || optStr(o, 'status');
  if (!type && !raw) throw new Malformed('event: neither Type nor Action');
  // Podman says `remove` where Docker says `destroy`, and leaves a volume's ID empty (name in attributes).
  const action = raw === 'remove' && (type === 'container' || type === 'volume') ? 'destroy' : raw;
  const attributes = labels(actor.Attributes);
  return {
    type,
    action,
    id: optStr(actor, 'ID') || optStr(o, 'id') || (type === 'volume' ? (attributes.name ?? '') : ''),
    attributes,
    timeNano: num(o, 'timeNano') || num(o, 'time') * 1e9,
  };
}

export function searchResult(v: unknown): ImageSearchResult {
  const o = asObject(v, 'image search result');
  return {
    name: str(o, 'name', 'image search result'),
    description: optStr(o, 'description'),
    stars: num(o, 'star_count'),
    official: o.is_official === true,
    automated: o.is_automated === true,
  };
}

/** Go's os.FileMode type bits, as the archive API's path stat carries them. */
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;

export function pathStat(v: unknown): ContainerPathStat {
  const o = asObject(v, 'path stat');
  const mode = num(o, 'mode');
  // Bit tests on a number past 2^31: JavaScript's bit operators would read it as negative.
  const has = (bit: number) => Math.floor(mode / bit) % 2 === 1;
  return {
    name: optStr(o, 'name'),
    size: num(o, 'size'),
    mode,
    directory: has(MODE_DIR),
    symlink: has(MODE_SYMLINK),
    linkTarget: optStr(o, 'linkTarget'),
  };
}

export function diskUsage(v: unknown): DiskUsage {
  const o = asObject(v, 'disk usage');
  const list = (key: string) => (o[key] === null || o[key] === undefined ? [] : asArray(o[key], `disk usage ${key}`).filter(isObj));
  return {
    containers: list('Containers').map((c) => {
      const summary = container(c);
      return { id: summary.id, name: summary.name, state: summary.state, image: summary.image, sizeRw: num(c, 'SizeRw') };
    }),
    images: list('Images').map((i) => ({
      id: str(i, 'Id', 'disk usage image'),
      repoTags: realTags(i.RepoTags),
      size: num(i, 'Size'),
      // -1 when the engine did not work it out.
      sharedSize: Math.max(0, num(i, 'SharedSize')),
      containers: Math.max(0, num(i, 'Containers')),
    })),
    volumes: list('Volumes').map((vol) => {
      const usage = isObj(vol.UsageData) ? vol.UsageData : {};
      return {
        name: str(vol, 'Name', 'disk usage volume'),
        size: Math.max(0, num(usage, 'Size')),
        refCount: Math.max(0, num(usage, 'RefCount')),
        labels: labels(vol.Labels),
      };
    }),
  };
}
