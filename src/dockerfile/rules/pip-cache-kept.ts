/** pip install keeping its download cache in the layer. */
import { fixFromData } from './fixer';
import { cacheMountFix } from './shared/cacheMount';
import { defineRule } from './rule';
import { verbIndex } from './shared/apt';
import { discardedTargets, wordsSpan } from './shared/runScript';
import { insertAfter } from './shared/shellEdits';

/** `PIP_NO_CACHE_DIR=1` among the first `count` words (assignments before a command, or export's). */
function setsPipNoCache(words: string[], count: number): boolean {
  for (let i = 0; i < count; i++) if (words[i].startsWith('PIP_NO_CACHE_DIR=') && !/=(?:0|false|no|off)?$/i.test(words[i])) return true;
  return false;
}

export const pipCacheKept = defineRule({
  code: 'pip-cache-kept',
  severity: 'info',
  summary: 'pip install without --no-cache-dir keeps its cache in the layer.',
  hadolint: 'DL3042',
  check(ctx, report) {
    const source = ctx.doc.text;
    for (const run of ctx.runs('pip')) {
      // A stage the final image is not built on leaves its layers behind.
      if (!run.shipped) continue;
      const script = run.script();
      let noCache = run.state.pipNoCache;
      let discarded: string[] | undefined;
      for (const { command, words, at, program } of run.commands()) {
        if (at > 0 && setsPipNoCache(command.words, at)) noCache = true;
        else if (program === 'export' && setsPipNoCache(words, words.length)) noCache = true;
        const pip = /^pip[0-9.]*$/.test(program);
        if (!pip && !(/^python[0-9.]*$/.test(program) && words[1] === '-m' && /^pip[0-9.]*$/.test(words[2] ?? ''))) continue;
        const v = verbIndex(words, pip ? 1 : 3);
        const verb: string | undefined = words[v];
        if (verb !== 'install' || noCache || words.some((w) => w === '--no-cache-dir' || w.startsWith('--no-cache-dir='))) continue;
        // A cache mount keeps the cache out of the layer.
        if ((discarded ??= discardedTargets(run.instruction.flags)).some((t) => /pip|\/\.cache$/.test(t))) continue;
        report({
          span: wordsSpan(source, run.instruction, script, command, at, at + v),
          message:
            "'pip install' keeps its download cache in the layer, adding the size of every wheel to the image. Add --no-cache-dir, or use a cache mount (RUN --mount=type=cache,target=/root/.cache/pip).",
          data: script.exec ? undefined : insertAfter(source, run.instruction, script, command, at + v, ' --no-cache-dir'),
        });
      }
    }
  },
  fix(f) {
    fixFromData(f, 'Add --no-cache-dir');
    cacheMountFix(f, 'pip');
  },
});
