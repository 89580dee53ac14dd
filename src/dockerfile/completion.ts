/**
 * Completion: instruction keywords (as snippets, in the file's casing), each instruction's flags
 * and their values, variables in scope after `$`/`${`, stage names, FROM images and tags from the
 * local engine's list (passed in; never a registry call), and parser directives at the top.
 */
import {
  CompletionItemKind,
  CompletionItemTag,
  InsertTextFormat,
  type CompletionItem,
  type Position,
  type Range,
} from 'vscode-languageserver-types';
import { DIRECTIVE_DOCS, FLAG_DOCS, INSTRUCTION_DOCS, MOUNT_OPTIONS, MOUNT_TYPE_DOCS, PLATFORM_ARGS } from './docs';
import { globalScope, scopeAt, type EngineImage } from './hover';
import { canonicalName, parseImageRef } from '../shared/imageRef';
import type { Dockerfile, Instruction } from './model';
import { instructionAt, offsetAt, positionAt } from './model';
import { INSTRUCTIONS } from './rules/builder';

export interface CompletionOptions {
  /** The local engine's images; undefined or empty when none answered. */
  localImages?: EngineImage[];
  /** The client takes snippets (`${1:x}` placeholders); plain text otherwise. */
  snippets?: boolean;
}

/** Official images offered after FROM even without an engine: offline, no registry call. */
const COMMON_IMAGES = [
  'alpine',
  'debian',
  'ubuntu',
  'busybox',
  'node',
  'python',
  'golang',
  'rust',
  'eclipse-temurin',
  'nginx',
  'postgres',
  'redis',
  'php',
  'ruby',
  'gcc',
  'buildpack-deps',
];
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGKILL'];
/** Shells people set, exec form; `pipefail` makes a failing pipe fail the RUN. */
const SHELLS = [
  '["/bin/bash", "-o", "pipefail", "-c"]',
  '["/bin/sh", "-c"]',
  '["/bin/ash", "-eo", "pipefail", "-c"]',
  '["pwsh", "-Command"]',
  '["cmd", "/S", "/C"]',
];
const ONBUILD_FORBIDDEN = new Set(['ONBUILD', 'FROM', 'MAINTAINER']);
/** Flags that may be given more than once. */
const REPEATABLE = new Set(['mount', 'exclude', 'device']);
const BOOL_FLAGS = new Set(['link', 'parents', 'keep-git-dir', 'unpack']);

interface Context {
  doc: Dockerfile;
  offset: number;
  options: CompletionOptions;
  range(start: number, end: number): Range;
}

