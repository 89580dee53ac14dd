/**
 * Incremental re-parsing against a full parse: thousands of seeded random edits to the fixture
 * Dockerfiles, each applied to the model the previous edits produced, so a wrong reuse shows up
 * at once or compounds into a later failure. After every edit the model and the diagnostics
 * must equal those of `parse` on the new text, the diagnostics linted as the server lints them:
 * with shell splits remembered from the previous edit. BERTH_FUZZ_SEED / BERTH_FUZZ_RUNS as in fuzz.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { generateDockerfile } from '../../bench/generate';
import { reparse, type TextEdit } from '../../src/dockerfile/incremental';
import { lintDocument } from '../../src/dockerfile/lint';
import type { Dockerfile, Instruction } from '../../src/dockerfile/model';
import { parse } from '../../src/dockerfile/parser';
import { LintMemo, withLintMemo } from '../../src/dockerfile/lintMemo';
import { prng } from '../fixtures/prng';

const SEED = Number(process.env.BERTH_FUZZ_SEED ?? 20240601) >>> 0;
const EDITS = Number(process.env.BERTH_FUZZ_RUNS ?? 3000);

const FIXTURE_DIRS = ['parser', 'rules', 'format', 'fixes'].map((d) => path.join(__dirname, '..', 'fixtures', d));
const CORPUS = FIXTURE_DIRS.flatMap((dir) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('Dockerfile'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8')),
);

/** What an edit types: the characters and tokens that change how lines group into instructions. */
const PIECES = [
  '\n',
  '\n',
  '\n',
  '\r\n',
  ' ',
  '\t',
  'x',
  'RUN ',
  'FROM a AS b',
  'COPY ',
  'ONBUILD ',
  'ARG A=1',
  'ENV B=2',
  '\\',
  '\\\n',
  '`',
  '`\n',
  '\\\n\n',
  '\\\n# c\n',
  '# c',
  '#',
  '<<EOF',
  '<<-EOF',
  '<<"EOF"',
  'EOF',
  '\tEOF',
  'EOF\n',
  '["a", "b"]',
  '[',
  '"',
  "'",
  '--from=b ',
  '--mount=type=cache,target=/x ',
  '# escape=`\n',
  '# syntax=x\n',
  '\uFEFF',
  '$A',
  '${A:-b}',
  'apt-get update',
  'npm ci',
  'COPY . .\n',
  'USER root\n',
  'é',
  '😀',
];

/**
 * A random edit: mostly typing and deleting near where the last one was, as in an editor;
 * now and then at the top, where directives decide the escape character. A lone \r (its own
 * kind of line end) is rare, since the re-parse leaves a file holding one to the full parse.
 */
function randomEdit(rnd: () => number, text: string, near: number): TextEdit {
  const int = (n: number) => Math.floor(rnd() * n);
  const where = rnd();
  const start = Math.min(text.length, where < 0.7 ? Math.max(0, near + int(41) - 20) : where < 0.8 ? int(40) : int(text.length + 1));
  const end = rnd() < 0.5 ? start : Math.min(text.length, start + int(rnd() < 0.8 ? 4 : 200));
  let insert = rnd() < 0.01 ? '\r' : '';
  if (rnd() < 0.75) for (let k = 1 + int(3); k > 0; k--) insert += PIECES[int(PIECES.length)];
  return { start, end, text: insert };
}

/** The model as plain data: every public field, arguments split, no lazy or shared internals. */
function snapshot(doc: Dockerfile): unknown {
  const index = new Map(doc.instructions.map((ins, i) => [ins, i]));
  return {
    text: doc.text,
    escape: doc.escape,
    directives: doc.directives,
    comments: doc.comments,
    instructions: doc.instructions.map(plain),
    stages: doc.stages.map((s) => ({ ...s, from: index.get(s.from), instructions: s.instructions.map((i) => index.get(i)) })),
    globalArgs: doc.globalArgs.map((i) => index.get(i)),
    lineStarts: doc.lineStarts,
  };
}

function plain(ins: Instruction): unknown {
  return {
    keyword: ins.keyword,
    keywordSpan: ins.keywordSpan,
    span: ins.span,
    flags: ins.flags.map((f) => ({ ...f })),
    args: ins.args.map((w) => ({ ...w })),
    argsText: ins.argsText,
    argsSpan: ins.argsSpan,
    json: ins.json && { ...ins.json },
    heredocs: ins.heredocs.map((h) => ({ ...h })),
    trigger: ins.trigger && plain(ins.trigger),
    stage: ins.stage,
  };
}

