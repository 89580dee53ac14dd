/** `FROM x as y` or `from x AS y`: the AS keyword cased unlike its FROM (BuildKit's FromAsCasing). */
import { fixFromData } from './fixer';
import { defineRule } from './rule';

export const fromAsCasing = defineRule({
  code: 'from-as-casing',
  severity: 'hint',
  summary: "FROM's AS keyword cased unlike its FROM.",
  buildkit: 'FromAsCasing',
  check(ctx, report) {
    for (const stage of ctx.doc.stages) {
      const as = stage.from.args[1];
      if (!as || as.value.toLowerCase() !== 'as') continue;
      // A mixed-case FROM (`From`) matches either way, as BuildKit reads it.
      const keyword = stage.from.keywordSpan;
      const written = ctx.doc.text.slice(keyword.start, keyword.end);
      const upper = written === written.toUpperCase();
      const lower = written === written.toLowerCase();
      if ((upper && as.value === 'AS') || (lower && as.value === 'as') || (!upper && !lower)) continue;
      const wanted = upper ? 'AS' : 'as';
      report({
        span: as.span,
        message: `'${as.value}' is cased unlike '${written}': write '${wanted}'.`,
        data: { edits: [{ start: as.span.start, end: as.span.end, text: wanted }] },
      });
    }
  },
  fix: (f) => fixFromData(f, 'Match the casing of FROM'),
});
