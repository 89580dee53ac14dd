/** sudo in RUN: build steps run as root already, or need to run before USER. */
import { fixFromData } from './fixer';
import { defineRule } from './rule';
import { wordsSpan } from './shared/runScript';
import { trailingSpace } from './shared/shellEdits';

export const sudoInRun = defineRule({
  code: 'sudo-in-run',
  severity: 'warning',
  summary: 'sudo in RUN: build steps run as root already, or need to run before USER.',
  hadolint: 'DL3004',
  check(ctx, report) {
    const source = ctx.doc.text;
    for (const run of ctx.runs('sudo')) {
      const script = run.script();
      for (const { command, at } of run.commands()) {
        // sudo, wherever it stands in the command's wrappers.
        const sudo = command.words.indexOf('sudo');
        if (sudo < 0 || sudo > at) continue;
        const options = at - sudo - 1;
        const span = wordsSpan(source, run.instruction, script, command, sudo);
        // Removed only when nothing hangs on it: no options, and no USER before that it may undo.
        const removal =
          !script.exec && options === 0 && !run.state.user && source.slice(span.start, span.end) === 'sudo'
            ? trailingSpace(source, span.end)
            : -1;
        report({
          span,
          message:
            "Don't use sudo in RUN: build steps already run as root unless USER says otherwise, and sudo prompts, logs and keeps the environment in ways a build does not expect. Run the step before USER instead.",
          data: removal >= 0 ? { edits: [{ start: span.start, end: removal, text: '' }] } : undefined,
        });
      }
    }
  },
  fix: (f) => fixFromData(f, "Remove 'sudo'"),
});
