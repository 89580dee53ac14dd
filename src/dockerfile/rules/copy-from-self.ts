/** COPY --from naming the stage it is in, which the builder rejects. */
import { defineRule } from './rule';
import { copyFrom } from './shared/copyFrom';

export const copyFromSelf = defineRule({
  code: 'copy-from-self',
  severity: 'error',
  summary: 'COPY --from names the stage it is in.',
  hadolint: 'DL3023',
  check(ctx, report) {
    for (const copy of ctx.doc.instructions) {
      if (copy.keyword !== 'COPY' || copy.stage < 0 || copy.flags.length === 0) continue;
      const stage = ctx.doc.stages[copy.stage];
      const from = copyFrom(ctx, copy);
      if (!from || from.index !== stage.index) continue;
      report({
        span: from.span,
        message: `COPY --from=${from.value} names the stage it is in${stage.name ? ` ('${stage.name.value}')` : ''}: a stage cannot copy from itself. Name an earlier stage or an image.`,
      });
    }
  },
});
