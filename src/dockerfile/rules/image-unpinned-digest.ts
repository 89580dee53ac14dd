/** FROM without an @sha256 digest (off by default: tags are the usual trade-off). */
import { defineRule } from './rule';
import { baseAt, digestFix, shownBase } from './shared/images';

export const imageUnpinnedDigest = defineRule({
  code: 'image-unpinned-digest',
  severity: 'off',
  summary: 'FROM has no @sha256 digest.',
  check(ctx, report) {
    for (const base of ctx.bases()) {
      if (!base || base.ref.digest) continue;
      report({
        span: base.word.span,
        message: `Image '${shownBase(base)}' is not pinned to a digest. Add '@sha256:…' so the build always uses the same bytes.`,
        data: { image: base.ref.repository, registry: base.ref.registry, tag: base.ref.tag },
      });
    }
  },
  fix(f) {
    const found = baseAt(f);
    if (found) digestFix(f, found.base);
  },
});
