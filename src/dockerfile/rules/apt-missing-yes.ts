/** apt-get install (and the other verbs that ask) without -y: the build cannot answer the prompt. */
import { fixFromData } from './fixer';
import { defineRule } from './rule';
import { APT_PROMPTS, aptSimulates, verbIndex } from './shared/apt';
import { wordsSpan } from './shared/runScript';
import { insertAfter } from './shared/shellEdits';

/** apt-get answers yes without asking: -y, --yes, --assume-yes, -qq (which implies -y), or the option. */
function aptAssumesYes(words: string[]): boolean {
  // `-q -q` and `--quiet --quiet` count up to -qq as well.
  let quiet = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '-q' || w === '--quiet' || w === '--silent') quiet++;
    if (quiet >= 2) return true;
    if (w === '--yes' || w === '--assume-yes' || w === '--force-yes' || w === '-q=2' || w === '--quiet=2') return true;
    if (/^-[a-zA-Z]+$/.test(w) && (w.includes('y') || /q.*q/.test(w))) return true;
    if ((w === '-o' && /^APT::Get::Assume-Yes=(?:1|true|yes)$/i.test(words[i + 1] ?? '')) || /^-oAPT::Get::Assume-Yes=/i.test(w))
      return true;
  }
  return false;
}

export const aptMissingYes = defineRule({
  code: 'apt-missing-yes',
  severity: 'warning',
  summary: 'apt-get install without -y aborts when it asks for confirmation.',
  hadolint: 'DL3014',
  check(ctx, report) {
    const source = ctx.doc.text;
    for (const run of ctx.runs('apt')) {
      const script = run.script();
      const commands = run.commands();
      for (let c = 0; c < commands.length; c++) {
        const { command, words, at, program } = commands[c];
        if (program !== 'apt' && program !== 'apt-get') continue;
        const v = verbIndex(words, 1);
        const verb: string | undefined = words[v];
        if (verb === undefined || !APT_PROMPTS.has(verb) || aptAssumesYes(words) || aptSimulates(words)) continue;
        // An apt.conf.d file written anywhere in the file may answer for every RUN.
        if (ctx.aptConfigured('Assume-Yes')) continue;
        // `yes | apt-get install` answers the prompt through the pipe.
        if (c > 0 && commands[c - 1].command.next === '|') continue;
        report({
          span: wordsSpan(source, run.instruction, script, command, at, at + v),
          message: `'${program} ${verb}' without -y asks for confirmation, which a build cannot give: the step aborts as soon as more than the named packages are involved. Add -y.`,
          data: script.exec ? undefined : insertAfter(source, run.instruction, script, command, at + v, ' -y'),
        });
      }
    }
  },
  fix: (f) => fixFromData(f, 'Add -y'),
});
