/**
 * Document links from image references (FROM, `COPY --from=<image>`, `# syntax=`) to their registry's web
 * page. Stage references, `scratch` and references whose variables have no known value get none.
 */
import type { DocumentLink } from 'vscode-languageserver-types';
import { globalScope, stageNamed } from './hover';
import { parseImageRef } from '../shared/imageRef';
import type { Dockerfile, Span } from './model';
import { rangeOf } from './model';
import { expandVariables } from './variables';

const HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The web page of an image's repository, for registries whose page addresses follow from the name. */
export function registryPage(reference: string): string | undefined {
  const ref = parseImageRef(reference);
  const repository = ref.repository;
  if (!repository || !/^[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*$/.test(repository)) return undefined;
  const registry = ref.registry?.toLowerCase();
  if (!registry || HUB.has(registry)) {
    if (!repository.includes('/')) return `https://hub.docker.com/_/${repository}`;
    if (repository.startsWith('library/') && repository.split('/').length === 2) return `https://hub.docker.com/_/${repository.slice(8)}`;
    return repository.split('/').length === 2 ? `https://hub.docker.com/r/${repository}` : undefined;
  }
  const parts = repository.split('/');
  switch (registry) {
    case 'ghcr.io':
      // ghcr.io sends a browser to the package's page on GitHub.
      return parts.length >= 2 ? `https://ghcr.io/${repository}` : undefined;
    case 'quay.io':
      return parts.length === 2 ? `https://quay.io/repository/${repository}` : undefined;
    case 'mcr.microsoft.com':
      return `https://mcr.microsoft.com/en-us/artifact/mar/${repository}`;
    case 'public.ecr.aws':
      return parts.length === 2 ? `https://gallery.ecr.aws/${repository}` : undefined;
    case 'gcr.io':
    case 'us.gcr.io':
    case 'eu.gcr.io':
    case 'asia.gcr.io': {
      if (parts.length < 2) return undefined;
      const location = registry === 'gcr.io' ? 'global' : registry.split('.')[0];
      return `https://console.cloud.google.com/gcr/images/${parts[0]}/${location}/${parts.slice(1).join('/')}`;
    }
    default:
      return undefined;
  }
}

export function documentLinks(doc: Dockerfile): DocumentLink[] {
  const links: DocumentLink[] = [];
  let globals: ReturnType<typeof globalScope> | undefined;
  const add = (written: string, span: Span) => {
    let reference = written;
    if (written.includes('$')) {
      globals ??= globalScope(doc);
      const expanded = expandVariables(written, (name) => globals!.get(name)?.value, doc.escape);
      if (expanded.unresolved) return;
      reference = expanded.value;
    }
    if (reference.toLowerCase() === 'scratch' || /["'\s]/.test(reference)) return;
    const target = registryPage(reference);
    if (!target) return;
    // The name only: the tag and digest are not part of the page's address.
    const nameLength = written.includes('$') ? written.length : parseImageRef(written).nameEnd;
    links.push({
      range: rangeOf(doc, { start: span.start, end: span.start + nameLength }),
      target,
      tooltip: `Open ${reference.split(/[:@]/)[0]} on its registry`,
    });
  };
  // `# syntax=` names the frontend's image.
  for (const directive of doc.directives) {
    if (directive.name === 'syntax' && !/\s/.test(directive.value)) add(directive.value, directive.valueSpan);
  }
  for (const stage of doc.stages) {
    if (stage.base && stage.parent === undefined) add(stage.base.value, stage.base.span);
  }
  for (const instruction of doc.instructions) {
    if (instruction.keyword !== 'COPY' || instruction.flags.length === 0) continue;
    for (const flag of instruction.flags) {
      if (flag.name !== 'from' || !flag.value || !flag.valueSpan || flag.value.includes('$')) continue;
      if (stageNamed(doc, flag.value, instruction.span.start) || /^\d+$/.test(flag.value)) continue;
      // A value whose span does not match its text crosses a line break: leave it alone.
      if (flag.valueSpan.end - flag.valueSpan.start !== flag.value.length) continue;
      add(flag.value, flag.valueSpan);
    }
  }
  return links;
}
