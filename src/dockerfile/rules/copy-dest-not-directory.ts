/** COPY or ADD of several sources to a destination that does not end with `/`. */
import type { Instruction } from '../model';
import { unquote } from '../variables';
import { fixFromData } from './fixer';
import { defineRule, type DataEdit, type Finding } from './rule';

function checkCopy(copy: Instruction, escape: string, report: (finding: Finding) => void): void {
  const json = copy.json;
  const count = json ? json.values.length : copy.args.length;
  if (count < 3) return;
  const raw = json ? json.values[count - 1] : copy.args[count - 1].value;
  const dest = json ? raw : unquote(raw, escape);
  // `.` is the working directory: BuildKit copies into it. A variable's value is not known here.
  if (dest === '.' || dest.includes('$')) return;
  // A Windows destination (`C:\app\`) may end in a backslash, which the escape character can hide.
  if (dest.endsWith('/') || dest.endsWith('\\') || raw.endsWith('\\')) return;
  const word = copy.args[copy.args.length - 1];
  let edit: DataEdit | undefined;
  if (!json) {
    // Inside the closing quote, if the destination is quoted as a whole.
    const quoted = (raw.startsWith('"') && raw.endsWith('"')) || (raw.startsWith("'") && raw.endsWith("'"));
    const at = quoted && raw.length > 1 ? word.span.end - 1 : word.span.end;
    edit = { start: at, end: at, text: '/' };
  }
  report({
    span: json ? copy.argsSpan : word.span,
    message: `${copy.keyword} of ${count - 1} sources needs a folder as its destination, written with a trailing slash: '${dest}/'. Without it the builder rejects the instruction, or treats '${dest}' as one file.`,
    data: edit ? { edits: [edit] } : undefined,
  });
}

export const copyDestNotDirectory = defineRule({
  code: 'copy-dest-not-directory',
  severity: 'error',
  summary: 'COPY or ADD with several sources to a destination that does not end with /.',
  hadolint: 'DL3021',
  check(ctx, report) {
    for (const instruction of ctx.doc.instructions) {
      const copy = instruction.keyword === 'ONBUILD' ? instruction.trigger : instruction;
      if (copy && (copy.keyword === 'COPY' || copy.keyword === 'ADD')) checkCopy(copy, ctx.doc.escape, report);
    }
  },
  fix: (f) => fixFromData(f, 'Add / to the destination'),
});
