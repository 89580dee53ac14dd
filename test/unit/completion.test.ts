/** Completion: keywords, flags and values, variables in scope, stages, images and tags, directives. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-types';
import { complete, completesImages, type CompletionOptions } from '../../src/dockerfile/completion';
import type { EngineImage } from '../../src/dockerfile/hover';
import { parse } from '../../src/dockerfile/parser';

function at(marked: string) {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'mark the cursor with |');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const before = text.slice(0, offset).split('\n');
  return { text, position: { line: before.length - 1, character: before[before.length - 1].length } };
}
function items(marked: string, options: CompletionOptions = {}): CompletionItem[] {
  const { text, position } = at(marked);
  return complete(parse(text), position, options);
}
const labels = (marked: string, options?: CompletionOptions) => items(marked, options).map((i) => i.label);
const edit = (item: CompletionItem | undefined) => item?.textEdit as TextEdit | undefined;

/** Applies an item's edit to the text, for checking what the user ends up with. */
function accept(marked: string, label: string, options: CompletionOptions = {}): string {
  const { text } = at(marked);
  const item = items(marked, options).find((i) => i.label === label);
  assert.ok(item, `no item ${label}`);
  const e = edit(item)!;
  const doc = parse(text);
  const offset = (p: { line: number; character: number }) => doc.lineStarts[p.line] + p.character;
  return text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
}

const local: EngineImage[] = [
  { id: 'a', repoTags: ['node:20-alpine', 'node:22'], repoDigests: [] },
  { id: 'b', repoTags: ['ghcr.io/acme/tool:1.2', 'localhost:5000/app:dev'], repoDigests: [] },
];

describe('keyword completion', () => {
  it('offers every instruction on an empty line, FROM first in an empty file', () => {
    const list = items('|');
    assert.equal(list.length, 18);
    const sorted = [...list].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
    assert.equal(sorted[0].label, 'FROM');
    assert.equal(sorted[sorted.length - 1].label, 'MAINTAINER');
    assert.deepEqual(list.find((i) => i.label === 'MAINTAINER')?.tags, [1]);
  });

  it('inserts snippets when the client takes them, plain keywords otherwise', () => {
    assert.equal(accept('FROM node:20\nCO|', 'COPY', { snippets: true }), 'FROM node:20\nCOPY ${1:src} ${2:dest}');
    assert.equal(items('FROM node:20\nCO|', { snippets: true }).find((i) => i.label === 'COPY')?.insertTextFormat, 2);
    assert.equal(accept('FROM node:20\nCO|', 'COPY'), 'FROM node:20\nCOPY ');
  });

  it("follows the file's keyword casing", () => {
    assert.ok(labels('from node:20\nrun echo\n|').includes('workdir'));
    assert.ok(labels('FROM node:20\nRUN echo\n|').includes('WORKDIR'));
  });

  it('only swaps the keyword when the instruction already has arguments', () => {
    assert.equal(accept('FROM node:20\nCO|PY . /app\n', 'COPY', { snippets: true }), 'FROM node:20\nCOPY . /app\n');
  });

  it('offers trigger instructions after ONBUILD, without the forbidden ones', () => {
    const list = labels('FROM node:20\nONBUILD |');
    assert.ok(list.includes('RUN'));
    assert.ok(!list.includes('FROM') && !list.includes('ONBUILD') && !list.includes('MAINTAINER'));
  });

  it('offers nothing inside a comment or a plain argument', () => {
    assert.deepEqual(labels('FROM node:20\n# a comm|ent\n'), []);
    assert.deepEqual(labels('FROM node:20\nRUN echo hel|lo\n'), []);
  });
});

