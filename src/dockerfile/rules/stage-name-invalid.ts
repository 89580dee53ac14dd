/** A build stage name the builder rejects. */
import { defineRule } from './rule';
import { STAGE_NAME } from './shared/scope';

export const stageNameInvalid = defineRule({
  code: 'stage-name-invalid',
  severity: 'error',
  summary: 'A build stage name the builder rejects.',
  check(ctx, report) {
    for (const { name } of ctx.doc.stages) {
      // A name from a variable is decided at build time.
      if (!name || STAGE_NAME.test(name.value) || name.value.includes('$')) continue;
      report({
        span: name.span,
        message: `Stage name '${name.value}' is invalid: start with a letter, then use letters, digits, '_', '-' or '.'.`,
      });
    }
  },
});
