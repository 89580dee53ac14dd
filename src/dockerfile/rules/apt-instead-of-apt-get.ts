/** apt in a script, where apt-get has the stable interface. */
import { fixFromData } from './fixer';
import { defineRule } from './rule';
import { verbIndex } from './shared/apt';
import { wordsSpan } from './shared/runScript';

/** apt verbs apt-get runs the same way, so `apt` → `apt-get` changes nothing else. */
const APT_GET_VERBS = new Set([
  'install',
  'update',
  'upgrade',
  'dist-upgrade',
  'full-upgrade',
  'remove',
  'purge',
  'autoremove',
  'clean',
  'autoclean',
  'build-dep',
  'source',
  'download',
  'reinstall',
]);

export const aptInsteadOfAptGet = defineRule({
  code: 'apt-instead-of-apt-get',
  severity: 'info',
  summary: 'apt has no stable command line interface for scripts; use apt-get.',
  hadolint: 'DL3027',
  check(ctx, report) {
    const source = ctx.doc.text;
    for (const run of ctx.runs('apt')) {
      const script = run.script();
      for (const { command, words, at, program } of run.commands()) {
        if (program !== 'apt') continue;
        const verb: string | undefined = words[verbIndex(words, 1)];
        if (verb === undefined) continue;
        const span = wordsSpan(source, run.instruction, script, command, at);
        const fixable = !script.exec && APT_GET_VERBS.has(verb) && source.slice(span.start, span.end) === 'apt';
        report({
          span,
          message: `Use apt-get ${verb} in scripts: apt is meant for people at a terminal, its output and options may change between releases, and it warns that it has no stable command line interface.`,
          data: fixable ? { edits: [{ start: span.end, end: span.end, text: '-get' }] } : undefined,
        });
      }
    }
  },
  fix: (f) => fixFromData(f, 'Use apt-get'),
});
