/** apk add keeping the package index in the layer. */
import type { SimpleCommand } from '../shell';
import { fixFromData } from './fixer';
import { cacheMountFix } from './shared/cacheMount';
import { defineRule } from './rule';
import { verbIndex } from './shared/apt';
import { discardedTargets, wordsSpan } from './shared/runScript';
import { covers, insertAfter } from './shared/shellEdits';

export const apkCacheKept = defineRule({
  code: 'apk-cache-kept',
  severity: 'info',
  summary: 'apk add without --no-cache keeps the package index in the layer.',
  hadolint: 'DL3019',
  check(ctx, report) {
    const source = ctx.doc.text;
    for (const run of ctx.runs('apk')) {
      const adds: { command: SimpleCommand; at: number; verb: number }[] = [];
      // Removing the cache anywhere in the RUN keeps it out of the layer too.
      let removed = false;
      for (const { command, words, at, program } of run.commands()) {
        if (program === 'apk') {
          const v = verbIndex(words, 1);
          const verb: string | undefined = words[v];
          // `--no-network` installs from what is already there, so it downloads no index.
          if (verb === 'add' && !words.includes('--no-cache') && !words.includes('--no-network')) adds.push({ command, at, verb: at + v });
        }
        if (program === 'rm' && words.some((w) => w.startsWith('/var/cache/apk'))) removed = true;
      }
      // A stage the final image is not built on leaves its layers behind.
      if (adds.length === 0 || removed || !run.shipped) continue;
      const discarded = discardedTargets(run.instruction.flags);
      if (covers(discarded, '/var/cache/apk') || covers(discarded, '/etc/apk/cache')) continue;
      const script = run.script();
      for (const { command, at, verb } of adds) {
        report({
          span: wordsSpan(source, run.instruction, script, command, at, verb),
          message: "'apk add' keeps the package index in /var/cache/apk, which ends up in the layer. Add --no-cache.",
          data: script.exec ? undefined : insertAfter(source, run.instruction, script, command, verb, ' --no-cache'),
        });
      }
    }
  },
  fix(f) {
    fixFromData(f, 'Add --no-cache');
    cacheMountFix(f, 'apk');
  },
});
