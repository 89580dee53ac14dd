/**
 * Document links in Compose files: `build.dockerfile`, `env_file`, `label_file`, `extends.file`,
 * `include` and top-level config and secret files to the files (when they exist), and `image:`
 * to its registry's page.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentLink } from 'vscode-languageserver-types';
import { registryPage } from '../dockerfile/links';
import { parseImageRef } from '../shared/imageRef';
import { rangeOfSpan, type Node } from './document';
import { interpolate } from './interpolation';
import { servicePairs, subSpan, valueSpan } from './model';
import type { ComposeProject } from './project';
import { buildInfo } from './rules/files';
import { asMap, asScalar, asSeq, entries, valueOf } from './tree';

/** The links of the project's current file. */
export function composeLinks(project: ComposeProject): DocumentLink[] {
  const { file, host } = project;
  const doc = file.doc;
  const links: DocumentLink[] = [];
  const uri = (p: string) => host.uri?.(p) ?? pathToFileURL(p).href;
  const lookup = (name: string) => project.variable(name);
  const fileLink = (node: Node | null, base: string) => {
    const scalar = asScalar(doc, node);
    if (!scalar || typeof scalar.value !== 'string') return;
    const text = interpolate(scalar.value, lookup);
    if (!text) return;
    const target = path.resolve(base, text);
    if (host.stat(target) !== 'file') return;
    links.push({ range: rangeOfSpan(doc, valueSpan(doc, scalar)), target: uri(target) });
  };
  const list = (node: Node | null) => asSeq(doc, node)?.items ?? (node ? [node] : []);
  const root = doc.root ?? undefined;

  for (const service of servicePairs(doc)) {
    const map = asMap(doc, service.value);
    if (!map) continue;
    const build = valueOf(doc, map, 'build');
    if (build) {
      const info = buildInfo(project, service.name, file.dir, build);
      if (info?.dockerfileNode && info.dockerfile && host.stat(info.dockerfile) === 'file') {
        links.push({ range: rangeOfSpan(doc, valueSpan(doc, info.dockerfileNode)), target: uri(info.dockerfile) });
      }
    }
    for (const item of list(valueOf(doc, map, 'env_file'))) {
      const long = asMap(doc, item);
      fileLink(long ? valueOf(doc, long, 'path') : item, file.dir);
    }
    for (const item of list(valueOf(doc, map, 'label_file'))) fileLink(item, file.dir);
    fileLink(valueOf(doc, asMap(doc, valueOf(doc, map, 'extends')), 'file'), file.dir);
    const image = asScalar(doc, valueOf(doc, map, 'image'));
    if (image && typeof image.value === 'string' && !image.value.includes('$')) {
      const page = registryPage(image.value);
      if (page) {
        links.push({
          range: rangeOfSpan(doc, subSpan(doc, image, 0, parseImageRef(image.value).nameEnd)),
          target: page,
          tooltip: `Open ${image.value.split(/[:@]/)[0]} on its registry`,
        });
      }
    }
  }
  for (const item of asSeq(doc, valueOf(doc, root, 'include'))?.items ?? []) {
    const long = asMap(doc, item);
    for (const p of list(long ? valueOf(doc, long, 'path') : item)) fileLink(p, file.dir);
    if (long) for (const p of list(valueOf(doc, long, 'env_file'))) fileLink(p, file.dir);
  }
  for (const section of ['configs', 'secrets']) {
    for (const pair of entries(doc, asMap(doc, valueOf(doc, root, section))))
      fileLink(valueOf(doc, asMap(doc, pair.value), 'file'), file.dir);
  }
  return links;
}