function apply(text: string, edit: TextEdit): string {
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

describe('incremental re-parse equals a full parse', () => {
  it(`after each of ${EDITS} random edits to the fixtures (seed ${SEED})`, () => {
    const rnd = prng(SEED);
    const starts = [...CORPUS, generateDockerfile(400)];
    const perFile = Math.ceil(EDITS / starts.length);
    for (const [f, original] of starts.entries()) {
      let doc = parse(original);
      const memo = new LintMemo();
      let near = Math.floor(rnd() * original.length);
      for (let n = 0; n < perFile; n++) {
        const edit = randomEdit(rnd, doc.text, near);
        near = edit.start + edit.text.length;
        const before = doc.text;
        // Half the time with the edited text at hand, as the server has it from its document.
        doc = n % 2 ? reparse(doc, edit, apply(before, edit)) : reparse(doc, edit);
        const full = parse(apply(before, edit));
        const where = `file ${f}, edit ${n}: ${JSON.stringify(edit)} on ${JSON.stringify(before.slice(Math.max(0, edit.start - 60), edit.end + 60))}`;
        assert.deepStrictEqual(snapshot(doc), snapshot(full), where);
        assert.deepStrictEqual(
          withLintMemo(memo, () => lintDocument(doc)),
          lintDocument(full),
          where,
        );
      }
    }
  });

  it('at the top, where directives decide the escape character', () => {
    const cases: [string, TextEdit][] = [
      ['RUN a \\\n  b\n', { start: 0, end: 0, text: '# escape=`\n' }],
      ['# syntax=x\nRUN a `\n  b\n', { start: 11, end: 11, text: '# escape=`\n' }],
      ['# escape=`\nRUN a `\n  b\n', { start: 9, end: 10, text: '\\' }],
      ['# escape=`\nRUN a `\n  b\n', { start: 0, end: 1, text: '' }],
      ['\n# escape=`\nRUN a `\n  b\n', { start: 0, end: 1, text: '' }],
      ['# syntax=x\n# escape=`\nFROM a\nRUN b `\n c\n', { start: 11, end: 11, text: '# syntax=y\n' }],
    ];
    for (const [text, edit] of cases) {
      const doc = reparse(parse(text), edit);
      assert.deepStrictEqual(snapshot(doc), snapshot(parse(apply(text, edit))), JSON.stringify([text, edit]));
    }
  });

  it('an edit on the first word of an instruction that escape-only lines lead into', () => {
    // `\` alone on a line continues into the next: that line's comment is then skipped, not the instruction.
    for (const [text, at, insert] of [
      ['\\\n:latest', 2, ' #'],
      ['FROM a\n\\\n \\\nRUN x\n', 12, '#'],
      ['FROM a\nRUN b\n\\\nUSER c\n', 15, '# '],
    ] as const) {
      const next = reparse(parse(text), { start: at, end: at, text: insert });
      assert.deepStrictEqual(snapshot(next), snapshot(parse(next.text)), JSON.stringify(next.text));
    }
  });

  it('moves what follows an edit in place, every span once, whether or not its words were split', () => {
    const tail = [
      '# a comment after the edit',
      'RUN --mount=type=cache,target=/root/.cache --network=none pip install \\',
      '    requests==2.31 \\',
      '    flask',
      'COPY --from=build ["a b", "/dst/"]',
      'RUN <<EOF cat > /x',
      'line one',
      'EOF',
      'ONBUILD RUN --mount=type=secret,id=t make "a b" c',
      'CMD ["run", "--now"]',
      '',
    ].join('\n');
    for (const split of [true, false]) {
      // The edits are on the second line: one on the first would parse afresh (directives end there).
      let doc = parse(`ARG A=0\nARG V=1\nFROM base:$V AS build\n${tail}`);
      if (split) for (const i of doc.instructions) void [i.args, i.trigger?.args];
      for (const edit of [
        { start: 15, end: 15, text: '23' },
        { start: 15, end: 17, text: '' },
        { start: 8, end: 8, text: '# first\n' },
        { start: 8, end: 16, text: '' },
      ]) {
        const before = doc.text;
        const last = doc.instructions.at(-1);
        doc = reparse(doc, edit);
        assert.equal(doc.instructions.at(-1), last, 'the last instruction was moved, not parsed again');
        const full = parse(apply(before, edit));
        assert.deepStrictEqual(snapshot(doc), snapshot(full), `${split ? 'split' : 'unsplit'} words, ${JSON.stringify(edit)}`);
      }
    }
  });

  it('reuses the instructions before the edit and moves those after it in place', () => {
    const text = generateDockerfile(200);
    const old = parse(text);
    const at = text.indexOf('\nRUN ', text.length >> 1) + 5;
    const after = old.instructions.findIndex((i) => i.span.start > at);
    const start = old.instructions[after].span.start;
    const next = reparse(old, { start: at, end: at, text: 'x' });
    assert.equal(next.instructions[after - 2], old.instructions[after - 2], 'an instruction before the edit is the same object');
    assert.equal(next.instructions[after], old.instructions[after], 'one after it is the same object, moved');
    assert.equal(next.instructions[after].span.start, start + 1);
  });
});
