/** Highlights, definitions and references of build stage names and ARG/ENV variables. */
import assert from 'node:assert/strict';
import { mutatedFixtures } from '../fixtures/mutate';
import { describe, it } from 'node:test';
import { DocumentHighlightKind } from 'vscode-languageserver-types';
import type { Position } from 'vscode-languageserver-types';
import type { Dockerfile } from '../../src/dockerfile/model';
import { offsetAt, positionAt } from '../../src/dockerfile/model';
import { definition, documentHighlights, joinContinuations, references } from '../../src/dockerfile/navigation';
import { parse } from '../../src/dockerfile/parser';

const URI = 'file:///w/Dockerfile';

/** The position of the n-th (0-based) occurrence of `needle`, `into` characters in. */
function at(doc: Dockerfile, needle: string, nth = 0, into = 0): Position {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = doc.text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `'${needle}' #${nth} not found`);
  }
  return positionAt(doc, i + into);
}

/** The source text and kind of each highlight, in order. */
function highlights(doc: Dockerfile, position: Position): string[] {
  return documentHighlights(doc, position).map((h) => {
    const text = doc.text.slice(offsetAt(doc, h.range.start), offsetAt(doc, h.range.end));
    return `${h.kind === DocumentHighlightKind.Write ? 'W' : 'R'}:${text}@${h.range.start.line}`;
  });
}

function locations(doc: Dockerfile, locs: { range: { start: Position; end: Position } }[]): string[] {
  return locs.map((l) => `${doc.text.slice(offsetAt(doc, l.range.start), offsetAt(doc, l.range.end))}@${l.range.start.line}`);
}

describe('stage names', () => {
  const doc = parse(
    [
      'FROM golang:1.22 AS Build', // 0
      'RUN go build -o /out/app .', // 1
      'FROM build AS test', // 2
      'RUN --mount=type=cache,target=/root/.cache,from=BUILD,source=/out go test', // 3
      'FROM alpine', // 4
      'COPY --from=build /out/app /app', // 5
      'COPY --from=0 /etc/passwd /etc/passwd', // 6
      'COPY --from=nginx:latest /etc/nginx /etc/nginx', // 7
      'COPY --from=test /x /x', // 8
    ].join('\n'),
  );

  it('highlights the declaration as write and every use as read, case-insensitively', () => {
    const expected = ['W:Build@0', 'R:build@2', 'R:BUILD@3', 'R:build@5', 'R:0@6'];
    assert.deepEqual(highlights(doc, at(doc, 'Build', 0, 2)), expected);
    assert.deepEqual(highlights(doc, at(doc, 'build', 1)), expected);
    assert.deepEqual(highlights(doc, at(doc, 'BUILD')), expected);
    assert.deepEqual(highlights(doc, at(doc, '--from=0', 0, 7)), expected);
    assert.deepEqual(highlights(doc, at(doc, 'test')), ['W:test@2', 'R:test@8']);
  });

  it('goes to the AS name from FROM, --from, mount from= and a stage index', () => {
    for (const p of [at(doc, 'FROM build', 0, 6), at(doc, 'from=BUILD', 0, 6), at(doc, '--from=build', 0, 9), at(doc, '--from=0', 0, 8)]) {
      assert.deepEqual(locations(doc, definition(doc, URI, p)), ['Build@0']);
    }
    assert.equal(definition(doc, URI, at(doc, 'FROM build', 0, 6))[0].uri, URI);
  });

  it('images are not stages', () => {
    assert.deepEqual(highlights(doc, at(doc, 'nginx:latest', 0, 1)), []);
    assert.deepEqual(highlights(doc, at(doc, 'alpine', 0, 1)), []);
    assert.deepEqual(definition(doc, URI, at(doc, 'golang', 0, 1)), []);
  });

  it('finds references with or without the declaration', () => {
    assert.deepEqual(locations(doc, references(doc, URI, at(doc, 'Build'), false)), ['build@2', 'BUILD@3', 'build@5', '0@6']);
    assert.deepEqual(locations(doc, references(doc, URI, at(doc, 'Build'), true))[0], 'Build@0');
  });

  it('an unnamed stage referred to by index goes to its FROM image', () => {
    const d = parse('FROM alpine\nFROM busybox\nCOPY --from=0 / /\n');
    assert.deepEqual(locations(d, definition(d, URI, at(d, '=0', 0, 1))), ['alpine@0']);
    assert.deepEqual(highlights(d, at(d, '=0', 0, 1)), ['R:0@2']);
  });

  it('a --from split over a continuation still resolves', () => {
    const d = parse('FROM a AS base\nFROM b\nCOPY --from=ba\\\nse / /\n');
    assert.deepEqual(locations(d, definition(d, URI, { line: 3, character: 0 })), ['base@0']);
  });
});

