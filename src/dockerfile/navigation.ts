/**
 * Build stage names, ARG/ENV variables and heredoc delimiters as symbols: where each is declared, where it is
 * used, and which use resolves to which declaration under the builder's scoping. Document
 * highlight, go to definition, find references and rename all read this one analysis.
 */
import type { DocumentHighlight, Location, Position } from 'vscode-languageserver-types';
import { DocumentHighlightKind } from 'vscode-languageserver-types';
import type { Dockerfile, Heredoc, Instruction, Span } from './model';
import { offsetAt, rangeOf } from './model';
import { findAllVariables, keyValues } from './variables';

/** One place a stage name is written: its `AS name`, a `FROM name`, or a `--from` / `from=` reference. */
export interface StageOccurrence {
  kind: 'stage';
  stage: number;
  /** The name (or index) itself. */
  span: Span;
  /** True for the `AS name` that declares the stage. */
  write: boolean;
  /** `--from=0`: refers to the stage by index, so a rename leaves it alone. */
  numeric: boolean;
}

/** One name an ARG or ENV declares. */
export interface VariableDeclaration {
  kind: 'declaration';
  name: string;
  keyword: 'ARG' | 'ENV';
  /** The name in `NAME=value` or a bare `NAME`. */
  span: Span;
  /** Index into `Dockerfile.stages`, -1 for global ARGs. */
  stage: number;
  instruction: Instruction;
  /** A stage's bare `ARG NAME` that brings a global ARG of that name into the stage. */
  global: VariableDeclaration | undefined;
  /** Declarations and uses that rename together share a group. */
  group: string;
}

/** One `$NAME` or `${NAME…}` use. */
export interface VariableReference {
  kind: 'reference';
  name: string;
  /** Just the name, without `$`, braces or modifier. */
  span: Span;
  /** The whole `$NAME` / `${NAME…}`, which a cursor may rest on. */
  hit: Span;
  stage: number;
  /** The declaration in scope; undefined when nothing in the file declares it. */
  declaration: VariableDeclaration | undefined;
  group: string;
  /** The name is broken by a line continuation, so `span` covers more than the name. */
  split: boolean;
}

/** A heredoc's delimiter: in its `<<EOF` opener or on its closing line. */
export interface HeredocOccurrence {
  kind: 'heredoc';
  heredoc: Heredoc;
  /** Just the delimiter, without `<<`, `-` or quotes. */
  span: Span;
  /** True for the opener. */
  write: boolean;
}

export type Occurrence = StageOccurrence | VariableDeclaration | VariableReference | HeredocOccurrence;

export interface SymbolAnalysis {
  stages: StageOccurrence[];
  declarations: VariableDeclaration[];
  references: VariableReference[];
  heredocs: HeredocOccurrence[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Shell-form instructions whose text runs in a shell; the shell's escape is always `\`. */
const SHELL_FORM = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK']);
/** Shell text run by the container at run time, where only ENV (not ARG) is set. */
const RUNTIME = new Set(['CMD', 'ENTRYPOINT', 'HEALTHCHECK']);

/** Go's unicode.IsSpace, as the parser trims lines. */
export function isUnicodeSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/**
 * The source text of [start, end) with line continuations removed exactly as the parser
 * removes them (escape, blanks after it, the newline, and blank or comment lines that
 * follow), and the source offset of every character kept. `offsets` has one more entry
 * than `text`: the end. A newline that continues nothing is kept.
 */
export function joinContinuations(text: string, start: number, end: number, escape: string): { text: string; offsets: Int32Array } {
  const length = Math.max(0, end - start);
  const offsets = new Int32Array(length + 1);
  const newline = text.indexOf('\n', start);
  if (newline < 0 || newline >= end) {
    for (let i = 0; i <= length; i++) offsets[i] = start + i;
    return { text: text.slice(start, start + length), offsets };
  }
  const codes = new Uint16Array(length);
  let n = 0;
  let p = start;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c !== 10) {
      codes[n] = c;
      offsets[n++] = p++;
      continue;
    }
    let k = n;
    while (k > 0 && codes[k - 1] === 13) k--;
    let j = k;
    while (j > 0 && (codes[j - 1] === 32 || codes[j - 1] === 9)) j--;
    if (!(j > 0 && codes[j - 1] === escape.charCodeAt(0))) {
      codes[n] = c;
      offsets[n++] = p++;
      continue;
    }
    n = j - 1;
    p++;
    // Blank and comment lines inside a continuation are skipped.
    while (p < end) {
      let e = text.indexOf('\n', p);
      if (e < 0 || e > end) e = end;
      let f = p;
      while (f < e && isUnicodeSpace(text.charCodeAt(f))) f++;
      if (f < e && text[f] !== '#') break;
      p = e < end ? e + 1 : e;
      if (e === end) break;
    }
  }
  offsets[n] = n > 0 ? offsets[n - 1] + 1 : start;
  return { text: fromCodes(codes, n), offsets: offsets.subarray(0, n + 1) };
}

