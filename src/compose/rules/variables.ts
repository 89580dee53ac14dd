/**
 * compose-variable-unset: `${VAR}` or `$VAR` with no default that neither the environment nor
 * the project's `.env` sets, so Compose substitutes an empty string (or stops, for `${VAR:?}`).
 */
import type { ComposeDocument, Node } from '../document';
import { variableUses } from '../interpolation';
import { subSpan } from '../model';
import type { ComposeRuleContext } from './context';

export function checkVariables(ctx: ComposeRuleContext): void {
  const { doc, project } = ctx;
  for (const scalar of interpolatedScalars(doc)) {
    const value = scalar.value as string;
    for (const use of variableUses(value)) {
      if (use.operator !== '' && use.operator !== ':?' && use.operator !== '?') continue;
      if (project.variable(use.name) !== undefined) continue;
      const required = use.operator !== '';
      ctx.report({
        code: 'compose-variable-unset',
        span: subSpan(doc, scalar, use.start, use.end),
        message: required
          ? `'${use.name}' is not set in the environment or .env, and Compose stops when it is missing.`
          : `'${use.name}' is not set in the environment or .env: Compose substitutes an empty string. Set it, or give a default: \${${use.name}:-value}.`,
        data: { name: use.name },
      });
    }
  }
}

/** Scalar values (not keys) that contain a `$`, as written: what Compose interpolates. */
export function interpolatedScalars(doc: ComposeDocument): Extract<Node, { kind: 'scalar' }>[] {
  const out: Extract<Node, { kind: 'scalar' }>[] = [];
  if (!doc.text.includes('$')) return out;
  const walk = (node: Node | null) => {
    if (!node) return;
    if (node.kind === 'scalar') {
      if (typeof node.value === 'string' && node.value.includes('$')) out.push(node);
    } else if (node.kind === 'seq') for (const item of node.items) walk(item);
    else if (node.kind === 'map') for (const pair of node.pairs) walk(pair.value);
  };
  walk(doc.root);
  walk(doc.rootOther);
  return out;
}
