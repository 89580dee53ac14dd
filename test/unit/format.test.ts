/**
 * Formatting: document, range and on type. Besides examples, it proves that formatting
 * never changes meaning: every Dockerfile under test/fixtures and thousands of seeded
 * random and mutated ones format idempotently into a file the parser reads as the same
 * instructions, flags, words, heredoc bodies and JSON values. BERTH_FUZZ_SEED and
 * BERTH_FUZZ_RUNS choose another seed or a longer run.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FormattingOptions, Position, Range, TextEdit } from 'vscode-languageserver-types';
import { formatDocument, formatOnType, formatRange, formatText, indentUnit } from '../../src/dockerfile/format';
import type { Instruction } from '../../src/dockerfile/model';
import { parse } from '../../src/dockerfile/parser';
import { prng } from '../fixtures/prng';

const OPTIONS: FormattingOptions = { tabSize: 4, insertSpaces: true };
const FIXTURES = path.join(__dirname, '..', 'fixtures');

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///Dockerfile', 'dockerfile', 1, text), edits);
}

const fmt = (text: string, options: FormattingOptions = OPTIONS) => apply(text, formatDocument(parse(text), options));

/** What the builder reads from an instruction; whitespace between words only where it cannot matter. */
function shapeOf(i: Instruction): unknown {
  return {
    keyword: i.keyword,
    flags: i.flags.map((f) => [f.name, f.value]),
    // FROM's `AS` is matched without regard to case, and formatting writes it in the keywords' case.
    args: i.args.map((w, k) => (i.keyword === 'FROM' && k === 1 && /^as$/i.test(w.value) ? 'as' : w.value)),
    // Instructions that keep their text as written must keep it exactly.
    argsText: ['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'COPY', 'ADD', 'ARG', 'EXPOSE', 'VOLUME', 'FROM', 'USER', 'STOPSIGNAL'].includes(
      i.keyword,
    )
      ? undefined
      : (i.keyword === 'ENV' || i.keyword === 'LABEL') && i.args[0]?.value.includes('=')
        ? undefined
        : i.argsText,
    json: i.json?.values,
    jsonSource: i.json ? 'same bytes' : undefined,
    heredocs: i.heredocs.map((h) => [h.delimiter, h.quoted, h.stripTabs, h.body, h.closeSpan !== undefined]),
    trigger: i.trigger
      ? { keyword: i.trigger.keyword, args: i.trigger.argsText, flags: i.trigger.flags.map((f) => [f.name, f.value]) }
      : undefined,
  };
}

function modelOf(text: string): unknown {
  const doc = parse(text);
  return {
    escape: doc.escape,
    directives: doc.directives.map((d) => [d.name, d.value]),
    instructions: doc.instructions.map(shapeOf),
    stages: doc.stages.map((s) => [s.name?.value, s.base?.value, s.parent]),
    comments: doc.comments.map((c) => c.text.trim()),
  };
}

/** JSON arrays must keep their bytes, not just their values. */
function jsonSources(text: string): string[] {
  const doc = parse(text);
  return doc.instructions.filter((i) => i.json).map((i) => text.slice(i.json!.span.start, i.json!.span.end));
}

function assertSafe(text: string, label: string, options: FormattingOptions = OPTIONS): void {
  const once = formatText(text, options);
  const twice = formatText(once, options);
  assert.equal(twice, once, `${label}: formatting is not idempotent`);
  assert.deepEqual(modelOf(once), modelOf(text), `${label}: formatting changed the parse`);
  assert.deepEqual(jsonSources(once), jsonSources(text), `${label}: a JSON array changed`);
  assert.equal(apply(text, formatDocument(parse(text), options)), once, `${label}: edits and formatText disagree`);
}

