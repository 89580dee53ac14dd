/** FROM an image tagged `latest`, which moves, without a digest. */
import { defineRule } from './rule';
import { shownBase, tagFixes } from './shared/images';
import { subSpan } from './shared/source';

export const imageLatest = defineRule({
  code: 'image-latest',
  severity: 'warning',
  summary: "FROM uses the tag 'latest' without a digest.",
  hadolint: 'DL3007',
  check(ctx, report) {
    for (const base of ctx.bases()) {
      if (!base || base.ref.digest || base.ref.tag !== 'latest') continue;
      report({
        span: base.literal ? subSpan(base.word, base.ref.tagStart, base.ref.tagStart + 6) : base.word.span,
        message: `Image '${shownBase(base)}' uses the tag 'latest', which moves. Pin a version instead.`,
        data: { image: base.ref.repository, registry: base.ref.registry },
      });
    }
  },
  fix: (f) => tagFixes(f, { title: "Replace 'latest' with a version", snippet: ':${1:version}' }),
});
