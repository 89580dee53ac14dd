/** apt-get update in a RUN of its own: the cached index goes stale while later installs reuse it. */
import type { TextEdit } from 'vscode-languageserver-types';
import { positionAt } from '../model';
import { edits, offer, replaceSpan, sourceOf, wholeLines, type Fixer } from './fixer';
import { defineRule } from './rule';
import { aptCommands, aptUpdateSpan, isAptInstall, isAptUpdate, usesAptLists } from './shared/apt';
import { shellText } from './shared/source';

/** Moves the update into the next RUN of the stage that installs. */
function aptFix(f: Fixer): void {
  const { doc } = f;
  const run = f.instruction;
  if (!run || run.stage < 0 || run.json || run.heredocs.length > 0) return;
  const stage = doc.stages[run.stage];
  const after = stage.instructions.slice(stage.instructions.indexOf(run) + 1);
  const target = after.find((i) => aptCommands(i).some(isAptInstall));
  if (!target || target.json || target.heredocs.length > 0) return;
  const updateSpan = aptUpdateSpan(doc.text, run);
  const updateText = sourceOf(doc, updateSpan);
  const list: TextEdit[] = [];
  if (aptCommands(run).every(isAptUpdate)) {
    list.push({ range: wholeLines(doc, run), newText: '' });
  } else {
    // Remove `apt-get update &&` (or `&& apt-get update`) from this RUN, keeping the rest.
    const esc = doc.escape === '`' ? '`' : '\\\\';
    const gap = `[ \\t]*(?:${esc}\\r?\\n[ \\t]*)?`;
    const tail = new RegExp(`^${gap}&&${gap}`).exec(doc.text.slice(updateSpan.end, updateSpan.end + 256));
    const head = new RegExp(`${gap}&&${gap}$`).exec(doc.text.slice(Math.max(run.argsSpan.start, updateSpan.start - 256), updateSpan.start));
    if (tail) list.push(replaceSpan(doc, { start: updateSpan.start, end: updateSpan.end + tail[0].length }, ''));
    else if (head) list.push(replaceSpan(doc, { start: updateSpan.start - head[0].length, end: updateSpan.end }, ''));
    else return;
  }
  const targetSource = doc.text.slice(target.argsSpan.start, target.span.end);
  const m = /\bapt(?:-get)?(?:[ \t]+-\S+)*[ \t]+(?:install|upgrade|dist-upgrade|full-upgrade|build-dep)\b/.exec(targetSource);
  if (!m) return;
  const at = positionAt(doc, target.argsSpan.start + m.index);
  list.push({ range: { start: at, end: at }, newText: `${updateText} && ` });
  offer(f, `Move '${updateText}' into the RUN that installs (line ${positionAt(doc, target.span.start).line + 1})`, edits(f, list), true);
}

export const aptUpdateAlone = defineRule({
  code: 'apt-update-alone',
  severity: 'warning',
  summary: 'apt-get update runs in a RUN without an install.',
  check(ctx, report) {
    for (const instruction of ctx.doc.instructions) {
      if (instruction.keyword !== 'RUN' || !shellText(instruction).includes('apt')) continue;
      const commands = ctx.commands(instruction);
      if (!commands.some(isAptUpdate) || commands.some(usesAptLists)) continue;
      report({
        span: aptUpdateSpan(ctx.doc.text, instruction),
        message:
          "'apt-get update' runs without an install in the same RUN, so its cached layer goes stale and later installs fetch outdated packages. Run it in the same RUN as 'apt-get install'.",
      });
    }
  },
  fix: aptFix,
});
