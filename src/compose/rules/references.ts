/**
 * compose-service-unknown and compose-resource-undeclared: every service, network, volume,
 * secret and config a service names exists somewhere in the project.
 */
import * as path from 'node:path';
import { didYouMean } from '../../shared/didYouMean';
import { SECTION, type Reference, type SymbolKind } from '../model';
import type { ComposeFile, ComposeProject } from '../project';
import type { PairNode } from '../document';
import { sameNames } from '../sameList';
import type { ComposeRuleContext } from './context';

/** A finding of a reference; its span is read from the reference when reported, so it follows edits. */
interface ReferenceFinding {
  ref: Reference;
  code: string;
  message: string;
  data: Record<string, unknown> | undefined;
}

/**
 * Per file, what the project declared at the last lint, and each service's findings by its list
 * of references (the same array while the service is unchanged). While the declared names are the
 * same, a keystroke checks only the references of the service it is in.
 */
const keptBy = new Map<
  string,
  {
    declarations: (readonly PairNode[])[];
    sets: (ReadonlySet<string> | undefined)[];
    byService: WeakMap<readonly Reference[], ReferenceFinding[]>;
  }
>();
const MAX_KEPT_FILES = 64;
const KINDS: readonly SymbolKind[] = ['service', 'network', 'volume', 'secret', 'config'];

export function checkReferences(ctx: ComposeRuleContext): void {
  const { project, file } = ctx;
  const declarations = KINDS.map((kind) =>
    project.files.length === 1 ? project.files[0].model.declarations[kind] : project.files.flatMap((f) => f.model.declarations[kind]),
  );
  let kept = keptBy.get(file.path);
  if (kept && declarations.every((pairs, i) => sameNames(pairs, kept!.declarations[i]))) kept.declarations = declarations;
  else {
    if (!kept && keptBy.size >= MAX_KEPT_FILES) keptBy.clear();
    kept = { declarations, sets: [], byService: new WeakMap() };
    keptBy.set(file.path, kept);
  }
  const { sets } = kept;
  const declared = (kind: SymbolKind) => {
    const at = KINDS.indexOf(kind);
    return (sets[at] ??= new Set(declarations[at].map((p) => p.name)));
  };
  for (const refs of file.model.serviceReferences) {
    let findings = kept.byService.get(refs);
    if (!findings) {
      findings = [];
      for (const ref of refs) referenceFinding(project, file, ref, declared, findings);
      // A reference into another file (extends: file:) reads that file's names, which the kept names do not cover.
      if (!refs.some((ref) => ref.file !== undefined)) kept.byService.set(refs, findings);
    }
    for (const f of findings) ctx.report({ code: f.code, span: f.ref.span, message: f.message, ...(f.data ? { data: f.data } : {}) });
  }
}

/** The names the project declares of a kind, across its files. */
type Declared = (kind: SymbolKind) => ReadonlySet<string>;

function referenceFinding(project: ComposeProject, file: ComposeFile, ref: Reference, declared: Declared, out: ReferenceFinding[]): void {
  if (ref.kind === 'service') {
    serviceReference(project, file, ref, declared, out);
    return;
  }
  if (ref.kind === 'network' && ref.name === 'default') return;
  const names = declared(ref.kind);
  if (names.has(ref.name)) return;
  const suggestion = didYouMean(ref.name, names, { abbreviations: true });
  out.push({
    ref,
    code: 'compose-resource-undeclared',
    message:
      `Service '${ref.service}' uses ${ref.kind} '${ref.name}', which the top-level '${SECTION[ref.kind]}' does not declare.` +
      (suggestion ? ` Did you mean '${suggestion}'?` : ''),
    data: { kind: ref.kind, name: ref.name, ...(suggestion ? { replacement: suggestion } : {}) },
  });
}

function serviceReference(project: ComposeProject, file: ComposeFile, ref: Reference, declared: Declared, out: ReferenceFinding[]): void {
  if (ref.optional) return;
  let names: ReadonlySet<string>;
  let where = 'the project';
  if (ref.file !== undefined) {
    if (ref.file.includes('$')) return;
    const other = project.composeFile(path.resolve(file.dir, ref.file));
    // A missing file is compose-file-missing's finding.
    if (!other) return;
    names = new Set(other.model.declarations.service.map((p) => p.name));
    where = `'${ref.file}'`;
  } else names = declared('service');
  if (names.has(ref.name)) return;
  const suggestion = didYouMean(ref.name, names, { abbreviations: true });
  out.push({
    ref,
    code: 'compose-service-unknown',
    message: `'${ref.via}' of service '${ref.service}' names '${ref.name}', which ${where} does not define.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
    data: suggestion ? { replacement: suggestion } : undefined,
  });
}