describe('formatDocument', () => {
  it('formats the messy fixture into its expected form', () => {
    const input = readFileSync(path.join(FIXTURES, 'format', 'messy.Dockerfile'), 'utf8');
    const expected = readFileSync(path.join(FIXTURES, 'format', 'messy.formatted.Dockerfile'), 'utf8');
    assert.equal(fmt(input), expected);
  });

  it('writes keywords in the dominant case, upper when tied', () => {
    assert.equal(fmt('from a\nrun b\nRUN c\n'), 'from a\nrun b\nrun c\n');
    assert.equal(fmt('from a\nRUN c\n'), 'FROM a\nRUN c\n');
    assert.equal(fmt('From a\nRun c\n'), 'FROM a\nRUN c\n');
    assert.equal(fmt('FROM a as b\nFROM c As d\n'), 'FROM a AS b\nFROM c AS d\n');
    assert.equal(fmt('from a AS b\nrun x\n'), 'from a as b\nrun x\n');
    // An ONBUILD trigger is kept in the image as written, so it keeps its case and spacing.
    assert.equal(fmt('FROM a\nonbuild run  x\nONBUILD RUN y\n'), 'FROM a\nONBUILD run  x\nONBUILD RUN y\n');
  });

  it('leaves unknown instructions as written', () => {
    assert.equal(fmt('FROM a\nfrob   x\n'), 'FROM a\nfrob x\n');
    // 'ſ' upper-cases to 'S' in JavaScript, but BuildKit does not read this as STOPSIGNAL.
    assert.equal(fmt('FROM a\n\u017ftopsignal 9\n'), 'FROM a\n\u017ftopsignal 9\n');
  });

  it('puts one space after the keyword and none before it', () => {
    assert.equal(fmt('  FROM\talpine\nRUN    echo   a\n'), 'FROM alpine\nRUN echo   a\n');
    assert.equal(fmt('RUN     \\\n  echo\n'), 'RUN \\\n    echo\n');
  });

  it('indents continuation lines by the editor unit or the setting', () => {
    const text = 'RUN a \\\n b \\\n\t\tc\n';
    assert.equal(fmt(text), 'RUN a \\\n    b \\\n    c\n');
    assert.equal(fmt(text, { tabSize: 2, insertSpaces: true }), 'RUN a \\\n  b \\\n  c\n');
    assert.equal(fmt(text, { tabSize: 4, insertSpaces: false }), 'RUN a \\\n\tb \\\n\tc\n');
    assert.equal(formatText(text, OPTIONS, { continuationIndent: 8 }), 'RUN a \\\n        b \\\n        c\n');
    assert.equal(indentUnit(undefined), '    ');
  });

  it('does not indent where the join is inside quotes or glues two words', () => {
    const quoted = 'RUN echo "a \\\nb" \'c \\\n  d\'\n';
    assert.equal(fmt(quoted), quoted);
    const glued = 'RUN echo ab\\\ncd\n';
    assert.equal(fmt(glued), glued);
    const legacy = 'ENV GREETING hello \\\n  world\nMAINTAINER a \\\n  b\n';
    assert.equal(fmt(legacy), legacy);
  });

  it('indents comment lines inside a continuation and keeps them', () => {
    assert.equal(fmt('RUN a \\\n# why b\n  b\n'), 'RUN a \\\n    # why b\n    b\n');
  });

  it('trims trailing blanks, but never inside heredoc bodies or an open quote', () => {
    assert.equal(fmt('FROM a  \nRUN x \\  \n  y\t\n# c  \n\t\n'), 'FROM a\nRUN x \\\n    y\n# c\n\n');
    const heredoc = 'RUN <<EOF  \n  indented   \n\tTabbed\t\nEOF\n';
    assert.equal(fmt(heredoc), 'RUN <<EOF\n  indented   \n\tTabbed\t\nEOF\n');
    const open = 'RUN echo "unclosed   \n';
    assert.equal(fmt(open), open);
  });

  it('leaves JSON arrays byte for byte, continuation lines included', () => {
    const json = 'CMD   [ "a" ,\\\n        "b"  ]\n';
    assert.equal(fmt(json), 'CMD [ "a" ,\\\n        "b"  ]\n');
  });

  it('respects the backtick escape', () => {
    const text = '# escape=`\nFROM a\nRUN echo a `\n  b \\\nRUN c:\\dir\\ `   \n     d\n';
    assert.equal(fmt(text), '# escape=`\nFROM a\nRUN echo a `\n    b \\\nRUN c:\\dir\\ `\n    d\n');
  });

  it('keeps line endings, the byte-order mark and parser directives', () => {
    assert.equal(fmt('\uFEFFFROM a \r\nRUN b \\\r\n c\r\n'), '\uFEFFFROM a\r\nRUN b \\\r\n    c\r\n');
    const directive = '# escape= \nFROM a\n';
    assert.equal(fmt(directive), directive);
  });

  it('returns no edits for a formatted file', () => {
    const formatted = readFileSync(path.join(FIXTURES, 'format', 'messy.formatted.Dockerfile'), 'utf8');
    assert.deepEqual(formatDocument(parse(formatted), OPTIONS), []);
    assert.deepEqual(formatDocument(parse(''), OPTIONS), []);
  });
});

