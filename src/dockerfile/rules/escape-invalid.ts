/** An escape directive other than `\` or `` ` ``, which the builder rejects. */
import { defineRule } from './rule';

export const escapeInvalid = defineRule({
  code: 'escape-invalid',
  severity: 'error',
  summary: 'The escape directive accepts only \\ or `.',
  check(ctx, report) {
    for (const directive of ctx.doc.directives) {
      if (directive.name !== 'escape' || directive.value === '\\' || directive.value === '`') continue;
      report({ span: directive.valueSpan, message: `The escape directive takes \\ or \`, not '${directive.value}'.` });
    }
  },
});
