/**
 * Quick fixes for the Compose diagnostics: the key, service or stage meant; declaring a missing
 * network, volume, secret or config; quoting a port mapping; pinning an image tag (from the
 * local engine's tags); removing `version:`; and ignoring a finding. Each edit is checked
 * against the current text, so a diagnostic that went stale yields nothing rather than a wrong edit.
 */
import type { CodeAction, Diagnostic, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { canonicalName, parseImageRef } from '../shared/imageRef';
import type { LocalImage } from '../shared/localImage';
import { offsetOf, positionOf, rangeOfSpan, type ComposeDocument, type ScalarNode, type Span } from './document';
import { composeRuleCode } from './lint';
import { SECTION, servicePairs, subSpan, type SymbolKind } from './model';
import { asMap, asScalar, valueOf } from './tree';
import type { ComposeProject } from './project';

export interface ComposeFixContext {
  /** The client applies snippet edits, so fixes may leave placeholders. */
  snippetSupport?: boolean;
}

const MAX_TAGS = 5;

interface Fixer {
  project: ComposeProject;
  doc: ComposeDocument;
  diagnostic: Diagnostic;
  code: string;
  span: Span;
  out: CodeAction[];
  ctx: ComposeFixContext;
}

/** Quick fixes for the berth diagnostics given, in the project's current file. */
export function composeCodeActions(project: ComposeProject, diagnostics: Diagnostic[], ctx: ComposeFixContext = {}): CodeAction[] {
  const doc = project.file.doc;
  const out: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'berth' || typeof diagnostic.code !== 'string') continue;
    const code = composeRuleCode(diagnostic.code);
    if (!code) continue;
    const span = { start: offsetOf(doc, diagnostic.range.start), end: offsetOf(doc, diagnostic.range.end) };
    const f: Fixer = { project, doc, diagnostic, code, span, out, ctx };
    FIXES[code]?.(f);
    ignoreFixes(f);
  }
  return out;
}

function action(f: Fixer, title: string, edits: TextEdit[], preferred = false): void {
  const edit: WorkspaceEdit = { changes: { [f.project.file.uri]: edits } };
  f.out.push({ title, kind: 'quickfix', diagnostics: [f.diagnostic], edit, ...(preferred ? { isPreferred: true } : {}) });
}

function snippetAction(f: Fixer, title: string, span: Span, value: string): void {
  const edit: WorkspaceEdit = {
    documentChanges: [
      {
        textDocument: { uri: f.project.file.uri, version: null },
        edits: [{ range: rangeOfSpan(f.doc, span), snippet: { kind: 'snippet', value } }],
      },
    ],
  };
  f.out.push({ title, kind: 'quickfix', diagnostics: [f.diagnostic], edit });
}

function replace(f: Fixer, span: Span, newText: string): TextEdit {
  return { range: rangeOfSpan(f.doc, span), newText };
}

function data(f: Fixer): Record<string, unknown> {
  const d = f.diagnostic.data;
  return d && typeof d === 'object' ? (d as Record<string, unknown>) : {};
}

/** The text the diagnostic covers now. */
function current(f: Fixer): string {
  return f.doc.text.slice(f.span.start, f.span.end);
}

/** Replaces the diagnostic's text with the name it most likely meant. */
function replacementFix(f: Fixer): void {
  const replacement = data(f).replacement;
  if (typeof replacement !== 'string' || current(f) === replacement || current(f) === '') return;
  action(f, `Change to '${replacement}'`, [replace(f, f.span, replacement)], true);
}

