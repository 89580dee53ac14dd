/**
 * What a Compose file declares and what it refers to: services, networks, volumes, secrets and
 * configs, and every place a service names one of them. Checks, navigation and completion read
 * this model; it is computed once per parse.
 */
import { anchorPieces, type ComposeDocument, type MapNode, type Node, type PairNode, type ScalarNode, type Span } from './document';
import { sameList } from './sameList';
import { asMap, asScalar, asSeq, entries, resolveAlias, stringValue, valueOf } from './tree';

/** The kinds of named things a Compose project declares at the top level and services refer to. */
export type SymbolKind = 'service' | 'network' | 'volume' | 'secret' | 'config';

/** The top-level section each kind is declared in. */
export const SECTION: Record<SymbolKind, string> = {
  service: 'services',
  network: 'networks',
  volume: 'volumes',
  secret: 'secrets',
  config: 'configs',
};

export interface Reference {
  kind: SymbolKind;
  name: string;
  /** The name itself, inside its scalar or key. */
  span: Span;
  /** The service the reference is in. */
  service: string;
  /** What refers: `depends_on`, `links`, `extends`, `network_mode`, `volumes_from`, `networks`, `volumes`, `secrets`, `configs`, `build.secrets`. */
  via: string;
  /** `depends_on` long form with `required: false`: a missing service is allowed. */
  optional?: boolean;
  /** `extends` with `file:`: the service lives in that file, not in this project. */
  file?: string;
}

export interface FileModel {
  /** Top-level declarations by kind, in source order. */
  declarations: Record<SymbolKind, PairNode[]>;
  /** Every reference, in source order. */
  readonly references: Reference[];
  /**
   * The references of each service of `declarations.service`, by index. A service's list is the
   * same array while its pair and the anchors are: what a check keyed on it can tell.
   */
  readonly serviceReferences: readonly (readonly Reference[])[];
}

const cache = new WeakMap<ComposeDocument, { model: FileModel; anchors: readonly object[] }>();

/**
 * The file's declarations and references; computed once per parsed document. Given the parse
 * `doc` was made from, a service at the same place with the same pair takes its references from
 * that parse's model by position.
 */
export function fileModel(doc: ComposeDocument, previous?: ComposeDocument): FileModel {
  let built = cache.get(doc);
  if (!built) {
    built = build(doc, previous && cache.get(previous));
    cache.set(doc, built);
  }
  return built.model;
}

/** The service mappings of a file, by pair, with merge keys applied. */
export function servicePairs(doc: ComposeDocument): PairNode[] {
  return entries(doc, asMap(doc, valueOf(doc, doc.root ?? undefined, 'services')));
}

/** A model whose flat list of references is made when first read: a keystroke's lint reads them service by service. */
function model(declarations: Record<SymbolKind, PairNode[]>, serviceReferences: readonly (readonly Reference[])[]): FileModel {
  let flat: Reference[] | undefined;
  return {
    declarations,
    serviceReferences,
    get references() {
      flat ??= serviceReferences.flat();
      return flat;
    },
  };
}

function build(
  doc: ComposeDocument,
  last: { model: FileModel; anchors: readonly object[] } | undefined,
): { model: FileModel; anchors: readonly object[] } {
  const root = doc.root ?? undefined;
  const section = (name: string) => entries(doc, asMap(doc, valueOf(doc, root, name)));
  const declarations: Record<SymbolKind, PairNode[]> = {
    service: section('services'),
    network: section('networks'),
    volume: section('volumes'),
    secret: section('secrets'),
    config: section('configs'),
  };
  const anchors = anchorPieces(doc);
  const perService: (readonly Reference[])[] = [];
  const lastServices = last && sameList(last.anchors, anchors) ? last.model.declarations.service : undefined;
  for (let i = 0; i < declarations.service.length; i++) {
    const service = declarations.service[i];
    if (lastServices?.[i] === service) {
      perService.push(last!.model.serviceReferences[i]);
      continue;
    }
    // A service whose piece and the anchors are unchanged refers to the same things; its
    // references' spans follow the nodes, which move in place with edits above them.
    const cached = byService.get(service);
    if (cached && sameList(cached.anchors, anchors)) {
      perService.push(cached.references);
      continue;
    }
    const own: Reference[] = [];
    const map = asMap(doc, service.value);
    if (map) serviceReferences(doc, service.name, map, own);
    byService.set(service, { anchors, references: own });
    perService.push(own);
  }
  return { model: model(declarations, perService), anchors };
}

const byService = new WeakMap<PairNode, { anchors: readonly unknown[]; references: Reference[] }>();

/** A reference whose span follows its scalar when the scalar's piece moves. */
class MovingReference implements Reference {
  readonly optional: boolean | undefined;
  readonly file: string | undefined;
  /** Where the value starts in the scalar's source: 0 plain, 1 quoted, -1 when escapes make it unknown (the whole scalar is the span). */
  private readonly at: number;

  constructor(
    doc: ComposeDocument,
    readonly kind: SymbolKind,
    readonly name: string,
    readonly service: string,
    readonly via: string,
    private readonly scalar: ScalarNode,
    private readonly from: number,
    private readonly to: number,
    extra: Partial<Reference> = {},
  ) {
    this.optional = extra.optional;
    this.file = extra.file;
    const value = scalar.value === null ? '' : String(scalar.value);
    const source = doc.text.slice(scalar.start, scalar.end);
    this.at = source === value ? 0 : scalar.quoted && source.slice(1, -1) === value ? 1 : -1;
  }

  get span(): Span {
    const { scalar, at } = this;
    return at < 0 ? { start: scalar.start, end: scalar.end } : { start: scalar.start + at + this.from, end: scalar.start + at + this.to };
  }
}