/** UTF-16 code units to a string, lone surrogates kept (a decoder would replace them). */
function fromCodes(codes: Uint16Array, length: number): string {
  const parts: string[] = [];
  for (let i = 0; i < length; i += 8192) parts.push(String.fromCharCode(...codes.subarray(i, Math.min(length, i + 8192))));
  return parts.join('');
}

const analyses = new WeakMap<Dockerfile, SymbolAnalysis>();

/** Every stage and variable occurrence of a file, computed once per parse. */
export function analyzeSymbols(doc: Dockerfile): SymbolAnalysis {
  let analysis = analyses.get(doc);
  if (!analysis) {
    analysis = analyze(doc);
    analyses.set(doc, analysis);
  }
  return analysis;
}

/** Stage names as written: every `AS name`, `FROM <stage>`, `COPY --from` and `RUN --mount=…from=`. */
function stageOccurrences(doc: Dockerfile): StageOccurrence[] {
  const text = doc.text;
  const stages: StageOccurrence[] = [];
  // Each name's stages in order: a reference means the last one before it, else the first after.
  const byName = new Map<string, number[]>();
  for (const stage of doc.stages) {
    if (!stage.name) continue;
    const key = stage.name.value.toLowerCase();
    const list = byName.get(key);
    if (list) list.push(stage.index);
    else byName.set(key, [stage.index]);
  }
  const stageByName = (name: string, before: number): number | undefined => {
    const list = byName.get(name.toLowerCase());
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] < before) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? list[lo - 1] : list[0];
  };
  for (const stage of doc.stages) {
    if (stage.name && !stage.name.value.includes('$')) {
      stages.push({ kind: 'stage', stage: stage.index, span: stage.name.span, write: true, numeric: false });
    }
    if (stage.parent !== undefined && stage.base) {
      stages.push({ kind: 'stage', stage: stage.parent, span: stage.base.span, write: false, numeric: false });
    }
  }
  const stageRef = (value: string, span: Span, current: number) => {
    if (value === '' || value.includes('$')) return;
    if (/^\d+$/.test(value)) {
      const index = Number(value);
      if (index < doc.stages.length) stages.push({ kind: 'stage', stage: index, span, write: false, numeric: true });
      return;
    }
    const index = stageByName(value, current);
    if (index !== undefined) stages.push({ kind: 'stage', stage: index, span, write: false, numeric: false });
  };
  for (const instruction of doc.instructions) {
    for (const flag of instruction.flags) {
      if (!flag.valueSpan || flag.value === undefined) continue;
      if (flag.name === 'from' && (instruction.keyword === 'COPY' || instruction.keyword === 'ADD')) {
        const joined = joinContinuations(text, flag.valueSpan.start, flag.valueSpan.end, doc.escape);
        stageRef(joined.text, { start: joined.offsets[0], end: joined.offsets[joined.text.length] }, instruction.stage);
      } else if (flag.name === 'mount' && instruction.keyword === 'RUN') {
        const joined = joinContinuations(text, flag.valueSpan.start, flag.valueSpan.end, doc.escape);
        let at = 0;
        for (const field of joined.text.split(',')) {
          const m = /^\s*from=/i.exec(field);
          if (m) {
            const from = at + m[0].length;
            const to = at + field.length;
            stageRef(joined.text.slice(from, to), { start: joined.offsets[from], end: joined.offsets[to - 1] + 1 }, instruction.stage);
          }
          at += field.length + 1;
        }
      }
    }
  }
  return stages;
}

