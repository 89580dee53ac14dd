/**
 * The apt lists left in the layer of the RUN that downloaded them. Decided per stage: a later RUN
 * that still installs from those lists turns the fix into advice to merge that install first.
 */
import { positionAt } from '../model';
import { fixFromData } from './fixer';
import { cacheMountFix } from './shared/cacheMount';
import { defineRule, type Finding } from './rule';
import { APT_PROMPTS, removesAptLists, verbIndex } from './shared/apt';
import type { Run } from './shared/runs';
import { discardedTargets, wordsSpan } from './shared/runScript';
import { covers, trimmedEnd } from './shared/shellEdits';

/** What one RUN does with the apt lists. */
function listsOf(source: string, run: Run): { kept?: Finding; needsLists: boolean } {
  const script = run.script();
  let lastInstall: { index: number; verb: number } | undefined;
  let removed = false;
  let updated = false;
  // An install before any update in this RUN works from lists an earlier RUN left.
  let needsLists = false;
  const commands = run.commands();
  for (let c = 0; c < commands.length; c++) {
    const { words, at, program } = commands[c];
    // aptitude fetches and keeps the same lists.
    if (program === 'apt' || program === 'apt-get' || program === 'aptitude') {
      const v = verbIndex(words, 1);
      const verb: string | undefined = words[v];
      if (verb === 'install') lastInstall = { index: c, verb: at + v };
      if (verb === 'update') updated = true;
      // apt 2.7's `dist-clean` deletes the lists as well as the package cache.
      else if (verb === 'dist-clean') removed = true;
      else if (verb !== undefined && APT_PROMPTS.has(verb) && !updated) needsLists = true;
    }
    if ((program === 'rm' || program === 'find') && removesAptLists(words)) removed = true;
  }
  // Only the RUN that ran `apt-get update` holds the lists in its layer; deleting them later saves nothing.
  if (!lastInstall || !updated || !run.shipped || removed || covers(discardedTargets(run.instruction.flags), '/var/lib/apt/lists')) {
    return { needsLists };
  }
  const { command, at } = commands[lastInstall.index];
  const instruction = run.instruction;
  const end = instruction.heredocs.length === 0 && !script.exec ? trimmedEnd(source, instruction.argsSpan.end) : -1;
  return {
    needsLists,
    kept: {
      span: wordsSpan(source, instruction, script, command, at, lastInstall.verb),
      message:
        "The apt package lists stay in this layer, tens of megabytes the image never uses. End the RUN with '&& rm -rf /var/lib/apt/lists/*', or mount a cache on /var/lib/apt/lists.",
      data: end >= 0 ? { edits: [{ start: end, end, text: ' && rm -rf /var/lib/apt/lists/*' }] } : undefined,
    },
  };
}

export const aptListsKept = defineRule({
  code: 'apt-lists-kept',
  severity: 'info',
  summary: 'The apt package lists are not deleted in the RUN that installs, so the image keeps them.',
  hadolint: 'DL3009',
  check(ctx, report) {
    const { doc } = ctx;
    // Findings wait for the end of their stage: a later RUN may still install from those lists.
    let pending: { finding: Finding; neededAt?: number }[] = [];
    let stage = -1;
    const flush = () => {
      for (const { finding, neededAt } of pending) {
        // Deleting the lists would break the later install, so that case gets advice, not a fix.
        report(
          neededAt === undefined
            ? finding
            : {
                ...finding,
                data: undefined,
                message: `${finding.message} The RUN on line ${positionAt(doc, neededAt).line + 1} installs from these lists, so move that install into this RUN first.`,
              },
        );
      }
      pending = [];
    };
    for (const run of ctx.runs('apt')) {
      if (run.stage.index !== stage) {
        flush();
        stage = run.stage.index;
      }
      const { kept, needsLists } = listsOf(doc.text, run);
      if (needsLists) for (const p of pending) p.neededAt ??= run.instruction.span.start;
      if (kept) pending.push({ finding: kept });
    }
    flush();
  },
  fix(f) {
    fixFromData(f, "Add '&& rm -rf /var/lib/apt/lists/*'");
    cacheMountFix(f, 'apt');
  },
});
