/** FROM an image with neither tag nor digest. */
import { IMAGE_REFERENCE } from './from-arg-default-invalid';
import { defineRule } from './rule';
import { shownBase, tagFixes } from './shared/images';
import { subSpan } from './shared/source';

export const imageUntagged = defineRule({
  code: 'image-untagged',
  severity: 'warning',
  summary: 'FROM names an image with neither tag nor digest.',
  hadolint: 'DL3006',
  check(ctx, report) {
    const globals = ctx.globalArgs();
    for (const base of ctx.bases()) {
      if (!base || base.ref.digest || base.ref.tag !== undefined) continue;
      // No image at all with the ARG defaults: from-arg-default-invalid says so.
      if (!base.literal && !IMAGE_REFERENCE.test(base.text)) continue;
      // `ARG distro=""` / `FROM docker.io/library/${distro}`: the empty default is what to fix.
      const empty = base.literal
        ? []
        : [...base.word.value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]).filter((n) => globals.get(n) === '');
      if (empty.length > 0) {
        report({
          span: base.word.span,
          message: `Image '${base.word.value}' depends on ARG ${empty.join(', ')}, whose default is empty, so it names '${base.text}'. Give the ARG a default image, or always pass it with --build-arg.`,
        });
        continue;
      }
      report({
        span: base.literal ? subSpan(base.word, 0, base.ref.nameEnd) : base.word.span,
        message: `Image '${shownBase(base)}' has no tag, so each build may pull a different image. Pin a version, e.g. '${base.text}:<version>'.`,
        data: { image: base.ref.repository, registry: base.ref.registry },
      });
    }
  },
  fix: (f) => tagFixes(f, { title: 'Add a tag', snippet: ':${1:tag}' }),
});
