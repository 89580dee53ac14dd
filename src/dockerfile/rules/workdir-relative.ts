/** A relative WORKDIR with no absolute WORKDIR before it (BuildKit's WorkdirRelativePath). */
import { unquote } from '../variables';
import { defineRule } from './rule';

export const workdirRelative = defineRule({
  code: 'workdir-relative',
  severity: 'info',
  summary: 'A relative WORKDIR with no absolute WORKDIR before it.',
  hadolint: 'DL3000',
  buildkit: 'WorkdirRelativePath',
  check(ctx, report) {
    const { doc } = ctx;
    // The stages that set an absolute WORKDIR so far; a stage built on one inherits its directory.
    const absolute = new Set<number>();
    for (const workdir of doc.instructions) {
      if (workdir.keyword !== 'WORKDIR' || workdir.stage < 0) continue;
      const raw = workdir.args[0]?.value ?? '';
      const path = unquote(raw, doc.escape);
      // `WORKDIR "C:\"`: a Windows path keeps its backslash, which unquoting would take as an escape.
      if (path.startsWith('/') || path.startsWith('$') || /^["']?[A-Za-z]:[\\/]/.test(raw)) {
        absolute.add(workdir.stage);
        continue;
      }
      let s: number | undefined = workdir.stage;
      while (s !== undefined && s >= 0 && !absolute.has(s)) s = doc.stages[s].parent;
      if (s !== undefined && s >= 0) continue;
      report({
        span: workdir.args[0]?.span ?? workdir.keywordSpan,
        message: `WORKDIR '${path}' is relative to the base image's working directory, which may change. Use an absolute path.`,
      });
    }
  },
});