function serviceReferences(doc: ComposeDocument, service: string, map: MapNode, out: Reference[]): void {
  const add = (kind: SymbolKind, via: string, node: Node | null, from = 0, to?: number, extra: Partial<Reference> = {}) => {
    const scalar = asScalar(doc, node);
    if (!scalar || scalar.value === null) return;
    const value = String(scalar.value);
    const name = value.slice(from, to);
    if (!name || name.includes('$')) return;
    out.push(new MovingReference(doc, kind, name, service, via, scalar, from, from + name.length, extra));
  };
  for (const pair of entries(doc, map)) {
    const value = resolveAlias(doc, pair.value);
    switch (pair.name) {
      case 'depends_on': {
        const seq = asSeq(doc, value);
        if (seq) for (const item of seq.items) add('service', 'depends_on', item);
        const deps = asMap(doc, value);
        for (const dep of entries(doc, deps)) {
          const required = valueOf(doc, asMap(doc, dep.value), 'required');
          add('service', 'depends_on', dep.key, 0, undefined, { optional: required?.kind === 'scalar' && required.value === false });
        }
        break;
      }
      case 'links':
        for (const item of asSeq(doc, value)?.items ?? []) add('service', 'links', item, 0, colonAt(doc, item));
        break;
      case 'volumes_from':
        for (const item of asSeq(doc, value)?.items ?? []) {
          const text = stringValue(doc, item) ?? '';
          if (text.startsWith('container:')) continue;
          const from = text.startsWith('service:') ? 8 : 0;
          const colon = text.indexOf(':', from);
          add('service', 'volumes_from', item, from, colon >= 0 ? colon : undefined);
        }
        break;
      case 'network_mode':
      case 'ipc':
      case 'pid': {
        const text = stringValue(doc, value) ?? '';
        if (text.startsWith('service:')) add('service', pair.name, value, 8);
        break;
      }
      case 'extends': {
        const ext = asMap(doc, value);
        if (ext) {
          const file = stringValue(doc, valueOf(doc, ext, 'file'));
          add('service', 'extends', valueOf(doc, ext, 'service'), 0, undefined, file !== undefined ? { file } : {});
        } else add('service', 'extends', value);
        break;
      }
      case 'networks': {
        for (const item of asSeq(doc, value)?.items ?? []) add('network', 'networks', item);
        for (const net of entries(doc, asMap(doc, value))) add('network', 'networks', net.key);
        break;
      }
      case 'volumes':
        for (const item of asSeq(doc, value)?.items ?? []) volumeReference(doc, service, item, out);
        break;
      case 'secrets':
      case 'configs':
        for (const item of asSeq(doc, value)?.items ?? []) {
          const kind = pair.name === 'secrets' ? 'secret' : 'config';
          const long = asMap(doc, item);
          add(kind, pair.name, long ? valueOf(doc, long, 'source') : item);
        }
        break;
      case 'build': {
        const build = asMap(doc, value);
        for (const item of asSeq(doc, valueOf(doc, build, 'secrets'))?.items ?? []) {
          const long = asMap(doc, item);
          add('secret', 'build.secrets', long ? valueOf(doc, long, 'source') : item);
        }
        break;
      }
    }
  }
}

/** A named volume in a service's `volumes:`; bind mounts, anonymous volumes and tmpfs are not. */
function volumeReference(doc: ComposeDocument, service: string, item: Node | null, out: Reference[]): void {
  const long = asMap(doc, item);
  if (long) {
    const type = stringValue(doc, valueOf(doc, long, 'type'));
    const source = asScalar(doc, valueOf(doc, long, 'source'));
    if (type !== 'volume' || !source || source.value === null) return;
    const name = String(source.value);
    if (!isVolumeName(name)) return;
    out.push(new MovingReference(doc, 'volume', name, service, 'volumes', source, 0, name.length));
    return;
  }
  const scalar = asScalar(doc, item);
  if (!scalar || scalar.value === null) return;
  const text = String(scalar.value);
  const colon = text.indexOf(':');
  if (colon <= 0) return;
  const name = text.slice(0, colon);
  // `C:\data:/data` and `C:/data:/data` are Windows paths, not a volume named C.
  if (!isVolumeName(name) || (name.length === 1 && /^:[\\/]/.test(text.slice(colon)))) return;
  out.push(new MovingReference(doc, 'volume', name, service, 'volumes', scalar, 0, colon));
}

/** Named volumes start with a letter or digit and have no path separators; anything else is a host path. */
export function isVolumeName(name: string): boolean {
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name);
}

function colonAt(doc: ComposeDocument, node: Node | null): number | undefined {
  const text = stringValue(doc, node) ?? '';
  const colon = text.indexOf(':');
  return colon >= 0 ? colon : undefined;
}

/**
 * The source span of characters [from, to) of a scalar's value. Exact for plain and quoted
 * scalars without escapes; the whole scalar otherwise.
 */
export function subSpan(doc: ComposeDocument, scalar: ScalarNode, from: number, to: number): Span {
  const value = scalar.value === null ? '' : String(scalar.value);
  const source = doc.text.slice(scalar.start, scalar.end);
  const at = source === value ? 0 : scalar.quoted && source.slice(1, -1) === value ? 1 : -1;
  if (at < 0) return { start: scalar.start, end: scalar.end };
  return { start: scalar.start + at + from, end: scalar.start + at + to };
}

/** The span of a scalar's value without its quotes. */
export function valueSpan(doc: ComposeDocument, scalar: ScalarNode): Span {
  return subSpan(doc, scalar, 0, scalar.value === null ? 0 : String(scalar.value).length);
}
