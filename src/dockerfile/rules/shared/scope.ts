/**
 * Names in scope: global ARGs, stage names, and the variables the builder expands in instruction
 * arguments. Read by the variable rules, the image rules and USER.
 */
import type { Dockerfile, Span, Word } from '../../model';
import { expandVariables, findVariables, keyValues, type VariableRef } from '../../variables';
import { fixFromData, type Fixer } from '../fixer';
import type { DataEdit } from '../rule';
import { subSpan } from './source';

/** Usable everywhere without an ARG (BuildKit's predefined proxy args, and the reproducible-build epoch). */
export const PREDEFINED: ReadonlySet<string> = new Set([
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
  'SOURCE_DATE_EPOCH',
]);

/** Set by the builder in the global scope, so FROM sees them; inside a stage they need an ARG. */
export const PLATFORM: ReadonlySet<string> = new Set([
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
]);

/** The stage names BuildKit accepts. */
export const STAGE_NAME = /^[a-z][a-z0-9_.-]*$/i;

/** The first stage of each lower-cased stage name, built once instead of comparing every pair. */
export function collectStageNames(doc: Dockerfile): Map<string, number> {
  const out = new Map<string, number>();
  for (const stage of doc.stages) {
    const key = stage.name?.value.toLowerCase();
    if (key !== undefined && !out.has(key)) out.set(key, stage.index);
  }
  return out;
}

/** Global ARG defaults, later declarations overriding earlier ones, as the builder reads them. */
export function collectGlobalArgs(doc: Dockerfile): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const arg of doc.globalArgs) {
    for (const { name, value } of keyValues(
      arg.args.map((a) => a.value),
      doc.escape,
    )) {
      out.set(name, value === undefined ? undefined : expandVariables(value, (n) => out.get(n), doc.escape).value);
    }
  }
  return out;
}

/** The name an ARG or ENV word declares: what comes before its `=`. */
export function declaredName(word: Word): string {
  const eq = word.value.indexOf('=');
  return eq < 0 ? word.value : word.value.slice(0, eq);
}

/** Every name the global ARGs declare, as FROM sees them. */
export function globalArgNames(doc: Dockerfile): Set<string> {
  const out = new Set<string>();
  for (const arg of doc.globalArgs) for (const word of arg.args) out.add(declaredName(word));
  return out;
}

/** The variables a word references, without scanning words that have no `$`. */
export function refsOf(word: Word, escape: string): VariableRef[] {
  return word.value.includes('$') ? findVariables(word.value, escape) : [];
}

export function hasDollar(flag: { value: string | undefined }): boolean {
  return flag.value !== undefined && flag.value.includes('$');
}

/** The variable's name inside `$NAME` or `${NAME…}`, when the word maps onto its source. */
export function nameSpan(word: Word, ref: VariableRef): Span {
  const at = ref.start + (word.value[ref.start + 1] === '{' ? 2 : 1);
  return subSpan(word, at, at + ref.name.length);
}

/** A "did you mean" finding's data: the suggestion, and the rename when the name maps onto its source. */
export function renameData(word: Word, ref: VariableRef, suggestion: string): { suggestion: string; edits?: DataEdit[] } {
  const span = nameSpan(word, ref);
  const exact = span.end - span.start === ref.name.length;
  return exact ? { suggestion, edits: [{ start: span.start, end: span.end, text: suggestion }] } : { suggestion };
}

/** "Did you mean" renames the variable; a global or platform ARG gets declared in the stage. */
export function renameOrDeclareFix(f: Fixer): void {
  const data = f.current.data as { suggestion?: string; declare?: string } | undefined;
  if (data?.suggestion) fixFromData(f, `Change to '${data.suggestion}'`);
  else if (data?.declare) fixFromData(f, `Add 'ARG ${data.declare}' to the stage`);
}
