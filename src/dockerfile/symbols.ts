/**
 * The document outline: global ARGs, then one symbol per build stage holding its
 * instructions, so the outline and breadcrumbs read like the build itself.
 */
import type { DocumentSymbol } from 'vscode-languageserver-types';
import { SymbolKind } from 'vscode-languageserver-types';
import type { Dockerfile, Instruction, Span } from './model';
import { rangeOf } from './model';

/** Longest detail shown next to an instruction; the outline is for finding, not reading. */
const DETAIL_MAX = 60;

function kindOf(keyword: string): SymbolKind {
  switch (keyword) {
    case 'ARG':
    case 'ENV':
      return SymbolKind.Variable;
    case 'LABEL':
      return SymbolKind.Property;
    case 'EXPOSE':
      return SymbolKind.Number;
    case 'CMD':
    case 'ENTRYPOINT':
    case 'HEALTHCHECK':
      return SymbolKind.Event;
    default:
      return SymbolKind.Function;
  }
}

/** The instruction's arguments on one line, shortened with an ellipsis. */
function detailOf(doc: Dockerfile, instruction: Instruction): string {
  const flags = instruction.flags.map((f) => doc.text.slice(f.span.start, f.span.end));
  let text = [...flags, instruction.argsText].filter((s) => s !== '').join(' ');
  if (instruction.heredocs.length > 0 && text === '') text = instruction.heredocs.map((h) => `<<${h.delimiter}`).join(' ');
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > DETAIL_MAX ? text.slice(0, DETAIL_MAX - 1) + '…' : text;
}

function instructionSymbol(doc: Dockerfile, instruction: Instruction): DocumentSymbol {
  const children = instruction.trigger ? [instructionSymbol(doc, instruction.trigger)] : undefined;
  return {
    name: instruction.keyword,
    detail: detailOf(doc, instruction),
    kind: kindOf(instruction.keyword),
    range: rangeOf(doc, instruction.span),
    selectionRange: rangeOf(doc, instruction.keywordSpan),
    ...(children ? { children } : {}),
  };
}

/**
 * The outline of a Dockerfile: parser directives (`syntax`, `escape`, `check`) and the
 * instructions before the first FROM (the global ARGs) at the top level, then each stage, named by `AS name` or else by its image, with its
 * instructions (FROM included) as children. Ranges cover whole instructions, heredoc
 * bodies and continuation lines included; a stage's selection range is its name.
 */
export function documentSymbols(doc: Dockerfile): DocumentSymbol[] {
  const out: DocumentSymbol[] = doc.directives.map((d) => ({
    name: d.name,
    detail: d.value,
    kind: SymbolKind.Property,
    range: rangeOf(doc, d.span),
    selectionRange: rangeOf(doc, d.nameSpan),
  }));
  for (const instruction of doc.instructions) {
    if (instruction.stage >= 0) break;
    out.push(instructionSymbol(doc, instruction));
  }
  for (const stage of doc.stages) {
    const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
    const span: Span = { start: stage.from.span.start, end: Math.max(last.span.end, stage.from.span.end) };
    const nameWord = stage.name ?? stage.base;
    const name = stage.name?.value ?? stage.base?.value ?? `stage ${stage.index}`;
    out.push({
      name,
      detail: stage.name ? `${stage.base?.value ?? ''} · stage ${stage.index}`.replace(/^ · /, '') : `stage ${stage.index}`,
      kind: SymbolKind.Class,
      range: rangeOf(doc, span),
      selectionRange: rangeOf(doc, nameWord ? nameWord.span : stage.from.keywordSpan),
      children: stage.instructions.map((i) => instructionSymbol(doc, i)),
    });
  }
  return out;
}
