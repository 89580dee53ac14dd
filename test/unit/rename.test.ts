/** Rename of build stage names and ARG/ENV variables, with prepare and validation. */
import assert from 'node:assert/strict';
import { mutatedFixtures } from '../fixtures/mutate';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, WorkspaceEdit } from 'vscode-languageserver-types';
import type { Dockerfile } from '../../src/dockerfile/model';
import { offsetAt, positionAt } from '../../src/dockerfile/model';
import { documentHighlights } from '../../src/dockerfile/navigation';
import { parse } from '../../src/dockerfile/parser';
import { isRenameRefusal, prepareRename, rename } from '../../src/dockerfile/rename';

const URI = 'file:///w/Dockerfile';

function at(doc: Dockerfile, needle: string, into = 0, nth = 0): Position {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = doc.text.indexOf(needle, i + 1);
  assert.ok(i >= 0, needle);
  return positionAt(doc, i + into);
}

/** The text after renaming at `needle`, or the refusal's message. */
function renamed(text: string, needle: string, newName: string, into = 0): string {
  const doc = parse(text);
  const result = rename(doc, URI, at(doc, needle, into), newName);
  if (isRenameRefusal(result)) return `refused: ${result.message}`;
  const edits = (result as WorkspaceEdit).changes![URI];
  return TextDocument.applyEdits(TextDocument.create(URI, 'dockerfile', 1, text), edits);
}

describe('prepareRename', () => {
  const doc = parse('ARG V=1\nFROM alpine AS base\nFROM base\nCOPY --from=0 / /\nRUN echo $V $HOME\n');

  it('offers the name under the cursor as placeholder', () => {
    assert.deepEqual(prepareRename(doc, at(doc, 'base', 2)), {
      range: { start: { line: 1, character: 15 }, end: { line: 1, character: 19 } },
      placeholder: 'base',
    });
    assert.equal((prepareRename(doc, at(doc, 'FROM base', 6)) as { placeholder: string }).placeholder, 'base');
    assert.equal((prepareRename(doc, at(doc, 'V=1')) as { placeholder: string }).placeholder, 'V');
  });

  it('refuses elsewhere, with the reason', () => {
    const refusal = (p: Position) => {
      const r = prepareRename(doc, p);
      assert.ok(isRenameRefusal(r));
      return r.message;
    };
    assert.match(refusal(at(doc, 'alpine', 1)), /stage names, ARG or ENV variables and heredoc delimiters/);
    assert.match(refusal(at(doc, 'RUN', 1)), /stage names, ARG or ENV variables and heredoc delimiters/);
    assert.match(refusal(at(doc, '=0', 1)), /by its index; rename it at its 'AS base'/);
    assert.match(refusal(at(doc, '$HOME', 2)), /'HOME' is not declared/);
  });

  it('explains an unnamed stage referred to by index', () => {
    const d = parse('FROM a\nFROM b\nCOPY --from=0 / /\n');
    const r = prepareRename(d, at(d, '=0', 1));
    assert.ok(isRenameRefusal(r));
    assert.match(r.message, /Stage 0 has no name/);
  });
});

