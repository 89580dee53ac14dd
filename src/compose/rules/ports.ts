/**
 * compose-port-conflict and compose-port-unquoted: published ports. Two services binding the
 * same host address, port and protocol cannot both start; `22:22` unquoted is a base-60 number
 * to YAML 1.1 parsers.
 */
import { anchorPieces, type ComposeDocument, type Node, type PairNode, type ScalarNode } from '../document';
import { interpolate } from '../interpolation';
import type { ComposeFile, ComposeProject } from '../project';
import { asMap, asScalar, asSeq, stringValue, valueOf } from '../tree';
import type { ComposeRuleContext } from './context';
import { sameList } from '../sameList';

/** One published port binding. */
export interface PublishedPort {
  service: string;
  file: ComposeFile;
  node: Node;
  /** Host address; '' for every address. */
  ip: string;
  first: number;
  last: number;
  protocol: string;
  target: string;
  profiles: string[];
}

const WILDCARD = new Set(['', '0.0.0.0', '::', '[::]']);
const MAX_RANGE = 65535;
/** Ranges wider than this are compared one by one rather than indexed port by port. */
const MAX_INDEXED_RANGE = 1024;

type PortSpec = { ip: string; first: number; last: number; protocol: string; target: string };
const specs = new Map<string, PortSpec | undefined>();

/** Reads `[[ip:]published:]target[/protocol]`; undefined when nothing is published on a fixed port. */
export function parsePortSpec(text: string): PortSpec | undefined {
  if (specs.has(text)) return specs.get(text);
  if (specs.size > 4096) specs.clear();
  const spec = readPortSpec(text);
  specs.set(text, spec);
  return spec;
}

function readPortSpec(text: string): PortSpec | undefined {
  let rest = text.trim();
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
  }
  let ip = '';
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return undefined;
    ip = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  if (parts.length < 2) return undefined;
  const target = parts[parts.length - 1];
  const published = parts[parts.length - 2];
  if (!ip && parts.length > 2) ip = parts.slice(0, -2).join(':');
  const range = parseRange(published);
  return range ? { ip, ...range, protocol, target } : undefined;
}

function parseRange(text: string): { first: number; last: number } | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const first = Number(m[1]);
  const last = m[2] ? Number(m[2]) : first;
  return first <= last && last <= MAX_RANGE ? { first, last } : undefined;
}

/** Every fixed published port of the project's services, merged per service across files. */
export function publishedPorts(project: ComposeProject): PublishedPort[] {
  return mergePorts(servicesOf(project, undefined));
}

/** Each service of each file of the project, with its ports (kept per service). */
interface ProjectServices {
  files: ComposeFile[];
  services: PairNode[];
  ports: ServicePorts[];
  /** Each service's count of unquoted port items, by index: read without touching every service's ports. */
  unquoted: number[];
  /** Every variable the services' ports read, with the answer each got. */
  variables: Map<string, string | undefined>;
  /** Each file's path and anchor pieces, in project order. */
  paths: string[];
  anchors: (readonly object[])[];
  /** The indexes of the services not taken from `last` (all of them when there was none). */
  changed: number[];
}

/** Past this many variables read by ports (a name typed a character at a time adds one per keystroke) the project is read afresh. */
const MAX_VARIABLES = 256;

/**
 * The project's services and their ports. A service at the same place as in `last`, with the same
 * pair, in a file whose anchors are the same, while every variable the ports read is, has the
 * same ports: taken by position, without looking the pair up.
 */
function servicesOf(project: ComposeProject, last: ProjectServices | undefined): ProjectServices {
  const paths = project.files.map((f) => f.path);
  const reuse =
    last && sameList(last.paths, paths) && last.variables.size <= MAX_VARIABLES && sameVariables(project, last.variables)
      ? last
      : undefined;
  const out: ProjectServices = {
    files: [],
    services: [],
    ports: [],
    unquoted: [],
    variables: new Map(reuse?.variables),
    paths,
    anchors: [],
    changed: [],
  };
  for (let n = 0; n < project.files.length; n++) {
    const file = project.files[n];
    const anchors = anchorPieces(file.doc);
    out.anchors.push(anchors);
    const same = reuse !== undefined && sameList(reuse.anchors[n], anchors);
    for (const service of file.model.declarations.service) {
      const index = out.services.length;
      out.files.push(file);
      out.services.push(service);
      if (same && reuse.services[index] === service) {
        out.ports.push(reuse.ports[index]);
        out.unquoted.push(reuse.unquoted[index]);
        continue;
      }
      const ports = servicePorts(project, file.doc, service, anchors);
      out.ports.push(ports);
      out.unquoted.push(ports.unquoted.length);
      out.changed.push(index);
      for (const [name, answer] of ports.variables) out.variables.set(name, answer);
    }
  }
  return out;
}

