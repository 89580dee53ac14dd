/** Folding ranges: stages, multi-line instructions, heredocs and comment blocks. */
import assert from 'node:assert/strict';
import { mutatedFixtures } from '../fixtures/mutate';
import { describe, it } from 'node:test';
import { foldingRanges } from '../../src/dockerfile/folding';
import { parse } from '../../src/dockerfile/parser';

const folds = (text: string) => foldingRanges(parse(text)).map((f) => [f.startLine, f.endLine, f.kind ?? '']);

describe('foldingRanges', () => {
  it('folds stages, continuation lines, heredocs and comment blocks', () => {
    const text = [
      '# syntax=docker/dockerfile:1', // 0
      '# a comment block', // 1
      'FROM alpine AS base', // 2
      'RUN apk add \\', // 3
      '      curl \\', // 4
      '      git', // 5
      'COPY <<EOF /etc/motd', // 6
      'hello', // 7
      'EOF', // 8
      '', // 9
      '# one line', // 10
      'FROM base', // 11
      'CMD ["sh"]', // 12
    ].join('\n');
    assert.deepEqual(folds(text), [
      [0, 1, 'comment'],
      [2, 8, ''],
      [3, 5, ''],
      [6, 8, ''],
      [11, 12, ''],
    ]);
  });

  it('folds a second heredoc from the line before its body', () => {
    assert.deepEqual(folds('RUN <<A <<B\na\nA\nb1\nb2\nB\n'), [
      [0, 5, ''],
      [2, 5, ''],
    ]);
  });

  it('an unterminated heredoc folds to the end of the file, not past it', () => {
    assert.deepEqual(folds('FROM a\nRUN <<EOF\nx\ny\n'), [
      [0, 3, ''],
      [1, 3, ''],
    ]);
  });

  it('keeps one range per start line, the largest', () => {
    const ranges = foldingRanges(parse('FROM a \\\n  AS b\nRUN x\n'));
    assert.deepEqual(
      ranges.map((f) => [f.startLine, f.endLine]),
      [[0, 2]],
    );
  });

  it('comment lines inside a continuation fold with their neighbours', () => {
    assert.deepEqual(folds('RUN a \\\n# one\n# two\n  b\n'), [
      [0, 3, ''],
      [1, 2, 'comment'],
    ]);
  });

  it('keeps the largest ranges within the client limit', () => {
    const text = 'FROM a\nRUN x \\\n  y\n# c\n# d\nRUN z\n';
    assert.deepEqual(folds(text), [
      [0, 5, ''],
      [1, 2, ''],
      [3, 4, 'comment'],
    ]);
    assert.deepEqual(
      foldingRanges(parse(text), 2).map((f) => [f.startLine, f.endLine]),
      [
        [0, 5],
        [1, 2],
      ],
    );
    assert.deepEqual(foldingRanges(parse(text), 0), []);
  });

  it('has nothing to fold in a one-line file', () => {
    assert.deepEqual(folds('FROM scratch'), []);
    assert.deepEqual(folds(''), []);
  });
});

describe('foldingRanges on damaged input', () => {
  it('never throws; every range is inside the file, ends after it starts, one per start line', () => {
    const pieces = ['FROM ', '<<EOF\n', '<<-A <<B\n', '\nEOF\n', '\\\n', '\r\n', '\r', '\n', '# c\n', '#\n#\n'];
    for (const { run, text } of mutatedFixtures({ seed: 5, runs: 300, pieces, edits: 6, maxDelete: 4 })) {
      const doc = parse(text);
      const ranges = foldingRanges(doc);
      const starts = new Set<number>();
      for (const f of ranges) {
        assert.ok(f.startLine >= 0 && f.startLine < f.endLine && f.endLine < doc.lineStarts.length, `run ${run}: ${JSON.stringify(f)}`);
        assert.ok(!starts.has(f.startLine), `run ${run}: two ranges start on line ${f.startLine}`);
        starts.add(f.startLine);
      }
    }
  });
});
