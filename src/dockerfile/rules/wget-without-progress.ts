/** wget printing its default progress display into the build log. */
import { fixFromData } from './fixer';
import { defineRule } from './rule';
import { wordsSpan } from './shared/runScript';
import { insertAfter } from './shared/shellEdits';

/** Long options that keep wget's progress display out of the log, or the whole log out of it. */
const QUIET_LONG = /^--(?:progress|quiet|no-verbose|output-file|append-output|help|version)(?:=|$)/;
/** Short options that do the same: quiet, log to a file (`-o`), append to one (`-a`), help, version. */
const QUIET_SHORT = new Set(['q', 'o', 'a', 'h', 'V']);
/** Short options taking a value, which ends a cluster such as `-qO-`. */
const SHORT_WITH_VALUE = new Set(['O', 'o', 'a', 'e', 't', 'T', 'w', 'i', 'B', 'P', 'U', 'Q', 'l', 'D', 'R', 'A', 'X', 'I', 'Y']);

/** wget's options keep its progress display out of the log: `--progress=…`, `-q`, `-nv` and friends. */
function quietWget(words: readonly string[], from: number): boolean {
  for (let i = from; i < words.length; i++) {
    const word = words[i];
    if (word === '--') return false;
    if (word.startsWith('--')) {
      if (QUIET_LONG.test(word)) return true;
      continue;
    }
    if (word.length < 2 || word[0] !== '-') continue;
    // A cluster of short options; `-n` takes the next letter with it (`-nv`, `-nc`).
    for (let c = 1; c < word.length; c++) {
      const letter = word[c];
      if (letter === 'n') {
        if (word[c + 1] === 'v') return true;
        c++;
        continue;
      }
      if (QUIET_SHORT.has(letter)) return true;
      if (SHORT_WITH_VALUE.has(letter)) break;
    }
  }
  return false;
}

export const wgetWithoutProgress = defineRule({
  code: 'wget-without-progress',
  severity: 'info',
  summary: 'wget without --progress, -q or -nv fills the build log with its progress display.',
  hadolint: 'DL3047',
  check(ctx, report) {
    const source = ctx.doc.text;
    for (const run of ctx.runs('wget')) {
      const script = run.script();
      for (const { command, words, at, program } of run.commands()) {
        if (program !== 'wget' || quietWget(words, 1)) continue;
        report({
          span: wordsSpan(source, run.instruction, script, command, at),
          message:
            'wget without a progress option writes a line for every few kilobytes it downloads into the build log. Add --progress=dot:giga, or -nv (or -q) to log less.',
          data: script.exec ? undefined : insertAfter(source, run.instruction, script, command, at, ' --progress=dot:giga'),
        });
      }
    }
  },
  // Not preferred: BusyBox wget (Alpine) has no --progress, so Fix All must not add it unasked.
  fix: (f) => fixFromData(f, 'Add --progress=dot:giga', false),
});
