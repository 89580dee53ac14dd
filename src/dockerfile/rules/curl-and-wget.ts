/** curl and wget in one stage: two tools for one job, both installed. */
import type { Instruction } from '../model';
import { defineRule } from './rule';
import { wordsSpan } from './shared/runScript';

export const curlAndWget = defineRule({
  code: 'curl-and-wget',
  severity: 'info',
  summary: 'Both curl and wget are used in one stage.',
  hadolint: 'DL4001',
  check(ctx, report) {
    let stage = -1;
    // The first RUN using each tool, per stage; reported once, at the first use of the second tool.
    const seen = new Map<string, Instruction>();
    for (const run of ctx.runs('curl', 'wget')) {
      if (run.stage.index !== stage) {
        stage = run.stage.index;
        seen.clear();
      }
      if (seen.size === 2) continue;
      const script = run.script();
      if (!script.text.includes('curl') && !script.text.includes('wget')) continue;
      for (const { command, at, program } of run.commands()) {
        if ((program !== 'curl' && program !== 'wget') || seen.has(program)) continue;
        const other = program === 'curl' ? 'wget' : 'curl';
        seen.set(program, run.instruction);
        if (!seen.has(other)) continue;
        report({
          span: wordsSpan(ctx.doc.text, run.instruction, script, command, at),
          message: `This stage uses both ${other} and ${program}. Pick one: each is another package to install, patch and ship.`,
        });
        break;
      }
    }
  },
});
