/**
 * Hover in Compose files: a key's description from the Compose schema with a link to its
 * section of the Compose Specification; a referenced service, network, volume, secret or
 * config with where it is declared.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import { offsetOf, rangeOfSpan, type ComposeDocument, type Node, type PairNode } from './document';
import { findLocalImage } from '../dockerfile/hover';
import { registryPage } from '../dockerfile/links';
import { SECTION, servicePairs } from './model';
import type { ComposeProject } from './project';
import { descriptionOf, propertySchema, schemasAt } from './schema';
import { asMap, asScalar, stringValue, valueOf } from './tree';

const REFERENCE = 'https://docs.docker.com/reference/compose-file/';
/** Top-level keys whose pages are named after them. */
const PAGES: Record<string, string> = {
  services: 'services/',
  networks: 'networks/',
  volumes: 'volumes/',
  configs: 'configs/',
  secrets: 'secrets/',
  include: 'include/',
  models: 'models/',
  version: 'version-and-name/',
  name: 'version-and-name/',
};

/** The Compose Specification page (and anchor) documenting `key` under `path`. */
export function specUrl(path: readonly (string | number)[], key: string): string {
  const keys = path.filter((p): p is string => typeof p === 'string');
  if (keys.length === 0) return REFERENCE + (PAGES[key] ?? (key.startsWith('x-') ? 'extension/' : ''));
  if (keys[0] === 'services' && keys.length >= 2) {
    const field = keys[2];
    if (field === 'build') return `${REFERENCE}build/#${keys.length > 3 ? keys[3] : key}`;
    if (field === 'deploy') return `${REFERENCE}deploy/#${keys.length > 3 ? keys[3] : key}`;
    if (field === 'develop') return `${REFERENCE}develop/`;
    return `${REFERENCE}services/#${field ?? key}`;
  }
  return REFERENCE + (PAGES[keys[0]] ?? '');
}

/** The hover at a position of the project's current file, or null. */
export function hoverCompose(project: ComposeProject, position: Position): Hover | null {
  const doc = project.file.doc;
  const offset = offsetOf(doc, position);
  const ref = project.file.model.references.find((r) => r.span.start <= offset && offset <= r.span.end);
  if (ref) {
    const declared = project.declarations(ref.kind).get(ref.name);
    const lines = [`**${ref.kind}** \`${ref.name}\``];
    if (!declared) lines.push('', `Not declared in this project's \`${SECTION[ref.kind]}\`.`);
    else {
      for (const d of declared) {
        const summary = ref.kind === 'service' ? serviceSummary(d.file.doc, d.pair) : '';
        lines.push('', `Declared in ${d.file.path.split(/[\\/]/).pop()}, line ${rangeOfSpan(d.file.doc, d.pair).start.line + 1}${summary}`);
      }
    }
    return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: rangeOfSpan(doc, ref.span) };
  }
  const image = imageAt(project, offset);
  if (image) return image;
  const found = keyAt(doc, offset);
  if (!found) return null;
  const { path, pair } = found;
  const parents = schemasAt(path);
  let description: string | undefined;
  for (const s of parents) {
    description = descriptionOf(propertySchema(s, pair.name));
    if (description) break;
  }
  if (!description && path.length === 2 && path[0] === 'services') description = `Service \`${pair.name}\`.`;
  if (!description) return null;
  const value = `**${pair.name}**\n\n${description}\n\n[Compose Specification](${specUrl(path, pair.name)})`;
  return { contents: { kind: MarkupKind.Markdown, value }, range: rangeOfSpan(doc, { start: pair.key!.start, end: pair.key!.end }) };
}

function serviceSummary(doc: ComposeDocument, pair: PairNode): string {
  const map = asMap(doc, pair.value);
  const image = stringValue(doc, valueOf(doc, map, 'image'));
  const build = valueOf(doc, map, 'build');
  if (image) return `: image \`${image}\``;
  return build ? ': built from a Dockerfile' : '';
}

/** The pair whose key is at `offset`, with the path of its mapping. */
export function keyAt(doc: ComposeDocument, offset: number): { path: (string | number)[]; pair: PairNode } | undefined {
  const path: (string | number)[] = [];
  let node: Node | null = doc.root;
  while (node && node.kind !== 'alias' && node.kind !== 'scalar') {
    if (node.kind === 'map') {
      const pair: PairNode | undefined = node.pairs.find((p) => p.start <= offset && offset <= p.end);
      if (!pair) return undefined;
      if (pair.key && pair.key.start <= offset && offset <= pair.key.end) return { path, pair };
      path.push(pair.name);
      node = pair.value;
    } else {
      const items: (Node | null)[] = node.items;
      const index = items.findIndex((i) => i !== null && i.start <= offset && offset <= i.end);
      if (index < 0) return undefined;
      path.push(index);
      node = items[index];
    }
  }
  return undefined;
}

/** The `image:` value at an offset, with what the local engine and the registry say of it. */
function imageAt(project: ComposeProject, offset: number): Hover | null {
  const doc = project.file.doc;
  for (const service of servicePairs(doc)) {
    const image = asScalar(doc, valueOf(doc, asMap(doc, service.value), 'image'));
    if (!image || typeof image.value !== 'string' || offset < image.start || offset > image.end || image.start === image.end) continue;
    const reference = image.value;
    const lines = [`**image** \`${reference}\``];
    const local = reference.includes('$') ? undefined : findLocalImage(reference, [...(project.host.localImages ?? [])]);
    if (local) {
      const size = local.size ? `, ${(local.size / 1e6).toFixed(1)} MB` : '';
      lines.push(`Local image \`${local.id.replace(/^sha256:/, '').slice(0, 12)}\`${size}`);
    } else if (project.host.localImages) lines.push('Not in the local engine: `docker compose pull` fetches it.');
    const page = reference.includes('$') ? undefined : registryPage(reference);
    if (page) lines.push(`[Open on its registry](${page})`);
    return {
      contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') },
      range: rangeOfSpan(doc, { start: image.start, end: image.end }),
    };
  }
  return null;
}

/** Whether hover or completion at a position shows local images, so a server asks the engine only then. */
export function composeWantsImages(project: ComposeProject, position: Position): boolean {
  const doc = project.file.doc;
  const offset = offsetOf(doc, position);
  const line = doc.text.slice(doc.lineStarts[position.line] ?? 0, offset);
  if (/^\s*image:\s*\S*$/.test(line)) return true;
  return servicePairs(doc).some((s) => {
    const image = asScalar(doc, valueOf(doc, asMap(doc, s.value), 'image'));
    return !!image && image.start <= offset && offset <= image.end;
  });
}