describe('variables', () => {
  const doc = parse(
    [
      'ARG VERSION=1.0', // 0
      'ARG BASE=alpine', // 1
      'FROM ${BASE}:${VERSION} AS one', // 2
      'ARG VERSION', // 3
      'ENV APP_VERSION=$VERSION \\', // 4
      '    HOME=/home/app', // 5
      'RUN echo "$VERSION" \'$VERSION\' \\$VERSION ${VERSION:-none}', // 6
      'RUN <<EOF', // 7
      'echo $VERSION $APP_VERSION', // 8
      'EOF', // 9
      "RUN <<'EOF'", // 10
      'echo $VERSION', // 11
      'EOF', // 12
      'FROM one', // 13
      'RUN echo $APP_VERSION $VERSION', // 14
      'CMD echo $HOME', // 15
    ].join('\n'),
  );

  it('joins a global ARG, the stage ARG re-declaring it and their uses in scope', () => {
    const expected = ['W:VERSION@0', 'R:VERSION@2', 'W:VERSION@3', 'R:VERSION@4', 'R:VERSION@6', 'R:VERSION@6', 'R:VERSION@8'];
    assert.deepEqual(highlights(doc, at(doc, 'VERSION=1.0')), expected);
    assert.deepEqual(highlights(doc, at(doc, '$VERSION', 0, 3)), expected);
    assert.deepEqual(highlights(doc, at(doc, '${VERSION:-', 0, 0)), expected);
  });

  it('skips single quotes, escaped dollars and quoted heredocs', () => {
    const lines = highlights(doc, at(doc, 'VERSION=1.0')).map((h) => h.split('@')[1]);
    assert.ok(!lines.includes('11'));
    assert.equal(lines.filter((l) => l === '6').length, 2);
  });

  it('a stage that re-declares nothing does not see the global ARG', () => {
    // Line 14 is in stage `FROM one`: VERSION is not in scope there, so it stands alone.
    const use = at(doc, 'APP_VERSION $VERSION', 0, 13);
    assert.deepEqual(highlights(doc, use), ['R:VERSION@14']);
    assert.deepEqual(definition(doc, URI, use), []);
  });

  it('ENV carries into a stage built FROM its stage', () => {
    assert.deepEqual(highlights(doc, at(doc, 'APP_VERSION')), ['W:APP_VERSION@4', 'R:APP_VERSION@8', 'R:APP_VERSION@14']);
    assert.deepEqual(locations(doc, definition(doc, URI, at(doc, '$APP_VERSION', 1, 2))), ['APP_VERSION@4']);
    assert.deepEqual(locations(doc, definition(doc, URI, at(doc, '$HOME', 0, 2))), ['HOME@5']);
  });

  it('goes from a use to the declaration in scope, and from a bare stage ARG to the global', () => {
    assert.deepEqual(locations(doc, definition(doc, URI, at(doc, '$VERSION', 0, 2))), ['VERSION@3']);
    assert.deepEqual(locations(doc, definition(doc, URI, at(doc, 'ARG VERSION', 1, 5))), ['VERSION@0']);
    assert.deepEqual(locations(doc, definition(doc, URI, at(doc, '${VERSION}', 0, 3))), ['VERSION@0']);
  });

  it('references list uses, and declarations on request', () => {
    assert.deepEqual(locations(doc, references(doc, URI, at(doc, 'BASE'), false)), ['BASE@2']);
    assert.deepEqual(locations(doc, references(doc, URI, at(doc, 'BASE'), true)), ['BASE@1', 'BASE@2']);
  });

  it('CMD runs later, where only ENV is set', () => {
    const d = parse('FROM a\nARG X=1\nCMD echo $X\nRUN echo $X\n');
    assert.deepEqual(definition(d, URI, at(d, '$X', 0, 1)), []);
    assert.deepEqual(locations(d, definition(d, URI, at(d, '$X', 1, 1))), ['X@1']);
  });

  it('uses before a declaration do not resolve to it; a use in its own ENV sees the earlier one', () => {
    const d = parse('FROM a\nRUN echo $P\nARG P=1\nENV P=${P}-x\nRUN echo $P\n');
    assert.deepEqual(definition(d, URI, at(d, '$P', 0, 1)), []);
    assert.deepEqual(locations(d, definition(d, URI, at(d, '${P}', 0, 2))), ['P@2']);
    assert.deepEqual(locations(d, definition(d, URI, at(d, '$P', 1, 1))), ['P@3']);
    // One name in one stage renames as one: ARG P and ENV P are highlighted together.
    assert.equal(highlights(d, at(d, 'P=1')).length, 4);
  });

  it('finds nested operands, flag values and legacy ENV names', () => {
    const d = parse('ARG A\nARG B\nFROM --platform=$A x\nENV LEG value $B\nRUN --mount=target=${A} echo ${B:-${A}}\n');
    assert.deepEqual(highlights(d, at(d, 'ARG A', 0, 4)), ['W:A@0', 'R:A@2']);
    const dd = parse('FROM x\nARG A\nENV LEG value $A\nRUN --mount=target=${A} echo ${B:-${A}} $LEG\n');
    assert.deepEqual(highlights(dd, at(dd, 'ARG A', 0, 4)), ['W:A@1', 'R:A@2', 'R:A@3', 'R:A@3']);
    assert.deepEqual(highlights(dd, at(dd, '$LEG', 0, 2)), ['W:LEG@2', 'R:LEG@3']);
    // On a use nested in another's default, the nested one is meant.
    assert.deepEqual(highlights(dd, at(dd, '${A}}', 0, 3)), ['W:A@1', 'R:A@2', 'R:A@3', 'R:A@3']);
    assert.deepEqual(highlights(dd, at(dd, '${B:-', 0, 5)), ['W:A@1', 'R:A@2', 'R:A@3', 'R:A@3']);
    assert.deepEqual(highlights(dd, at(dd, '${B:-', 0, 2)), ['R:B@3']);
  });

  it('follows uses across continuation lines and in the backtick escape', () => {
    const d = parse('# escape=`\nFROM x\nARG V=1\nRUN echo \\$V $V `\n    $V\n');
    assert.deepEqual(highlights(d, at(d, 'V=1')), ['W:V@2', 'R:V@3', 'R:V@4']);
  });

  it('is empty off any symbol', () => {
    assert.deepEqual(highlights(doc, { line: 6, character: 1 }), []);
    assert.deepEqual(references(doc, URI, { line: 7, character: 1 }, true), []);
  });
});

