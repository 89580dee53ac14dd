/**
 * Quick fixes for Berth's diagnostics: each rule's own fixes (in its file under rules/), plus
 * "ignore this rule" for every diagnostic. Each fix is recomputed from the current text, so a
 * diagnostic that went stale between lint and click yields no edit rather than a wrong one.
 */
import type { CodeAction, Diagnostic, Range, TextEdit } from 'vscode-languageserver-types';
import { offsetAt, positionAt, type Dockerfile } from './model';
import { parse } from './parser';
import { lintDocument } from './lint';
import { ALL_RULE_CODES, RULE_INFO, ruleCode, type RuleCode } from './rules/catalog';
import { edits, indentAt, insertLinesBefore, type FixContext, type Fixer } from './rules/fixer';
import { ruleContext, type RuleContext } from './rules/context';
import { instructionAt } from './model';
import { shellCheckCode, type SeverityLevel, type ShellCheckCode } from './settings';
import type { LocalImage } from '../shared/localImage';

export type { FixContext, LocalImage };

/** Quick fixes for the berth diagnostics that touch `range`, and "ignore" for ShellCheck's. */
export function codeActions(text: string, diagnostics: Diagnostic[], _range: Range, ctx: FixContext): CodeAction[] {
  const ours = diagnostics.filter((d) => d.source === 'berth' && typeof d.code === 'string' && ruleCode(d.code));
  const shellCheck = diagnostics.filter((d) => d.source === 'shellcheck' && typeof d.code === 'string' && shellCheckCode(d.code));
  if (ours.length === 0 && shellCheck.length === 0) return [];
  const doc = parse(text);
  // Rewrites are offered only for findings the current text still has at the same place,
  // so a diagnostic that went stale while the user typed cannot undo what they typed.
  const codes = new Set(ours.map((d) => ruleCode(d.code as string)!));
  const current = indexByStart(lintDocument(doc, { severities: only(codes) }));
  const out: CodeAction[] = [];
  const context = ruleContext(doc);
  const eol = lineEnding(doc);
  for (const diagnostic of ours) {
    const code = ruleCode(diagnostic.code as string)!;
    const same = current.get(startKey(diagnostic))?.find((d) => d.code === code);
    const fixer = makeFixer(doc, context, eol, ctx, diagnostic, same ?? diagnostic, out);
    if (same) ruleFixes(fixer, code);
    ignoreFixes(fixer, code);
  }
  // ShellCheck's findings have no fixes of Berth's, but its pragmas silence them as they do rules.
  for (const diagnostic of shellCheck)
    ignoreFixes(makeFixer(doc, context, eol, ctx, diagnostic, diagnostic, out), shellCheckCode(diagnostic.code as string)!);
  return out;
}

/**
 * The fix Fix All would apply to each diagnostic of a lint of `doc` (its preferred one), or
 * undefined where a rule has none or needs a person. The diagnostics must come from `doc` itself.
 */
export function preferredFixes(doc: Dockerfile, diagnostics: Diagnostic[], ctx: FixContext): (CodeAction | undefined)[] {
  const context = ruleContext(doc);
  const eol = lineEnding(doc);
  return diagnostics.map((diagnostic) => {
    const code = ruleCode(String(diagnostic.code));
    if (!code || RULE_INFO.get(code)?.needsAPerson) return undefined;
    const out: CodeAction[] = [];
    ruleFixes(makeFixer(doc, context, eol, ctx, diagnostic, diagnostic, out), code);
    return out.find((a) => a.isPreferred);
  });
}

function makeFixer(
  doc: Dockerfile,
  context: RuleContext,
  eol: string,
  ctx: FixContext,
  diagnostic: Diagnostic,
  current: Diagnostic,
  out: CodeAction[],
): Fixer {
  return {
    doc,
    context,
    ctx,
    diagnostic,
    current,
    instruction: instructionAt(doc, offsetAt(doc, diagnostic.range.start)),
    eol,
    out,
  };
}

/** The file's line ending, which lines added by fixes keep. */
function lineEnding(doc: Dockerfile): string {
  return doc.text.includes('\r\n') ? '\r\n' : '\n';
}

function ruleFixes(f: Fixer, code: RuleCode): void {
  try {
    RULE_INFO.get(code)?.fix?.(f);
  } catch {
    // A fix that cannot be computed for this text is simply not offered.
  }
}

/** Severities that turn on exactly `codes`: the lint behind a quick fix runs no other rule. */
function only(codes: Set<RuleCode>): Partial<Record<RuleCode, SeverityLevel>> {
  const out: Partial<Record<RuleCode, SeverityLevel>> = {};
  for (const code of ALL_RULE_CODES) out[code] = codes.has(code) ? 'warning' : 'off';
  return out;
}

function startKey(d: Diagnostic): string {
  return `${d.range.start.line}:${d.range.start.character}`;
}

function indexByStart(diagnostics: Diagnostic[]): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const key = startKey(d);
    const list = out.get(key);
    if (list) list.push(d);
    else out.set(key, [d]);
  }
  return out;
}

function ignoreFixes(f: Fixer, code: RuleCode | ShellCheckCode): void {
  const { doc } = f;
  const target = f.instruction;
  const ignore = (title: string, edit: TextEdit) =>
    f.out.push({ title, kind: 'quickfix', diagnostics: [f.diagnostic], edit: edits(f, [withEol(f, edit)]) });
  if (target) {
    const previousLine = positionAt(doc, target.span.start).line - 1;
    const pragma = previousLine >= 0 ? existingPragma(doc, previousLine) : undefined;
    const edit = pragma
      ? { range: { start: pragma, end: pragma }, newText: ',' + code }
      : insertLinesBefore(doc, target.span.start, `${indentAt(doc, target.span.start)}# berth ignore=${code}`);
    ignore(`Ignore ${code} for this instruction`, edit);
  }
  const global = doc.comments.findIndex((c) => /^\s*berth\s+global\s+ignore\s*=/.test(c.text));
  let edit: TextEdit;
  if (global >= 0) {
    const end = positionAt(doc, doc.comments[global].span.end);
    edit = { range: { start: end, end }, newText: ',' + code };
  } else {
    // After the parser directives: a comment above them would end directive parsing.
    const last = doc.directives[doc.directives.length - 1];
    const line = last ? positionAt(doc, last.span.end).line + 1 : 0;
    if (line < doc.lineStarts.length) {
      edit = { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `# berth global ignore=${code}\n` };
    } else {
      // The directives end the file without a newline: start a line of our own after them.
      const end = positionAt(doc, doc.text.length);
      edit = { range: { start: end, end }, newText: `\n# berth global ignore=${code}` };
    }
  }
  ignore(`Ignore ${code} in this file`, edit);
}

function withEol(f: Fixer, edit: TextEdit): TextEdit {
  return f.eol === '\n' ? edit : { ...edit, newText: edit.newText.replace(/\r?\n/g, f.eol) };
}

/** The end of a `# berth ignore=…` comment on a line, to append a code to. */
function existingPragma(doc: Dockerfile, line: number): Range['start'] | undefined {
  const start = doc.lineStarts[line];
  const comment = doc.comments.find((c) => c.span.start >= start && positionAt(doc, c.span.start).line === line);
  if (!comment) return undefined;
  if (!/^\s*berth\s+ignore\s*=\s*[\w,-]+\s*$/.test(comment.text)) return undefined;
  let end = comment.span.end;
  while (end > comment.span.start && /\s/.test(doc.text[end - 1])) end--;
  return positionAt(doc, end);
}