describe('flag completion', () => {
  it("offers the instruction's flags, not the ones already given", () => {
    assert.deepEqual(labels('FROM node:20\nRUN --|'), ['--mount', '--network', '--security', '--device']);
    const copy = labels('FROM node:20\nCOPY --chown=a --|');
    assert.ok(copy.includes('--from') && copy.includes('--link') && !copy.includes('--chown'));
    assert.deepEqual(labels('FROM node:20\nHEALTHCHECK --|').length, 5);
    assert.deepEqual(labels('FROM node:20\nWORKDIR --|'), []);
  });

  it('completes a flag with = and asks for its values, a boolean flag bare', () => {
    const mount = items('FROM node:20\nRUN --mo|').find((i) => i.label === '--mount');
    assert.equal(edit(mount)?.newText, '--mount=');
    assert.equal(mount?.command?.command, 'editor.action.triggerSuggest');
    assert.equal(edit(items('FROM node:20\nCOPY --li|').find((i) => i.label === '--link'))?.newText, '--link');
  });

  it('offers flags of an ONBUILD trigger', () => {
    assert.ok(labels('FROM node:20\nONBUILD COPY --|').includes('--from'));
  });

  it('offers values of enumerated flags', () => {
    assert.deepEqual(labels('FROM node:20\nRUN --network=|'), ['default', 'none', 'host']);
    assert.ok(labels('FROM --platform=| node:20\n').includes('$BUILDPLATFORM'));
  });

  it('walks --mount: the type, then its options, then their values', () => {
    assert.deepEqual(labels('FROM node:20\nRUN --mount=|'), ['type=bind', 'type=cache', 'type=tmpfs', 'type=secret', 'type=ssh']);
    assert.deepEqual(labels('FROM node:20\nRUN --mount=type=|'), ['bind', 'cache', 'tmpfs', 'secret', 'ssh']);
    const options = labels('FROM node:20\nRUN --mount=type=cache,target=/x,|');
    assert.ok(options.includes('sharing=') && options.includes('id=') && !options.includes('target='));
    assert.deepEqual(labels('FROM node:20\nRUN --mount=type=cache,sharing=|'), ['shared', 'private', 'locked']);
    assert.equal(
      accept('FROM node:20\nRUN --mount=type=cache,ta| echo\n', 'target='),
      'FROM node:20\nRUN --mount=type=cache,target= echo\n',
    );
  });

  it('offers earlier stages (and local images) for COPY --from and mount from=', () => {
    const text = 'FROM node:20 AS deps\nFROM node:20 AS build\nFROM scratch\nCOPY --from=|';
    const list = labels(text, { localImages: local });
    assert.deepEqual(list.slice(0, 2), ['deps', 'build']);
    assert.ok(list.includes('node'));
    assert.deepEqual(labels('FROM node:20 AS deps\nFROM scratch\nRUN --mount=type=bind,from=|'), ['deps']);
    // A stage cannot copy from itself or a later one.
    assert.deepEqual(labels('FROM node:20 AS one\nCOPY --from=|\nFROM node:20 AS two\n'), []);
  });
});

describe('variable completion', () => {
  it('offers ARG and ENV in scope after $ and ${, with their values', () => {
    const list = items('FROM node:20\nARG MODE=dev\nENV HOME_DIR=/home\nRUN echo $|');
    assert.deepEqual(list.map((i) => i.label).sort(), ['HOME_DIR', 'MODE']);
    assert.equal(list.find((i) => i.label === 'MODE')?.detail, 'ARG "dev"');
    assert.equal(accept('FROM node:20\nENV A=1\nRUN echo ${|', 'A'), 'FROM node:20\nENV A=1\nRUN echo ${A}');
    assert.equal(accept('FROM node:20\nENV A=1\nRUN echo ${|}', 'A'), 'FROM node:20\nENV A=1\nRUN echo ${A}');
    assert.equal(accept('FROM node:20\nENV ABC=1\nRUN echo $A|B x', 'ABC'), 'FROM node:20\nENV ABC=1\nRUN echo $ABC x');
  });

  it('offers global ARGs and platform ARGs in FROM, not variables declared later', () => {
    const list = labels('ARG VERSION=20\nFROM node:$|\nARG LATER=1\n');
    assert.ok(list.includes('VERSION') && list.includes('TARGETPLATFORM'));
    assert.ok(!list.includes('LATER'));
  });

  it('offers global and platform ARGs to redeclare after ARG in a stage', () => {
    const list = items('ARG VERSION=20\nARG USED\nFROM node:$VERSION\nARG USED\nARG |');
    const names = list.map((i) => i.label);
    assert.ok(names.includes('VERSION') && names.includes('TARGETARCH'));
    assert.ok(!names.includes('USED'), 'already redeclared');
    assert.equal(list.find((i) => i.label === 'VERSION')?.detail, 'global ARG, default "20"');
    assert.deepEqual(labels('ARG VERSION=20\nFROM node\nARG V=|'), []);
  });

  it('does not complete an escaped dollar', () => {
    assert.deepEqual(labels('FROM node:20\nENV A=1\nRUN echo \\$|'), []);
  });
});