/** Each published port with where it came from: the index of its service in `ProjectServices` and of the port in that service's list. */
function mergePorts({ files, services, ports }: ProjectServices, origins?: [number, number][]): PublishedPort[] {
  const out: PublishedPort[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < services.length; i++) {
    const service = services[i];
    const own = ports[i].ports;
    for (let j = 0; j < own.length; j++) {
      const port = own[j];
      // The same binding written in two files of one service is one binding once merged.
      const key = `${service.name}|${port.ip}|${port.first}-${port.last}|${port.protocol}|${port.target}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ service: service.name, file: files[i], ...port });
      origins?.push([i, j]);
    }
  }
  return out;
}

type ServicePort = Omit<PublishedPort, 'service' | 'file'>;

/** A service's fixed published ports, its port items written as unquoted `digits:digits`, and the variables they read. */
interface ServicePorts {
  ports: ServicePort[];
  unquoted: ScalarNode[];
  variables: [string, string | undefined][];
}

/** A service's ports, kept while its pair, the pieces with anchors and the variables they read are the same. */
const portsKept = new WeakMap<PairNode, { anchors: readonly object[]; ports: ServicePorts }>();

function servicePorts(project: ComposeProject, doc: ComposeDocument, service: PairNode, anchors: readonly object[]): ServicePorts {
  const kept = portsKept.get(service);
  if (kept && sameList(kept.anchors, anchors) && sameVariables(project, kept.ports.variables)) return kept.ports;
  const variables: [string, string | undefined][] = [];
  const lookup = (name: string) => {
    const answer = project.variable(name);
    variables.push([name, answer]);
    return answer;
  };
  const out: ServicePorts = { ports: [], unquoted: [], variables };
  const map = asMap(doc, service.value);
  const profiles = (asSeq(doc, valueOf(doc, map, 'profiles'))?.items ?? []).map((i) => stringValue(doc, i) ?? '');
  for (const item of asSeq(doc, valueOf(doc, map, 'ports'))?.items ?? []) {
    if (!item) continue;
    const spec = portOf(doc, item, lookup);
    if (spec) out.ports.push({ node: item, profiles, ...spec });
    const scalar = asScalar(doc, item);
    if (scalar && !scalar.quoted && typeof scalar.value === 'string' && /^\d+(?::[0-5]?\d)+$/.test(scalar.value)) out.unquoted.push(scalar);
  }
  portsKept.set(service, { anchors, ports: out });
  return out;
}

function sameVariables(project: ComposeProject, variables: Iterable<readonly [string, string | undefined]>): boolean {
  for (const [name, answer] of variables) if (project.variable(name) !== answer) return false;
  return true;
}

/** Whether two services publish the same bindings: what conflicts are worked out from, nodes aside. */
function samePorts(a: ServicePort[], b: ServicePort[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x.ip !== y.ip || x.first !== y.first || x.last !== y.last || x.protocol !== y.protocol || x.target !== y.target) return false;
    if (!sameList(x.profiles, y.profiles) && x.profiles.join('\0') !== y.profiles.join('\0')) return false;
  }
  return true;
}

function portOf(doc: ComposeDocument, item: Node, lookup: (name: string) => string | undefined) {
  const long = asMap(doc, item);
  if (long) {
    const published = stringValue(doc, valueOf(doc, long, 'published'));
    const value = published === undefined ? undefined : interpolate(published, lookup);
    const range = value === undefined ? undefined : parseRange(value);
    if (!range) return undefined;
    const ip = interpolate(stringValue(doc, valueOf(doc, long, 'host_ip')) ?? '', lookup) ?? '';
    const protocol = (stringValue(doc, valueOf(doc, long, 'protocol')) ?? 'tcp').toLowerCase();
    const target = stringValue(doc, valueOf(doc, long, 'target')) ?? '';
    return { ip, ...range, protocol, target };
  }
  const text = stringValue(doc, item);
  const value = text === undefined ? undefined : interpolate(text, lookup);
  return value === undefined ? undefined : parsePortSpec(value);
}

function overlaps(a: PublishedPort, b: PublishedPort): boolean {
  if (a.protocol !== b.protocol || a.last < b.first || b.last < a.first) return false;
  if (!(WILDCARD.has(a.ip) || WILDCARD.has(b.ip) || a.ip === b.ip)) return false;
  // Services in profiles that are never on together cannot collide.
  if (a.profiles.length > 0 && b.profiles.length > 0 && !a.profiles.some((p) => b.profiles.includes(p))) return false;
  return a.service !== b.service || a.target !== b.target;
}

/** A conflict found by the last lint of a file, on the port at `service`, `port` of its `ProjectServices` (whose node moves with edits). */
interface PortFinding {
  service: number;
  port: number;
  message: string;
}

/**
 * Per file, the conflicts of its last lint and the services they were worked out from. A
 * keystroke that leaves every service's bindings as they were (most do, even in the service typed
 * in) reports them again without indexing every port of the project.
 */
const findingsKept = new Map<string, { project: ProjectServices; findings: PortFinding[] }>();
const MAX_KEPT_FILES = 64;

/** Whether the project's files are the same and the services not taken from `last` have the names and bindings they had there: the conflicts are then the same. */
function sameBindings(last: ProjectServices, now: ProjectServices): boolean {
  if (last.services.length !== now.services.length || !sameList(last.paths, now.paths)) return false;
  for (const i of now.changed) {
    if (last.services[i].name !== now.services[i].name || !samePorts(last.ports[i].ports, now.ports[i].ports)) return false;
  }
  return true;
}

export function checkPorts(ctx: ComposeRuleContext): void {
  const { file } = ctx;
  const kept = findingsKept.get(file.path);
  const project = servicesOf(ctx.project, kept?.project);
  const findings = kept && sameBindings(kept.project, project) ? kept.findings : portFindings(file, project);
  if (findingsKept.size >= MAX_KEPT_FILES && !kept) findingsKept.clear();
  findingsKept.set(file.path, { project, findings });
  for (const f of findings) {
    const node = project.ports[f.service].ports[f.port].node;
    ctx.report({ code: 'compose-port-conflict', span: { start: node.start, end: node.end }, message: f.message });
  }
  for (let i = 0; i < project.services.length; i++) {
    if (project.unquoted[i] === 0 || project.files[i] !== file) continue;
    for (const scalar of project.ports[i].unquoted) {
      ctx.report({
        code: 'compose-port-unquoted',
        span: { start: scalar.start, end: scalar.end },
        message: `Unquoted '${scalar.value}' is a base-60 number to YAML 1.1 parsers (other tools, older docker-compose). Quote it: "${scalar.value}".`,
      });
    }
  }
}

function portFindings(file: ComposeFile, project: ProjectServices): PortFinding[] {
  const findings: PortFinding[] = [];
  const origins: [number, number][] = [];
  const ports = mergePorts(project, origins);
  // Indexed by protocol and port, so a file with hundreds of services is not compared pairwise.
  const byPort = new Map<string, PublishedPort[]>();
  for (const port of ports) {
    if (port.last - port.first > MAX_INDEXED_RANGE) continue;
    for (let n = port.first; n <= port.last; n++) {
      const key = `${port.protocol}/${n}`;
      const list = byPort.get(key);
      if (list) list.push(port);
      else byPort.set(key, [port]);
    }
  }
  for (const [k, port] of ports.entries()) {
    if (port.file !== file) continue;
    let other: PublishedPort | undefined;
    if (port.last - port.first > MAX_INDEXED_RANGE) other = ports.find((p) => p !== port && overlaps(port, p));
    else {
      for (let n = port.first; n <= port.last && !other; n++)
        other = byPort.get(`${port.protocol}/${n}`)?.find((p) => p !== port && overlaps(port, p));
      other ??= ports.find((p) => p !== port && p.last - p.first > MAX_INDEXED_RANGE && overlaps(port, p));
    }
    if (!other) continue;
    const where = other.file === file ? '' : ` (in ${other.file.path.split(/[\\/]/).pop()})`;
    const at = port.ip && !WILDCARD.has(port.ip) ? `${port.ip}:` : '';
    const number = port.first === port.last ? String(port.first) : `${port.first}-${port.last}`;
    const [service, index] = origins[k];
    findings.push({
      service,
      port: index,
      message: `Host port ${at}${number}/${port.protocol} is also published by service '${other.service}'${where}: only one of them can start.`,
    });
  }
  return findings;
}
