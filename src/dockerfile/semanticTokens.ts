/**
 * Semantic tokens: keywords, flags, variables, stage names, images, strings, comments and
 * parser directives, encoded as LSP's relative five-integer tuples. Tokens are painted onto a
 * per-character array in priority order (a variable inside a string or an image wins), then read
 * back as runs per line, so none overlap or cross a line.
 */
import type { Range, SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import type { Dockerfile, Instruction, Span } from './model';
import { findVariables } from './variables';

export const TOKEN_TYPES = ['keyword', 'parameter', 'variable', 'class', 'type', 'string', 'comment', 'macro', 'operator'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'deprecated', 'defaultLibrary'] as const;

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
const TYPE = Object.fromEntries(TOKEN_TYPES.map((t, i) => [t, i])) as Record<TokenType, number>;
const DECLARATION = 1;
const DEPRECATED = 2;
const DEFAULT_LIBRARY = 4;

/** Painting order: later layers win where they overlap. */
const enum Layer {
  Text = 0,
  Name = 1,
  Reference = 2,
  Comment = 3,
}

interface Painter {
  paint(span: Span, type: TokenType, modifiers?: number): void;
}

/** Every token of the document, as LSP's encoded array. */
export function semanticTokens(doc: Dockerfile, range?: Range): SemanticTokens {
  return { data: encode(doc, paintAll(doc), range) };
}

function paintAll(doc: Dockerfile): Int32Array {
  const cells = new Int32Array(doc.text.length).fill(-1);
  const layers: { span: Span; value: number }[][] = [[], [], [], []];
  const painter = (layer: Layer): Painter => ({
    paint(span, type, modifiers = 0) {
      if (span.end > span.start) layers[layer].push({ span, value: TYPE[type] | (modifiers << 8) });
    },
  });
  const text = painter(Layer.Text);
  const name = painter(Layer.Name);
  const reference = painter(Layer.Reference);
  const comment = painter(Layer.Comment);

  const directiveStarts = new Set(doc.directives.map((d) => d.span.start));
  for (const directive of doc.directives) {
    comment.paint({ start: directive.span.start, end: directive.nameSpan.start }, 'comment');
    comment.paint(directive.nameSpan, 'macro');
    comment.paint(directive.valueSpan, 'string');
  }
  for (const c of doc.comments) if (!directiveStarts.has(c.span.start)) comment.paint(c.span, 'comment');

  for (const instruction of doc.instructions) {
    paintInstruction(doc, instruction, text, name, reference);
    if (instruction.trigger) paintInstruction(doc, instruction.trigger, text, name, reference, instruction);
  }
  for (const layer of layers) {
    for (const { span, value } of layer) cells.fill(value, span.start, Math.min(span.end, cells.length));
  }
  return cells;
}

function paintInstruction(
  doc: Dockerfile,
  instruction: Instruction,
  text: Painter,
  name: Painter,
  reference: Painter,
  owner = instruction,
): void {
  const keyword = instruction.keyword;
  name.paint(instruction.keywordSpan, 'keyword', keyword === 'MAINTAINER' ? DEPRECATED : 0);
  for (const flag of instruction.flags) {
    name.paint({ start: flag.span.start, end: flag.nameSpan.end }, 'parameter');
    if (flag.valueSpan) text.paint(flag.valueSpan, 'string');
    if (keyword === 'COPY' && flag.name === 'from' && flag.valueSpan && flag.value && !flag.value.includes('$')) {
      const first = firstStageNamed(doc).get(flag.value.toLowerCase());
      const isStage = first !== undefined && first < owner.span.start;
      name.paint(flag.valueSpan, isStage || /^\d+$/.test(flag.value) ? 'class' : 'type');
    }
  }
  // Quoted strings in the arguments (outside heredoc bodies, which the shell grammar colours).
  if (instruction.argsText.includes('"') || instruction.argsText.includes("'")) paintStrings(doc, instruction.argsSpan, text);
  const args = instruction.args;
  switch (keyword) {
    case 'FROM': {
      const stage = doc.stages[owner.stage];
      if (stage?.from === instruction && stage.base) {
        const scratch = stage.base.value.toLowerCase() === 'scratch';
        name.paint(stage.base.span, stage.parent !== undefined ? 'class' : 'type', scratch ? DEFAULT_LIBRARY : 0);
      }
      if (args.length >= 3 && args[1].value.toLowerCase() === 'as') {
        name.paint(args[1].span, 'keyword');
        name.paint(args[2].span, 'class', DECLARATION);
      }
      break;
    }
    case 'ARG':
    case 'ENV': {
      const legacy = keyword === 'ENV' && args.length > 1 && !args[0].value.includes('=');
      for (const word of legacy ? args.slice(0, 1) : args) {
        const eq = word.value.indexOf('=');
        const length = eq > 0 ? eq : eq < 0 ? word.value.length : 0;
        // Only where the word's source text is the value itself (no line break inside the name).
        if (length > 0 && doc.text.startsWith(word.value.slice(0, length), word.span.start)) {
          name.paint({ start: word.span.start, end: word.span.start + length }, 'variable', DECLARATION);
        }
      }
      break;
    }
    case 'HEALTHCHECK':
      if (args[0] && /^(cmd|none)$/i.test(args[0].value)) name.paint(args[0].span, 'keyword');
      break;
  }
  for (const heredoc of instruction.heredocs) {
    name.paint(heredoc.openSpan, 'operator');
    if (heredoc.closeSpan) name.paint(heredoc.closeSpan, 'operator');
  }
  // Variable references on the instruction's own lines (flags included, heredoc bodies not).
  if (owner !== instruction) return;
  const end = instruction.heredocs.length ? instruction.heredocs[0].bodySpan.start : instruction.span.end;
  const source = doc.text.slice(instruction.keywordSpan.end, end);
  if (!source.includes('$')) return;
  for (const ref of findVariables(source, doc.escape)) {
    reference.paint({ start: instruction.keywordSpan.end + ref.start, end: instruction.keywordSpan.end + ref.end }, 'variable');
  }
}

const firstStages = new WeakMap<Dockerfile, Map<string, number>>();

/** Where each stage name (lower-cased) is first declared: one lookup per `--from`, not a walk over the stages. */
function firstStageNamed(doc: Dockerfile): Map<string, number> {
  let names = firstStages.get(doc);
  if (!names) {
    names = new Map();
    for (const stage of doc.stages) {
      const key = stage.name?.value.toLowerCase();
      if (key !== undefined && !names.has(key)) names.set(key, stage.from.span.start);
    }
    firstStages.set(doc, names);
  }
  return names;
}

function paintStrings(doc: Dockerfile, span: Span, text: Painter): void {
  const source = doc.text;
  const escape = doc.escape;
  let quote = '';
  let start = 0;
  for (let i = span.start; i < span.end; i++) {
    const c = source[i];
    if (c === escape && quote !== "'") {
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) {
        text.paint({ start, end: i + 1 }, 'string');
        quote = '';
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      start = i;
    }
  }
  if (quote) text.paint({ start, end: span.end }, 'string');
}

/** Runs of equal cells, line by line, as relative tuples; a range keeps the lines it touches. */
function encode(doc: Dockerfile, cells: Int32Array, range?: Range): number[] {
  const data: number[] = [];
  const starts = doc.lineStarts;
  const text = doc.text;
  const firstLine = range ? Math.max(0, range.start.line) : 0;
  const lastLine = range ? Math.min(starts.length - 1, range.end.line) : starts.length - 1;
  let prevLine = 0;
  let prevChar = 0;
  for (let line = firstLine; line <= lastLine; line++) {
    const lineStart = starts[line];
    let lineEnd = line + 1 < starts.length ? starts[line + 1] : text.length;
    while (lineEnd > lineStart && (text.charCodeAt(lineEnd - 1) === 10 || text.charCodeAt(lineEnd - 1) === 13)) lineEnd--;
    let i = lineStart;
    while (i < lineEnd) {
      const value = cells[i];
      if (value < 0) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < lineEnd && cells[j] === value) j++;
      const char = i - lineStart;
      data.push(line - prevLine, line === prevLine ? char - prevChar : char, j - i, value & 0xff, value >> 8);
      prevLine = line;
      prevChar = char;
      i = j;
    }
  }
  return data;
}
