import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '../../src/dockerfile/parser';
import { lintDocument } from '../../src/dockerfile/lint';
import { LintMemo, TextMemo, withLintMemo } from '../../src/dockerfile/lintMemo';
import { findVariables } from '../../src/dockerfile/variables';

describe('lint memo', () => {
  it('computes an answer once per text while lints keep asking for it', () => {
    const memo = new TextMemo<number>();
    let computed = 0;
    const compute = (text: string) => {
      computed++;
      return text.length;
    };
    for (let lint = 0; lint < 5; lint++) {
      assert.equal(memo.answer('RUN make', compute), 8);
      memo.age();
    }
    assert.equal(computed, 1);
  });

  it('drops answers no lint asks for once they outnumber the ones asked for', () => {
    const memo = new TextMemo<number>();
    for (let i = 0; i < 500; i++) memo.set(`old ${i}`, i);
    memo.age();
    // The next lint asks for other texts only: the 500 stale ones go at its end.
    for (let i = 0; i < 10; i++) memo.answer(`new ${i}`, () => i);
    memo.age();
    assert.equal(memo.size, 10);
    assert.equal(memo.get('old 1'), undefined);
    assert.equal(memo.get('new 3'), 3);
  });

  it('keeps a few stale answers rather than sweeping after every lint', () => {
    const memo = new TextMemo<number>();
    for (let i = 0; i < 100; i++) memo.set(`t ${i}`, i);
    memo.age();
    for (let i = 0; i < 99; i++) memo.get(`t ${i}`);
    memo.age();
    assert.equal(memo.size, 100);
  });

  it('shares variable references between rules and lints of one document, and lints alike with or without it', () => {
    const text = 'ARG V=1\nFROM alpine:$V AS a\nRUN echo $HOME ${UNSET:-x} && apt-get install curl\nFROM a\nCOPY $SRC /app/\n';
    const doc = parse(text);
    const memo = new LintMemo();
    const withMemo = withLintMemo(memo, () => lintDocument(doc));
    assert.deepEqual(withMemo, lintDocument(doc));
    assert.ok(memo.variables.size > 0, 'the lint asked for variable references through the memo');
    const refs = withLintMemo(memo, () => findVariables('alpine:$V'));
    assert.equal(
      withLintMemo(memo, () => findVariables('alpine:$V')),
      refs,
      'the same list, not a new one',
    );
    assert.deepEqual(
      withLintMemo(memo, () => lintDocument(doc)),
      withMemo,
    );
  });
});
