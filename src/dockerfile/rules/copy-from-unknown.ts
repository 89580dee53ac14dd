/** COPY --from naming no stage of the file and no plausible image: most likely a misspelt stage. */
import { dataString, fixFromData } from './fixer';
import { defineRule } from './rule';
import { copyFrom } from './shared/copyFrom';
import { didYouMean } from '../../shared/didYouMean';

/** Suggestions come from the nearest earlier stages only, so a file of thousands of stages stays linear. */
const MAX_SUGGESTION_STAGES = 64;

export const copyFromUnknown = defineRule({
  code: 'copy-from-unknown',
  severity: 'warning',
  summary: 'COPY --from names no stage and does not look like an image reference.',
  hadolint: 'DL3022',
  check(ctx, report) {
    const stages = ctx.doc.stages;
    for (const copy of ctx.doc.instructions) {
      if (copy.keyword !== 'COPY' || copy.stage < 0 || copy.flags.length === 0) continue;
      const own = copy.stage;
      const from = copyFrom(ctx, copy);
      if (!from || from.index === own) continue;
      const { value, span, index } = from;
      if (index !== undefined) {
        if (index >= stages.length) {
          report({
            span,
            message: `COPY --from=${value}: there is no stage ${value}; stages are numbered from 0 to ${stages.length - 1}.`,
          });
        }
        continue;
      }
      // An image reference has a tag, digest, registry or path; a bare word is most likely a stage name.
      if (/[:/@.]/.test(value)) continue;
      // A misspelt name rarely refers far back.
      const earlier: string[] = [];
      for (let s = own - 1; s >= 0 && s >= own - MAX_SUGGESTION_STAGES; s--) {
        const name = stages[s].name;
        if (name) earlier.push(name.value);
      }
      const suggestion = didYouMean(value, earlier);
      const hint = suggestion ? ` Did you mean '${suggestion}'?` : '';
      report({
        span,
        message: `COPY --from=${value} names no stage of this file, so the builder pulls an image called '${value}' instead.${hint} For an image, write its tag (${value}:<tag>); for a named build context (--build-context ${value}=…), ignore this.`,
        data: suggestion ? { suggestion, edits: [{ ...span, text: suggestion }] } : undefined,
      });
    }
  },
  fix: (f) => fixFromData(f, `Change to '${dataString(f, 'suggestion')}'`),
});