const FIXES: Record<string, (f: Fixer) => void> = {
  'compose-schema': replacementFix,
  'compose-service-unknown': replacementFix,
  'compose-build-target-unknown': (f) => {
    replacementFix(f);
    const replacement = data(f).replacement;
    const stages = data(f).stages;
    if (!Array.isArray(stages)) return;
    for (const stage of stages.slice(0, MAX_TAGS)) {
      if (typeof stage === 'string' && stage !== replacement && stage !== current(f))
        action(f, `Use stage '${stage}'`, [replace(f, f.span, stage)]);
    }
  },
  'compose-resource-undeclared': (f) => {
    replacementFix(f);
    const { kind, name } = data(f);
    if (typeof kind === 'string' && typeof name === 'string' && current(f) === name) declareFix(f, kind as SymbolKind, name);
  },
  'compose-port-unquoted': (f) => {
    const text = current(f);
    if (!/^\d+(?::\d+)+$/.test(text)) return;
    action(f, `Quote it: "${text}"`, [replace(f, f.span, `"${text}"`)], true);
  },
  'compose-version-obsolete': (f) => {
    const remove = data(f).remove as Span | undefined;
    if (!remove || !f.doc.text.slice(remove.start).startsWith('version')) return;
    const start = positionOf(f.doc, remove.start);
    const end = positionOf(f.doc, remove.end);
    const next = end.line + 1 < f.doc.lineStarts.length ? { line: end.line + 1, character: 0 } : end;
    action(f, "Remove the obsolete 'version'", [{ range: { start: { line: start.line, character: 0 }, end: next }, newText: '' }], true);
  },
  'image-untagged': tagFixes,
  'image-latest': tagFixes,
};

/** Adds the name under its top-level section, creating the section at the end when the file has none. */
function declareFix(f: Fixer, kind: SymbolKind, name: string): void {
  const { doc } = f;
  const sectionName = SECTION[kind];
  const section = doc.root?.pairs.find((p) => p.name === sectionName);
  const unit = indentUnit(doc);
  const body = (indent: string) =>
    kind === 'secret' || kind === 'config' ? `${indent}${name}:\n${indent}${unit}file: ./${name}.txt` : `${indent}${name}:`;
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  const title = `Declare ${kind} '${name}' in the top-level '${sectionName}'`;
  if (!section) {
    const end = positionOf(doc, doc.text.length);
    const lead = doc.text.length === 0 || doc.text.endsWith('\n') ? '' : eol;
    action(f, title, [{ range: { start: end, end }, newText: `${lead}${sectionName}:${eol}${body(unit).replace(/\n/g, eol)}${eol}` }]);
    return;
  }
  const value = section.value;
  if (value && value.kind === 'map' && !value.flow && value.pairs.length > 0) {
    const first = value.pairs[0];
    const indent = ' '.repeat(positionOf(doc, first.start).character);
    const at = lineEnd(doc, value.end);
    action(f, title, [{ range: { start: at, end: at }, newText: eol + body(indent).replace(/\n/g, eol) }]);
    return;
  }
  if (!value || (value.kind === 'scalar' && value.value === null)) {
    const at = lineEnd(doc, section.key!.end);
    action(f, title, [{ range: { start: at, end: at }, newText: eol + body(unit).replace(/\n/g, eol) }]);
  }
}

/** The end of the last line a node covers (a block node's end may be the next line's start), before its line break. */
function lineEnd(doc: ComposeDocument, offset: number): ReturnType<typeof positionOf> {
  const line = positionOf(doc, Math.max(0, offset - (offset > 0 && /[\r\n]/.test(doc.text[offset - 1] ?? '') ? 1 : 0))).line;
  const next = line + 1 < doc.lineStarts.length ? doc.lineStarts[line + 1] : doc.text.length;
  let end = next;
  while (end > doc.lineStarts[line] && /[\r\n]/.test(doc.text[end - 1])) end--;
  return positionOf(doc, end);
}

/** The file's indentation step: the first indented line's indentation, else two spaces. */
function indentUnit(doc: ComposeDocument): string {
  const m = /\n( +)\S/.exec(doc.text);
  return m ? m[1] : '  ';
}

