/** A stage named `scratch` or `context`, names the builder gives a meaning of its own (BuildKit's ReservedStageName). */
import { defineRule } from './rule';

const RESERVED = new Set(['scratch', 'context']);

export const stageNameReserved = defineRule({
  code: 'stage-name-reserved',
  severity: 'warning',
  summary: 'A stage named scratch or context, which the builder reserves.',
  buildkit: 'ReservedStageName',
  check(ctx, report) {
    for (const { name } of ctx.doc.stages) {
      if (!name || !RESERVED.has(name.value.toLowerCase())) continue;
      report({
        span: name.span,
        message: `'${name.value}' is a name the builder reserves ('FROM ${name.value.toLowerCase()}' and '--from=${name.value.toLowerCase()}' mean its own, not this stage): choose another name.`,
      });
    }
  },
});