describe('image completion', () => {
  it('offers local repositories, common official images, earlier stages and scratch after FROM', () => {
    const list = labels('FROM node:20 AS base\nFROM |', { localImages: local });
    assert.equal(list[0], 'base');
    for (const name of ['node', 'ghcr.io/acme/tool', 'localhost:5000/app', 'alpine', 'scratch']) assert.ok(list.includes(name), name);
    assert.equal(list.filter((l) => l === 'node').length, 1);
    // A local repository comes with its colon, so its tags are offered next.
    assert.equal(accept('FROM no|', 'node', { localImages: local }), 'FROM node:');
    assert.equal(accept('FROM alp|', 'alpine', { localImages: local }), 'FROM alpine');
  });

  it('offers the local tags of the repository after :', () => {
    assert.deepEqual(labels('FROM node:|', { localImages: local }), ['20-alpine', '22']);
    assert.deepEqual(labels('FROM localhost:5000/app:|', { localImages: local }), ['dev']);
    assert.deepEqual(labels('FROM docker.io/library/node:2|', { localImages: local }), ['20-alpine', '22']);
    assert.equal(accept('FROM node:2| AS x', '22', { localImages: local }), 'FROM node:22 AS x');
  });

  it('offers AS after the image', () => {
    assert.deepEqual(labels('FROM node:20 |'), ['AS']);
    assert.deepEqual(labels('from node:20 |'), ['as']);
  });

  it("tells the server when the engine's list is needed", () => {
    const ask = (marked: string) => {
      const { text, position } = at(marked);
      return completesImages(parse(text), position);
    };
    assert.equal(ask('FROM no|'), true);
    assert.equal(ask('FROM node AS |'), false);
    assert.equal(ask('FROM node\nCOPY --from=|'), true);
    assert.equal(ask('FROM node\nRUN |'), false);
  });
});

describe('argument completion', () => {
  it('offers signals after STOPSIGNAL and common shells after SHELL', () => {
    assert.equal(labels('FROM node:20\nSTOPSIGNAL |')[0], 'SIGTERM');
    assert.equal(accept('FROM node:20\nSTOPSIGNAL SIGQ|', 'SIGQUIT'), 'FROM node:20\nSTOPSIGNAL SIGQUIT');
    assert.equal(
      accept('FROM node:20\nSHELL |', '["/bin/bash", "-o", "pipefail", "-c"]'),
      'FROM node:20\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]',
    );
    assert.equal(accept('FROM node:20\nSHELL [|]', '["/bin/sh", "-c"]'), 'FROM node:20\nSHELL ["/bin/sh", "-c"]');
    assert.deepEqual(labels('FROM node:20\nSHELL ["/bin/sh", |]'), []);
  });
});

describe('directive completion', () => {
  it('offers directives in the opening comment block, not ones already there', () => {
    assert.deepEqual(labels('# |\nFROM node:20\n'), ['# syntax', '# escape', '# check']);
    assert.deepEqual(labels('# syntax=docker/dockerfile:1\n#|\nFROM node:20\n'), ['# escape', '# check']);
    assert.equal(accept('#|\nFROM node:20\n', '# syntax'), '# syntax=\nFROM node:20\n');
    assert.deepEqual(labels('FROM node:20\n# |\n'), []);
  });
});
