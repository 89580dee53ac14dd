/**
 * compose-service-unknown and compose-resource-undeclared: every service, network, volume,
 * secret and config a service names exists somewhere in the project.
 */
import * as path from 'node:path';
import { suggest } from '../suggest';
import { SECTION, type Reference } from '../model';
import type { ComposeRuleContext } from './context';

export function checkReferences(ctx: ComposeRuleContext): void {
  const { project, file } = ctx;
  for (const ref of file.model.references) {
    if (ref.kind === 'service') serviceReference(ctx, ref);
    else if (!(ref.kind === 'network' && ref.name === 'default')) {
      const declared = project.declarations(ref.kind);
      if (declared.has(ref.name)) continue;
      const suggestion = suggest(ref.name, declared.keys());
      ctx.report({
        code: 'compose-resource-undeclared',
        span: ref.span,
        message:
          `Service '${ref.service}' uses ${ref.kind} '${ref.name}', which the top-level '${SECTION[ref.kind]}' does not declare.` +
          (suggestion ? ` Did you mean '${suggestion}'?` : ''),
        data: { kind: ref.kind, name: ref.name, ...(suggestion ? { replacement: suggestion } : {}) },
      });
    }
  }
}

function serviceReference(ctx: ComposeRuleContext, ref: Reference): void {
  const { project, file } = ctx;
  if (ref.optional) return;
  let names: Iterable<string>;
  let where = 'the project';
  if (ref.file !== undefined) {
    if (ref.file.includes('$')) return;
    const other = project.composeFile(path.resolve(file.dir, ref.file));
    // A missing file is compose-file-missing's finding.
    if (!other) return;
    names = other.model.declarations.service.map((p) => p.name);
    where = `'${ref.file}'`;
  } else {
    const declared = project.declarations('service');
    if (declared.has(ref.name)) return;
    names = declared.keys();
  }
  const list = [...names];
  if (list.includes(ref.name)) return;
  const suggestion = suggest(ref.name, list);
  ctx.report({
    code: 'compose-service-unknown',
    span: ref.span,
    message: `'${ref.via}' of service '${ref.service}' names '${ref.name}', which ${where} does not define.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
    data: suggestion ? { replacement: suggestion } : undefined,
  });
}
