/**
 * Smaller completion answers for clients that take list defaults (LSP 3.17 `itemDefaults`): when
 * every item replaces the same range, the range is said once and each item keeps only its text
 * (`textEditText`); when every item carries the same `data`, that too is said once. A Compose
 * service offers 80-odd keys on every keystroke, so the repeated range and data were most of the
 * bytes each side had to write and parse.
 */
import type { ClientCapabilities, CompletionItem, CompletionList, Range } from 'vscode-languageserver';

/** Which list defaults the client fills back into the items. */
export interface ListDefaultsSupport {
  editRange: boolean;
  data: boolean;
}

export function listDefaultsSupport(capabilities: ClientCapabilities): ListDefaultsSupport {
  const defaults = capabilities.textDocument?.completion?.completionList?.itemDefaults ?? [];
  return { editRange: defaults.includes('editRange'), data: defaults.includes('data') };
}

const sameRange = (a: Range, b: Range) =>
  a.start.line === b.start.line &&
  a.start.character === b.start.character &&
  a.end.line === b.end.line &&
  a.end.character === b.end.character;

/** The same answer, said once where every item says the same; items as they are when not. */
export function compactCompletion(
  answer: CompletionItem[] | CompletionList,
  support: ListDefaultsSupport,
): CompletionItem[] | CompletionList {
  const items = Array.isArray(answer) ? answer : answer.items;
  if (items.length < 2 || (!support.editRange && !support.data)) return answer;
  if (!Array.isArray(answer) && answer.itemDefaults) return answer;
  const defaults: NonNullable<CompletionList['itemDefaults']> = {};
  const first = items[0].textEdit;
  if (
    support.editRange &&
    first &&
    'range' in first &&
    items.every((i) => i.textEdit && 'range' in i.textEdit && sameRange(i.textEdit.range, first.range) && i.insertText === undefined)
  ) {
    defaults.editRange = first.range;
  }
  const firstData = items[0].data;
  if (support.data && firstData !== undefined) {
    // Identity first: items built from one template share their data object.
    let json: string | undefined;
    const same = (d: unknown) => d === firstData || (d !== undefined && JSON.stringify(d) === (json ??= JSON.stringify(firstData)));
    if (items.every((i) => same(i.data))) defaults.data = firstData;
  }
  if (!defaults.editRange && defaults.data === undefined) return answer;
  const compact = items.map((item) => {
    const { textEdit, data: _data, ...rest } = item;
    const out: CompletionItem = defaults.data === undefined ? { ...rest, data: item.data } : rest;
    if (!defaults.editRange) out.textEdit = textEdit;
    else if (textEdit && textEdit.newText !== item.label) out.textEditText = textEdit.newText;
    if (out.data === undefined) delete out.data;
    return out;
  });
  return { isIncomplete: Array.isArray(answer) ? false : answer.isIncomplete, itemDefaults: defaults, items: compact };
}
