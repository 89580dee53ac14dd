/** FROM image references: tags, digests and registries. */
import type { Stage, Word } from '../model';
import { parseImageRef, type ImageRef } from '../../shared/imageRef';
import { expandVariables } from '../variables';
import { subSpan, type RuleContext } from './context';

export interface ResolvedBase {
  word: Word;
  /** The reference with global ARG defaults substituted. */
  text: string;
  ref: ImageRef;
  /** True when the reference was written literally, so offsets in `ref` map onto `word`. */
  literal: boolean;
}

/**
 * The external image a stage starts from, or undefined when it starts from `scratch`,
 * an earlier stage, or a reference that depends on an ARG without a default.
 */
export function resolveBase(ctx: RuleContext, stage: Stage): ResolvedBase | undefined {
  const word = stage.base;
  if (!word || stage.parent !== undefined) return undefined;
  const args = ctx.globalArgs();
  const expanded = expandVariables(word.value, (name) => args.get(name), ctx.doc.escape);
  if (expanded.unresolved || expanded.value === '') return undefined;
  const text = expanded.value;
  if (text === 'scratch') return undefined;
  // `FROM ${BASE}` may name an earlier stage once BASE is known.
  if (text !== word.value) {
    const named = ctx.stageNames().get(text.toLowerCase());
    if (named !== undefined && named < stage.index) return undefined;
  }
  return { word, text, ref: parseImageRef(text), literal: text === word.value };
}

export function checkImages(ctx: RuleContext): void {
  const trusted = ctx.settings.trustedRegistries ?? [];
  for (const stage of ctx.doc.stages) {
    const base = resolveBase(ctx, stage);
    if (!base) continue;
    const { ref, word } = base;
    const shown = base.literal ? base.text : `${word.value} (${base.text})`;
    if (!ref.digest) {
      if (ref.tag === undefined) {
        ctx.report({
          code: 'image-untagged',
          span: base.literal ? subSpan(word, 0, ref.nameEnd) : word.span,
          message: `Image '${shown}' has no tag, so each build may pull a different image. Pin a version, e.g. '${base.text}:<version>'.`,
          data: { image: ref.repository, registry: ref.registry },
        });
      } else if (ref.tag === 'latest') {
        ctx.report({
          code: 'image-latest',
          span: base.literal ? subSpan(word, ref.tagStart, ref.tagStart + 6) : word.span,
          message: `Image '${shown}' uses the tag 'latest', which moves. Pin a version instead.`,
          data: { image: ref.repository, registry: ref.registry },
        });
      }
      ctx.report({
        code: 'image-unpinned-digest',
        span: word.span,
        message: `Image '${shown}' is not pinned to a digest. Add '@sha256:…' so the build always uses the same bytes.`,
        data: { image: ref.repository, registry: ref.registry, tag: ref.tag },
      });
    }
    if (trusted.length > 0) {
      const registry = ref.registry ?? 'docker.io';
      const ok = trusted.some((t) => registryMatches(t, registry));
      if (!ok) {
        ctx.report({
          code: 'image-untrusted-registry',
          span: word.span,
          message: `Registry '${registry}' is not in the trusted registries (${trusted.join(', ')}).`,
        });
      }
    }
  }
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'hub.docker.com', 'registry-1.docker.io']);

/** hadolint's matching: exact, or a leading/trailing `*` wildcard; Docker Hub's names are one. */
function registryMatches(pattern: string, registry: string): boolean {
  const p = pattern.trim().toLowerCase();
  const r = registry.toLowerCase();
  if (p === r || (DOCKER_HUB.has(p) && DOCKER_HUB.has(r))) return true;
  if (p.startsWith('*')) return r.endsWith(p.slice(1));
  if (p.endsWith('*')) return r.startsWith(p.slice(0, -1));
  return false;
}
