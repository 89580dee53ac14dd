/**
 * Image manifests as registries serve them: Docker's v2 schema 2 and OCI image manifests (one
 * platform: a config and layers) and Docker manifest lists and OCI indexes (several platforms).
 * What a tag row shows comes from here: its size, its platforms and, where the manifest says it,
 * when it was made. Pure.
 */

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

/** What to send as Accept: every kind Berth reads, so the registry never falls back to schema 1. */
export const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');

/** The OCI annotation that dates an image. */
const CREATED = 'org.opencontainers.image.created';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** `linux/arm64/v8`. */
export function platformName(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

export interface ManifestSummary {
  kind: 'image' | 'index';
  mediaType: string;
  /** For an image: config plus layers, as stored (compressed). For an index: the sum of its images' manifests' own sizes is not an image size, so 0. */
  size: number;
  /** For an index: its platforms (attestation manifests left out). */
  platforms: Platform[];
  /** For an image: the config blob, which says when the image was made. */
  configDigest?: string;
  /** ISO date, when an annotation says it. */
  created?: string;
}

/** Thrown when a manifest is not one of the kinds above. */
export class UnreadableManifest extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const size = (v: unknown): number => (isObj(v) && typeof v.size === 'number' && v.size >= 0 ? v.size : 0);

/** Reads a manifest; `contentType` is the answer's, which wins over a missing `mediaType` field. */
export function summariseManifest(json: unknown, contentType?: string): ManifestSummary {
  if (!isObj(json)) throw new UnreadableManifest('the manifest is not a JSON object');
  const mediaType = typeof json.mediaType === 'string' ? json.mediaType : (contentType?.split(';')[0]?.trim() ?? '');
  const created =
    isObj(json.annotations) && typeof json.annotations[CREATED] === 'string' ? (json.annotations[CREATED] as string) : undefined;
  if (Array.isArray(json.manifests) || mediaType === MEDIA_TYPES.dockerList || mediaType === MEDIA_TYPES.ociIndex) {
    const manifests = Array.isArray(json.manifests) ? json.manifests.filter(isObj) : [];
    const platforms: Platform[] = [];
    for (const m of manifests) {
      const p = isObj(m.platform) ? m.platform : undefined;
      // BuildKit's provenance and SBOM attestations sit in the index as unknown/unknown.
      if (!p || typeof p.os !== 'string' || typeof p.architecture !== 'string' || p.os === 'unknown') continue;
      if (isObj(m.annotations) && m.annotations['vnd.docker.reference.type'] === 'attestation-manifest') continue;
      platforms.push({
        os: p.os,
        architecture: p.architecture,
        ...(typeof p.variant === 'string' && p.variant ? { variant: p.variant } : {}),
      });
    }
    return { kind: 'index', mediaType: mediaType || MEDIA_TYPES.ociIndex, size: 0, platforms, ...(created ? { created } : {}) };
  }
  if (json.schemaVersion === 2 && isObj(json.config) && Array.isArray(json.layers)) {
    const layers = json.layers.reduce((sum: number, layer) => sum + size(layer), 0);
    return {
      kind: 'image',
      mediaType: mediaType || MEDIA_TYPES.ociManifest,
      size: size(json.config) + layers,
      platforms: [],
      ...(typeof json.config.digest === 'string' ? { configDigest: json.config.digest } : {}),
      ...(created ? { created } : {}),
    };
  }
  if (json.schemaVersion === 1)
    throw new UnreadableManifest('the registry serves this tag as a schema 1 manifest, which is deprecated and not shown');
  throw new UnreadableManifest('the manifest is neither an image manifest nor an index');
}

/** An image config's `created` and platform, as far as it has them. */
export function readImageConfig(json: unknown): { created?: string; platform?: Platform } {
  if (!isObj(json)) return {};
  const created = typeof json.created === 'string' ? json.created : undefined;
  const platform =
    typeof json.os === 'string' && typeof json.architecture === 'string'
      ? {
          os: json.os,
          architecture: json.architecture,
          ...(typeof json.variant === 'string' && json.variant ? { variant: json.variant } : {}),
        }
      : undefined;
  return { ...(created ? { created } : {}), ...(platform ? { platform } : {}) };
}
