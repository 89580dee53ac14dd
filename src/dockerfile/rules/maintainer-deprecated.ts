/** MAINTAINER, deprecated in favour of the OCI authors label (BuildKit's MaintainerDeprecated). */
import { edits, offer, replaceSpan, type Fixer } from './fixer';
import { defineRule } from './rule';

function maintainerFix(f: Fixer): void {
  const i = f.instruction;
  if (!i || i.keyword !== 'MAINTAINER') return;
  const author = i.argsText.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  offer(
    f,
    'Replace with LABEL org.opencontainers.image.authors',
    edits(f, [replaceSpan(f.doc, i.span, `LABEL org.opencontainers.image.authors="${author}"`)]),
    true,
  );
}

export const maintainerDeprecated = defineRule({
  code: 'maintainer-deprecated',
  severity: 'info',
  summary: 'MAINTAINER is deprecated.',
  hadolint: 'DL4000',
  buildkit: 'MaintainerDeprecated',
  check(ctx, report) {
    for (const instruction of ctx.doc.instructions) {
      // Without arguments the builder's args-missing says it all.
      if (instruction.keyword !== 'MAINTAINER' || (instruction.argsText === '' && instruction.heredocs.length === 0)) continue;
      report({
        span: instruction.keywordSpan,
        message: 'MAINTAINER is deprecated. Use LABEL org.opencontainers.image.authors="…" instead.',
      });
    }
  },
  fix: maintainerFix,
});
