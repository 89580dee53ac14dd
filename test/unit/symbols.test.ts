/** The document outline: global ARGs, then stages holding their instructions. */
import assert from 'node:assert/strict';
import { mutatedFixtures } from '../fixtures/mutate';
import { describe, it } from 'node:test';
import { SymbolKind } from 'vscode-languageserver-types';
import type { DocumentSymbol, Range } from 'vscode-languageserver-types';
import { offsetAt } from '../../src/dockerfile/model';
import { parse } from '../../src/dockerfile/parser';
import { documentSymbols } from '../../src/dockerfile/symbols';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({
  start: { line: sl, character: sc },
  end: { line: el, character: ec },
});

function contains(outer: Range, inner: Range): boolean {
  const le = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

function walk(symbols: DocumentSymbol[], f: (s: DocumentSymbol) => void): void {
  for (const s of symbols) {
    f(s);
    walk(s.children ?? [], f);
  }
}

describe('documentSymbols', () => {
  const text = [
    'ARG BASE=alpine:3.20',
    'FROM golang:1.22 AS build',
    'WORKDIR /src',
    'RUN go build \\',
    '    -o /app .',
    '',
    'FROM ${BASE}',
    'COPY --from=build /app /app',
    'ENTRYPOINT ["/app"]',
  ].join('\n');
  const symbols = documentSymbols(parse(text));

  it('puts global ARGs first, then one symbol per stage', () => {
    assert.deepEqual(
      symbols.map((s) => [s.name, s.kind]),
      [
        ['ARG', SymbolKind.Variable],
        ['build', SymbolKind.Class],
        ['${BASE}', SymbolKind.Class],
      ],
    );
    assert.equal(symbols[0].detail, 'BASE=alpine:3.20');
  });

  it('names a stage by AS name, else by its image, and selects that word', () => {
    assert.deepEqual(symbols[1].selectionRange, r(1, 20, 1, 25));
    assert.match(symbols[1].detail ?? '', /golang:1\.22/);
    assert.deepEqual(symbols[2].selectionRange, r(6, 5, 6, 12));
  });

  it('a stage holds its instructions, FROM included, and spans them all', () => {
    assert.deepEqual(
      symbols[1].children?.map((c) => c.name),
      ['FROM', 'WORKDIR', 'RUN'],
    );
    assert.deepEqual(symbols[1].range, r(1, 0, 4, 13));
    assert.deepEqual(symbols[1].children?.[2].range, r(3, 0, 4, 13));
    assert.equal(symbols[1].children?.[2].detail, 'go build -o /app .');
    assert.equal(symbols[2].children?.[1].detail, '--from=build /app /app');
  });

  it('every selection range lies inside its range, and children inside their parent', () => {
    walk(symbols, (s) => {
      assert.ok(contains(s.range, s.selectionRange), s.name);
      for (const c of s.children ?? []) assert.ok(contains(s.range, c.range), `${c.name} in ${s.name}`);
    });
  });

  it('covers heredoc bodies, shortens long details and nests ONBUILD triggers', () => {
    const long = 'x'.repeat(100);
    const doc = parse(`FROM a\nRUN <<EOF\necho hi\nEOF\nRUN echo ${long}\nONBUILD RUN make\n`);
    const [stage] = documentSymbols(doc);
    assert.deepEqual(stage.children?.[1].range, r(1, 0, 3, 3));
    assert.equal(stage.children?.[1].detail, '<<EOF');
    assert.equal(stage.children?.[2].detail?.length, 60);
    assert.ok(stage.children?.[2].detail?.endsWith('…'));
    assert.deepEqual(
      stage.children?.[3].children?.map((c) => [c.name, c.detail]),
      [['RUN', 'make']],
    );
    assert.deepEqual(stage.range, r(0, 0, 5, 16));
  });

  it('lists parser directives first, by name with their value', () => {
    const [syntax, escape, from] = documentSymbols(parse('# syntax=docker/dockerfile:1\n# escape=`\nFROM a\n'));
    assert.deepEqual([syntax.name, syntax.detail, syntax.kind], ['syntax', 'docker/dockerfile:1', SymbolKind.Property]);
    assert.deepEqual(syntax.selectionRange, r(0, 2, 0, 8));
    assert.deepEqual([escape.name, escape.detail], ['escape', '`']);
    assert.equal(from.name, 'a');
  });

  it('has no symbols for an empty file and never names a symbol empty', () => {
    assert.deepEqual(documentSymbols(parse('')), []);
    walk(documentSymbols(parse('FROM\nRUN\n# c\nFOO bar')), (s) => assert.ok(s.name.length > 0));
  });
});

describe('documentSymbols on damaged input', () => {
  it('never throws; ranges lie in the text and nest, on seeded mutations of the fixtures', () => {
    const pieces = ['FROM ', 'AS ', 'ONBUILD ', '<<EOF\n', '\nEOF\n', '\\\n', '\r', '\n', '# c\n', '\uFEFF', ' '];
    for (const { run, text } of mutatedFixtures({ seed: 11, runs: 300, pieces, edits: 6, maxDelete: 4 })) {
      const doc = parse(text);
      walk(documentSymbols(doc), (s) => {
        assert.ok(s.name.length > 0, `run ${run}`);
        assert.ok(contains(s.range, s.selectionRange), `run ${run}: ${s.name}`);
        for (const c of s.children ?? []) assert.ok(contains(s.range, c.range), `run ${run}: ${c.name} in ${s.name}`);
        assert.ok(offsetAt(doc, s.range.end) <= text.length);
      });
    }
  });
});
