/** Image references, read with Docker's grammar: `[registry/]path[:tag][@digest]`. */

export interface ImageRef {
  /** The registry host when the first path component names one. */
  registry: string | undefined;
  /** Repository path without registry, tag or digest, e.g. `library/node` is written `node`. */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
  /** Offset of the tag (after `:`) in the reference string, or -1. */
  tagStart: number;
  /** Offset of the `@` of the digest, or -1. */
  digestStart: number;
  /** Length of `[registry/]repository`. */
  nameEnd: number;
}

/** The first component is a registry when it is `localhost`, contains `.` or `:`, or has capitals (repositories cannot). */
function isRegistry(component: string): boolean {
  return component === 'localhost' || component.includes('.') || component.includes(':') || component !== component.toLowerCase();
}

export function parseImageRef(ref: string): ImageRef {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const withoutDigest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = withoutDigest.indexOf('/');
  const registry = slash > 0 && isRegistry(withoutDigest.slice(0, slash)) ? withoutDigest.slice(0, slash) : undefined;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const tag = colon >= 0 ? withoutDigest.slice(colon + 1) : undefined;
  const nameEnd = colon >= 0 ? colon : withoutDigest.length;
  const repository = withoutDigest.slice(registry ? registry.length + 1 : 0, nameEnd);
  return { registry, repository, tag, digest, tagStart: colon >= 0 ? colon + 1 : -1, digestStart: at, nameEnd };
}

/** Docker Hub's name for an image, for matching against `docker images` (which omits the default registry). */
export function canonicalName(ref: ImageRef): string {
  const registry = ref.registry && ref.registry !== 'docker.io' && ref.registry !== 'index.docker.io' ? ref.registry + '/' : '';
  const repository = !registry && ref.repository.startsWith('library/') ? ref.repository.slice(8) : ref.repository;
  return registry + repository;
}

/**
 * `[registry/]repository[:tag][@digest]` as the Engine API takes it: the repository with its
 * registry, and the tag and digest apart. Nothing is dropped: `app:1@sha256:…` keeps both.
 */
export function splitReference(reference: string): { repository: string; tag?: string; digest?: string } {
  const ref = parseImageRef(reference);
  return {
    repository: reference.slice(0, ref.nameEnd),
    ...(ref.tag !== undefined ? { tag: ref.tag } : {}),
    ...(ref.digest !== undefined ? { digest: ref.digest } : {}),
  };
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

/**
 * Whether `reference` is a complete image reference by Docker's grammar: lower-case path
 * components, an optional registry host[:port], `:tag` and `@algorithm:hex`. Checked before a
 * name reaches the engine, whose answer to a bad one says less.
 */
export function isImageReference(reference: string): boolean {
  return reference.length <= 512 && REFERENCE.test(reference) && reference.slice(0, parseImageRef(reference).nameEnd).length <= 255;
}
