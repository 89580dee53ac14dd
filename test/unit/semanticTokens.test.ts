/** Semantic tokens: what each part of a Dockerfile is, encoded as LSP wants it, and deltas. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { complete } from '../../src/dockerfile/completion';
import { hover } from '../../src/dockerfile/hover';
import { documentLinks } from '../../src/dockerfile/links';
import { signatureHelp } from '../../src/dockerfile/signature';
import { parse } from '../../src/dockerfile/parser';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from '../../src/dockerfile/semanticTokens';
import { semanticTokensEdits } from '../../src/server/semanticTokens';
import { prng } from '../fixtures/prng';

/** `text:type[.modifier…]` for each token, decoded from the relative encoding. */
function decode(text: string, data = semanticTokens(parse(text)).data): string[] {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
    const mods = SEMANTIC_TOKENS_LEGEND.tokenModifiers.filter((_, bit) => data[i + 4] & (1 << bit));
    out.push(`${lines[line].slice(char, char + data[i + 2])}:${[SEMANTIC_TOKENS_LEGEND.tokenTypes[data[i + 3]], ...mods].join('.')}`);
  }
  return out;
}

describe('semantic tokens', () => {
  it('tells keywords, images, stages, flags, variables, strings, comments and directives apart', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      '# a comment',
      'ARG V=20',
      'FROM --platform=$BUILDPLATFORM node:${V} AS build',
      'ENV GREETING="hello $V"',
      'COPY --from=build --chown=app /a /b',
      'MAINTAINER me',
      'FROM scratch',
      '',
    ].join('\n');
    const tokens = decode(text);
    for (const expected of [
      '# :comment',
      'syntax:macro',
      'docker/dockerfile:1:string',
      '# a comment:comment',
      'ARG:keyword',
      'V:variable.declaration',
      '--platform:parameter',
      '$BUILDPLATFORM:variable',
      'node::type',
      '${V}:variable',
      'AS:keyword',
      'build:class.declaration',
      'GREETING:variable.declaration',
      '"hello :string',
      '$V:variable',
      '":string',
      'build:class',
      'app:string',
      'MAINTAINER:keyword.deprecated',
      'scratch:type.defaultLibrary',
    ]) {
      assert.ok(tokens.includes(expected), `${expected} in ${JSON.stringify(tokens)}`);
    }
  });

  it('never overlaps, never crosses a line, and is in order', () => {
    const text = 'FROM node:20\nRUN apt-get update && \\\n    # inside\n    echo "a \\\n b" $HOME\nCOPY <<EOF /x\n$NOT_A_TOKEN\nEOF\n';
    const data = semanticTokens(parse(text)).data;
    const lines = text.split('\n');
    let line = 0;
    let char = 0;
    let lastEnd = -1;
    for (let i = 0; i < data.length; i += 5) {
      if (data[i] > 0) lastEnd = -1;
      line += data[i];
      char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
      assert.ok(char >= lastEnd, `token ${i / 5} overlaps the one before`);
      assert.ok(char + data[i + 2] <= lines[line].length, `token ${i / 5} crosses the end of line ${line}`);
      lastEnd = char + data[i + 2];
    }
    const tokens = decode(text);
    assert.ok(tokens.includes('# inside:comment'));
    assert.ok(tokens.includes('<<EOF:operator') && tokens.includes('EOF:operator'));
    assert.ok(!tokens.some((t) => t.startsWith('$NOT_A_TOKEN')), 'heredoc bodies are left to the grammar');
    assert.ok(tokens.includes('"a \\:string') && tokens.includes(' b":string'));
  });

  it('keeps the lines of a range only', () => {
    const text = 'FROM node:20\nRUN echo $A\nUSER app\n';
    const data = semanticTokens(parse(text), { start: { line: 1, character: 0 }, end: { line: 1, character: 99 } }).data;
    assert.equal(data[0], 1, 'the first token is on line 1, relative to line 0');
    assert.deepEqual(decode(text, data), ['RUN:keyword', '$A:variable']);
  });

  it('survives any text', () => {
    for (const text of [
      '',
      '\n\n',
      'FROM',
      '# escape=`\nFROM x\nRUN a `\n b',
      'RUN "unterminated',
      'ONBUILD RUN --mount=x echo $A',
      '\r\nFROM a\r\n',
    ]) {
      assert.doesNotThrow(() => semanticTokens(parse(text)), JSON.stringify(text));
    }
  });
});

