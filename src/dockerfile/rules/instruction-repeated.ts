/** More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage: only the last applies. */
import { positionAt, type Instruction } from '../model';
import { defineRule } from './rule';

export const instructionRepeated = defineRule({
  code: 'instruction-repeated',
  severity: 'warning',
  summary: 'More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage: only the last applies.',
  hadolint: 'DL4003',
  buildkit: 'MultipleInstructionsDisallowed',
  check(ctx, report) {
    for (const stage of ctx.doc.stages) {
      const last = new Map<string, Instruction>();
      for (const instruction of stage.instructions) {
        const k = instruction.keyword;
        if (k !== 'CMD' && k !== 'ENTRYPOINT' && k !== 'HEALTHCHECK') continue;
        const previous = last.get(k);
        last.set(k, instruction);
        if (!previous) continue;
        report({
          span: previous.keywordSpan,
          message: `This ${k} is overridden by a later ${k} in the same stage (line ${positionAt(ctx.doc, instruction.span.start).line + 1}); only the last one applies.`,
        });
      }
    }
  },
});