describe('heredoc delimiters', () => {
  const doc = parse("FROM a\nRUN <<-'EOT' cat <<EOF\n\tbody\n\tEOT\nsecond\nEOF\nCOPY <<x\\y /z\nx\\y\n");

  it('highlights the opener as write and the closing line as read, each heredoc on its own', () => {
    assert.deepEqual(highlights(doc, at(doc, 'EOT')), ['W:EOT@1', 'R:EOT@3']);
    assert.deepEqual(highlights(doc, { line: 3, character: 2 }), ['W:EOT@1', 'R:EOT@3']);
    assert.deepEqual(highlights(doc, at(doc, '<<EOF', 0, 3)), ['W:EOF@1', 'R:EOF@5']);
  });

  it('goes from the closing line to the opener', () => {
    assert.deepEqual(locations(doc, definition(doc, URI, { line: 5, character: 1 })), ['EOF@1']);
    assert.deepEqual(locations(doc, references(doc, URI, { line: 5, character: 1 }, false)), ['EOF@5']);
  });

  it('leaves delimiters written with escapes alone', () => {
    assert.deepEqual(highlights(doc, at(doc, 'x\\y')), []);
  });
});

describe('joinContinuations', () => {
  it('removes escapes, the blanks after them and skipped lines, keeping offsets', () => {
    const text = 'a \\  \r\n# c\n\n  b`\nc';
    const j = joinContinuations(text, 0, text.length, '\\');
    assert.equal(j.text, 'a   b`\nc');
    assert.equal(text[j.offsets[3]], ' ');
    assert.equal(j.offsets.length, j.text.length + 1);
    assert.equal(joinContinuations(text, 0, text.length, '`').text, 'a \\  \r\n# c\n\n  bc');
  });
});

