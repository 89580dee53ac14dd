/**
 * Completion in Compose files: keys and values from the Compose schema (with its descriptions),
 * service names where a service is expected, the Dockerfile's stages in `build.target`, local
 * image tags in `image:`, and the declared networks, volumes, secrets and configs.
 */
import { CompletionItemKind, MarkupKind, type CompletionItem, type Position } from 'vscode-languageserver-types';
import { cursorAt, type CursorContext } from './cursor';
import { offsetOf, rangeOfSpan } from './document';
import { specUrl } from './hover';
import { servicePairs } from './model';
import type { ComposeProject } from './project';
import { buildInfo } from './rules/files';
import { alternatives, descriptionOf, isArraySchema, isObjectSchema, propertiesOf, schemasAt, type SchemaNode } from './schema';
import { asMap, valueOf } from './tree';

const MAX_IMAGES = 200;

/** Completion items at a position of the project's current file. */
export function completeCompose(project: ComposeProject, position: Position): CompletionItem[] {
  const doc = project.file.doc;
  const offset = offsetOf(doc, position);
  const cursor = cursorAt(doc, offset);
  if (!cursor) return [];
  const range = rangeOfSpan(doc, cursor.replace);
  const named = namedValues(project, cursor);
  if (named) {
    return named.items.map((label, i) => ({
      label,
      kind: named.kind,
      detail: named.detail,
      sortText: String(i).padStart(4, '0'),
      textEdit: { range, newText: label + (named.suffix ?? '') },
    }));
  }
  if (cursor.mode === 'key') return keyItems(cursor, range);
  return valueItems(cursor, range);
}

function keyItems(cursor: CursorContext, range: ReturnType<typeof rangeOfSpan>): CompletionItem[] {
  const { keys, data } = keysAt(cursor.path);
  const present = new Set<string>();
  for (const p of cursor.map?.pairs ?? []) present.add(p.name);
  const items: CompletionItem[] = [];
  for (const k of keys) {
    if (present.has(k.key) && k.key !== cursor.prefix) continue;
    items.push({
      label: k.key,
      kind: CompletionItemKind.Property,
      detail: k.detail,
      // The description is filled in by resolveComposeItem when the user looks at the item: a
      // service's 80-odd keys with theirs would be most of the answer's bytes.
      // The key is the label; one data object on every item lets the list say it once.
      data,
      tags: k.deprecated ? [1] : undefined,
      textEdit: { range, newText: k.block ? `${k.key}:` : `${k.key}: ` },
    });
  }
  return items;
}

/** A mapping's keys as the schema gives them, worked out once per schema path. */
interface KeyTemplate {
  key: string;
  detail: string | undefined;
  deprecated: boolean;
  /** Its value is a mapping or a list: the key is offered without a space after its colon. */
  block: boolean;
}

const keysByRoute = new Map<string, KeyTemplate[]>();
const MAX_KEPT_ROUTES = 256;

/**
 * The keys at a path, worked out once per route through the schema. Walking the schema's $refs
 * and oneOfs for each of a service's 80-odd keys cost more than the rest of the answer; the schema
 * does not change, and every service's keys are the same.
 */
function keysAt(path: readonly (string | number)[]): { keys: KeyTemplate[]; data: KeyItemData } {
  const route: string[] = [];
  const schemas = schemasAt(path, route);
  const id = route.join('\0');
  let keys = keysByRoute.get(id);
  if (!keys) {
    keys = [];
    for (const [key, schema] of propertiesOf(schemas)) {
      const alts = alternatives(schema);
      const block = alts.length > 0 && alts.every((a) => isObjectSchema(a) || isArraySchema(a));
      keys.push({ key, detail: typeLabel(alts), deprecated: schema.deprecated === true, block });
    }
    if (keysByRoute.size >= MAX_KEPT_ROUTES) keysByRoute.clear();
    keysByRoute.set(id, keys);
  }
  return { keys, data: { path: [...path] } };
}

/** What a key item carries for {@link resolveComposeItem}: where its mapping is, in the schema. */
interface KeyItemData {
  path: readonly (string | number)[];
}

function isKeyItemData(data: unknown): data is KeyItemData {
  const d = data as Partial<KeyItemData> | null;
  return (
    typeof d === 'object' && d !== null && Array.isArray(d.path) && d.path.every((p) => typeof p === 'string' || typeof p === 'number')
  );
}

/** Adds a key item's description and its link into the Compose Specification (completionItem/resolve). */
export function resolveComposeItem(item: CompletionItem): CompletionItem {
  if (!isKeyItemData(item.data) || item.documentation !== undefined) return item;
  const { path } = item.data;
  const key = item.label;
  const description = descriptionOf(propertiesOf(schemasAt(path)).get(key));
  if (!description) return item;
  return {
    ...item,
    documentation: { kind: MarkupKind.Markdown, value: `${description}\n\n[Compose Specification](${specUrl(path, key)})` },
  };
}