/**
 * The ENV a stage inherits: what its base stage ended with, and that stage's base before it.
 * Asked during the walk and answered after it by one depth-first pass over the stage tree with a
 * stack per name, so a chain of thousands of `FROM previous` stages costs its length, where a
 * copy of the environment per stage would cost its square.
 */
class InheritedEnv {
  /** Each stage's own ENV at its end. */
  private readonly finalEnv: (Map<string, VariableDeclaration> | undefined)[] = [];
  /** References a stage's own declarations did not resolve, by stage. */
  private readonly asked = new Map<number, VariableReference[]>();

  constructor(private readonly doc: Dockerfile) {}

  finish(stage: number, env: Map<string, VariableDeclaration>): void {
    this.finalEnv[stage] ??= env;
  }

  ask(stage: number, reference: VariableReference): void {
    if (this.doc.stages[stage]?.parent === undefined) return;
    const list = this.asked.get(stage);
    if (list) list.push(reference);
    else this.asked.set(stage, [reference]);
  }

  /** Sets `declaration` on every reference asked about, iteratively: chains may be deep. */
  answer(): void {
    if (!this.asked.size) return;
    const stages = this.doc.stages;
    const children: number[][] = stages.map(() => []);
    for (const stage of stages) if (stage.parent !== undefined && stage.parent < stage.index) children[stage.parent].push(stage.index);
    const visible = new Map<string, VariableDeclaration[]>();
    const work: { stage: number; leave: boolean }[] = [];
    for (const stage of stages)
      if (stage.parent === undefined || stage.parent >= stage.index) work.push({ stage: stage.index, leave: false });
    while (work.length) {
      const { stage, leave } = work.pop()!;
      const env = this.finalEnv[stage];
      if (leave) {
        if (env) for (const name of env.keys()) visible.get(name)!.pop();
        continue;
      }
      if (env) {
        for (const [name, declaration] of env) {
          const stack = visible.get(name);
          if (stack) stack.push(declaration);
          else visible.set(name, [declaration]);
        }
      }
      for (const child of children[stage]) {
        for (const reference of this.asked.get(child) ?? []) {
          const stack = visible.get(reference.name);
          reference.declaration = stack?.[stack.length - 1];
        }
      }
      work.push({ stage, leave: true });
      for (const child of children[stage]) work.push({ stage: child, leave: false });
    }
  }
}

