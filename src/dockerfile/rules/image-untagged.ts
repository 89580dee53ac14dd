/** FROM an image with neither tag nor digest. */
import { defineRule } from './rule';
import { shownBase, tagFixes } from './shared/images';
import { subSpan } from './shared/source';

export const imageUntagged = defineRule({
  code: 'image-untagged',
  severity: 'warning',
  summary: 'FROM names an image with neither tag nor digest.',
  hadolint: 'DL3006',
  check(ctx, report) {
    for (const base of ctx.bases()) {
      if (!base || base.ref.digest || base.ref.tag !== undefined) continue;
      report({
        span: base.literal ? subSpan(base.word, 0, base.ref.nameEnd) : base.word.span,
        message: `Image '${shownBase(base)}' has no tag, so each build may pull a different image. Pin a version, e.g. '${base.text}:<version>'.`,
        data: { image: base.ref.repository, registry: base.ref.registry },
      });
    }
  },
  fix: (f) => tagFixes(f, { title: 'Add a tag', snippet: ':${1:tag}' }),
});