describe('formatRange', () => {
  const text = 'FROM a  \nrun x \\\n y\nRUN  z  \n# c  \n';
  const range = (sl: number, sc: number, el: number, ec: number): Range => ({
    start: { line: sl, character: sc },
    end: { line: el, character: ec },
  });
  const ranged = (r: Range) => apply(text, formatRange(parse(text), r, OPTIONS));

  it('formats only the instructions the range touches, each one whole', () => {
    assert.equal(ranged(range(2, 0, 2, 1)), 'FROM a  \nRUN x \\\n    y\nRUN  z  \n# c  \n');
    assert.equal(ranged(range(0, 0, 1, 0)), 'FROM a\nrun x \\\n y\nRUN  z  \n# c  \n');
    assert.equal(ranged(range(3, 2, 4, 3)), 'FROM a  \nrun x \\\n y\nRUN z\n# c\n');
  });

  it('matches whole-document formatting over the whole document', () => {
    assert.equal(ranged(range(0, 0, 5, 0)), fmt(text));
  });
});

/** The offset of a line and character in text split on newlines. */
function offsetOf(text: string, line: number, character: number): number {
  let at = 0;
  for (let l = 0; l < line; l++) at = text.indexOf('\n', at) + 1;
  return at + character;
}

describe('formatOnType', () => {
  /** Types a newline at `|` and returns the text after on-type formatting. */
  function typeNewline(before: string, options: FormattingOptions = OPTIONS): string {
    const cursor = before.indexOf('|');
    const text = before.slice(0, cursor) + '\n' + before.slice(cursor + 1);
    const doc = parse(text);
    const lines = text.slice(0, cursor + 1).split('\n');
    const position: Position = { line: lines.length - 1, character: 0 };
    return apply(text, formatOnType(doc, position, '\n', options));
  }

  it('indents the line after a continuation', () => {
    assert.equal(typeNewline('RUN apt-get update && \\|'), 'RUN apt-get update && \\\n    ');
    assert.equal(typeNewline('RUN a \\\n    b \\|\nCMD x'), 'RUN a \\\n    b \\\n    \nCMD x');
    assert.equal(typeNewline('RUN a \\|  b', { tabSize: 2, insertSpaces: true }), 'RUN a \\\n  b');
    assert.equal(typeNewline('# escape=`\nRUN a `|'), '# escape=`\nRUN a `\n    ');
    // Comment and blank lines inside a continuation do not end it.
    assert.equal(typeNewline('RUN a \\\n    # why|'), 'RUN a \\\n    # why\n    ');
    assert.equal(typeNewline('RUN a \\\n\n|'), 'RUN a \\\n\n\n    ');
    assert.equal(typeNewline('RUN a\n# note \\|'), 'RUN a\n# note \\\n');
  });

  it('indents the next line when the escape is typed at the end of a line', () => {
    const typeEscape = (text: string, line: number, character: number) =>
      apply(text, formatOnType(parse(text), { line, character }, text[offsetOf(text, line, character) - 1], OPTIONS));
    assert.equal(typeEscape('RUN apt-get install \\\ncurl\n', 0, 21), 'RUN apt-get install \\\n    curl\n');
    assert.equal(typeEscape('# escape=`\nRUN a `\n\tb\n', 1, 7), '# escape=`\nRUN a `\n    b\n');
    // Not in the middle of a line, and not when it would split a word that was glued on.
    assert.equal(typeEscape('RUN a \\ b\nc\n', 0, 7), 'RUN a \\ b\nc\n');
    assert.equal(typeEscape('RUN ab\\\ncd\n', 0, 7), 'RUN ab\\\ncd\n');
    assert.equal(typeEscape('RUN a \\', 0, 7), 'RUN a \\');
  });

  it('does nothing without a continuation, inside quotes, heredocs or comments', () => {
    assert.equal(typeNewline('RUN a|'), 'RUN a\n');
    assert.equal(typeNewline('RUN a \\\\|'), 'RUN a \\\\\n');
    assert.equal(typeNewline('RUN echo "a \\|'), 'RUN echo "a \\\n');
    assert.equal(typeNewline('RUN <<EOF\nx \\|\nEOF'), 'RUN <<EOF\nx \\\n\nEOF');
    assert.equal(typeNewline('# note \\|'), '# note \\\n');
    assert.deepEqual(formatOnType(parse('RUN a \\\n'), { line: 1, character: 0 }, ';', OPTIONS), []);
  });
});

describe('formatOnType on damaged input', () => {
  it('never throws and only ever replaces blanks at the start of one line', () => {
    const corpus = fixtureFiles(FIXTURES).map((f) => readFileSync(f, 'utf8'));
    let seed = 17;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    for (let run = 0; run < 300; run++) {
      let text = corpus[run % corpus.length];
      const at = Math.floor(rnd() * (text.length + 1));
      text = text.slice(0, at) + ['\n', '\\\n', ' \\\n', '`\n', '\\', '"\\\n'][run % 6] + text.slice(at);
      const doc = parse(text);
      for (let k = 0; k < 10; k++) {
        const line = Math.floor(rnd() * doc.lineStarts.length);
        const position: Position = { line, character: Math.floor(rnd() * 3) };
        for (const ch of ['\n', '\\', '`']) {
          for (const edit of formatOnType(doc, position, ch, OPTIONS)) {
            assert.equal(edit.range.start.character, 0, `run ${run}`);
            assert.equal(edit.range.end.line, edit.range.start.line, `run ${run}`);
            assert.match(edit.newText, /^[ \t]*$/, `run ${run}`);
            const lineStart = doc.lineStarts[edit.range.start.line];
            assert.match(text.slice(lineStart, lineStart + edit.range.end.character), /^[ \t]*$/, `run ${run}`);
          }
        }
      }
    }
  });
});