describe('rename', () => {
  it('renames a stage everywhere it is named, leaving index references alone', () => {
    const text =
      'FROM golang AS Build\nFROM build AS test\nRUN --mount=from=BUILD,target=/x true\nFROM scratch\nCOPY --from=build /a /a\nCOPY --from=0 /b /b\n';
    assert.equal(
      renamed(text, 'FROM build', 'compile', 6),
      'FROM golang AS compile\nFROM compile AS test\nRUN --mount=from=compile,target=/x true\nFROM scratch\nCOPY --from=compile /a /a\nCOPY --from=0 /b /b\n',
    );
  });

  it('validates stage names: BuildKit syntax, and no clash in any case', () => {
    const text = 'FROM a AS one\nFROM b AS two\nCOPY --from=one / /\n';
    assert.match(renamed(text, 'one', '1st'), /not a valid stage name/);
    assert.match(renamed(text, 'one', 'has space'), /not a valid stage name/);
    assert.match(renamed(text, 'one', 'TWO'), /Stage 1 is already named 'two'/);
    assert.equal(renamed(text, 'one', 'ONE.v2_x-y'), 'FROM a AS ONE.v2_x-y\nFROM b AS two\nCOPY --from=ONE.v2_x-y / /\n');
  });

  it('renames a global ARG with its stage re-declarations and every use in scope', () => {
    const text = [
      'ARG VERSION=1',
      'FROM node:${VERSION} AS a',
      'ARG VERSION',
      'RUN echo "$VERSION" ${VERSION:-0} \'$VERSION\' \\$VERSION',
      'RUN <<EOF',
      'echo $VERSION',
      'EOF',
      'FROM a',
      'RUN echo $VERSION',
      '',
    ].join('\n');
    assert.equal(
      renamed(text, 'VERSION', 'NODE_VERSION'),
      [
        'ARG NODE_VERSION=1',
        'FROM node:${NODE_VERSION} AS a',
        'ARG NODE_VERSION',
        'RUN echo "$NODE_VERSION" ${NODE_VERSION:-0} \'$VERSION\' \\$VERSION',
        'RUN <<EOF',
        'echo $NODE_VERSION',
        'EOF',
        'FROM a',
        'RUN echo $VERSION',
        '',
      ].join('\n'),
    );
  });

  it('renames from a use, and an ENV with its uses in stages built on it', () => {
    const text = 'FROM a AS base\nENV APP_HOME=/app\nWORKDIR $APP_HOME\nFROM base\nCOPY x ${APP_HOME}/x\n';
    assert.equal(renamed(text, '${APP_HOME}', 'ROOT', 2), 'FROM a AS base\nENV ROOT=/app\nWORKDIR $ROOT\nFROM base\nCOPY x ${ROOT}/x\n');
  });

  it('validates variable names and refuses a name already seen in scope', () => {
    const text = 'FROM a\nARG A=1\nARG B=2\nRUN echo $A $C\n';
    assert.match(renamed(text, 'A=1', '1A'), /not a valid variable name/);
    assert.match(renamed(text, 'A=1', 'A-B'), /not a valid variable name/);
    assert.match(renamed(text, 'A=1', 'B'), /'B' is already used in stage 0/);
    assert.match(renamed(text, 'A=1', 'C'), /'C' is already used in stage 0/);
    assert.equal(renamed(text, 'A=1', 'D'), 'FROM a\nARG D=1\nARG B=2\nRUN echo $D $C\n');
  });

  it('refuses when a use is broken over a continuation line, rather than editing half of it', () => {
    const text = 'FROM a\nARG LONG=1\nRUN echo $LO\\\nNG $LONG\n';
    assert.match(renamed(text, 'LONG=1', 'X'), /A use of 'LONG' on line 3 is broken over a continuation line/);
  });

  it('refuses a stage name that an image already goes by, but allows a change of case', () => {
    const text =
      'FROM golang AS build\nRUN --mount=from=build,target=/x true\nFROM alpine\nCOPY --from=build / /\nCOPY --from=busybox /bin/sh /sh\n';
    assert.match(renamed(text, 'build', 'Alpine'), /'alpine' names an image on line 3; a stage of that name would take its place there/);
    assert.match(renamed(text, 'build', 'busybox'), /'busybox' names an image on line 5/);
    assert.match(renamed(text, 'build', 'golang'), /'golang' names an image on line 1/);
    assert.equal(renamed(text, 'build', 'BUILD'), text.replace(/build/g, 'BUILD'));
  });

  it('refuses to rename variables the builder or the image sets, or to shadow them', () => {
    const text = 'FROM a\nARG TARGETARCH\nARG V=1\nRUN echo $TARGETARCH $V\n';
    assert.match(renamed(text, 'ARG TARGETARCH', 'ARCH', 4), /'TARGETARCH' gets its value from the builder/);
    assert.match(renamed(text, 'V=1', 'PATH'), /'PATH' gets its value from the builder or the base image; choose a name/);
    assert.match(renamed(text, 'V=1', 'BUILDKIT_INLINE_CACHE'), /choose a name/);
  });

  it('an ENV reaches the stages built on its stage, so their names count as taken', () => {
    const text = 'FROM a AS base\nENV A=1\nFROM base\nRUN echo $B\n';
    assert.match(renamed(text, 'A=1', 'B'), /'B' is already used in stage 1/);
  });
});

describe('rename of heredoc delimiters', () => {
  it('renames the opener and the closing line, keeping quotes and <<-', () => {
    const text = "FROM a\nRUN <<-'EOT' cat\n\tbody\n\tEOT\n";
    assert.equal(renamed(text, 'EOT', 'SCRIPT'), "FROM a\nRUN <<-'SCRIPT' cat\n\tbody\n\tSCRIPT\n");
    assert.equal(renamed(text, 'EOT', 'SCRIPT', 0), renamed(text, '\tEOT', 'SCRIPT', 1));
  });

  it('refuses a delimiter that a body line already equals, or that is not a plain word', () => {
    const text = 'FROM a\nRUN <<EOF\necho\nEND\nEOF\n';
    assert.match(renamed(text, 'EOF', 'END'), /Line 4 of the heredoc is 'END'/);
    assert.match(renamed(text, 'EOF', 'a b'), /not a plain heredoc delimiter/);
    assert.equal(renamed(text, 'EOF', 'DONE'), 'FROM a\nRUN <<DONE\necho\nEND\nDONE\n');
  });
});

describe('rename on damaged input', () => {
  it('never throws, and leaves the same instructions with the new name seen where the old one was', () => {
    const pieces = ['$', '${', '}', ' AS x', '--from=', 'ARG A', 'ENV A=', '\\\n', '"', "'", '<<EOF\n', '\nEOF\n', '\nFROM ', '$A', ' '];
    let renamedCount = 0;
    for (const { run, text, rnd } of mutatedFixtures({ seed: 3, runs: 200, pieces, edits: 4, maxDelete: 3 })) {
      const doc = parse(text);
      for (let k = 0; k < 20; k++) {
        const p = positionAt(doc, Math.floor(rnd() * (text.length + 1)));
        const prepared = prepareRename(doc, p);
        const result = rename(doc, URI, p, 'renamed_x');
        assert.equal(
          isRenameRefusal(prepared),
          isRenameRefusal(result) && !/already|names an image|broken/.test(result.message),
          `run ${run}`,
        );
        if (isRenameRefusal(result)) continue;
        renamedCount++;
        const edits = result.changes![URI];
        for (const e of edits) assert.ok(offsetAt(doc, e.range.start) <= offsetAt(doc, e.range.end), `run ${run}`);
        const after = TextDocument.applyEdits(TextDocument.create(URI, 'dockerfile', 1, text), edits);
        // The file keeps its instructions, and the new name is seen in exactly the places the old one was.
        const afterDoc = parse(after);
        assert.equal(afterDoc.instructions.length, doc.instructions.length, `run ${run}`);
        const before = documentHighlights(doc, p).length;
        assert.equal(documentHighlights(afterDoc, edits[0].range.start).length, before, `run ${run}: ${JSON.stringify(text)}`);
      }
    }
    assert.ok(renamedCount > 50, `only ${renamedCount} renames happened`);
  });
});
