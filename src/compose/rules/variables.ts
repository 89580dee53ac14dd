/**
 * compose-variable-unset: `${VAR}` or `$VAR` with no default that neither the environment nor
 * the project's `.env` sets, so Compose substitutes an empty string (or stops, for `${VAR:?}`).
 */
import type { ComposeDocument, Node, PairNode, ScalarNode } from '../document';
import { variableUses } from '../interpolation';
import { subSpan } from '../model';
import type { ComposeRuleContext } from './context';
import { checkEachService } from './perService';

export function checkVariables(ctx: ComposeRuleContext): void {
  const { doc } = ctx;
  if (!doc.text.includes('$')) return;
  const services: PairNode[] = [];
  for (const scalar of interpolatedScalars(doc, services)) reportUnset(ctx, scalar);
  checkEachService(ctx, serviceVariables, services);
}

function serviceVariables(ctx: ComposeRuleContext, service: PairNode): void {
  const out: ScalarNode[] = [];
  walk(service.value, out);
  for (const scalar of out) reportUnset(ctx, scalar);
}

function reportUnset(ctx: ComposeRuleContext, scalar: ScalarNode): void {
  const { doc, project } = ctx;
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

/**
 * Scalar values (not keys) that contain a `$`, as written: what Compose interpolates. With
 * `services`, the services written under `services:` are left out and added to it instead.
 */
export function interpolatedScalars(doc: ComposeDocument, services?: PairNode[]): ScalarNode[] {
  const out: ScalarNode[] = [];
  if (!doc.text.includes('$')) return out;
  for (const pair of doc.root?.pairs ?? []) {
    const value = pair.value;
    if (services && pair.name === 'services' && value?.kind === 'map') {
      for (const service of value.pairs) {
        if (service.name === '<<') walk(service.value, out);
        else services.push(service);
      }
    } else walk(value, out);
  }
  walk(doc.rootOther, out);
  return out;
}

function walk(node: Node | null, out: ScalarNode[]): void {
  if (!node) return;
  if (node.kind === 'scalar') {
    if (typeof node.value === 'string' && node.value.includes('$')) out.push(node);
  } else if (node.kind === 'seq') for (const item of node.items) walk(item, out);
  else if (node.kind === 'map') for (const pair of node.pairs) walk(pair.value, out);
}
