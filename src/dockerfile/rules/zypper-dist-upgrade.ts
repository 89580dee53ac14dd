/** zypper dist-upgrade in a build: the image moves to whatever the repositories hold that day. */
import { defineRule } from './rule';
import { wordsSpan } from './shared/runScript';
import { rpmAction, rpmVerb } from './shared/rpm';

export const zypperDistUpgrade = defineRule({
  code: 'zypper-dist-upgrade',
  severity: 'warning',
  summary: 'zypper dist-upgrade in a RUN replaces the distribution packages of the base image, even across releases.',
  hadolint: 'DL3035',
  check(ctx, report) {
    const source = ctx.doc.text;
    for (const run of ctx.runs('zypper')) {
      for (const { command, words, at, program } of run.commands()) {
        if (program !== 'zypper') continue;
        const verb = rpmVerb(words, 'zypper');
        if (rpmAction(words, 'zypper', verb) !== 'dist-upgrade') continue;
        report({
          span: wordsSpan(source, run.instruction, run.script(), command, at, at + verb.verb),
          message: `'zypper ${words[verb.verb]}' may switch every package of the base image to another version, vendor or release, so the image no longer matches its FROM. Use a newer base image, or 'zypper update' for fixes within the release.`,
        });
      }
    }
  },
});