function typeLabel(alts: SchemaNode[]): string | undefined {
  const types = new Set<string>();
  for (const a of alts)
    for (const t of Array.isArray(a.type) ? a.type : a.type ? [a.type] : [])
      types.add(t === 'object' ? 'mapping' : t === 'array' ? 'list' : t);
  return types.size > 0 ? [...types].join(' | ') : undefined;
}

function valueItems(cursor: CursorContext, range: ReturnType<typeof rangeOfSpan>): CompletionItem[] {
  const schemas = schemasAt(cursor.path);
  const values = new Set<string>();
  for (const s of schemas) {
    for (const v of s.enum ?? []) values.add(String(v));
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (types.includes('boolean')) {
      values.add('true');
      values.add('false');
    }
  }
  return [...values].map((v) => ({ label: v, kind: CompletionItemKind.EnumMember, textEdit: { range, newText: v } }));
}

interface Named {
  items: string[];
  kind: CompletionItemKind;
  detail: string;
  suffix?: string;
}

/** Names from the project where the path expects one: services, stages, images, declared resources. */
function namedValues(project: ComposeProject, cursor: CursorContext): Named | undefined {
  const path = cursor.path;
  if (path[0] !== 'services' || path.length < 3) return undefined;
  const service = String(path[1]);
  const field = path[2];
  const rest = path.slice(3);
  const services = () => [...project.declarations('service').keys()].filter((s) => s !== service);
  const declared = (kind: 'network' | 'volume' | 'secret' | 'config') => [...project.declarations(kind).keys()];
  const isValue = cursor.mode === 'value';
  switch (field) {
    case 'depends_on':
      if ((isValue && rest.length === 1 && typeof rest[0] === 'number') || (!isValue && rest.length === 0)) {
        return { items: services(), kind: CompletionItemKind.Reference, detail: 'service', suffix: isValue ? '' : ':' };
      }
      return undefined;
    case 'links':
    case 'volumes_from':
      return isValue && rest.length === 1 ? { items: services(), kind: CompletionItemKind.Reference, detail: 'service' } : undefined;
    case 'extends':
      if ((isValue && rest.length === 0) || (isValue && rest[0] === 'service')) {
        return { items: services(), kind: CompletionItemKind.Reference, detail: 'service' };
      }
      return undefined;
    case 'network_mode':
      if (!isValue || rest.length > 0) return undefined;
      return {
        items: ['bridge', 'host', 'none', ...services().map((s) => `service:${s}`)],
        kind: CompletionItemKind.Value,
        detail: 'network mode',
      };
    case 'networks':
      if ((isValue && rest.length === 1 && typeof rest[0] === 'number') || (!isValue && rest.length === 0)) {
        return { items: declared('network'), kind: CompletionItemKind.Reference, detail: 'network', suffix: isValue ? '' : ':' };
      }
      return undefined;
    case 'volumes':
      if (isValue && rest.length === 1 && typeof rest[0] === 'number') {
        return { items: declared('volume'), kind: CompletionItemKind.Reference, detail: 'volume', suffix: ':' };
      }
      if (isValue && rest.length === 2 && rest[1] === 'source')
        return { items: declared('volume'), kind: CompletionItemKind.Reference, detail: 'volume' };
      return undefined;
    case 'secrets':
    case 'configs': {
      const kind = field === 'secrets' ? 'secret' : 'config';
      if (isValue && (rest.length === 1 || (rest.length === 2 && rest[1] === 'source'))) {
        return { items: declared(kind), kind: CompletionItemKind.Reference, detail: kind };
      }
      return undefined;
    }
    case 'build':
      if (isValue && rest.length === 1 && rest[0] === 'target') return stageItems(project, service);
      return undefined;
    case 'image':
      if (!isValue || rest.length > 0) return undefined;
      return { items: localTags(project), kind: CompletionItemKind.Value, detail: 'local image' };
  }
  return undefined;
}

function stageItems(project: ComposeProject, service: string): Named | undefined {
  const doc = project.file.doc;
  const pair = servicePairs(doc).find((p) => p.name === service);
  const build = valueOf(doc, asMap(doc, pair?.value ?? null), 'build');
  const info = buildInfo(project, service, project.file.dir, build);
  if (!info) return undefined;
  const stages =
    info.inline !== undefined ? project.inlineStages(info.inline) : info.dockerfile ? project.dockerfileStages(info.dockerfile) : undefined;
  return stages ? { items: stages, kind: CompletionItemKind.EnumMember, detail: 'build stage' } : undefined;
}

function localTags(project: ComposeProject): string[] {
  const out = new Set<string>();
  for (const image of project.host.localImages ?? []) {
    for (const tag of image.repoTags) if (!tag.includes('<none>')) out.add(tag);
    if (out.size >= MAX_IMAGES) break;
  }
  return [...out].sort();
}
