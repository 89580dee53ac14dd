/** The server's compaction of completion answers into list defaults (src/server/completionList.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompletionItem, CompletionList } from 'vscode-languageserver';
import { compactCompletion } from '../../src/server/completionList';

const range = (from: number, to: number) => ({ start: { line: 1, character: from }, end: { line: 1, character: to } });
const item = (label: string, newText: string, r = range(2, 4), data?: unknown): CompletionItem => ({
  label,
  textEdit: { range: r, newText },
  ...(data === undefined ? {} : { data }),
});
const both = { editRange: true, data: true };

describe('completion list defaults', () => {
  it('says a shared range and data once, keeping only the text that differs from the label', () => {
    const out = compactCompletion([item('a', 'a:', undefined, { p: 1 }), item('b', 'b', undefined, { p: 1 })], both) as CompletionList;
    assert.deepEqual(out.itemDefaults, { editRange: range(2, 4), data: { p: 1 } });
    assert.deepEqual(out.items, [{ label: 'a', textEditText: 'a:' }, { label: 'b' }]);
  });

  it('leaves the answer as it is when ranges differ or the client does not take defaults', () => {
    const mixed = [item('a', 'a', range(2, 4)), item('b', 'b', range(2, 5))];
    assert.equal(compactCompletion(mixed, both), mixed);
    const same = [item('a', 'a'), item('b', 'b')];
    assert.equal(compactCompletion(same, { editRange: false, data: false }), same);
  });

  it('keeps each item its own data when the data differ, and its own edit when the client takes only data', () => {
    const out = compactCompletion([item('a', 'a', undefined, 1), item('b', 'b', undefined, 2)], both) as CompletionList;
    assert.deepEqual(out.itemDefaults, { editRange: range(2, 4) });
    assert.deepEqual(
      out.items.map((i) => i.data),
      [1, 2],
    );
    const dataOnly = compactCompletion([item('a', 'a', undefined, 1), item('b', 'b', undefined, 1)], {
      editRange: false,
      data: true,
    }) as CompletionList;
    assert.deepEqual(dataOnly.itemDefaults, { data: 1 });
    assert.ok(dataOnly.items.every((i) => i.textEdit));
  });
});