describe('semantic token deltas', () => {
  it('turns the previous array into the next with one edit', () => {
    const before = semanticTokens(parse('FROM node:20\nRUN echo $A\nUSER app\n')).data;
    const after = semanticTokens(parse('FROM node:20\nRUN echo $A $B\nUSER app\n')).data;
    const edits = semanticTokensEdits(before, after);
    assert.equal(edits.length, 1);
    const applied = [...before];
    applied.splice(edits[0].start, edits[0].deleteCount, ...(edits[0].data ?? []));
    assert.deepEqual(applied, after);
    assert.ok((edits[0].data?.length ?? 0) < after.length, 'the edit is smaller than the whole');
  });

  it('is empty when nothing changed, and handles growing from and shrinking to nothing', () => {
    assert.deepEqual(semanticTokensEdits([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]), []);
    assert.deepEqual(semanticTokensEdits([], [0, 0, 4, 0, 0]), [{ start: 0, deleteCount: 0, data: [0, 0, 4, 0, 0] }]);
    assert.deepEqual(semanticTokensEdits([0, 0, 4, 0, 0], []), [{ start: 0, deleteCount: 5, data: [] }]);
    // Repeated values must not make prefix and suffix overlap.
    const edits = semanticTokensEdits([0, 0, 0], [0, 0, 0, 0, 0, 0]);
    const applied = [0, 0, 0];
    applied.splice(edits[0].start, edits[0].deleteCount, ...(edits[0].data ?? []));
    assert.deepEqual(applied, [0, 0, 0, 0, 0, 0]);
  });
});

describe('every editing feature on odd text', () => {
  const PIECES = [
    'FROM ',
    'AS ',
    'ARG ',
    'ENV ',
    'RUN ',
    'COPY ',
    'ONBUILD ',
    'HEALTHCHECK ',
    '--mount=',
    'type=cache,',
    '--from=',
    '$',
    '${',
    '}',
    ':-',
    '"',
    "'",
    '\\\n',
    '`',
    '\n',
    ' ',
    '<<EOF\n',
    'EOF\n',
    '# escape=`\n',
    '# syntax=x\n',
    'node:20',
    '@sha256:',
    '[',
    ']',
    ',',
    '=',
    'A',
    'b',
    '\r\n',
    '\t',
    'é',
    '😀',
  ];

  it('hover, completion, signature help, links and tokens answer at every position without throwing', () => {
    const dir = path.join(__dirname, '..', 'fixtures', 'parser');
    const texts = readdirSync(dir)
      .filter((f) => f.endsWith('.Dockerfile'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'));
    const random = prng(5);
    for (let n = 0; n < 150; n++) {
      let text = '';
      const length = 1 + Math.floor(random() * 40);
      for (let k = 0; k < length; k++) text += PIECES[Math.floor(random() * PIECES.length)];
      texts.push(text);
    }
    const images = [{ id: 'x', repoTags: ['node:20'], repoDigests: ['node@sha256:1'], size: 1, created: 1 }];
    for (const text of texts) {
      const doc = parse(text);
      const what = JSON.stringify(text.slice(0, 200));
      assert.doesNotThrow(() => documentLinks(doc), what);
      assert.doesNotThrow(() => semanticTokens(doc), what);
      for (let line = 0; line < doc.lineStarts.length; line++) {
        const next = line + 1 < doc.lineStarts.length ? doc.lineStarts[line + 1] : text.length + 1;
        for (let character = 0; character <= next - doc.lineStarts[line]; character++) {
          const position = { line, character };
          try {
            hover(doc, position, { localImages: images });
            complete(doc, position, { localImages: images, snippets: true });
            signatureHelp(doc, position);
          } catch (error) {
            assert.fail(`${(error as Error).stack}\nat ${line}:${character} of ${what}`);
          }
        }
      }
    }
  });
});