/** Every Dockerfile among the fixtures, by the names the extension recognises. */
function fixtureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...fixtureFiles(full));
    else if (/(^|[./])(dockerfile|containerfile)([./]|$)/i.test(name) && !name.endsWith('.dockerignore')) out.push(full);
  }
  return out;
}

describe('formatting never changes meaning', () => {
  const files = fixtureFiles(FIXTURES);

  it('finds the fixtures', () => {
    assert.ok(files.length >= 20, `only ${files.length} fixtures`);
  });

  for (const file of files) {
    it(`${path.relative(FIXTURES, file)}: idempotent and the same parse`, () => {
      const text = readFileSync(file, 'utf8');
      assertSafe(text, file);
      assertSafe(text, file, { tabSize: 2, insertSpaces: false });
    });
  }

  const SEED = Number(process.env.BERTH_FUZZ_SEED ?? 20260522) >>> 0;
  const RUNS = Number(process.env.BERTH_FUZZ_RUNS ?? 1500);

  const PIECES = [
    'FROM',
    'from',
    'Run',
    'RUN',
    'run',
    'COPY',
    'ADD',
    'ENV',
    'env',
    'ARG',
    'LABEL',
    'CMD',
    'ENTRYPOINT',
    'WORKDIR',
    'MAINTAINER',
    'ONBUILD',
    'HEALTHCHECK',
    'SHELL',
    'USER',
    'EXPOSE',
    'VOLUME',
    'frob',
    'AS',
    'alpine',
    'a=b',
    'K',
    'v',
    '$V',
    '${V:-x y}',
    '--from=build',
    '--mount=type=cache,target=/x',
    '--link',
    '--',
    '<<EOF',
    '<<-EOF',
    "<<'EOF'",
    '<<"E"',
    'EOF',
    '\tEOF',
    '["a", "b"]',
    '["a",',
    '"b"]',
    '[',
    ']',
    '"',
    "'",
    '\\',
    '`',
    '\\\\',
    '# escape=`',
    '# c',
    '#',
    ' ',
    ' ',
    '  ',
    '\t',
    '\n',
    '\n',
    '\n',
    '\r\n',
    '\\\n',
    '\\ \n',
    '`\n',
    '\\\n\n',
    '\\\n# c\n',
    '\\\n  ',
    ' \\\n\t',
    '\uFEFF',
    '\u00A0',
    '\v',
    '&&',
    ';',
    'echo',
  ];

  it(`${RUNS} seeded random and mutated Dockerfiles (seed ${SEED})`, () => {
    const rnd = prng(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
    const corpus = files.map((f) => readFileSync(f, 'utf8'));
    for (let run = 0; run < RUNS; run++) {
      let text: string;
      if (run % 2 === 0) {
        text = '';
        const n = 1 + Math.floor(rnd() * 40);
        for (let k = 0; k < n; k++) text += pick(PIECES) + (rnd() < 0.5 ? ' ' : '');
      } else {
        text = pick(corpus);
        const n = 1 + Math.floor(rnd() * 6);
        for (let k = 0; k < n; k++) {
          const at = Math.floor(rnd() * (text.length + 1));
          text = text.slice(0, at) + pick(PIECES) + text.slice(at + Math.floor(rnd() * 3));
        }
      }
      const options = rnd() < 0.7 ? OPTIONS : { tabSize: Math.floor(rnd() * 5), insertSpaces: rnd() < 0.5 };
      try {
        assertSafe(text, `run ${run}`, options);
        // Range formatting of any slice keeps the meaning too.
        const doc = parse(text);
        const a = Math.floor(rnd() * doc.lineStarts.length);
        const b = a + Math.floor(rnd() * 4);
        const ranged = apply(text, formatRange(doc, { start: { line: a, character: 0 }, end: { line: b, character: 0 } }, options));
        assert.deepEqual(modelOf(ranged), modelOf(text), `run ${run}: range formatting changed the parse`);
      } catch (error) {
        throw new Error(
          `run ${run} (seed ${SEED}) on ${JSON.stringify(text)} with ${JSON.stringify(options)}:\n${(error as Error).message}`,
          { cause: error },
        );
      }
    }
  });
});
