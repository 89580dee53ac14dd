/** FROM image references resolved through global ARGs, and the fixes the image rules share. */
import { positionAt, rangeOf, type Dockerfile, type Span, type Stage, type Word } from '../../model';
import { canonicalName, parseImageRef, type ImageRef } from '../../../shared/imageRef';
import type { LocalImage } from '../../../shared/localImage';
import { expandVariables } from '../../variables';
import { edits, offer, replaceSpan, snippet, type Fixer } from '../fixer';

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
export function resolveBase(
  doc: Dockerfile,
  stage: Stage,
  globals: Map<string, string | undefined>,
  stageNames: Map<string, number>,
): ResolvedBase | undefined {
  const word = stage.base;
  if (!word || stage.parent !== undefined) return undefined;
  const expanded = expandVariables(word.value, (name) => globals.get(name), doc.escape);
  if (expanded.unresolved || expanded.value === '') return undefined;
  const text = expanded.value;
  if (text === 'scratch') return undefined;
  // `FROM ${BASE}` may name an earlier stage once BASE is known.
  if (text !== word.value) {
    const named = stageNames.get(text.toLowerCase());
    if (named !== undefined && named < stage.index) return undefined;
  }
  return { word, text, ref: parseImageRef(text), literal: text === word.value };
}

/** How the reference reads in a message: as written, plus what it resolves to when an ARG is in it. */
export function shownBase(base: ResolvedBase): string {
  return base.literal ? base.text : `${base.word.value} (${base.text})`;
}

// ---- Fixes ---------------------------------------------------------------------------------

const MAX_TAG_SUGGESTIONS = 5;

/** The stage whose FROM the fix is on, with its base, when the base is written literally. */
export function baseAt(f: Fixer): { stage: Stage; base: ResolvedBase } | undefined {
  const stage = f.instruction && f.doc.stages[f.instruction.stage];
  if (!stage || stage.from !== f.instruction) return undefined;
  const base = f.context.bases()[stage.index];
  return base && base.literal ? { stage, base } : undefined;
}

/** Local images of the same repository, as parsed `repo:tag` references with their image. */
function localTags(f: Fixer, repository: string): { tag: string; image: LocalImage }[] {
  const out: { tag: string; image: LocalImage }[] = [];
  for (const image of f.ctx.localImages ?? []) {
    for (const repoTag of image.repoTags ?? []) {
      const ref = parseImageRef(repoTag);
      if (ref.tag && ref.tag !== '<none>' && canonicalName(ref) === repository) out.push({ tag: ref.tag, image });
    }
  }
  return out;
}

/** Tags the engine has for the image (what `latest` points at first), or a placeholder; then the digest. */
export function tagFixes(f: Fixer, placeholder: { title: string; snippet: string }): void {
  const found = baseAt(f);
  if (!found) return;
  const { base } = found;
  const repository = canonicalName(base.ref);
  const word = base.word;
  const tags = localTags(f, repository);
  const latestId = tags.find((t) => t.tag === 'latest')?.image.id;
  const candidates = tags
    .filter((t) => t.tag !== 'latest')
    // What `latest` points at locally comes first: pinning it changes nothing today.
    .sort(
      (a, b) =>
        Number(b.image.id === latestId) - Number(a.image.id === latestId) || b.tag.localeCompare(a.tag, undefined, { numeric: true }),
    )
    .slice(0, MAX_TAG_SUGGESTIONS);
  const nameEnd = word.span.start + base.ref.nameEnd;
  const tagSpan: Span = { start: nameEnd, end: base.ref.digestStart >= 0 ? word.span.start + base.ref.digestStart : word.span.end };
  candidates.forEach((c, i) => {
    const same = c.image.id === latestId ? ', the image latest is locally' : ' (local image)';
    offer(f, `Use tag '${c.tag}'${same}`, edits(f, [replaceSpan(f.doc, tagSpan, ':' + c.tag)]), i === 0);
  });
  if (candidates.length === 0 && f.ctx.snippetSupport) {
    offer(f, placeholder.title, snippet(f, rangeOf(f.doc, tagSpan), placeholder.snippet));
  }
  digestFix(f, base, tags);
}

/** Pins the reference to the digest of the local image with that tag. */
export function digestFix(f: Fixer, base: ResolvedBase, tags = localTags(f, canonicalName(base.ref))): void {
  if (base.ref.digest) return;
  const wanted = base.ref.tag ?? 'latest';
  const image = tags.find((t) => t.tag === wanted)?.image;
  const repository = canonicalName(base.ref);
  const digest = image?.repoDigests
    ?.map((d) => ({ ref: parseImageRef(d), d }))
    .find(({ ref }) => canonicalName(ref) === repository && ref.digest)?.ref.digest;
  if (!digest) return;
  const end = positionAt(f.doc, base.word.span.end);
  offer(f, `Pin to the local image's digest ${digest.slice(0, 19)}…`, edits(f, [{ range: { start: end, end }, newText: '@' + digest }]));
}