describe('robustness', () => {
  it('a use nested 20,000 deep: every level highlights, the innermost is the one under the cursor', () => {
    const depth = 20_000;
    const doc = parse(`FROM x\nARG a=1\nENV X=${'${a:-'.repeat(depth)}v${'}'.repeat(depth)}\n`);
    const all = documentHighlights(doc, { line: 2, character: 8 });
    assert.equal(all.length, depth + 1);
    assert.equal(all[0].kind, DocumentHighlightKind.Write);
    const innermost = 6 + (depth - 1) * 5;
    assert.deepEqual(definition(doc, URI, { line: 2, character: innermost + 1 }), [
      { uri: URI, range: { start: { line: 1, character: 4 }, end: { line: 1, character: 5 } } },
    ]);
    assert.equal(references(doc, URI, { line: 2, character: innermost }, false).length, depth);
  });

  it('ENV passes down a chain of 5,000 stages, and a stage name resolves to the latest before it', () => {
    const lines = ['FROM alpine AS s0', 'ENV V0=x'];
    for (let i = 1; i < 5000; i++) lines.push(`FROM s${i - 1} AS s${i}`, `ENV V${i}=$V${i - 1}`, `COPY --from=s0 /a /b`);
    lines.push('FROM s4999', 'RUN echo $V0 $V4999');
    const doc = parse(lines.join('\n'));
    const last = lines.length - 1;
    assert.deepEqual(locations(doc, definition(doc, URI, { line: last, character: 11 })), ['V0@1']);
    assert.deepEqual(locations(doc, definition(doc, URI, { line: last, character: 15 })), [`V4999@${last - 3}`]);
    assert.equal(highlights(doc, at(doc, 'AS s0', 0, 3)).length, 1 + 4999 + 1);
  });

  it('never throws and every range lies in the text, on fixtures and seeded mutations of them', () => {
    const pieces = [
      '$',
      '${',
      '}',
      'AS ',
      '--from=',
      'ARG ',
      'ENV ',
      '\\\n',
      '`\n',
      '"',
      "'",
      '<<EOF\n',
      '\nEOF\n',
      'FROM ',
      '=',
      ' ',
      '\n',
    ];
    for (const { run, text, rnd } of mutatedFixtures({ seed: 7, runs: 200, pieces, edits: 5, maxDelete: 3 })) {
      const doc = parse(text);
      for (let k = 0; k < 40; k++) {
        const p = positionAt(doc, Math.floor(rnd() * (text.length + 1)));
        for (const loc of [...definition(doc, URI, p), ...references(doc, URI, p, true), ...documentHighlights(doc, p)]) {
          const s = offsetAt(doc, loc.range.start);
          const e = offsetAt(doc, loc.range.end);
          assert.ok(0 <= s && s <= e && e <= text.length, `run ${run}`);
        }
      }
    }
  });
});
