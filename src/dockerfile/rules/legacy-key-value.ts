/** ENV or LABEL in the legacy `key value` form (BuildKit's LegacyKeyValueFormat). */
import type { Instruction } from '../model';
import { edits, offer, replaceSpan, type Fixer } from './fixer';
import { defineRule, type Finding } from './rule';

function legacyKeyValueFix(f: Fixer): void {
  const i = f.instruction;
  if (!i || i.args.length < 2) return;
  const key = i.args[0];
  // The builder reads everything after the key as one word: spacing kept, quotes removed.
  const raw = i.argsText.slice(key.value.length).replace(/^[ \t]+/, '');
  const value = i.args.length === 2 && !/["']/.test(raw) ? raw : `"${asDoubleQuoted(raw, f.doc.escape)}"`;
  offer(f, `Write ${i.keyword} ${key.value}=…`, edits(f, [replaceSpan(f.doc, i.argsSpan, `${key.value}=${value}`)]), true);
}

/** The same word's content for inside double quotes, where quotes and escapes work differently. */
function asDoubleQuoted(raw: string, escape: string): string {
  let out = '';
  let quote = '';
  for (let k = 0; k < raw.length; k++) {
    const c = raw[k];
    if (quote === "'") {
      if (c === "'") quote = '';
      else out += c === '"' || c === '$' || c === escape ? escape + c : c;
    } else if (quote === '"') {
      if (c === '"') quote = '';
      else if (c === escape && k + 1 < raw.length) out += c + raw[++k];
      else out += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === escape && k + 1 < raw.length) {
      // Outside quotes the escape keeps any character; inside, only these need it.
      const n = raw[++k];
      out += n === '"' || n === '$' || n === escape ? escape + n : n;
    } else out += c;
  }
  return out;
}

function check(instruction: Instruction, report: (finding: Finding) => void): void {
  const keyword = instruction.keyword;
  if (keyword !== 'ENV' && keyword !== 'LABEL') return;
  const first = instruction.args[0];
  // A key alone has no value at all, which args-missing reports.
  if (!first || first.value.includes('=') || instruction.args.length < 2) return;
  report({
    span: instruction.argsSpan,
    message: `Use ${keyword} ${first.value}=<value>: the '${keyword} key value' form is legacy and cannot set several keys.`,
  });
}

export const legacyKeyValue = defineRule({
  code: 'legacy-key-value',
  severity: 'info',
  summary: 'ENV or LABEL in the legacy `key value` form.',
  buildkit: 'LegacyKeyValueFormat',
  check(ctx, report) {
    for (const instruction of ctx.doc.instructions) {
      check(instruction, report);
      // `ONBUILD ENV a b` is checked as the builder parses its trigger.
      if (instruction.trigger) check(instruction.trigger, report);
    }
  },
  fix: legacyKeyValueFix,
});
