/** What `COPY --from=<x>` names: a stage by index or name, or else (perhaps) an image. */
import type { Instruction, Span } from '../../model';
import { unquote } from '../../variables';
import type { RuleContext } from '../context';

export interface CopyFrom {
  /** The flag's value, unquoted. */
  value: string;
  span: Span;
  /** The stage it names, by number or name; undefined when it names none. */
  index: number | undefined;
}

/** The `--from` of a COPY, unless it has none or it is decided at build time (`$VAR`). */
export function copyFrom(ctx: RuleContext, copy: Instruction): CopyFrom | undefined {
  const flag = copy.flags.find((f) => f.name === 'from');
  if (!flag || !flag.value || flag.value.includes('$')) return undefined;
  const value = unquote(flag.value, ctx.doc.escape);
  const index = /^\d+$/.test(value) ? Number(value) : ctx.stageNames().get(value.toLowerCase());
  return { value, span: flag.valueSpan ?? flag.span, index };
}
