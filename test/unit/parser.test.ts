/**
 * The Dockerfile parser against BuildKit's reading of the same text (moby/buildkit
 * frontend/dockerfile/parser): every span is checked by slicing the source with it.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { offsetAt, positionAt, rangeOf } from '../../src/dockerfile/model';
import type { Dockerfile, Instruction, Span } from '../../src/dockerfile/model';
import { parse } from '../../src/dockerfile/parser';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'parser');

function src(doc: Dockerfile, span: Span | undefined): string | undefined {
  return span && doc.text.slice(span.start, span.end);
}

/** The instructions' keywords, with the trigger's after a colon for ONBUILD. */
function keywords(doc: Dockerfile): string[] {
  return doc.instructions.map((i) => (i.trigger ? `${i.keyword}:${i.trigger.keyword}` : i.keyword));
}

function argValues(i: Instruction): string[] {
  return i.args.map((a) => a.value);
}

function only(text: string): { doc: Dockerfile; ins: Instruction } {
  const doc = parse(text);
  assert.equal(doc.instructions.length, 1, `one instruction in ${JSON.stringify(text)}`);
  return { doc, ins: doc.instructions[0] };
}

describe('keywords, flags and arguments', () => {
  it('gives exact spans for keyword, flags, arguments and the whole instruction', () => {
    const { doc, ins } = only('  FROM --platform=$BUILDPLATFORM golang:1.22 AS build  ');
    assert.equal(ins.keyword, 'FROM');
    assert.equal(src(doc, ins.keywordSpan), 'FROM');
    assert.equal(src(doc, ins.span), 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build  ');
    assert.equal(ins.flags.length, 1);
    const [flag] = ins.flags;
    assert.equal(flag.name, 'platform');
    assert.equal(flag.value, '$BUILDPLATFORM');
    assert.equal(src(doc, flag.span), '--platform=$BUILDPLATFORM');
    assert.equal(src(doc, flag.nameSpan), 'platform');
    assert.equal(src(doc, flag.valueSpan), '$BUILDPLATFORM');
    assert.deepEqual(argValues(ins), ['golang:1.22', 'AS', 'build']);
    assert.deepEqual(
      ins.args.map((a) => src(doc, a.span)),
      ['golang:1.22', 'AS', 'build'],
    );
    assert.equal(ins.argsText, 'golang:1.22 AS build');
    assert.equal(src(doc, ins.argsSpan), 'golang:1.22 AS build');
  });

  it('upper-cases keywords written in any case and keeps unknown ones', () => {
    const doc = parse('from alpine:3.19\nrUn echo hi\nCopy a b\nFROBNICATE x\n');
    assert.deepEqual(keywords(doc), ['FROM', 'RUN', 'COPY', 'FROBNICATE']);
    assert.equal(src(doc, doc.instructions[1].keywordSpan), 'rUn');
    assert.equal(src(doc, doc.instructions[3].keywordSpan), 'FROBNICATE');
  });

  it('reads a flag without a value and one with an empty value', () => {
    const { doc, ins } = only('COPY --link --chown= --chmod=0755 src/ /app/');
    assert.deepEqual(
      ins.flags.map((f) => [f.name, f.value, src(doc, f.span), src(doc, f.nameSpan), src(doc, f.valueSpan)]),
      [
        ['link', undefined, '--link', 'link', undefined],
        ['chown', '', '--chown=', 'chown', ''],
        ['chmod', '0755', '--chmod=0755', 'chmod', '0755'],
      ],
    );
    assert.equal(ins.flags[1].valueSpan?.start, ins.flags[1].span.end);
    assert.deepEqual(argValues(ins), ['src/', '/app/']);
  });

  it('stops reading flags at the first argument, so later --words are arguments', () => {
    const { ins } = only('RUN --network=none ./configure --prefix=/usr');
    assert.deepEqual(
      ins.flags.map((f) => f.name),
      ['network'],
    );
    assert.deepEqual(argValues(ins), ['./configure', '--prefix=/usr']);
  });

  it("ends the flags at a bare '--', which is neither flag nor argument (BuildKit)", () => {
    const { doc, ins } = only('RUN --a=1 -- --b echo');
    assert.deepEqual(
      ins.flags.map((f) => f.name),
      ['a'],
    );
    assert.deepEqual(argValues(ins), ['--b', 'echo']);
    assert.equal(src(doc, ins.argsSpan), '--b echo');
  });

  it('gives an instruction without arguments an empty argsSpan at the end of its keyword', () => {
    const { ins } = only('RUN   ');
    assert.equal(ins.argsText, '');
    assert.deepEqual(ins.args, []);
    assert.deepEqual(ins.argsSpan, { start: 3, end: 3 });
    const flagsOnly = only('RUN --network=host').ins;
    assert.deepEqual(flagsOnly.argsSpan, { start: 3, end: 3 });
  });

  it('keeps quoted whitespace and escaped blanks inside one word, quotes kept', () => {
    const { doc, ins } = only(`LABEL a="x y" b='c d' e=f\\ g "unterminated x`);
    assert.deepEqual(argValues(ins), ['a="x y"', "b='c d'", 'e=f\\ g', '"unterminated x']);
    assert.equal(src(doc, ins.args[3].span), '"unterminated x');
  });

  it('splits words on \\t, \\v, \\f and a mid-line \\r as BuildKit does', () => {
    const { ins } = only('FROM\ta\vAS\fb\rc');
    assert.equal(ins.keyword, 'FROM');
    assert.deepEqual(argValues(ins), ['a', 'AS', 'b', 'c']);
  });
});

describe('parser directives', () => {
  it('reads syntax, escape and check with name and value spans', () => {
    const text = '# syntax=docker/dockerfile:1\n#ESCAPE = `  \n#  Check =skip=all;error=true\nFROM a';
    const doc = parse(text);
    assert.deepEqual(
      doc.directives.map((d) => [d.name, d.value, src(doc, d.nameSpan), src(doc, d.valueSpan), src(doc, d.span)]),
      [
        ['syntax', 'docker/dockerfile:1', 'syntax', 'docker/dockerfile:1', '# syntax=docker/dockerfile:1'],
        ['escape', '`', 'ESCAPE', '`', '#ESCAPE = `  '],
        ['check', 'skip=all;error=true', 'Check', 'skip=all;error=true', '#  Check =skip=all;error=true'],
      ],
    );
    assert.equal(doc.escape, '`');
    // Directive lines are comments too, so comment-aware features see them.
    assert.equal(doc.comments.length, 3);
  });

  it('stops at the first blank line', () => {
    const doc = parse('# syntax=a\n\n# escape=`\nFROM a');
    assert.deepEqual(
      doc.directives.map((d) => d.name),
      ['syntax'],
    );
    assert.equal(doc.escape, '\\');
  });

  it('stops at the first ordinary comment', () => {
    const doc = parse('# hello\n# escape=`\nFROM a');
    assert.deepEqual(doc.directives, []);
    assert.equal(doc.escape, '\\');
    assert.deepEqual(
      doc.comments.map((c) => c.text),
      [' hello', ' escape=`'],
    );
  });

  it('stops at the first instruction', () => {
    const doc = parse('FROM a\n# escape=`\nRUN b `\nc');
    assert.deepEqual(doc.directives, []);
    assert.equal(doc.escape, '\\');
    assert.equal(doc.instructions.length, 3);
  });

  it('stops at an unknown directive, as BuildKit does (#foo=bar, # my-key=1)', () => {
    for (const first of ['# foo=bar', '# my-key=1', '# my_key=1', '# 1abc=x']) {
      const doc = parse(`${first}\n# escape=\`\nFROM a`);
      assert.deepEqual(doc.directives, [], first);
      assert.equal(doc.escape, '\\', first);
    }
  });

  it('stops at a repeated directive, which is a comment from there on', () => {
    const doc = parse('# syntax=a\n# SYNTAX=b\n# escape=`\nFROM a');
    assert.deepEqual(
      doc.directives.map((d) => [d.name, d.value]),
      [['syntax', 'a']],
    );
    assert.equal(doc.escape, '\\');
    assert.equal(doc.comments.length, 3);
  });

  it('needs a value; a directive without one is a comment', () => {
    const doc = parse('# escape=\nRUN a `\nb');
    assert.deepEqual(doc.directives, []);
    assert.equal(doc.instructions.length, 2);
  });

  it('accepts indentation before # and a BOM before the first directive', () => {
    const doc = parse('\uFEFF  # escape=`\nRUN a `\nb');
    assert.equal(doc.escape, '`');
    assert.equal(src(doc, doc.directives[0].span), '# escape=`');
    assert.equal(doc.instructions.length, 1);
  });

  it('records an invalid escape value but keeps the backslash', () => {
    const doc = parse('# escape=x\nRUN a \\\nb');
    assert.deepEqual(
      doc.directives.map((d) => [d.name, d.value]),
      [['escape', 'x']],
    );
    assert.equal(doc.escape, '\\');
    assert.deepEqual(argValues(doc.instructions[0]), ['a', 'b']);
  });
});

describe('escape character and continuation lines', () => {
  it('joins continuation lines, keeping their indentation, and maps word spans to the source', () => {
    const text = 'RUN apt-get update \\\n    && apt-get install -y \\\n       curl';
    const { doc, ins } = only(text);
    assert.equal(ins.argsText, 'apt-get update     && apt-get install -y        curl');
    assert.deepEqual(argValues(ins), ['apt-get', 'update', '&&', 'apt-get', 'install', '-y', 'curl']);
    assert.deepEqual(
      ins.args.map((a) => src(doc, a.span)),
      argValues(ins),
    );
    assert.equal(src(doc, ins.span), text);
    assert.equal(src(doc, ins.argsSpan), text.slice(4));
  });

  it('gives a word broken across lines a span from its first to its last character', () => {
    const { doc, ins } = only('RUN ec\\\nho hi');
    assert.deepEqual(argValues(ins), ['echo', 'hi']);
    assert.equal(src(doc, ins.args[0].span), 'ec\\\nho');
    const split = only('RU\\\nN x');
    assert.equal(split.ins.keyword, 'RUN');
    assert.equal(src(split.doc, split.ins.keywordSpan), 'RU\\\nN');
  });

  it('skips blank and comment lines inside a continuation, recording the comments', () => {
    const text = 'RUN a \\\n\n   \n# one\n    # two\n  b \\\n\t# three\n  c\nRUN d';
    const doc = parse(text);
    assert.deepEqual(keywords(doc), ['RUN', 'RUN']);
    const [run] = doc.instructions;
    assert.deepEqual(argValues(run), ['a', 'b', 'c']);
    assert.equal(src(doc, run.span), text.slice(0, text.indexOf('\nRUN d')));
    assert.deepEqual(
      doc.comments.map((c) => src(doc, c.span)),
      ['# one', '# two', '# three'],
    );
    assert.deepEqual(
      doc.comments.map((c) => c.text),
      [' one', ' two', ' three'],
    );
  });

  it('joins a following instruction after a blank line, as BuildKit does', () => {
    const doc = parse('RUN a \\\n\nFROM b');
    assert.deepEqual(keywords(doc), ['RUN']);
    assert.deepEqual(argValues(doc.instructions[0]), ['a', 'FROM', 'b']);
  });

  it('allows blanks after the escape, and a line that is only the escape', () => {
    const doc = parse('RUN a \\  \t\n\\\n  b');
    assert.deepEqual(argValues(doc.instructions[0]), ['a', 'b']);
    assert.equal(doc.instructions.length, 1);
  });

  it('does not continue a line ending in an escaped escape (BuildKit: ([^\\\\])\\\\[ \\t]*$)', () => {
    const doc = parse('RUN echo foo\\\\\nRUN echo bar');
    assert.deepEqual(keywords(doc), ['RUN', 'RUN']);
    assert.deepEqual(argValues(doc.instructions[0]), ['echo', 'foo\\\\']);
  });

  it('switches continuation to the backtick under # escape=`, leaving \\ literal', () => {
    const text = '# escape=`\nWORKDIR C:\\foo\\\nCOPY a `\n  C:\\app\\\nRUN dir ``\nRUN x';
    const doc = parse(text);
    assert.equal(doc.escape, '`');
    assert.deepEqual(keywords(doc), ['WORKDIR', 'COPY', 'RUN', 'RUN']);
    assert.deepEqual(argValues(doc.instructions[0]), ['C:\\foo\\']);
    assert.deepEqual(argValues(doc.instructions[1]), ['a', 'C:\\app\\']);
    assert.equal(src(doc, doc.instructions[1].span), 'COPY a `\n  C:\\app\\');
    assert.deepEqual(argValues(doc.instructions[2]), ['dir', '``']);
  });

  it('treats the backtick as the word escape under # escape=`', () => {
    const { ins } = only('# escape=`\nRUN echo a` b "x`"y" \\"');
    assert.deepEqual(argValues(ins), ['echo', 'a` b', '"x`"y"', '\\"']);
  });

  it('reads CRLF files like LF files, with no \\r inside spans', () => {
    const lf = readFileSync(path.join(FIXTURES, 'continuations.Dockerfile'), 'utf8');
    const crlf = lf.replace(/\n/g, '\r\n');
    const a = parse(lf);
    const b = parse(crlf);
    assert.deepEqual(keywords(b), keywords(a));
    assert.deepEqual(b.instructions.map(argValues), a.instructions.map(argValues));
    assert.deepEqual(
      b.comments.map((c) => c.text),
      a.comments.map((c) => c.text),
    );
    for (const ins of b.instructions) {
      assert.ok(!/\r$/.test(src(b, ins.span)!), JSON.stringify(src(b, ins.span)));
      for (const w of ins.args) assert.ok(!w.value.includes('\r'), JSON.stringify(w.value));
    }
    assert.equal(b.lineStarts.length, a.lineStarts.length);
  });

  it('drops every trailing CR before looking for the escape, as BuildKit does', () => {
    const { ins } = only('RUN a \\\r\r\n  b\r\n');
    assert.deepEqual(argValues(ins), ['a', 'b']);
  });

  it('ends a file that stops inside a continuation with the last line, escape included', () => {
    const doc = parse('FROM a\nRUN b \\');
    assert.deepEqual(keywords(doc), ['FROM', 'RUN']);
    assert.equal(src(doc, doc.instructions[1].span), 'RUN b \\');
    assert.deepEqual(argValues(doc.instructions[1]), ['b']);

    const trailing = parse('FROM a\nRUN b \\\n  c \\\n# done\n\n');
    assert.equal(src(trailing, trailing.instructions[1].span), 'RUN b \\\n  c \\');
    assert.deepEqual(argValues(trailing.instructions[1]), ['b', 'c']);

    const lone = parse('\\');
    assert.equal(lone.instructions.length, 1);
    assert.equal(lone.instructions[0].keyword, '');
    assert.deepEqual(lone.instructions[0].span, { start: 0, end: 1 });
  });
});

describe('heredocs', () => {
  it('reads <<EOF with body and closing spans, ending the instruction at the delimiter', () => {
    const text = 'RUN <<EOF\necho hi\n# not a comment\nFROM not-an-instruction\nEOF\nUSER app';
    const doc = parse(text);
    assert.deepEqual(keywords(doc), ['RUN', 'USER']);
    const [run] = doc.instructions;
    assert.equal(run.heredocs.length, 1);
    const [h] = run.heredocs;
    assert.equal(h.delimiter, 'EOF');
    assert.equal(h.quoted, false);
    assert.equal(h.stripTabs, false);
    assert.equal(src(doc, h.openSpan), '<<EOF');
    assert.equal(h.body, 'echo hi\n# not a comment\nFROM not-an-instruction\n');
    assert.equal(src(doc, h.bodySpan), h.body);
    assert.equal(src(doc, h.closeSpan), 'EOF');
    assert.equal(src(doc, run.span), text.slice(0, text.indexOf('\nUSER')));
    assert.deepEqual(doc.comments, []);
  });

  it('strips leading tabs from the closing line of <<-EOF and keeps the body as written', () => {
    const doc = parse('RUN <<-EOF\n\techo hi\n\t\tEOF\nRUN b');
    const [h] = doc.instructions[0].heredocs;
    assert.equal(h.stripTabs, true);
    assert.equal(h.body, '\techo hi\n');
    assert.equal(src(doc, h.closeSpan), '\t\tEOF');
    assert.equal(doc.instructions.length, 2);
    // Without the dash a tab-indented delimiter does not close the heredoc.
    const plain = parse('RUN <<EOF\n\techo hi\n\tEOF\nRUN b');
    assert.equal(plain.instructions.length, 1);
    assert.equal(plain.instructions[0].heredocs[0].closeSpan, undefined);
  });

  it('marks quoted delimiters, removing the quotes (BuildKit: Expand=false)', () => {
    const cases: Array<[string, string, boolean]> = [
      ['<<"EOF"', 'EOF', true],
      ["<<'EOF'", 'EOF', true],
      ['<<-"EOF"', 'EOF', true],
      ['<<E"O"F', 'EOF', true],
      ['<<"it\'s"', "it's", true],
      ['<<\\EOF', 'EOF', false],
      ['<<EOF', 'EOF', false],
    ];
    for (const [opener, delimiter, quoted] of cases) {
      const doc = parse(`RUN ${opener}\nbody $X\n${delimiter}\nRUN next`);
      assert.equal(doc.instructions.length, 2, opener);
      const [h] = doc.instructions[0].heredocs;
      assert.deepEqual([h.delimiter, h.quoted, h.body], [delimiter, quoted, 'body $X\n'], opener);
      assert.equal(src(doc, h.openSpan), opener);
    }
  });

  it('reads two heredocs on one line in order, with a file descriptor on one', () => {
    const text = 'COPY <<FILE1 2<<FILE2 /dest\ncontent 1\nFILE1\ncontent 2\nFILE2\nRUN x';
    const doc = parse(text);
    const [copy] = doc.instructions;
    assert.deepEqual(
      copy.heredocs.map((h) => [h.delimiter, h.body, src(doc, h.openSpan)]),
      [
        ['FILE1', 'content 1\n', '<<FILE1'],
        ['FILE2', 'content 2\n', '2<<FILE2'],
      ],
    );
    assert.deepEqual(argValues(copy), ['<<FILE1', '2<<FILE2', '/dest']);
    assert.equal(src(doc, copy.span), text.slice(0, text.indexOf('\nRUN x')));
    // Each delimiter closes only its own heredoc (BuildKit's TestParseExtractsHeredoc).
    const crossed = parse('COPY <<X <<Y /dest\nY\nX\nX\nY\n');
    assert.deepEqual(
      crossed.instructions[0].heredocs.map((h) => h.body),
      ['Y\n', 'X\n'],
    );
  });

  it('runs an unterminated heredoc to the end of the file', () => {
    const text = 'FROM a\nRUN <<EOF <<END\nline\nRUN not-an-instruction\n';
    const doc = parse(text);
    assert.deepEqual(keywords(doc), ['FROM', 'RUN']);
    const [first, second] = doc.instructions[1].heredocs;
    assert.equal(first.closeSpan, undefined);
    assert.equal(first.body, 'line\nRUN not-an-instruction\n');
    assert.deepEqual(first.bodySpan.end, text.length);
    assert.equal(second.closeSpan, undefined);
    assert.deepEqual(second.bodySpan, { start: text.length, end: text.length });
    assert.equal(doc.instructions[1].span.end, text.length);
    const noNewline = parse('RUN <<EOF');
    assert.deepEqual(noNewline.instructions[0].heredocs[0].bodySpan, { start: 9, end: 9 });
  });

  it('is not opened by <<<, <<, a quoted <<EOF, cat<<EOF or the exec form', () => {
    for (const line of [
      'RUN cat <<<EOF',
      'RUN echo <<',
      'RUN echo <<-',
      'RUN echo "<<EOF"',
      "RUN echo '<<EOF'",
      'RUN cat<<EOF',
      'RUN ["cat", "<<EOF"]',
      'RUN <<EOF<<X',
    ]) {
      const doc = parse(`${line}\nEOF\n`);
      assert.deepEqual(doc.instructions[0].heredocs, [], line);
      assert.equal(doc.instructions.length, 2, line);
    }
  });

  it('belongs only to RUN, COPY and ADD (and their ONBUILD triggers)', () => {
    const doc = parse('USER <<EOF\nEOF\nENV a=<<EOF\nadd <<EOF /x\nhi\nEOF\n');
    assert.deepEqual(keywords(doc), ['USER', 'EOF', 'ENV', 'ADD']);
    assert.equal(doc.instructions[3].heredocs[0].body, 'hi\n');
  });

  it('gives ONBUILD RUN <<EOF its heredoc on the trigger, spanning to the delimiter', () => {
    const text = 'ONBUILD RUN <<EOF\necho hi\nEOF\nRUN x';
    const doc = parse(text);
    assert.deepEqual(keywords(doc), ['ONBUILD:RUN', 'RUN']);
    const [onbuild] = doc.instructions;
    assert.deepEqual(onbuild.heredocs, []);
    assert.equal(onbuild.trigger!.heredocs[0].body, 'echo hi\n');
    assert.equal(src(doc, onbuild.span), 'ONBUILD RUN <<EOF\necho hi\nEOF');
    assert.equal(src(doc, onbuild.trigger!.span), 'RUN <<EOF\necho hi\nEOF');
  });

  it('starts the body after the last continuation line and closes on a CRLF delimiter line', () => {
    const text = 'RUN --mount=type=cache,target=/x \\\r\n    cat <<EOF\r\nbody\r\nEOF\r\nRUN y\r\n';
    const doc = parse(text);
    assert.deepEqual(keywords(doc), ['RUN', 'RUN']);
    const [h] = doc.instructions[0].heredocs;
    assert.equal(h.body, 'body\r\n');
    assert.equal(src(doc, h.closeSpan), 'EOF');
  });

  it('matches only a delimiter line equal to the delimiter', () => {
    const doc = parse('RUN <<EOF\n EOF\nEOF \nEOFX\nEOF\n');
    assert.equal(doc.instructions[0].heredocs[0].body, ' EOF\nEOF \nEOFX\n');
  });
});

describe('exec form', () => {
  it('reads a JSON array of strings, spanning the arguments', () => {
    const { doc, ins } = only('CMD ["node", "dist/server.js", "--port=8080"]');
    assert.deepEqual(ins.json?.values, ['node', 'dist/server.js', '--port=8080']);
    assert.equal(src(doc, ins.json?.span), '["node", "dist/server.js", "--port=8080"]');
  });

  it('reads JSON spread over continuation lines and after flags', () => {
    const doc = parse('ENTRYPOINT [ "a", \\\n  "b c" ]\nRUN --network=none ["echo", "x\\"y"]\nCMD []');
    assert.deepEqual(doc.instructions[0].json?.values, ['a', 'b c']);
    assert.deepEqual(doc.instructions[1].json?.values, ['echo', 'x"y']);
    assert.deepEqual(doc.instructions[2].json?.values, []);
  });

  it('is undefined for single quotes, non-string elements and trailing text (shell form)', () => {
    for (const line of ["CMD ['bash']", 'CMD ["a", 1]', 'CMD ["a", null]', 'CMD [["a"]]', 'CMD ["a"] b', 'CMD ["a"', 'CMD {"a": 1}']) {
      assert.equal(only(line).ins.json, undefined, line);
    }
  });
});

describe('ONBUILD', () => {
  it('gives flags to the trigger, not to ONBUILD', () => {
    const { doc, ins } = only('ONBUILD COPY --from=x . .');
    assert.deepEqual(ins.flags, []);
    assert.equal(ins.argsText, 'COPY --from=x . .');
    const trigger = ins.trigger!;
    assert.equal(trigger.keyword, 'COPY');
    assert.equal(src(doc, trigger.keywordSpan), 'COPY');
    assert.deepEqual(
      trigger.flags.map((f) => [f.name, f.value, src(doc, f.nameSpan), src(doc, f.valueSpan)]),
      [['from', 'x', 'from', 'x']],
    );
    assert.deepEqual(argValues(trigger), ['.', '.']);
    assert.equal(src(doc, trigger.span), 'COPY --from=x . .');
  });

  it('reads triggers in any case, across continuations, and none for a bare ONBUILD', () => {
    const doc = parse('FROM a\nonbuild run \\\n  make\nONBUILD\n');
    assert.deepEqual(keywords(doc), ['FROM', 'ONBUILD:RUN', 'ONBUILD']);
    assert.deepEqual(argValues(doc.instructions[1].trigger!), ['make']);
    assert.equal(doc.instructions[1].trigger!.stage, 0);
    assert.equal(doc.instructions[2].trigger, undefined);
  });

  it('parses ONBUILD ONBUILD one level deep (BuildKit rejects it; a rule can say so)', () => {
    const { ins } = only('ONBUILD ONBUILD RUN <<EOF');
    assert.equal(ins.trigger?.keyword, 'ONBUILD');
    assert.equal(ins.trigger?.trigger, undefined);
    assert.deepEqual(ins.trigger?.heredocs, []);
  });

  it('survives thousands of nested ONBUILDs', () => {
    const doc = parse('ONBUILD '.repeat(20_000) + 'RUN x');
    assert.equal(doc.instructions.length, 1);
  });
});

describe('stages', () => {
  it('collects global ARGs before the first FROM, with stage -1', () => {
    const doc = parse('# c\nARG A=1\nARG B\nFROM x:${A}\nARG A\nRUN echo $A');
    assert.deepEqual(
      doc.globalArgs.map((a) => a.argsText),
      ['A=1', 'B'],
    );
    assert.deepEqual(
      doc.instructions.map((i) => i.stage),
      [-1, -1, 0, 0, 0],
    );
    assert.deepEqual(
      doc.stages[0].instructions.map((i) => i.keyword),
      ['FROM', 'ARG', 'RUN'],
    );
  });

  it('names stages case-insensitively: FROM a AS Build, then FROM build, has parent 0', () => {
    const doc = parse('FROM a AS Build\nRUN x\nfrom build as next\nFROM NEXT\nFROM other\n');
    assert.deepEqual(
      doc.stages.map((s) => [s.index, s.base?.value, s.name?.value, s.parent]),
      [
        [0, 'a', 'Build', undefined],
        [1, 'build', 'next', 0],
        [2, 'NEXT', undefined, 1],
        [3, 'other', undefined, undefined],
      ],
    );
    assert.deepEqual(
      doc.instructions.map((i) => i.stage),
      [0, 0, 1, 2, 3],
    );
    assert.equal(doc.stages[1].from, doc.instructions[2]);
  });

  it('takes the base after flags, with FROM --platform=$BUILDPLATFORM golang:1.22 AS build', () => {
    const doc = parse('FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM build');
    const [stage] = doc.stages;
    assert.equal(src(doc, stage.base?.span), 'golang:1.22');
    assert.equal(src(doc, stage.name?.span), 'build');
    assert.equal(doc.stages[1].parent, 0);
  });

  it('links only to earlier stages, the latest of a repeated name', () => {
    const doc = parse('FROM later\nFROM x AS later\nFROM y AS self\nFROM self AS self\nFROM self');
    assert.deepEqual(
      doc.stages.map((s) => s.parent),
      [undefined, undefined, undefined, 2, 3],
    );
  });

  it('has no stages and no base for a FROM without arguments', () => {
    const doc = parse('FROM\nRUN x');
    assert.equal(doc.stages.length, 1);
    assert.equal(doc.stages[0].base, undefined);
    assert.equal(doc.stages[0].name, undefined);
  });
});

describe('byte-order mark', () => {
  it('skips a BOM at the start of the file, before an instruction or a directive', () => {
    const doc = parse('\uFEFFFROM a');
    assert.equal(doc.instructions[0].keyword, 'FROM');
    assert.deepEqual(doc.instructions[0].keywordSpan, { start: 1, end: 5 });
    assert.equal(parse('\uFEFF# escape=`\nRUN a `\nb').instructions.length, 1);
  });

  it('treats U+FEFF elsewhere as text, as BuildKit does', () => {
    const doc = parse('FROM a\n\uFEFFRUN b');
    assert.equal(doc.instructions[1].keyword, '\uFEFFRUN');
  });

  it('trims Unicode spaces before a keyword or comment (Go unicode.IsSpace)', () => {
    const doc = parse('\u00A0\u3000FROM a\nRUN b \\\n\u2003# c\n  d');
    assert.deepEqual(keywords(doc), ['FROM', 'RUN']);
    assert.deepEqual(argValues(doc.instructions[1]), ['b', 'd']);
    assert.equal(doc.comments.length, 1);
  });
});

describe('positions', () => {
  const texts = [
    'FROM a\nRUN b \\\n  c\n',
    'FROM a\r\nRUN b\r\n\r\n',
    'FROM a\rRUN b\r\rCMD c',
    '\uFEFF# syntax=x\n\nFROM 😀\n',
    '',
    '\n\n',
  ];

  it('round-trips every offset through positionAt and offsetAt', () => {
    for (const text of texts) {
      const doc = parse(text);
      for (let o = 0; o <= text.length; o++) {
        assert.equal(offsetAt(doc, positionAt(doc, o)), o, `${JSON.stringify(text)} @${o}`);
      }
    }
  });

  it('agrees with vscode-languageserver-textdocument on line breaks, a lone CR included', () => {
    for (const text of texts) {
      const doc = parse(text);
      const td = TextDocument.create('file:///Dockerfile', 'dockerfile', 1, text);
      for (let o = 0; o <= text.length; o++) {
        // Between \r and \n the library moves the position before the \r; ours keeps the column.
        if (text[o - 1] === '\r' && text[o] === '\n') continue;
        assert.deepEqual(positionAt(doc, o), td.positionAt(o), `${JSON.stringify(text)} @${o}`);
      }
      assert.equal(doc.lineStarts.length, td.lineCount, JSON.stringify(text));
    }
  });

  it('turns spans into ranges and clamps positions outside the text', () => {
    const doc = parse('FROM a\nRUN b \\\n  c\n');
    assert.deepEqual(rangeOf(doc, doc.instructions[1].span), { start: { line: 1, character: 0 }, end: { line: 2, character: 3 } });
    assert.deepEqual(rangeOf(doc, doc.instructions[1].args[1].span), { start: { line: 2, character: 2 }, end: { line: 2, character: 3 } });
    assert.equal(offsetAt(doc, { line: -1, character: 5 }), 0);
    assert.equal(offsetAt(doc, { line: 99, character: 0 }), doc.text.length);
    assert.equal(offsetAt(doc, { line: 0, character: 99 }), 7);
    assert.deepEqual(positionAt(doc, -5), { line: 0, character: 0 });
    assert.deepEqual(positionAt(doc, 999), { line: 3, character: 0 });
  });
});

describe('realistic Dockerfiles (test/fixtures/parser)', () => {
  const read = (name: string): Dockerfile => parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

  it('has fixtures to read', () => {
    assert.ok(readdirSync(FIXTURES).filter((f) => f.endsWith('.Dockerfile')).length >= 6);
  });

  it('node-multistage: directive, global ARGs, stage references in any case', () => {
    const doc = read('node-multistage.Dockerfile');
    assert.deepEqual(
      doc.directives.map((d) => d.value),
      ['docker/dockerfile:1.7'],
    );
    assert.deepEqual(
      doc.globalArgs.map((a) => a.argsText),
      ['NODE_VERSION=20.11', 'ALPINE=3.19'],
    );
    assert.deepEqual(
      doc.stages.map((s) => [s.name?.value, s.parent]),
      [
        ['Deps', undefined],
        ['build', 0],
        [undefined, undefined],
      ],
    );
    const run = doc.instructions.find((i) => i.argsText.startsWith('npm run build'))!;
    assert.deepEqual(argValues(run), ['npm', 'run', 'build', '&&', 'npm', 'prune', '--omit=dev']);
    const healthcheck = doc.instructions.find((i) => i.keyword === 'HEALTHCHECK')!;
    assert.deepEqual(
      healthcheck.flags.map((f) => f.name),
      ['interval', 'timeout'],
    );
  });

  it('go-heredoc: heredocs in order, quoted and tab-stripped, and the final stage', () => {
    const doc = read('go-heredoc.Dockerfile');
    assert.deepEqual(
      doc.directives.map((d) => d.name),
      ['syntax', 'check'],
    );
    const docs = doc.instructions.flatMap((i) => i.heredocs.map((h) => [h.delimiter, h.quoted, h.stripTabs, h.closeSpan !== undefined]));
    assert.deepEqual(docs, [
      ['EOF', false, false, true],
      ['CONF', true, true, true],
      ['A', false, false, true],
      ['B', true, false, true],
      ['EOF', false, false, true],
    ]);
    assert.deepEqual(
      doc.stages.map((s) => s.base?.value),
      ['golang:1.22', 'scratch'],
    );
    assert.equal(doc.stages[1].instructions.at(-1)?.keyword, 'ENTRYPOINT');
  });

  it('windows: backtick continuation with a comment inside, backslashes literal', () => {
    const doc = read('windows.Dockerfile');
    assert.equal(doc.escape, '`');
    assert.deepEqual(keywords(doc), ['FROM', 'SHELL', 'WORKDIR', 'COPY', 'RUN', 'ENV', 'USER', 'CMD']);
    assert.deepEqual(argValues(doc.instructions[2]), ['C:\\app\\']);
    assert.equal(doc.instructions[4].args.at(-1)?.value, 'done');
    assert.deepEqual(doc.instructions[1].json?.values, ['powershell', '-Command', "$ErrorActionPreference = 'Stop';"]);
  });

  it('onbuild: triggers with flags, in lower case, with a heredoc, and bare', () => {
    const doc = read('onbuild.Dockerfile');
    assert.deepEqual(keywords(doc), [
      'FROM',
      'ONBUILD:ARG',
      'ONBUILD:COPY',
      'ONBUILD:RUN',
      'ONBUILD:RUN',
      'ONBUILD:["ECHO",',
      'ONBUILD',
      'FROM',
    ]);
    assert.equal(doc.instructions[2].trigger!.flags[0].value, 'base');
    assert.equal(doc.instructions[4].trigger!.heredocs[0].body, 'bundle exec rake assets:precompile\n');
    assert.equal(doc.stages[1].parent, 0);
  });

  it('continuations: blank and comment lines inside, JSON over lines, an escaped escape', () => {
    const doc = read('continuations.Dockerfile');
    assert.deepEqual(keywords(doc), ['FROM', 'RUN', 'CMD', 'ENTRYPOINT', 'EXPOSE', 'RUN', 'RUN', 'RUN']);
    assert.deepEqual(doc.instructions[2].json?.values, ['bash', '-c', 'echo ready']);
    assert.equal(doc.instructions[3].json, undefined);
    assert.deepEqual(argValues(doc.instructions[4]), ['80/tcp', '443/tcp']);
    assert.deepEqual(argValues(doc.instructions[5]), ['echo', '"a b"', "'single quoted'"]);
    assert.deepEqual(argValues(doc.instructions[6]), ['echo', 'done', '\\\\']);
    assert.equal(doc.comments.length, 2);
  });

  it('global-args: ARGs, registry with a port, lower-case from/as/copy', () => {
    const doc = read('global-args.Dockerfile');
    assert.deepEqual(
      doc.globalArgs.map((a) => a.args[0].value),
      ['REGISTRY=registry.example.com:5000', 'BASE_TAG', 'UNUSED'],
    );
    assert.deepEqual(
      doc.stages.map((s) => [s.base?.value, s.name?.value, s.parent]),
      [
        ['${REGISTRY}/base:${BASE_TAG:-1.0}', 'one', undefined],
        ['one', 'two', 0],
        ['TWO', undefined, 1],
        ['localhost:5000/tools', 'tools', undefined],
        ['alpine:3.19', 'Final', undefined],
      ],
    );
    assert.equal(doc.stages[4].instructions.length, 4);
  });
});