function analyze(doc: Dockerfile): SymbolAnalysis {
  const text = doc.text;
  const stages = stageOccurrences(doc);
  const declarations: VariableDeclaration[] = [];
  const references: VariableReference[] = [];

  // Union-find over group keys: declarations of one name in one stage rename together,
  // and a stage's bare `ARG NAME` joins the global ARG it brings in.
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(k, root);
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };

  // --- Variables ---------------------------------------------------------------------
  // A stage sees what it declared so far, then the ENV its base stage ended with. The latter is
  // answered after the walk (inheritedEnv), so no stage copies its base's whole environment.
  const globalScope = new Map<string, VariableDeclaration>();
  const inherited = new InheritedEnv(doc);
  let scope = globalScope;
  let envScope = new Map<string, VariableDeclaration>();
  let stageIndex = -1;

  const addRefs = (source: string, toSource: (i: number) => number, escape: string, envOnly: boolean, inGlobalScope: boolean) => {
    if (!source.includes('$')) return;
    for (const ref of findAllVariables(source, escape)) {
      const nameFrom = ref.start + (source[ref.start + 1] === '{' ? 2 : 1);
      const nameTo = nameFrom + ref.name.length;
      const span = { start: toSource(nameFrom), end: toSource(nameTo - 1) + 1 };
      const stage = inGlobalScope ? -1 : stageIndex;
      const own = (envOnly ? envScope : inGlobalScope ? globalScope : scope).get(ref.name);
      const reference: VariableReference = {
        kind: 'reference',
        name: ref.name,
        span,
        hit: { start: toSource(ref.start), end: toSource(ref.end - 1) + 1 },
        stage,
        declaration: own,
        group: own ? own.group : `u${stage}:${ref.name}`,
        split: span.end - span.start !== ref.name.length || text.slice(span.start, span.end) !== ref.name,
      };
      references.push(reference);
      if (!own && !inGlobalScope) inherited.ask(stageIndex, reference);
    }
  };

  for (const instruction of doc.instructions) {
    const keyword = instruction.keyword;
    if (keyword === 'FROM') {
      if (stageIndex >= 0) inherited.finish(stageIndex, envScope);
      stageIndex = instruction.stage;
      scope = globalScope;
    }
    const inGlobalScope = keyword === 'FROM' || scope === globalScope;
    const envOnly = RUNTIME.has(keyword);
    // ONBUILD triggers run in another build, where these names mean something else.
    if (keyword !== 'ONBUILD') {
      for (const flag of instruction.flags) {
        if (!flag.valueSpan || !flag.value?.includes('$')) continue;
        const joined = joinContinuations(text, flag.valueSpan.start, flag.valueSpan.end, doc.escape);
        addRefs(joined.text, (i) => joined.offsets[i], doc.escape, false, inGlobalScope);
      }
      if (!instruction.json && instruction.argsText.includes('$')) {
        const joined = joinContinuations(text, instruction.argsSpan.start, instruction.argsSpan.end, doc.escape);
        addRefs(joined.text, (i) => joined.offsets[i], SHELL_FORM.has(keyword) ? '\\' : doc.escape, envOnly, inGlobalScope);
      }
      for (const heredoc of instruction.heredocs) {
        if (heredoc.quoted || !heredoc.body.includes('$')) continue;
        // Line by line, so an apostrophe in one line's prose does not hide the rest.
        let at = heredoc.bodySpan.start;
        for (const line of heredoc.body.split('\n')) {
          const base = at;
          addRefs(line, (i) => base + i, '\\', envOnly, inGlobalScope);
          at += line.length + 1;
        }
      }
    }
    if (keyword === 'FROM') {
      scope = new Map();
      envScope = new Map();
    }
    if (keyword === 'ARG' || keyword === 'ENV') declare(instruction, keyword);
  }
  if (stageIndex >= 0) inherited.finish(stageIndex, envScope);
  inherited.answer();

  function declare(instruction: Instruction, keyword: 'ARG' | 'ENV'): void {
    const words = instruction.args;
    const pairs = keyValues(
      words.map((w) => w.value),
      doc.escape,
      keyword === 'ENV',
    );
    const legacy = keyword === 'ENV' && words.length > 1 && !words[0].value.includes('=');
    pairs.forEach((pair, i) => {
      const word = legacy ? words[0] : words[i];
      if (!word || !NAME.test(pair.name)) return;
      const joined = joinContinuations(text, word.span.start, word.span.end, doc.escape);
      if (!joined.text.startsWith(pair.name)) return;
      const span = { start: joined.offsets[0], end: joined.offsets[pair.name.length - 1] + 1 };
      if (text.slice(span.start, span.end) !== pair.name) return;
      const stage = instruction.stage;
      const global = keyword === 'ARG' && stage >= 0 && pair.value === undefined ? globalScope.get(pair.name) : undefined;
      const group = `${stage}:${pair.name}`;
      const declaration: VariableDeclaration = { kind: 'declaration', name: pair.name, keyword, span, stage, instruction, global, group };
      if (global) union(group, global.group);
      declarations.push(declaration);
      scope.set(pair.name, declaration);
      if (keyword === 'ENV') envScope.set(pair.name, declaration);
    });
  }

  for (const d of declarations) d.group = find(d.group);
  for (const r of references) r.group = find(r.declaration ? r.declaration.group : r.group);

  // --- Heredoc delimiters, when written plainly enough to point at ------------------------
  const heredocs: HeredocOccurrence[] = [];
  for (const instruction of doc.instructions) {
    for (const heredoc of (instruction.trigger ?? instruction).heredocs) {
      const m = /^(\d*<<-?)(["']?)([^"'\s\\`$]+)\2$/.exec(text.slice(heredoc.openSpan.start, heredoc.openSpan.end));
      if (!m || m[3] !== heredoc.delimiter) continue;
      const start = heredoc.openSpan.start + m[1].length + m[2].length;
      heredocs.push({ kind: 'heredoc', heredoc, span: { start, end: start + m[3].length }, write: true });
      const close = heredoc.closeSpan;
      if (close && text.slice(close.end - m[3].length, close.end) === m[3]) {
        heredocs.push({ kind: 'heredoc', heredoc, span: { start: close.end - m[3].length, end: close.end }, write: false });
      }
    }
  }
  return { stages, declarations, references, heredocs };
}

const within = (span: Span, offset: number) => span.start <= offset && offset <= span.end;

/** The stage name, variable or heredoc delimiter at a position, if any. */
export function occurrenceAt(doc: Dockerfile, position: Position): Occurrence | undefined {
  const offset = offsetAt(doc, position);
  const { stages, declarations, references, heredocs } = analyzeSymbols(doc);
  return (
    stages.find((s) => within(s.span, offset)) ??
    declarations.find((d) => within(d.span, offset)) ??
    innermost(references, offset) ??
    heredocs.find((h) => within(h.span, offset))
  );
}

/** The shortest use holding `offset`: `${A:-$B}` is all A's, yet a cursor on `$B` means B. */
function innermost(references: VariableReference[], offset: number): VariableReference | undefined {
  let best: VariableReference | undefined;
  for (const r of references) {
    if (within(r.hit, offset) && (!best || r.hit.end - r.hit.start < best.hit.end - best.hit.start)) best = r;
  }
  return best;
}

/** Every occurrence of the symbol `at` is part of, in source order. */
export function occurrencesOf(doc: Dockerfile, at: Occurrence): Occurrence[] {
  const { stages, declarations, references, heredocs } = analyzeSymbols(doc);
  let out: Occurrence[];
  if (at.kind === 'stage') out = stages.filter((s) => s.stage === at.stage);
  else if (at.kind === 'heredoc') out = heredocs.filter((h) => h.heredoc === at.heredoc);
  else out = [...declarations.filter((d) => d.group === at.group), ...references.filter((r) => r.group === at.group)];
  return out.sort((a, b) => a.span.start - b.span.start);
}

function isWrite(o: Occurrence): boolean {
  return o.kind === 'declaration' || ((o.kind === 'stage' || o.kind === 'heredoc') && o.write);
}

/**
 * Highlights of the stage name, variable or heredoc delimiter at `position` across the
 * file: declarations (`AS name`, ARG, ENV, the `<<EOF` opener) as Write, uses (and the
 * closing delimiter) as Read. Empty when the position is on none of them.
 */
export function documentHighlights(doc: Dockerfile, position: Position): DocumentHighlight[] {
  const at = occurrenceAt(doc, position);
  if (!at) return [];
  return occurrencesOf(doc, at).map((o) => ({
    range: rangeOf(doc, o.span),
    kind: isWrite(o) ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}

/**
 * Where the stage name, variable or heredoc at `position` is declared: a stage's `AS name`
 * (or its FROM image for an unnamed stage referred to by index), the ARG/ENV in scope, or
 * the heredoc's `<<EOF` opener. On a
 * stage's bare `ARG NAME` it is the global ARG that it brings in. Empty for a variable
 * nothing in the file declares.
 */
export function definition(doc: Dockerfile, uri: string, position: Position): Location[] {
  const at = occurrenceAt(doc, position);
  if (!at) return [];
  let span: Span | undefined;
  if (at.kind === 'stage') {
    const stage = doc.stages[at.stage];
    span = (stage.name ?? stage.base)?.span ?? stage.from.keywordSpan;
  } else if (at.kind === 'heredoc') span = occurrencesOf(doc, at)[0].span;
  else if (at.kind === 'declaration') span = (at.global ?? at).span;
  else span = at.declaration?.span;
  return span ? [{ uri, range: rangeOf(doc, span) }] : [];
}

/**
 * Every place the stage name or variable at `position` is written, in source order; the
 * declarations only when `includeDeclaration` says so.
 */
export function references(doc: Dockerfile, uri: string, position: Position, includeDeclaration: boolean): Location[] {
  const at = occurrenceAt(doc, position);
  if (!at) return [];
  return occurrencesOf(doc, at)
    .filter((o) => includeDeclaration || !isWrite(o))
    .map((o) => ({ uri, range: rangeOf(doc, o.span) }));
}
