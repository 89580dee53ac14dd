/** The final image runs as root. */
import { defineRule } from './rule';
import { effectiveUser, isRootUser, userFix, userName } from './shared/users';

export const userRoot = defineRule({
  code: 'user-root',
  severity: 'warning',
  summary: 'The final image runs as root.',
  hadolint: 'DL3002',
  needsAPerson: true,
  check(ctx, report) {
    const { doc } = ctx;
    const final = doc.stages.length - 1;
    if (final < 0) return;
    const user = effectiveUser(doc, final);
    if (!user) return;
    const name = userName(doc, user, ctx.globalArgs());
    if (name === undefined || !isRootUser(name)) return;
    report({
      span: user.args[0]?.span ?? user.keywordSpan,
      message: `The final image runs as '${name}'. Switch to an unprivileged user with USER after the steps that need root.`,
      data: { stage: final },
    });
  },
  fix: userFix,
});
