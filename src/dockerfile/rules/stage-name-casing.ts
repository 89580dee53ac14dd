/** `FROM x AS Build`: a stage name with capitals (BuildKit's StageNameCasing). */
import { analyzeSymbols, type StageOccurrence } from '../navigation';
import { fixFromData } from './fixer';
import { defineRule, type DataEdit } from './rule';

export const stageNameCasing = defineRule({
  code: 'stage-name-casing',
  severity: 'hint',
  summary: 'A build stage name with upper-case letters.',
  buildkit: 'StageNameCasing',
  check(ctx, report) {
    const { doc } = ctx;
    // Each stage's mentions, gathered once: a chain of thousands of capitalised stages would
    // otherwise read every mention once per stage.
    let mentions: StageOccurrence[][] | undefined;
    for (const stage of doc.stages) {
      const name = stage.name;
      // A name from a variable is decided at build time.
      if (!name || name.value === name.value.toLowerCase() || name.value.includes('$')) continue;
      const lower = name.value.toLowerCase();
      if (!mentions) {
        mentions = doc.stages.map(() => []);
        for (const o of analyzeSymbols(doc).stages) if (!o.numeric) mentions[o.stage]?.push(o);
      }
      // BuildKit compares stage names in lower case, so renaming every mention changes no reference.
      const edits: DataEdit[] = [];
      for (const o of mentions[stage.index]) {
        const written = doc.text.slice(o.span.start, o.span.end);
        if (written.toLowerCase() === lower && written !== lower) edits.push({ start: o.span.start, end: o.span.end, text: lower });
      }
      report({
        span: name.span,
        message: `Stage name '${name.value}' should be lower case: BuildKit reads it as '${lower}'. Write '${lower}'.`,
        data: { edits },
      });
    }
  },
  fix: (f) => fixFromData(f, 'Write the stage name in lower case'),
});
