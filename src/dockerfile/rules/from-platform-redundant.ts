/** `FROM --platform=$TARGETPLATFORM`: what FROM does anyway (BuildKit's RedundantTargetPlatform). */
import { fixFromData } from './fixer';
import { defineRule } from './rule';

const TARGET_PLATFORM = /^(?:\$TARGETPLATFORM|\$\{TARGETPLATFORM\})$/;

export const fromPlatformRedundant = defineRule({
  code: 'from-platform-redundant',
  severity: 'info',
  summary: 'FROM --platform=$TARGETPLATFORM, which is what FROM does without the flag.',
  buildkit: 'RedundantTargetPlatform',
  check(ctx, report) {
    const source = ctx.doc.text;
    for (const { from } of ctx.doc.stages) {
      for (const flag of from.flags) {
        if (flag.name !== 'platform' || flag.value === undefined || !TARGET_PLATFORM.test(flag.value)) continue;
        // The flag goes with the blanks after it, so `FROM --platform=… alpine` becomes `FROM alpine`.
        let end = flag.span.end;
        while (source[end] === ' ' || source[end] === '\t') end++;
        report({
          span: flag.span,
          message: `'--platform=${flag.value}' is redundant: FROM pulls for the target platform by default. Remove the flag.`,
          data: { edits: [{ start: flag.span.start, end, text: '' }] },
        });
      }
    }
  },
  fix: (f) => fixFromData(f, 'Remove --platform'),
});
