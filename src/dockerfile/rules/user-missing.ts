/** No USER applies to the final image, so it runs as the base image's user, often root. */
import { defineRule } from './rule';
import { effectiveUser, userFix } from './shared/users';

export const userMissing = defineRule({
  code: 'user-missing',
  severity: 'info',
  summary: 'No USER applies to the final image, so it runs as the base image user (often root).',
  needsAPerson: true,
  check(ctx, report) {
    const { doc } = ctx;
    const final = doc.stages.length - 1;
    if (final < 0 || effectiveUser(doc, final)) return;
    const { from, base } = doc.stages[final];
    // Images built to run unprivileged say so in their tag (distroless :nonroot and the like); Nano
    // Server images (Windows') run as the unprivileged ContainerUser unless told otherwise.
    if (/non-?root|nanoserver/i.test(base?.value ?? '')) return;
    report({
      span: { start: from.keywordSpan.start, end: from.argsSpan.end },
      message: 'No USER applies to the final image, so it runs as the base image user, often root. Add USER with an unprivileged user.',
      data: { stage: final },
    });
  },
  fix: userFix,
});
