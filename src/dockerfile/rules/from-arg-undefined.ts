/** FROM using a variable that no ARG before the first FROM declares (BuildKit's UndefinedArgInFrom). */
import type { Stage, Word } from '../model';
import type { RuleContext } from './context';
import { defineRule, type Finding } from './rule';
import { didYouMean } from '../../shared/didYouMean';
import { hasDollar, nameSpan, PLATFORM, PREDEFINED, refsOf, renameData, renameOrDeclareFix } from './shared/scope';

/** Some stage declares `ARG name`, which FROM cannot see. */
function declaredInAStage(ctx: RuleContext, name: string): boolean {
  for (const stage of ctx.doc.stages) {
    for (const i of stage.instructions)
      if (i.keyword === 'ARG' && i.args.some((w) => w.value === name || w.value.startsWith(name + '='))) return true;
  }
  return false;
}

/** FROM sees the global ARGs and the platform ARGs only. */
function checkFrom(ctx: RuleContext, report: (finding: Finding) => void, stage: Stage, globals: Set<string>): void {
  const from = stage.from;
  const words: Word[] = [];
  if (stage.base) words.push(stage.base);
  for (const flag of from.flags)
    if (flag.name === 'platform' && flag.value && flag.valueSpan) words.push({ value: flag.value, span: flag.valueSpan });
  for (const word of words) {
    for (const ref of refsOf(word, ctx.doc.escape)) {
      if (ref.modifier && ref.modifier !== '?' && ref.modifier !== ':?') continue;
      if (globals.has(ref.name) || PLATFORM.has(ref.name) || PREDEFINED.has(ref.name)) continue;
      const suggestion = didYouMean(ref.name, [...globals, ...PLATFORM]);
      const inStage = declaredInAStage(ctx, ref.name);
      const why = inStage
        ? `ARG ${ref.name} is declared inside a stage, and FROM only sees ARGs declared before the first FROM. Move the ARG above the first FROM`
        : `No ARG ${ref.name} is declared before the first FROM, so it expands to an empty string. Declare 'ARG ${ref.name}=<default>' above the first FROM`;
      report({
        span: nameSpan(word, ref),
        message: `${why}${suggestion ? `, or did you mean '${suggestion}'?` : '.'}`,
        data: suggestion ? renameData(word, ref, suggestion) : undefined,
      });
    }
  }
}

export const fromArgUndefined = defineRule({
  code: 'from-arg-undefined',
  severity: 'warning',
  summary: 'FROM uses a variable that no ARG before the first FROM declares.',
  buildkit: 'UndefinedArgInFrom',
  check(ctx, report) {
    for (const stage of ctx.doc.stages) {
      if (stage.from.argsText.includes('$') || stage.from.flags.some(hasDollar)) checkFrom(ctx, report, stage, ctx.globalArgNames());
    }
  },
  fix: renameOrDeclareFix,
});