function tagFixes(f: Fixer): void {
  if (data(f).literal !== true) return;
  const { doc } = f;
  // The `image:` scalar the diagnostic is in, as the text reads now.
  let image: ScalarNode | undefined;
  for (const service of servicePairs(doc)) {
    const node = asScalar(doc, valueOf(doc, asMap(doc, service.value), 'image'));
    if (node && node.start <= f.span.start && f.span.start <= node.end) image = node;
  }
  if (!image || typeof image.value !== 'string') return;
  const reference = image.value;
  const ref = parseImageRef(reference);
  if (ref.digest || (f.code === 'image-latest' && ref.tag !== 'latest') || (f.code === 'image-untagged' && ref.tag !== undefined)) return;
  const repository = canonicalName(ref);
  const tags = localTags(f.project.host.localImages ?? [], repository);
  const latestId = tags.find((t) => t.tag === 'latest')?.image.id;
  const candidates = tags
    .filter((t) => t.tag !== 'latest')
    .sort(
      (a, b) =>
        Number(b.image.id === latestId) - Number(a.image.id === latestId) || b.tag.localeCompare(a.tag, undefined, { numeric: true }),
    )
    .slice(0, MAX_TAGS);
  const tagSpan = subSpan(doc, image, ref.nameEnd, reference.length);
  candidates.forEach((c, i) => {
    const same = c.image.id === latestId ? ', the image latest is locally' : ' (local image)';
    action(f, `Use tag '${c.tag}'${same}`, [replace(f, tagSpan, ':' + c.tag)], i === 0);
  });
  if (candidates.length === 0 && f.ctx.snippetSupport) {
    snippetAction(
      f,
      f.code === 'image-latest' ? "Replace 'latest' with a version" : 'Add a tag',
      tagSpan,
      f.code === 'image-latest' ? ':${1:version}' : ':${1:tag}',
    );
  }
}

function localTags(images: readonly LocalImage[], repository: string): { tag: string; image: LocalImage }[] {
  const out: { tag: string; image: LocalImage }[] = [];
  for (const image of images) {
    for (const repoTag of image.repoTags ?? []) {
      const ref = parseImageRef(repoTag);
      if (ref.tag && ref.tag !== '<none>' && canonicalName(ref) === repository) out.push({ tag: ref.tag, image });
    }
  }
  return out;
}

/** `# berth ignore=<code>` above the line (joining a pragma already there), or `# berth global ignore=<code>` for the file. */
function ignoreFixes(f: Fixer): void {
  const { doc, code } = f;
  const line = f.diagnostic.range.start.line;
  const lineText = (l: number) =>
    doc.text.slice(doc.lineStarts[l], l + 1 < doc.lineStarts.length ? doc.lineStarts[l + 1] : doc.text.length).replace(/[\r\n]+$/, '');
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  const above = line > 0 ? lineText(line - 1) : '';
  if (/^\s*#\s*berth\s+ignore\s*=/.test(above)) {
    const end = { line: line - 1, character: above.length };
    if (
      !above
        .split('=')[1]
        .split(',')
        .some((c) => c.trim() === code)
    )
      action(f, `Ignore ${code} here`, [{ range: { start: end, end }, newText: ',' + code }]);
  } else {
    const indent = /^\s*/.exec(lineText(line))![0].replace(/-\s*$/, (m) => ' '.repeat(m.length));
    action(f, `Ignore ${code} here`, [
      { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}# berth ignore=${code}${eol}` },
    ]);
  }
  const global = doc.lineStarts.findIndex((_, l) => /^\s*#\s*berth\s+global\s+ignore\s*=/.test(lineText(l)));
  if (global >= 0) {
    const end = { line: global, character: lineText(global).length };
    action(f, `Ignore ${code} in this file`, [{ range: { start: end, end }, newText: ',' + code }]);
  } else
    action(f, `Ignore ${code} in this file`, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `# berth global ignore=${code}${eol}` },
    ]);
}
