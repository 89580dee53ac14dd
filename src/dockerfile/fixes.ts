/**
 * Quick fixes for Berth's diagnostics. Each fix is recomputed from the current text, so a
 * diagnostic that went stale between lint and click yields no edit rather than a wrong one.
 */
import type { CodeAction, Diagnostic, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { offsetAt, positionAt, rangeOf, type Dockerfile, type Instruction, type Span, type Stage } from './model';
import { cacheMountEdit, type PackageCache } from './cacheMount';
import { parse } from './parser';
import { lintDocument } from './lint';
import { canonicalName, parseImageRef } from '../shared/imageRef';
import { aptCommands, aptUpdateSpan, isAptInstall, isAptUpdate } from './rules/apt';
import { copiesBeforeInstalls } from './rules/cache';
import { ruleContext } from './rules/context';
import { resolveBase, type ResolvedBase } from './rules/image';
import { effectiveUser } from './rules/user';
import type { DataEdit } from './rules/shellUsage';
import { ruleCode } from './rules/catalog';
import { commandWords, programName, splitCommands, type SimpleCommand } from './shell';
import { detectInstall } from './installers';
import type { LocalImage } from '../shared/localImage';

export type { LocalImage };

export interface FixContext {
  uri: string;
  /** Images the local engine has; empty or undefined when no engine answers. */
  localImages?: LocalImage[];
  /** The client applies snippet edits (LSP 3.18), so fixes may leave placeholders. */
  snippetSupport?: boolean;
}

interface Fixer {
  doc: Dockerfile;
  ctx: FixContext;
  diagnostic: Diagnostic;
  code: string;
  /** The instruction the diagnostic sits in. */
  instruction: Instruction | undefined;
  out: CodeAction[];
  /** The file's line ending, which inserted lines keep. */
  eol: string;
}

const MAX_TAG_SUGGESTIONS = 5;

/** Quick fixes for the berth diagnostics that touch `range`. */
export function codeActions(text: string, diagnostics: Diagnostic[], _range: Range, ctx: FixContext): CodeAction[] {
  const ours = diagnostics.filter((d) => d.source === 'berth' && typeof d.code === 'string' && ruleCode(d.code as string));
  if (ours.length === 0) return [];
  const doc = parse(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // Rewrites are offered only for findings the current text still has at the same place,
  // so a diagnostic that went stale while the user typed cannot undo what they typed.
  const codes = new Set(ours.map((d) => ruleCode(d.code as string)!));
  const current = lintDocument(doc, { severities: Object.fromEntries([...codes].map((c) => [c, 'warning'])) });
  const stillThere = (d: Diagnostic, code: string) =>
    current.some(
      (c) => c.code === code && c.range.start.line === d.range.start.line && c.range.start.character === d.range.start.character,
    );
  const out: CodeAction[] = [];
  for (const diagnostic of ours) {
    const code = ruleCode(diagnostic.code as string)!;
    const at = offsetAt(doc, diagnostic.range.start);
    const instruction = doc.instructions.find((i) => i.span.start <= at && at <= i.span.end);
    const fixer: Fixer = { doc, ctx, diagnostic, code, instruction, out, eol };
    if (stillThere(diagnostic, code)) {
      try {
        SPECIFIC[code]?.(fixer);
      } catch {
        // A fix that cannot be computed for this text is simply not offered.
      }
    }
    ignoreFixes(fixer);
  }
  return out;
}

function action(f: Fixer, title: string, edit: WorkspaceEdit, preferred = false): void {
  if (f.eol !== '\n') {
    const crlf = (t: string) => t.replace(/\r?\n/g, f.eol);
    for (const list of Object.values(edit.changes ?? {})) for (const e of list) e.newText = crlf(e.newText);
    for (const change of edit.documentChanges ?? []) {
      if ('edits' in change) for (const e of change.edits) if ('snippet' in e) e.snippet.value = crlf(e.snippet.value);
    }
  }
  f.out.push({ title, kind: 'quickfix', diagnostics: [f.diagnostic], edit, ...(preferred ? { isPreferred: true } : {}) });
}

function edits(f: Fixer, list: TextEdit[]): WorkspaceEdit {
  return { changes: { [f.ctx.uri]: list } };
}

function snippet(f: Fixer, range: Range, value: string): WorkspaceEdit {
  return {
    documentChanges: [{ textDocument: { uri: f.ctx.uri, version: null }, edits: [{ range, snippet: { kind: 'snippet', value } }] }],
  };
}

function replaceSpan(f: Fixer, span: Span, newText: string): TextEdit {
  return { range: rangeOf(f.doc, span), newText };
}

/** Leading whitespace of the line an offset is on. */
function indentAt(doc: Dockerfile, offset: number): string {
  const line = positionAt(doc, offset).line;
  const start = doc.lineStarts[line];
  let end = start;
  while (doc.text[end] === ' ' || doc.text[end] === '\t') end++;
  return doc.text.slice(start, end);
}

/** An insertion of whole lines before the line holding `offset`. */
function insertLinesBefore(doc: Dockerfile, offset: number, lines: string): TextEdit {
  const line = positionAt(doc, offset).line;
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: lines + '\n' };
}

/** An insertion of whole lines after the instruction (its last line, heredocs included). */
function insertLinesAfter(doc: Dockerfile, instruction: Instruction, lines: string): TextEdit {
  const end = positionAt(doc, instruction.span.end);
  return { range: { start: end, end }, newText: '\n' + lines };
}

/** The instruction's lines, through the end of its last line's newline. */
function wholeLines(doc: Dockerfile, instruction: Instruction): Range {
  const start = positionAt(doc, instruction.span.start);
  const end = positionAt(doc, instruction.span.end);
  const next = end.line + 1 < doc.lineStarts.length ? { line: end.line + 1, character: 0 } : end;
  return { start: { line: start.line, character: 0 }, end: next };
}

function ignoreFixes(f: Fixer): void {
  const { doc, code } = f;
  const target = f.instruction;
  if (target) {
    const previousLine = positionAt(doc, target.span.start).line - 1;
    const pragma = previousLine >= 0 ? existingPragma(doc, previousLine, false) : undefined;
    const edit = pragma
      ? { range: { start: pragma, end: pragma }, newText: ',' + code }
      : insertLinesBefore(doc, target.span.start, `${indentAt(doc, target.span.start)}# berth ignore=${code}`);
    action(f, `Ignore ${code} for this instruction`, edits(f, [edit]));
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
  action(f, `Ignore ${code} in this file`, edits(f, [edit]));
}

/** The end of a `# berth ignore=…` comment on a line, to append a code to. */
function existingPragma(doc: Dockerfile, line: number, global: boolean): Range['start'] | undefined {
  const start = doc.lineStarts[line];
  const comment = doc.comments.find((c) => c.span.start >= start && positionAt(doc, c.span.start).line === line);
  if (!comment) return undefined;
  const re = global ? /^\s*berth\s+global\s+ignore\s*=\s*[\w,-]+\s*$/ : /^\s*berth\s+ignore\s*=\s*[\w,-]+\s*$/;
  if (!re.test(comment.text)) return undefined;
  let end = comment.span.end;
  while (end > comment.span.start && /\s/.test(doc.text[end - 1])) end--;
  return positionAt(doc, end);
}

// ---- Images ------------------------------------------------------------------------------

function baseAt(f: Fixer): { stage: Stage; base: ResolvedBase } | undefined {
  const stage = f.doc.stages.find((s) => s.from === f.instruction);
  if (!stage) return undefined;
  const base = resolveBase(
    ruleContext(f.doc, {}, () => undefined),
    stage,
  );
  return base && base.literal ? { stage, base } : undefined;
}

/** Local images of the same repository, as parsed `repo:tag` references with their image. */
function localTags(f: Fixer, repository: string): { tag: string; image: LocalImage }[] {
  const out: { tag: string; image: LocalImage }[] = [];
  for (const image of f.ctx.localImages ?? []) {
    for (const repoTag of image.repoTags ?? []) {
      const ref = parseImageRef(repoTag);
      if (ref.tag && ref.tag !== '<none>' && canonicalName(ref) === repository) out.push({ tag: ref.tag, image });
    }
  }
  return out;
}

function tagFixes(f: Fixer): void {
  const found = baseAt(f);
  if (!found) return;
  const { base } = found;
  const repository = canonicalName(base.ref);
  const word = base.word;
  const tags = localTags(f, repository);
  const latestId = tags.find((t) => t.tag === 'latest')?.image.id;
  const candidates = tags
    .filter((t) => t.tag !== 'latest')
    // What `latest` points at locally comes first: pinning it changes nothing today.
    .sort(
      (a, b) =>
        Number(b.image.id === latestId) - Number(a.image.id === latestId) || b.tag.localeCompare(a.tag, undefined, { numeric: true }),
    )
    .slice(0, MAX_TAG_SUGGESTIONS);
  const nameEnd = word.span.start + base.ref.nameEnd;
  const tagSpan: Span = { start: nameEnd, end: base.ref.digestStart >= 0 ? word.span.start + base.ref.digestStart : word.span.end };
  candidates.forEach((c, i) => {
    const same = c.image.id === latestId ? ', the image latest is locally' : ' (local image)';
    action(f, `Use tag '${c.tag}'${same}`, edits(f, [replaceSpan(f, tagSpan, ':' + c.tag)]), i === 0);
  });
  if (candidates.length === 0 && f.ctx.snippetSupport) {
    const placeholder = f.code === 'image-latest' ? ':${1:version}' : ':${1:tag}';
    action(
      f,
      f.code === 'image-latest' ? "Replace 'latest' with a version" : 'Add a tag',
      snippet(f, rangeOf(f.doc, tagSpan), placeholder),
    );
  }
  digestFix(f, base, tags);
}

function digestFix(f: Fixer, base: ResolvedBase, tags = localTags(f, canonicalName(base.ref))): void {
  if (base.ref.digest) return;
  const wanted = base.ref.tag ?? 'latest';
  const image = tags.find((t) => t.tag === wanted)?.image;
  const repository = canonicalName(base.ref);
  const digest = image?.repoDigests
    ?.map((d) => ({ ref: parseImageRef(d), d }))
    .find(({ ref }) => canonicalName(ref) === repository && ref.digest)?.ref.digest;
  if (!digest) return;
  const end = positionAt(f.doc, base.word.span.end);
  action(f, `Pin to the local image's digest ${digest.slice(0, 19)}…`, edits(f, [{ range: { start: end, end }, newText: '@' + digest }]));
}

// ---- USER --------------------------------------------------------------------------------

function userFix(f: Fixer): void {
  const { doc } = f;
  const final = doc.stages[doc.stages.length - 1];
  if (!final) return;
  const base = final.base?.value ?? '';
  const name = /(^|\/)node(:|@|$)/.test(base) ? 'node' : '10001';
  const root = effectiveUser(doc, final.index);
  // Before the command the image runs, after every build step that may still need root.
  const start = root && root.stage === final.index ? final.instructions.indexOf(root) : 0;
  const runTarget = final.instructions.slice(start).find((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
  const anchor = runTarget ?? final.instructions[final.instructions.length - 1];
  const line = (value: string) => `${indentAt(doc, anchor.span.start)}USER ${value}`;
  const title = runTarget ? `Add 'USER ${name}' before ${runTarget.keyword}` : `Add 'USER ${name}' at the end of the final stage`;
  if (runTarget) {
    const at = runTarget.span.start;
    if (f.ctx.snippetSupport && name !== 'node') {
      const pos = { line: positionAt(doc, at).line, character: 0 };
      action(f, title, snippet(f, { start: pos, end: pos }, line('${1:' + name + '}') + '\n'), true);
    } else action(f, title, edits(f, [insertLinesBefore(doc, at, line(name))]), true);
  } else {
    const last = final.instructions[final.instructions.length - 1];
    action(f, title, edits(f, [insertLinesAfter(doc, last, line(name))]), true);
  }
}

// ---- Layer cache -------------------------------------------------------------------------

const SAFE_BETWEEN = new Set([
  'ENV',
  'ARG',
  'LABEL',
  'EXPOSE',
  'USER',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'CMD',
  'ENTRYPOINT',
  'SHELL',
  'VOLUME',
]);

function source(doc: Dockerfile, span: Span): string {
  return doc.text.slice(span.start, span.end);
}

function flagsText(doc: Dockerfile, instruction: Instruction, drop: string[] = []): string {
  return instruction.flags
    .filter((fl) => !drop.includes(fl.name))
    .map((fl) => source(doc, fl.span) + ' ')
    .join('');
}

/** Commands that may run before the install without reading the copied sources. */
const BENIGN_BEFORE_INSTALL = new Set([
  'apt-get',
  'apt',
  'apk',
  'yum',
  'dnf',
  'microdnf',
  'mkdir',
  'set',
  'export',
  'corepack',
  'true',
  'echo',
  'umask',
]);

function benignBeforeInstall(command: SimpleCommand): boolean {
  if (detectInstall(command)) return true;
  const words = commandWords(command);
  const prog = programName(words[0]);
  if (BENIGN_BEFORE_INSTALL.has(prog)) return true;
  // Global tools and settings do not read the project.
  if (['npm', 'pnpm', 'yarn'].includes(prog))
    return words[1] === 'config' || words.includes('-g') || words.includes('--global') || words[1] === 'global';
  return /^pip[0-9.]*$/.test(prog) && words[1] === 'install';
}

function normalizePath(path: string): string {
  return path.replace(/\/+$/, '').replace(/\/\.(?=\/|$)/g, '') || '/';
}

function cacheFix(f: Fixer): void {
  const { doc } = f;
  const copy = f.instruction;
  if (!copy || copy.stage < 0 || copy.json) return;
  const stage = doc.stages[copy.stage];
  const pair = copiesBeforeInstalls(stage, doc.escape, doc.text).find((p) => p.copy === copy);
  if (!pair || !pair.step.install.reorderable) return;
  const { step } = pair;
  const { install: tool } = step;
  const install = step.instruction;
  const dest = copy.args[copy.args.length - 1];
  const destText = dest.value;
  const between = stage.instructions.slice(stage.instructions.indexOf(copy) + 1, stage.instructions.indexOf(install));
  const relativeDest = !destText.startsWith('/') && !destText.startsWith('$');
  for (const i of between) {
    if (SAFE_BETWEEN.has(i.keyword)) continue;
    // The install must still run where the manifests land.
    if (i.keyword === 'WORKDIR' && !relativeDest && normalizePath(i.args[0]?.value ?? '') === normalizePath(destText)) continue;
    return;
  }

  // The RUN up to its last install moves ahead of the copy; what follows an `&&` stays after it.
  const shell = install.json || install.heredocs.length > 0 ? undefined : install.argsText;
  const commands = shell !== undefined ? splitCommands(shell) : step.commands;
  let last = -1;
  commands.forEach((c, i) => {
    if (detectInstall(c)) last = i;
  });
  if (last < 0) return;
  if (!commands.slice(0, last).every(benignBeforeInstall)) return;
  if (commands.slice(0, last).some((c) => c.next !== '&&' && c.next !== ';' && c.next !== '\n')) return;
  const tail = commands.slice(last + 1);
  let installText: string | undefined;
  let restText = '';
  if (shell === undefined) {
    // Exec form and heredocs cannot be split: they move only when they install and nothing else.
    if (tail.length > 0 || tool.early) return;
  } else {
    if (tail.length > 0 && commands[last].next !== '&&') return;
    installText = shell.slice(0, commands[last].end).trim();
    restText = tail.length > 0 ? shell.slice(tail[0].start).trim() : '';
  }

  const indent = indentAt(doc, copy.span.start);
  const copyKeyword = source(doc, copy.keywordSpan);
  const copyFlags = flagsText(doc, copy);
  const intoFolder = (path: string) => (path === '.' ? './' : path.endsWith('/') ? path : path + '/');
  const manifestCopies = groupByDirectory(tool.manifests).map(([dir, files]) => {
    const target = dir ? joinPath(destText, dir) + '/' : files.length === 1 && destText === '.' ? '.' : intoFolder(destText);
    return `${indent}${copyKeyword} ${copyFlags}${files.join(' ')} ${target}`;
  });
  for (const dir of tool.directories ?? []) manifestCopies.push(`${indent}${copyKeyword} ${copyFlags}${dir} ${joinPath(destText, dir)}/`);
  const copyRest = `${indent}${source(doc, copy.span)}`.replace(/\\\r?\n\s*/g, '');
  const list: TextEdit[] = [{ range: wholeLines(doc, copy), newText: manifestCopies.join('\n') + '\n' }];
  if (installText !== undefined && (restText || tool.early)) {
    const runKeyword = source(doc, install.keywordSpan);
    const runFlags = flagsText(doc, install);
    const runIndent = indentAt(doc, install.span.start);
    const run = (command: string) => `${runIndent}${runKeyword} ${runFlags}${command}`;
    let early = installText;
    if (tool.early?.append) early += tool.early.append;
    if (tool.early?.wrap) early = tool.early.wrap[0] + early + tool.early.wrap[1];
    const again = tool.early?.again ? installText : '';
    const after = [again, restText].filter(Boolean).join(' && ');
    const lines = [run(early), copyRest, ...(after ? [run(after)] : [])];
    list.push({ range: wholeLines(doc, install), newText: lines.join('\n') + '\n' });
  } else {
    list.push(insertLinesAfter(doc, install, copyRest));
  }
  action(f, `Copy ${tool.manifests.join(' ')} and install before copying the rest`, edits(f, list), true);
}

function groupByDirectory(files: string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const slash = file.lastIndexOf('/');
    const dir = slash > 0 ? file.slice(0, slash) : '';
    const list = groups.get(dir) ?? [];
    list.push(file);
    groups.set(dir, list);
  }
  return [...groups];
}

function joinPath(dest: string, dir: string): string {
  const base = dest === '.' || dest === './' ? '.' : dest.replace(/\/+$/, '');
  return `${base}/${dir.replace(/^\.\//, '')}`;
}

// ---- apt-get update ----------------------------------------------------------------------

function aptFix(f: Fixer): void {
  const { doc } = f;
  const run = f.instruction;
  if (!run || run.stage < 0 || run.json || run.heredocs.length > 0) return;
  const stage = doc.stages[run.stage];
  const after = stage.instructions.slice(stage.instructions.indexOf(run) + 1);
  const target = after.find((i) => aptCommands(i).some(isAptInstall));
  if (!target || target.json || target.heredocs.length > 0) return;
  const updateSpan = aptUpdateSpan(doc.text, run);
  const updateText = source(doc, updateSpan);
  const list: TextEdit[] = [];
  if (aptCommands(run).every(isAptUpdate)) {
    list.push({ range: wholeLines(doc, run), newText: '' });
  } else {
    // Remove `apt-get update &&` (or `&& apt-get update`) from this RUN, keeping the rest.
    const esc = doc.escape === '`' ? '`' : '\\\\';
    const gap = `[ \\t]*(?:${esc}\\r?\\n[ \\t]*)?`;
    const tail = new RegExp(`^${gap}&&${gap}`).exec(doc.text.slice(updateSpan.end, updateSpan.end + 256));
    const head = new RegExp(`${gap}&&${gap}$`).exec(doc.text.slice(Math.max(run.argsSpan.start, updateSpan.start - 256), updateSpan.start));
    if (tail) list.push(replaceSpan(f, { start: updateSpan.start, end: updateSpan.end + tail[0].length }, ''));
    else if (head) list.push(replaceSpan(f, { start: updateSpan.start - head[0].length, end: updateSpan.end }, ''));
    else return;
  }
  const targetSource = doc.text.slice(target.argsSpan.start, target.span.end);
  const m = /\bapt(?:-get)?(?:[ \t]+-\S+)*[ \t]+(?:install|upgrade|dist-upgrade|full-upgrade|build-dep)\b/.exec(targetSource);
  if (!m) return;
  const at = positionAt(doc, target.argsSpan.start + m.index);
  list.push({ range: { start: at, end: at }, newText: `${updateText} && ` });
  action(f, `Move '${updateText}' into the RUN that installs (line ${positionAt(doc, target.span.start).line + 1})`, edits(f, list), true);
}

// ---- Small rewrites ----------------------------------------------------------------------

function keywordFix(f: Fixer, replacement: unknown, title: (r: string) => string): void {
  if (!f.instruction || typeof replacement !== 'string') return;
  const span =
    f.instruction.trigger && offsetAt(f.doc, f.diagnostic.range.start) >= f.instruction.trigger.keywordSpan.start
      ? f.instruction.trigger.keywordSpan
      : f.instruction.keywordSpan;
  action(f, title(replacement), edits(f, [replaceSpan(f, span, replacement)]), true);
}

function maintainerFix(f: Fixer): void {
  const i = f.instruction;
  if (!i || i.keyword !== 'MAINTAINER') return;
  const author = i.argsText.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  action(
    f,
    'Replace with LABEL org.opencontainers.image.authors',
    edits(f, [replaceSpan(f, i.span, `LABEL org.opencontainers.image.authors="${author}"`)]),
    true,
  );
}

function legacyKeyValueFix(f: Fixer): void {
  const i = f.instruction;
  if (!i || i.args.length < 2) return;
  const key = i.args[0];
  // The builder reads everything after the key as one word: spacing kept, quotes removed.
  const raw = i.argsText.slice(key.value.length).replace(/^[ \t]+/, '');
  const value = i.args.length === 2 && !/["']/.test(raw) ? raw : `"${asDoubleQuoted(raw, f.doc.escape)}"`;
  action(f, `Write ${i.keyword} ${key.value}=…`, edits(f, [replaceSpan(f, i.argsSpan, `${key.value}=${value}`)]), true);
}

/** The same word's content for inside double quotes, where quotes and escapes work differently. */
function asDoubleQuoted(raw: string, escape: string): string {
  let out = '';
  let quote = '';
  for (let k = 0; k < raw.length; k++) {
    const c = raw[k];
    if (quote === "'") {
      if (c === "'") quote = '';
      else out += c === '"' || c === '$' || c === escape ? escape + c : c;
    } else if (quote === '"') {
      if (c === '"') quote = '';
      else if (c === escape && k + 1 < raw.length) out += c + raw[++k];
      else out += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === escape && k + 1 < raw.length) {
      // Outside quotes the escape keeps any character; inside, only these need it.
      const n = raw[++k];
      out += n === '"' || n === '$' || n === escape ? escape + n : n;
    } else out += c;
  }
  return out;
}

function execFormFix(f: Fixer): void {
  const i = f.instruction;
  if (!i || i.json) return;
  // Only plain words: anything the shell would interpret must stay in shell form.
  if (/[$&|;<>()`*?~\\"'#{}[\]]/.test(i.argsText)) return;
  const json = JSON.stringify(i.args.map((w) => w.value)).replace(/","/g, '", "');
  action(f, `Use exec form: ${i.keyword} ${json}`, edits(f, [replaceSpan(f, i.argsSpan, json)]), true);
}

function jsonQuotesFix(f: Fixer): void {
  const i = f.instruction;
  if (!i || !i.argsText.includes("'")) return;
  const fixed = i.argsText.replace(/'([^'"]*)'/g, '"$1"');
  try {
    JSON.parse(fixed);
  } catch {
    return;
  }
  action(f, 'Use double quotes so it parses as JSON', edits(f, [replaceSpan(f, i.argsSpan, fixed)]), true);
}

// ---- Edits the rule computed -------------------------------------------------------------

/**
 * The edits a finding carries in `data`, taken from a lint of the current text rather than from
 * the diagnostic the client sent, whose offsets may predate the last keystroke.
 */
function currentEdits(f: Fixer): DataEdit[] | undefined {
  const current = lintDocument(f.doc, { severities: { [f.code]: 'warning' } });
  const { line, character } = f.diagnostic.range.start;
  const same = current.find((d) => d.code === f.code && d.range.start.line === line && d.range.start.character === character);
  const list = (same?.data as { edits?: DataEdit[] } | undefined)?.edits;
  return Array.isArray(list) && list.length > 0 ? list : undefined;
}

function dataFix(f: Fixer, title: string, preferred = true): void {
  const list = currentEdits(f);
  if (!list) return;
  action(
    f,
    title,
    edits(
      f,
      list.map((e) => replaceSpan(f, e, e.text)),
    ),
    preferred,
  );
}

/** Base images known to ship bash, so `SHELL ["/bin/bash", …]` cannot break the build. */
const BASH_IMAGES = new Set([
  'debian',
  'ubuntu',
  'buildpack-deps',
  'node',
  'python',
  'golang',
  'ruby',
  'rust',
  'php',
  'perl',
  'openjdk',
  'eclipse-temurin',
  'amazoncorretto',
  'maven',
  'gradle',
  'fedora',
  'centos',
  'rockylinux',
  'almalinux',
  'amazonlinux',
  'oraclelinux',
  'ubi8',
  'ubi9',
]);

/**
 * A SHELL that fails pipes: bash where the base image certainly has it, busybox ash on Alpine.
 * Not `set -o pipefail` under /bin/sh: Debian's dash accepts it only from 0.5.12-7 (Debian 13).
 */
function pipefailFix(f: Fixer): void {
  const { doc } = f;
  const run = f.instruction;
  if (!run || run.stage < 0) return;
  let root = doc.stages[run.stage];
  const seen = new Set<number>();
  while (root.parent !== undefined && !seen.has(root.index)) {
    seen.add(root.index);
    root = doc.stages[root.parent];
  }
  const base = resolveBase(
    ruleContext(doc, {}, () => undefined),
    root,
  );
  if (!base) return;
  const name = base.ref.repository.split('/').pop() ?? '';
  const tag = base.ref.tag ?? '';
  let shell: string | undefined;
  if (name === 'alpine' || /alpine/.test(tag)) shell = '/bin/ash';
  else if (BASH_IMAGES.has(name) && !/busybox|distroless|windows|nanoserver/.test(tag)) shell = '/bin/bash';
  if (!shell) return;
  const stage = doc.stages[run.stage];
  const line = `SHELL ["${shell}", "-o", "pipefail", "-c"]`;
  action(
    f,
    `Add ${line} to the stage`,
    edits(f, [insertLinesAfter(doc, stage.from, `${indentAt(doc, stage.from.span.start)}${line}`)]),
    true,
  );
}

/**
 * The cache on a BuildKit cache mount: offered after the plain fix, never preferred, since only
 * BuildKit builds it (Berth does, as `docker build` does since Docker 23).
 */
function cacheMountFix(f: Fixer, cache: PackageCache): void {
  const run = f.instruction;
  const mount = run && cacheMountEdit(f.doc, run, cache);
  if (!mount) return;
  action(f, `Mount a BuildKit cache on ${mount.target}`, edits(f, [replaceSpan(f, { start: mount.at, end: mount.at }, mount.text)]), false);
}

/** "Did you mean" renames the variable; a global or platform ARG gets declared in the stage. */
function variableFix(f: Fixer): void {
  const data = f.diagnostic.data as { suggestion?: string; declare?: string } | undefined;
  if (data?.suggestion) dataFix(f, `Change to '${data.suggestion}'`);
  else if (data?.declare) dataFix(f, `Add 'ARG ${data.declare}' to the stage`);
}

const SPECIFIC: Record<string, (f: Fixer) => void> = {
  'image-untagged': tagFixes,
  'image-latest': tagFixes,
  'image-unpinned-digest': (f) => {
    const found = baseAt(f);
    if (found) digestFix(f, found.base);
  },
  'user-root': userFix,
  'user-missing': userFix,
  'cache-copy-before-install': cacheFix,
  'apt-update-alone': aptFix,
  'keyword-casing': (f) => keywordFix(f, (f.diagnostic.data as { replacement?: string } | undefined)?.replacement, (r) => `Write '${r}'`),
  'unknown-instruction': (f) =>
    keywordFix(f, (f.diagnostic.data as { suggestion?: string } | undefined)?.suggestion, (r) => `Change to ${r}`),
  'maintainer-deprecated': maintainerFix,
  'legacy-key-value': legacyKeyValueFix,
  'json-args-recommended': execFormFix,
  'json-args-invalid': jsonQuotesFix,
  'sudo-in-run': (f) => dataFix(f, "Remove 'sudo'"),
  'apt-missing-yes': (f) => dataFix(f, 'Add -y'),
  'apt-install-recommends': (f) => dataFix(f, 'Add --no-install-recommends'),
  'apt-lists-kept': (f) => {
    dataFix(f, "Add '&& rm -rf /var/lib/apt/lists/*'");
    cacheMountFix(f, 'apt');
  },
  'apt-instead-of-apt-get': (f) => dataFix(f, 'Use apt-get'),
  'pip-cache-kept': (f) => {
    dataFix(f, 'Add --no-cache-dir');
    cacheMountFix(f, 'pip');
  },
  'apk-cache-kept': (f) => {
    dataFix(f, 'Add --no-cache');
    cacheMountFix(f, 'apk');
  },
  'pipe-without-pipefail': pipefailFix,
  // A matter of taste (caching may want them apart): offered, never the automatic choice.
  'run-consecutive': (f) => dataFix(f, 'Join with the RUN before', false),
  'add-instead-of-copy': (f) => dataFix(f, 'Use COPY'),
  'copy-from-unknown': (f) => dataFix(f, `Change to '${(f.diagnostic.data as { suggestion?: string } | undefined)?.suggestion}'`),
  'variable-undefined': variableFix,
  'from-arg-undefined': variableFix,
};