export function complete(doc: Dockerfile, position: Position, options: CompletionOptions = {}): CompletionItem[] {
  const offset = offsetAt(doc, position);
  const line = positionAt(doc, offset).line;
  const lineStart = doc.lineStarts[line];
  const prefix = doc.text.slice(lineStart, offset);
  const ctx: Context = { doc, offset, options, range: (start, end) => ({ start: positionAt(doc, start), end: positionAt(doc, end) }) };

  const first = doc.instructions[0];
  if ((!first || first.span.start >= offset) && /^\s*#\s*[a-z]*$/i.test(prefix)) return directives(ctx, lineStart, line);

  const top = instructionAt(doc, offset);
  const variable = /(^|[^$])\$(\{?)([A-Za-z_][A-Za-z0-9_]*)?$/.exec(prefix);
  if (variable && prefix[variable.index + variable[1].length - 1] !== doc.escape) {
    return variables(ctx, top, offset - (variable[3]?.length ?? 0), variable[2] === '{');
  }
  if (/^\s*#/.test(prefix) && (!top || offset > top.span.end || prefix.trimStart().startsWith('#'))) return [];
  if (!top) return /^\s*[A-Za-z]*$/.test(prefix) ? keywords(ctx, offset - prefix.trimStart().length, offset, undefined) : [];
  if (offset >= top.keywordSpan.start && offset <= top.keywordSpan.end)
    return keywords(ctx, top.keywordSpan.start, top.keywordSpan.end, top);

  let instruction = top;
  if (top.keyword === 'ONBUILD') {
    const trigger = top.trigger;
    if (!trigger || (offset >= trigger.keywordSpan.start && offset <= trigger.keywordSpan.end)) {
      const at = trigger ? trigger.keywordSpan : { start: offset, end: offset };
      return keywords(ctx, at.start, at.end, trigger, true);
    }
    if (offset < trigger.keywordSpan.start) return [];
    instruction = trigger;
  }

  // The word under the cursor: from the last blank before it to the next blank after it.
  let wordStart = offset;
  while (wordStart > lineStart && !/\s/.test(doc.text[wordStart - 1])) wordStart--;
  let wordEnd = offset;
  while (wordEnd < doc.text.length && !/\s/.test(doc.text[wordEnd])) wordEnd++;
  const word = doc.text.slice(wordStart, offset);
  const argsBefore = instruction.args.filter((w) => w.span.end <= wordStart);

  if (word.startsWith('--') && argsBefore.length === 0) {
    const eq = word.indexOf('=');
    if (eq < 0) return flagNames(ctx, instruction, wordStart, wordEnd);
    return flagValues(ctx, top, instruction, word.slice(2, eq), wordStart + eq + 1, wordEnd);
  }
  if (instruction.keyword === 'FROM') {
    if (argsBefore.length === 0) return images(ctx, top, wordStart, wordEnd, word, true);
    if (argsBefore.length === 1) return keywordItems(['AS'], doc, wordStart, wordEnd, ctx, 'Names the stage');
    return [];
  }
  if (instruction.keyword === 'ARG' && !word.includes('=') && instruction.stage >= 0) return argNames(ctx, top, wordStart, wordEnd);
  if (instruction.keyword === 'STOPSIGNAL' && argsBefore.length === 0) return valueItems(ctx, SIGNALS, wordStart, wordEnd, 'signal');
  if (instruction.keyword === 'SHELL' && argsBefore.length === 0 && instruction.argsText.replace(/[[\]\s]/g, '') === '') {
    return valueItems(ctx, SHELLS, wordStart, Math.max(wordEnd, instruction.argsSpan.end), 'SHELL');
  }
  if (instruction.keyword === 'HEALTHCHECK' && argsBefore.length === 0) {
    return keywordItems(['CMD', 'NONE'], doc, wordStart, wordEnd, ctx, 'HEALTHCHECK');
  }
  return [];
}

/** Whether completing at `position` would list local images, so the server asks the engine only then. */
export function completesImages(doc: Dockerfile, position: Position): boolean {
  const offset = offsetAt(doc, position);
  const top = instructionAt(doc, offset);
  if (!top || offset <= top.keywordSpan.end) return false;
  const lineStart = doc.lineStarts[positionAt(doc, offset).line];
  let wordStart = offset;
  while (wordStart > lineStart && !/\s/.test(doc.text[wordStart - 1])) wordStart--;
  const word = doc.text.slice(wordStart, offset);
  if (word.includes('$')) return false;
  const argsBefore = top.args.filter((w) => w.span.end <= wordStart);
  if (top.keyword === 'FROM') return !word.startsWith('--') && argsBefore.length === 0;
  return top.keyword === 'COPY' && word.startsWith('--from=') && argsBefore.length === 0;
}

/** `FROM` or `from`, as most of the file's keywords are written. */
function fileCasing(doc: Dockerfile, skip: Instruction | undefined): (keyword: string) => string {
  let upper = 0;
  let lower = 0;
  for (const instruction of doc.instructions) {
    if (instruction === skip) continue;
    const written = doc.text.slice(instruction.keywordSpan.start, instruction.keywordSpan.end);
    if (written === written.toUpperCase()) upper++;
    else if (written === written.toLowerCase()) lower++;
  }
  return lower > upper ? (k) => k.toLowerCase() : (k) => k;
}

function keywords(ctx: Context, start: number, end: number, current: Instruction | undefined, trigger = false): CompletionItem[] {
  const { doc, options } = ctx;
  const cased = fileCasing(doc, current);
  // Arguments already there: change the keyword only.
  const bare = current !== undefined && (current.argsText !== '' || current.flags.length > 0);
  const range = ctx.range(start, end);
  const items: CompletionItem[] = [];
  const before = current ? current.span.start : ctx.offset;
  const stages = doc.stages.filter((s) => s.from.span.start < before).length;
  for (const keyword of INSTRUCTIONS) {
    if (trigger && ONBUILD_FORBIDDEN.has(keyword)) continue;
    const info = INSTRUCTION_DOCS[keyword];
    const label = cased(keyword);
    const item: CompletionItem = {
      label,
      kind: CompletionItemKind.Keyword,
      detail: info.syntax[0],
      documentation: { kind: 'markdown', value: `${info.summary}\n\n[Dockerfile reference](${info.url})` },
      // FROM first in an empty file; otherwise alphabetical, with the deprecated one last.
      sortText: (keyword === 'FROM' && stages === 0 ? '0' : keyword === 'MAINTAINER' ? '9' : '1') + keyword,
    };
    if (keyword === 'MAINTAINER') item.tags = [CompletionItemTag.Deprecated];
    if (bare) item.textEdit = { range, newText: label };
    else if (options.snippets) {
      item.textEdit = { range, newText: `${label} ${info.snippet}` };
      item.insertTextFormat = InsertTextFormat.Snippet;
    } else item.textEdit = { range, newText: `${label} ` };
    items.push(item);
  }
  return items;
}

function keywordItems(words: string[], doc: Dockerfile, start: number, end: number, ctx: Context, detail: string): CompletionItem[] {
  const cased = fileCasing(doc, undefined);
  return words.map((word) => ({
    label: cased(word),
    kind: CompletionItemKind.Keyword,
    detail,
    textEdit: { range: ctx.range(start, end), newText: `${cased(word)} ` },
  }));
}

function directives(ctx: Context, lineStart: number, line: number): CompletionItem[] {
  const { doc } = ctx;
  // Directives count only in the block of them that opens the file.
  if (line > doc.directives.length) return [];
  const present = new Set(doc.directives.filter((d) => d.span.start < lineStart).map((d) => d.name));
  const hash = doc.text.indexOf('#', lineStart);
  const range = ctx.range(hash, ctx.offset);
  return Object.entries(DIRECTIVE_DOCS)
    .filter(([name]) => !present.has(name))
    .map(([name, info]) => ({
      label: `# ${name}`,
      kind: CompletionItemKind.Property,
      detail: info.syntax,
      documentation: { kind: 'markdown', value: info.summary },
      filterText: doc.text.slice(hash, ctx.offset) + name,
      textEdit: { range, newText: ctx.options.snippets ? `# ${info.snippet}` : `# ${name}=` },
      insertTextFormat: ctx.options.snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    }));
}

function variables(ctx: Context, top: Instruction | undefined, nameStart: number, braced: boolean): CompletionItem[] {
  const { doc, offset } = ctx;
  let nameEnd = offset;
  while (nameEnd < doc.text.length && /[A-Za-z0-9_]/.test(doc.text[nameEnd])) nameEnd++;
  const close = braced && doc.text[nameEnd] !== '}' ? '}' : '';
  const range = ctx.range(nameStart, nameEnd);
  const scope = top ? scopeAt(doc, top) : globalScope(doc, offset);
  const items: CompletionItem[] = [];
  for (const binding of scope.values()) {
    const value = binding.value === undefined ? 'no default: set with --build-arg' : JSON.stringify(binding.value);
    items.push({
      label: binding.name,
      kind: binding.kind === 'ENV' ? CompletionItemKind.Variable : CompletionItemKind.Constant,
      detail: `${binding.kind} ${value}`,
      sortText: '0' + binding.name,
      textEdit: { range, newText: binding.name + close },
    });
  }
  // Platform ARGs need no declaration where global ARGs apply (FROM lines).
  if (!top || top.keyword === 'FROM' || top.stage < 0) {
    for (const [name, meaning] of Object.entries(PLATFORM_ARGS)) {
      if (scope.has(name)) continue;
      items.push({
        label: name,
        kind: CompletionItemKind.Constant,
        detail: `set by BuildKit: ${meaning.replace(/`/g, '')}`,
        sortText: '1' + name,
        textEdit: { range, newText: name + close },
      });
    }
  }
  return items;
}

/** In a stage, `ARG |` offers the global ARGs and BuildKit's platform ARGs not yet visible there. */
function argNames(ctx: Context, top: Instruction, start: number, end: number): CompletionItem[] {
  const scope = scopeAt(ctx.doc, top);
  const range = ctx.range(start, end);
  const items: CompletionItem[] = [];
  for (const binding of globalScope(ctx.doc).values()) {
    if (scope.has(binding.name)) continue;
    const value = binding.value === undefined ? 'no default' : `default ${JSON.stringify(binding.value)}`;
    items.push({
      label: binding.name,
      kind: CompletionItemKind.Constant,
      detail: `global ARG, ${value}`,
      sortText: '0' + binding.name,
      textEdit: { range, newText: binding.name },
    });
  }
  for (const [name, meaning] of Object.entries(PLATFORM_ARGS)) {
    if (scope.has(name)) continue;
    items.push({
      label: name,
      kind: CompletionItemKind.Constant,
      detail: `set by BuildKit: ${meaning.replace(/`/g, '')}`,
      sortText: '1' + name,
      textEdit: { range, newText: name },
    });
  }
  return items;
}

function flagNames(ctx: Context, instruction: Instruction, start: number, end: number): CompletionItem[] {
  const flags = FLAG_DOCS[instruction.keyword];
  if (!flags) return [];
  const present = new Set(instruction.flags.filter((f) => f.span.start !== start).map((f) => f.name));
  const range = ctx.range(start, end);
  const items: CompletionItem[] = [];
  for (const [name, info] of Object.entries(flags)) {
    if (present.has(name) && !REPEATABLE.has(name)) continue;
    const bool = BOOL_FLAGS.has(name);
    const snippet = ctx.options.snippets && !bool;
    items.push({
      label: `--${name}`,
      kind: CompletionItemKind.Property,
      detail: info.syntax,
      documentation: { kind: 'markdown', value: info.summary },
      textEdit: { range, newText: bool ? `--${name}` : snippet ? `--${name}=$1` : `--${name}=` },
      insertTextFormat: snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      // Values complete next, so ask for them right away.
      command: bool ? undefined : { title: 'values', command: 'editor.action.triggerSuggest' },
    });
  }
  return items;
}

function valueItems(ctx: Context, values: string[], start: number, end: number, detail?: string): CompletionItem[] {
  const range = ctx.range(start, end);
  return values.map((value, i) => ({
    label: value,
    kind: CompletionItemKind.Value,
    detail,
    sortText: String(i).padStart(3, '0'),
    textEdit: { range, newText: value },
  }));
}

function flagValues(
  ctx: Context,
  top: Instruction,
  instruction: Instruction,
  name: string,
  valueStart: number,
  wordEnd: number,
): CompletionItem[] {
  const { doc, offset } = ctx;
  if (name === 'from' && instruction.keyword === 'COPY') {
    const stages = stageItems(ctx, top, valueStart, wordEnd);
    return [...stages, ...images(ctx, top, valueStart, wordEnd, doc.text.slice(valueStart, offset), false)];
  }
  if (name === 'mount' && instruction.keyword === 'RUN') return mountValues(ctx, top, valueStart, wordEnd);
  const values = FLAG_DOCS[instruction.keyword]?.[name]?.values ?? [];
  return valueItems(ctx, values, valueStart, wordEnd, `--${name}`);
}

/** `--mount=` values: the type first, then the options of that type and their values. */
function mountValues(ctx: Context, top: Instruction, valueStart: number, wordEnd: number): CompletionItem[] {
  const { doc, offset } = ctx;
  const typed = doc.text.slice(valueStart, offset);
  const segmentStart = valueStart + typed.lastIndexOf(',') + 1;
  let segmentEnd = offset;
  while (segmentEnd < wordEnd && doc.text[segmentEnd] !== ',') segmentEnd++;
  const segment = doc.text.slice(segmentStart, offset);
  const whole = doc.text.slice(valueStart, wordEnd);
  const type = /(?:^|,)type=([a-z]+)/.exec(whole)?.[1];
  const eq = segment.indexOf('=');
  if (eq >= 0) {
    const key = segment.slice(0, eq);
    const start = segmentStart + eq + 1;
    if (key === 'type') {
      return Object.keys(MOUNT_OPTIONS).map((t, i) => ({
        label: t,
        kind: CompletionItemKind.EnumMember,
        documentation: { kind: 'markdown', value: MOUNT_TYPE_DOCS[t] },
        sortText: String(i),
        textEdit: { range: ctx.range(start, segmentEnd), newText: t },
      }));
    }
    if (key === 'from') return stageItems(ctx, top, start, segmentEnd);
    return valueItems(ctx, MOUNT_OPTIONS[type ?? 'bind']?.[key] ?? [], start, segmentEnd, key);
  }
  if (!type) {
    return Object.keys(MOUNT_OPTIONS).map((t, i) => ({
      label: `type=${t}`,
      kind: CompletionItemKind.EnumMember,
      documentation: { kind: 'markdown', value: MOUNT_TYPE_DOCS[t] },
      sortText: String(i),
      textEdit: { range: ctx.range(segmentStart, segmentEnd), newText: `type=${t}` },
    }));
  }
  const used = new Set(whole.split(',').map((part) => part.split('=')[0]));
  return Object.keys(MOUNT_OPTIONS[type] ?? {})
    .filter((key) => !used.has(key))
    .map((key, i) => ({
      label: `${key}=`,
      kind: CompletionItemKind.Property,
      detail: `${type} mount`,
      sortText: String(i).padStart(2, '0'),
      textEdit: { range: ctx.range(segmentStart, segmentEnd), newText: `${key}=` },
      command: MOUNT_OPTIONS[type][key].length ? { title: 'values', command: 'editor.action.triggerSuggest' } : undefined,
    }));
}

/** Stages declared before the instruction's own stage, by name (or index when unnamed). */
function stageItems(ctx: Context, top: Instruction, start: number, end: number): CompletionItem[] {
  const range = ctx.range(start, end);
  return ctx.doc.stages
    .filter((stage) => stage.index < top.stage || (top.stage < 0 && stage.from.span.start < top.span.start))
    .map((stage) => {
      const label = stage.name?.value ?? String(stage.index);
      return {
        label,
        kind: CompletionItemKind.Module,
        detail: `stage ${stage.index}${stage.base ? `: FROM ${stage.base.value}` : ''}`,
        sortText: '0' + String(stage.index).padStart(4, '0'),
        textEdit: { range, newText: label },
      };
    });
}

/** Repositories (then, after `:`, tags) the local engine has, common official images, earlier stages and `scratch`. */
function images(ctx: Context, top: Instruction, start: number, end: number, typed: string, from: boolean): CompletionItem[] {
  const local = ctx.options.localImages ?? [];
  const lastSlash = typed.lastIndexOf('/');
  const colon = typed.indexOf(':', lastSlash + 1);
  if (colon >= 0 && !typed.includes('$')) {
    const wanted = canonicalName(parseImageRef(typed.slice(0, colon)));
    const tags = new Set<string>();
    for (const image of local) {
      for (const repoTag of image.repoTags) {
        const c = repoTag.lastIndexOf(':');
        if (c > 0 && repoTag.slice(0, c) === wanted && !repoTag.slice(c + 1).includes('/')) tags.add(repoTag.slice(c + 1));
      }
    }
    return valueItems(ctx, [...tags].sort(), start + colon + 1, end, 'tag in the local engine');
  }
  const range = ctx.range(start, end);
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  for (const image of local) {
    for (const repoTag of image.repoTags) {
      const c = repoTag.lastIndexOf(':');
      const repository = c > repoTag.lastIndexOf('/') ? repoTag.slice(0, c) : repoTag;
      if (seen.has(repository)) continue;
      seen.add(repository);
      items.push({
        label: repository,
        kind: CompletionItemKind.Reference,
        detail: 'image in the local engine',
        sortText: '1' + repository,
        // With the colon, so the tags the engine has come up next.
        textEdit: { range, newText: `${repository}:` },
        command: { title: 'tags', command: 'editor.action.triggerSuggest' },
      });
    }
  }
  if (!from) return items;
  for (const name of COMMON_IMAGES) {
    if (seen.has(name)) continue;
    items.push({
      label: name,
      kind: CompletionItemKind.Reference,
      detail: 'Docker Hub official image',
      sortText: '2' + name,
      textEdit: { range, newText: name },
    });
  }
  items.push({
    label: 'scratch',
    kind: CompletionItemKind.Keyword,
    detail: 'an empty image',
    sortText: '3scratch',
    textEdit: { range, newText: 'scratch' },
  });
  return [...stageItems(ctx, top, start, end), ...items];
}
