/** Two build stages sharing a name (BuildKit's DuplicateStageName). */
import { defineRule } from './rule';
import { STAGE_NAME } from './shared/scope';

export const stageNameDuplicate = defineRule({
  code: 'stage-name-duplicate',
  severity: 'error',
  summary: 'Two build stages share a name.',
  buildkit: 'DuplicateStageName',
  check(ctx, report) {
    for (const stage of ctx.doc.stages) {
      const name = stage.name;
      // An invalid name gets stage-name-invalid instead.
      if (!name || (!STAGE_NAME.test(name.value) && !name.value.includes('$'))) continue;
      if (ctx.stageNames().get(name.value.toLowerCase()) === stage.index) continue;
      report({ span: name.span, message: `Another stage is already named '${name.value}' (names ignore case).` });
    }
  },
});
