/**
 * Go to definition, find references and rename for services, networks, volumes, secrets and
 * configs, across the files of the project.
 */
import * as path from 'node:path';
import type { Location, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { offsetOf, rangeOfSpan, type Span } from './document';
import { SECTION, type SymbolKind } from './model';
import type { ComposeFile, ComposeProject } from './project';

/** A name at the cursor: where it is written and what it names. */
export interface ComposeSymbol {
  kind: SymbolKind;
  name: string;
  span: Span;
  /** The name is a top-level declaration (its key), not a reference. */
  declaration: boolean;
  /** For `extends: { file }`: the other file the service is in. */
  file?: string;
}

const KINDS: SymbolKind[] = ['service', 'network', 'volume', 'secret', 'config'];

/** The service, network, volume, secret or config named at a position, if any. */
export function symbolAt(project: ComposeProject, position: Position): ComposeSymbol | undefined {
  const file = project.file;
  const offset = offsetOf(file.doc, position);
  for (const kind of KINDS) {
    for (const pair of file.model.declarations[kind]) {
      if (pair.key && pair.key.start <= offset && offset <= pair.key.end && isOwnDeclaration(file, kind, pair.key.start)) {
        return { kind, name: pair.name, span: { start: pair.key.start, end: pair.key.end }, declaration: true };
      }
    }
  }
  const ref = file.model.references.find((r) => r.span.start <= offset && offset <= r.span.end);
  return ref ? { kind: ref.kind, name: ref.name, span: ref.span, declaration: false, file: ref.file } : undefined;
}

/** Declarations merged in from an anchor elsewhere are not this key's to rename. */
function isOwnDeclaration(file: ComposeFile, kind: SymbolKind, keyStart: number): boolean {
  const section = file.doc.root?.pairs.find((p) => p.name === SECTION[kind]);
  return !!section && section.start <= keyStart && keyStart <= section.end;
}

/** Where a symbol is declared, in every file of the project that declares it. */
export function composeDefinition(project: ComposeProject, position: Position): Location[] {
  const symbol = symbolAt(project, position);
  if (!symbol) return [];
  return declarationsOf(project, symbol).map(({ file, span }) => ({ uri: file.uri, range: rangeOfSpan(file.doc, span) }));
}

function declarationsOf(project: ComposeProject, symbol: ComposeSymbol): { file: ComposeFile; span: Span }[] {
  if (symbol.file !== undefined) {
    const other = project.composeFile(path.resolve(project.file.dir, symbol.file));
    const pair = other?.model.declarations.service.find((p) => p.name === symbol.name);
    return other && pair?.key ? [{ file: other, span: { start: pair.key.start, end: pair.key.end } }] : [];
  }
  const out: { file: ComposeFile; span: Span }[] = [];
  for (const d of project.declarations(symbol.kind).get(symbol.name) ?? []) {
    if (d.pair.key && isOwnDeclaration(d.file, symbol.kind, d.pair.key.start))
      out.push({ file: d.file, span: { start: d.pair.key.start, end: d.pair.key.end } });
  }
  return out;
}

/** Every place in the project a symbol is used, and declared when asked. */
export function composeReferences(project: ComposeProject, position: Position, includeDeclaration: boolean): Location[] {
  const symbol = symbolAt(project, position);
  if (!symbol) return [];
  return occurrences(project, symbol, includeDeclaration).map(({ file, span }) => ({ uri: file.uri, range: rangeOfSpan(file.doc, span) }));
}

function occurrences(project: ComposeProject, symbol: ComposeSymbol, includeDeclaration: boolean): { file: ComposeFile; span: Span }[] {
  const out = includeDeclaration ? declarationsOf(project, symbol) : [];
  if (symbol.file !== undefined) return out;
  for (const file of project.files) {
    for (const ref of file.model.references) {
      if (ref.kind === symbol.kind && ref.name === symbol.name && ref.file === undefined) out.push({ file, span: ref.span });
    }
  }
  return out;
}

const NAME = /^[a-zA-Z0-9._-]+$/;

/** The range and current name to rename at a position, or undefined where nothing can be renamed. */
export function prepareComposeRename(project: ComposeProject, position: Position): { range: Range; placeholder: string } | undefined {
  const symbol = symbolAt(project, position);
  if (!symbol || symbol.span.end - symbol.span.start !== symbol.name.length) return undefined;
  return { range: rangeOfSpan(project.file.doc, symbol.span), placeholder: symbol.name };
}

/**
 * Renames a symbol in every file of the project that declares or uses it. Undefined when there
 * is nothing to rename or the new name is not one Compose accepts.
 */
export function renameCompose(project: ComposeProject, position: Position, newName: string): WorkspaceEdit | undefined {
  const symbol = symbolAt(project, position);
  if (!symbol || !NAME.test(newName)) return undefined;
  const changes: Record<string, TextEdit[]> = {};
  const seen = new Set<string>();
  for (const { file, span } of occurrences(project, symbol, true)) {
    // A name written in an escaped string has no exact span of its own: leave that one alone.
    if (span.end - span.start !== symbol.name.length) continue;
    const key = `${file.uri}:${span.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    (changes[file.uri] ??= []).push({ range: rangeOfSpan(file.doc, span), newText: newName });
  }
  return Object.keys(changes).length > 0 ? { changes } : undefined;
}
