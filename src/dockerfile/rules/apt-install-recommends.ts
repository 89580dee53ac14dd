/** apt-get install without --no-install-recommends: recommended packages nobody asked for. */
import { fixFromData } from './fixer';
import { defineRule } from './rule';
import { aptSimulates, verbIndex } from './shared/apt';
import { wordsSpan } from './shared/runScript';
import { insertAfter } from './shared/shellEdits';

function aptSkipsRecommends(words: string[]): boolean {
  return words.some(
    (w, i) =>
      w === '--no-install-recommends' ||
      /Install-Recommends=(?:0|false|no)$/i.test(w) ||
      (w === '-o' && /Install-Recommends=(?:0|false|no)$/i.test(words[i + 1] ?? '')),
  );
}

export const aptInstallRecommends = defineRule({
  code: 'apt-install-recommends',
  severity: 'info',
  summary: 'apt-get install without --no-install-recommends installs recommended packages too.',
  hadolint: 'DL3015',
  check(ctx, report) {
    const source = ctx.doc.text;
    for (const run of ctx.runs('apt')) {
      const script = run.script();
      for (const { command, words, at, program } of run.commands()) {
        if (program !== 'apt' && program !== 'apt-get') continue;
        const v = verbIndex(words, 1);
        const verb: string | undefined = words[v];
        if (verb !== 'install' || aptSkipsRecommends(words) || aptSimulates(words) || ctx.aptConfigured('Install-Recommends')) continue;
        report({
          span: wordsSpan(source, run.instruction, script, command, at, at + v),
          message: `'${program} install' also installs every recommended package, often tens of megabytes nobody asked for. Add --no-install-recommends and name what you need.`,
          data: script.exec ? undefined : insertAfter(source, run.instruction, script, command, at + v, ' --no-install-recommends'),
        });
      }
    }
  },
  fix: (f) => fixFromData(f, 'Add --no-install-recommends'),
});
