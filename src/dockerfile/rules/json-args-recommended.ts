/** CMD or ENTRYPOINT in shell form, whose process never sees SIGTERM (BuildKit's JSONArgsRecommended). */
import { edits, offer, replaceSpan, type Fixer } from './fixer';
import { defineRule } from './rule';

function execFormFix(f: Fixer): void {
  const i = f.instruction;
  if (!i || i.json) return;
  // Only plain words: anything the shell would interpret must stay in shell form.
  if (/[$&|;<>()`*?~\\"'#{}[\]]/.test(i.argsText)) return;
  const json = JSON.stringify(i.args.map((w) => w.value)).replace(/","/g, '", "');
  offer(f, `Use exec form: ${i.keyword} ${json}`, edits(f, [replaceSpan(f.doc, i.argsSpan, json)]), true);
}

export const jsonArgsRecommended = defineRule({
  code: 'json-args-recommended',
  severity: 'info',
  summary: 'CMD or ENTRYPOINT in shell form: signals do not reach the process.',
  buildkit: 'JSONArgsRecommended',
  check(ctx, report) {
    // After a SHELL the shell form is what the author chose; a stage built on another inherits it.
    const shells = new Set<number>();
    for (const stage of ctx.doc.stages) {
      let shellSeen = stage.parent !== undefined && shells.has(stage.parent);
      for (const instruction of stage.instructions) {
        const k = instruction.keyword;
        if (k === 'SHELL') {
          shellSeen = true;
          shells.add(stage.index);
        }
        if ((k !== 'CMD' && k !== 'ENTRYPOINT') || instruction.json || shellSeen) continue;
        if (instruction.args.length === 0 || instruction.argsText.startsWith('[')) continue;
        report({
          span: instruction.argsSpan,
          message: `${k} in shell form runs under /bin/sh -c, so the process does not receive SIGTERM. Use exec form: ${k} ["executable", "arg"].`,
        });
      }
    }
  },
  fix: execFormFix,
});
