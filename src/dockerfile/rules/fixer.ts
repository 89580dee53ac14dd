/**
 * What a rule's quick fixes get and the helpers they build edits with. A fix is computed from the
 * current text (the diagnostic the client sent may predate the last keystroke): `f.current` is
 * the same finding as a lint of that text reports it, with its data.
 */
import type { CodeAction, Diagnostic, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { offsetAt, positionAt, rangeOf, type Dockerfile, type Instruction, type Span } from '../model';
import type { LocalImage } from '../../shared/localImage';
import type { RuleContext } from './context';
import type { DataEdit } from './rule';
import { breaksQuoting } from './shared/source';

export interface FixContext {
  uri: string;
  /** Images the local engine has; empty or undefined when no engine answers. */
  localImages?: LocalImage[];
  /** The client applies snippet edits (LSP 3.18), so fixes may leave placeholders. */
  snippetSupport?: boolean;
}

export interface Fixer {
  readonly doc: Dockerfile;
  readonly ctx: FixContext;
  /** The diagnostic being fixed, as the client sent it (offered actions name it). */
  readonly diagnostic: Diagnostic;
  /** The same finding in a lint of `doc`: its range and data match the current text. */
  readonly current: Diagnostic;
  /** The instruction the diagnostic sits in. */
  readonly instruction: Instruction | undefined;
  /** The rules' analysis of `doc` (bases, stage names, RUNs), shared by every fix of one request. */
  readonly context: RuleContext;
  /** The file's line ending, which inserted lines keep. */
  readonly eol: string;
  readonly out: CodeAction[];
}

/**
 * Offers a fix. An edit that would land inside an unterminated quote or a shell comment is never
 * offered: the shell would read the inserted text as part of the string, and the finding stay.
 */
export function offer(f: Fixer, title: string, edit: WorkspaceEdit, preferred = false): void {
  for (const list of Object.values(edit.changes ?? {})) {
    for (const e of list) if (breaksQuoting(f.doc, offsetAt(f.doc, e.range.start), offsetAt(f.doc, e.range.end))) return;
  }
  for (const change of edit.documentChanges ?? []) {
    if (!('edits' in change)) continue;
    for (const e of change.edits) if (breaksQuoting(f.doc, offsetAt(f.doc, e.range.start), offsetAt(f.doc, e.range.end))) return;
  }
  if (f.eol !== '\n') {
    const crlf = (t: string) => t.replace(/\r?\n/g, f.eol);
    for (const list of Object.values(edit.changes ?? {})) for (const e of list) e.newText = crlf(e.newText);
    for (const change of edit.documentChanges ?? []) {
      if ('edits' in change) for (const e of change.edits) if ('snippet' in e) e.snippet.value = crlf(e.snippet.value);
    }
  }
  f.out.push({ title, kind: 'quickfix', diagnostics: [f.diagnostic], edit, ...(preferred ? { isPreferred: true } : {}) });
}

/** Plain edits of this document. */
export function edits(f: Fixer, list: TextEdit[]): WorkspaceEdit {
  return { changes: { [f.ctx.uri]: list } };
}

/** A snippet edit (placeholders the user tabs through), for clients that apply them. */
export function snippet(f: Fixer, range: Range, value: string): WorkspaceEdit {
  return {
    documentChanges: [{ textDocument: { uri: f.ctx.uri, version: null }, edits: [{ range, snippet: { kind: 'snippet', value } }] }],
  };
}

export function replaceSpan(doc: Dockerfile, span: Span, newText: string): TextEdit {
  return { range: rangeOf(doc, span), newText };
}

export function sourceOf(doc: Dockerfile, span: Span): string {
  return doc.text.slice(span.start, span.end);
}

/** Leading whitespace of the line an offset is on. */
export function indentAt(doc: Dockerfile, offset: number): string {
  const line = positionAt(doc, offset).line;
  const start = doc.lineStarts[line];
  let end = start;
  while (doc.text[end] === ' ' || doc.text[end] === '\t') end++;
  return doc.text.slice(start, end);
}

/** An insertion of whole lines before the line holding `offset`. */
export function insertLinesBefore(doc: Dockerfile, offset: number, lines: string): TextEdit {
  const line = positionAt(doc, offset).line;
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: lines + '\n' };
}

/** An insertion of whole lines after the instruction (its last line, heredocs included). */
export function insertLinesAfter(doc: Dockerfile, instruction: Instruction, lines: string): TextEdit {
  const end = positionAt(doc, instruction.span.end);
  return { range: { start: end, end }, newText: '\n' + lines };
}

/** The instruction's lines, through the end of its last line's newline. */
export function wholeLines(doc: Dockerfile, instruction: Instruction): Range {
  const start = positionAt(doc, instruction.span.start);
  const end = positionAt(doc, instruction.span.end);
  const next = end.line + 1 < doc.lineStarts.length ? { line: end.line + 1, character: 0 } : end;
  return { start: { line: start.line, character: 0 }, end: next };
}

/** The flags of an instruction as written, each followed by a space, without the `drop`ped ones. */
export function flagsText(doc: Dockerfile, instruction: Instruction, drop: string[] = []): string {
  return instruction.flags
    .filter((fl) => !drop.includes(fl.name))
    .map((fl) => sourceOf(doc, fl.span) + ' ')
    .join('');
}

/** Offers the edits the rule computed into the finding's data (`data.edits`), if it did. */
export function fixFromData(f: Fixer, title: string, preferred = true): void {
  const list = (f.current.data as { edits?: DataEdit[] } | undefined)?.edits;
  if (!Array.isArray(list) || list.length === 0) return;
  offer(
    f,
    title,
    edits(
      f,
      list.map((e) => replaceSpan(f.doc, e, e.text)),
    ),
    preferred,
  );
}

/** A string field of the current finding's data. */
export function dataString(f: Fixer, key: string): string | undefined {
  const value = (f.current.data as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** Replaces the instruction's keyword (or its ONBUILD trigger's, when the diagnostic is on that). */
export function replaceKeyword(f: Fixer, replacement: string | undefined, title: string): void {
  const instruction = f.instruction;
  if (!instruction || replacement === undefined) return;
  const span =
    instruction.trigger && offsetAt(f.doc, f.current.range.start) >= instruction.trigger.keywordSpan.start
      ? instruction.trigger.keywordSpan
      : instruction.keywordSpan;
  offer(f, title, edits(f, [replaceSpan(f.doc, span, replacement)]), true);
}
