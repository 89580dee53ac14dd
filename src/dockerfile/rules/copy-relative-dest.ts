/** COPY or ADD to a relative destination while no WORKDIR says where that is. */
import type { Instruction } from '../model';
import { unquote } from '../variables';
import type { RuleContext } from './context';
import { defineRule, type Finding } from './rule';

function checkDestination(ctx: RuleContext, copy: Instruction, report: (finding: Finding) => void): void {
  const json = copy.json;
  const raw = json ? json.values[json.values.length - 1] : copy.args[copy.args.length - 1]?.value;
  if (raw === undefined || (json ? json.values.length : copy.args.length) < 2) return;
  const dest = json ? raw : unquote(raw, ctx.doc.escape);
  // `c:\system32\x`: a Windows path keeps its backslashes whatever the escape character does to them.
  if (
    dest.startsWith('/') ||
    dest.startsWith('$') ||
    dest.startsWith('\\') ||
    /^["']?[A-Za-z]:[\\/]/.test(dest) ||
    /^["']?[A-Za-z]:[\\/]/.test(raw)
  )
    return;
  report({
    span: json ? copy.argsSpan : copy.args[copy.args.length - 1].span,
    message: `${copy.keyword} to '${dest}' lands relative to the base image's working directory, since no WORKDIR is set in this stage. Set WORKDIR first, or use an absolute destination.`,
  });
}

export const copyRelativeDest = defineRule({
  code: 'copy-relative-dest',
  severity: 'info',
  summary: 'COPY or ADD to a relative destination with no WORKDIR set in the stage.',
  hadolint: 'DL3045',
  check(ctx, report) {
    // The stages that set a WORKDIR; a stage built on one inherits it.
    const workdirs = new Set<number>();
    for (const stage of ctx.doc.stages) {
      let hasWorkdir = stage.parent !== undefined && workdirs.has(stage.parent);
      for (const instruction of stage.instructions) {
        const k = instruction.keyword;
        if (k === 'WORKDIR') {
          hasWorkdir = true;
          workdirs.add(stage.index);
        } else if ((k === 'COPY' || k === 'ADD') && !hasWorkdir) checkDestination(ctx, instruction, report);
      }
      // Inherited counts too: a stage built on this one has the WORKDIR of its grandparent.
      if (hasWorkdir) workdirs.add(stage.index);
    }
  },
});
