/** Hover: docs for keywords, flags and directives; variable values at the point of use; FROM images. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver-types';
import { findLocalImage, hover, scopeAt, type EngineImage } from '../../src/dockerfile/hover';
import { INSTRUCTION_DOCS, FLAG_DOCS, DIRECTIVE_DOCS } from '../../src/dockerfile/docs';
import { parse } from '../../src/dockerfile/parser';
import { FLAGS, INSTRUCTIONS } from '../../src/dockerfile/rules/builder';

/** Hover at the `|` in `marked`. */
function hoverAt(marked: string, localImages?: EngineImage[]): Hover | null {
  const at = marked.indexOf('|');
  assert.ok(at >= 0, 'mark the cursor with |');
  const text = marked.slice(0, at) + marked.slice(at + 1);
  const before = text.slice(0, at).split('\n');
  return hover(parse(text), { line: before.length - 1, character: before[before.length - 1].length }, { localImages });
}
const value = (h: Hover | null) => (h?.contents as MarkupContent | undefined)?.value ?? '';

describe('hover docs', () => {
  it('has docs for every instruction and every flag the builder accepts', () => {
    for (const keyword of INSTRUCTIONS) assert.ok(INSTRUCTION_DOCS[keyword], keyword);
    for (const [keyword, flags] of Object.entries(FLAGS)) {
      for (const name of Object.keys(flags)) assert.ok(FLAG_DOCS[keyword]?.[name], `${keyword} --${name}`);
    }
    assert.deepEqual(Object.keys(DIRECTIVE_DOCS).sort(), ['check', 'escape', 'syntax']);
  });

  it('explains the keyword under the cursor, with its range', () => {
    const h = hoverAt('FROM node:20\nWO|RKDIR /app\n');
    assert.match(value(h), /^\*\*WORKDIR\*\*/);
    assert.match(value(h), /docs\.docker\.com\/reference\/dockerfile\/#workdir/);
    assert.deepEqual(h?.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 7 } });
  });

  it('reads lower-case keywords and ONBUILD triggers', () => {
    assert.match(value(hoverAt('from node:20\nr|un echo hi\n')), /^\*\*RUN\*\*/);
    assert.match(value(hoverAt('FROM node:20\nONBUILD CO|PY . /app\n')), /^\*\*COPY\*\*/);
    assert.match(value(hoverAt('FROM node:20\nONBU|ILD COPY . /app\n')), /^\*\*ONBUILD\*\*/);
  });

  it('explains flags, and the mount type of --mount', () => {
    assert.match(value(hoverAt('FROM node:20\nCOPY --ch|own=app:app . /app\n')), /COPY --chown/);
    const mount = value(hoverAt('FROM node:20\nRUN --mo|unt=type=cache,target=/root/.npm npm ci\n'));
    assert.match(mount, /RUN --mount/);
    assert.match(mount, /type=cache/);
  });

  it('explains parser directives', () => {
    const h = hoverAt('# esc|ape=`\nFROM node:20\n');
    assert.match(value(h), /Parser directive `escape`/);
    assert.deepEqual(h?.range, { start: { line: 0, character: 2 }, end: { line: 0, character: 8 } });
  });

  it('has nothing to say on plain arguments, blank lines or an unknown keyword', () => {
    assert.equal(hoverAt('FROM node:20\nRUN echo he|llo\n'), null);
    assert.equal(hoverAt('FROM node:20\n|\nRUN x\n'), null);
    assert.equal(hoverAt('FROM node:20\nFRO|B x\n'), null);
  });
});

describe('hover on variables', () => {
  it('gives the ENV value at that point, expanded', () => {
    const h = hoverAt('FROM node:20\nENV BASE=/opt APP=$BASE/app\nRUN echo $A|PP\n');
    assert.match(value(h), /\*\*ENV\*\* `APP` = `\/opt\/app`/);
    assert.deepEqual(h?.range, { start: { line: 2, character: 9 }, end: { line: 2, character: 13 } });
  });

  it('sees the value from before the line that changes it, as the builder does', () => {
    assert.match(value(hoverAt('FROM node:20\nENV A=one\nENV A=two B=$|A\n')), /`A` = `one`/);
  });

  it('gives an ARG default and says a build arg can override it', () => {
    const text = value(hoverAt('FROM node:20\nARG MODE=release\nRUN make ${MO|DE}\n'));
    assert.match(text, /\*\*ARG\*\* `MODE` = `release`/);
    assert.match(text, /--build-arg MODE=/);
  });

  it('says an ARG without a default comes from --build-arg', () => {
    assert.match(value(hoverAt('FROM node:20\nARG TOKEN\nRUN echo $TO|KEN\n')), /no default.*\n\n.*--build-arg TOKEN=/);
  });

  it('uses global ARG defaults in FROM, and in a stage only once redeclared', () => {
    assert.match(value(hoverAt('ARG V=20\nFROM node:$|V\n')), /`V` = `20`.*\n\n.*global ARG/);
    assert.match(value(hoverAt('ARG V=20\nFROM node:$V\nRUN echo $|V\n')), /not set by this Dockerfile/);
    assert.match(value(hoverAt('ARG V=20\nFROM node:$V\nARG V\nRUN echo $|V\n')), /`V` = `20`/);
  });

  it('inherits ENV (not ARG) from the stage it builds on', () => {
    const text = 'FROM node:20 AS base\nENV E=env\nARG A=arg\nFROM base\nRUN echo $E $A\n';
    const doc = parse(text);
    const scope = scopeAt(doc, doc.instructions[4]);
    assert.equal(scope.get('E')?.value, 'env');
    assert.equal(scope.has('A'), false);
  });

  it('lets an ENV win over an ARG of the same name', () => {
    assert.match(value(hoverAt('FROM node:20\nENV X=env\nARG X=arg\nRUN echo $|X\n')), /\*\*ENV\*\* `X` = `env`/);
  });

  it('explains the platform ARGs BuildKit sets', () => {
    assert.match(value(hoverAt('FROM --platform=$BUILD|PLATFORM node:20\n')), /set by BuildKit/);
    assert.match(value(hoverAt('FROM node:20\nARG TARGETARCH\nRUN echo $TARGET|ARCH\n')), /Set by BuildKit/);
  });

  it('explains a modifier', () => {
    assert.match(value(hoverAt('FROM node:20\nRUN echo ${NA|ME:-anon}\n')), /unset or empty.*`anon`/);
  });

  it('shows the value on the name of an ARG or ENV declaration', () => {
    assert.match(value(hoverAt('FROM node:20\nENV P|ORT=8080\n')), /`PORT` = `8080`/);
    assert.equal(hoverAt('FROM node:20\nENV PORT=80|80\n'), null);
  });

  it("uses the file's escape character", () => {
    assert.equal(value(hoverAt('# escape=`\nFROM node:20\nENV A=1\nRUN echo `$|A\n')), '');
  });
});

describe('hover on images', () => {
  const local: EngineImage[] = [
    {
      id: 'sha256:0123456789abcdef',
      repoTags: ['node:20-alpine', 'node:lts-alpine'],
      repoDigests: ['node@sha256:feed'],
      size: 48_300_000,
      created: 1_718_150_400,
    },
    { id: 'sha256:aaaa', repoTags: ['ghcr.io/acme/tool:1.2'], repoDigests: [] },
  ];

  it('shows the reference, its parts and what the local engine has', () => {
    const text = value(hoverAt('FROM no|de:20-alpine\n', local));
    assert.match(text, /\*\*Image\*\* `node:20-alpine`/);
    assert.match(text, /Docker Hub · repository: `library\/node` · tag: `20-alpine`/);
    assert.match(text, /id `0123456789ab` · 48\.3 MB · created 2024-06-12/);
    assert.match(text, /Digest: `sha256:feed`/);
    assert.match(text, /Also tagged: `node:lts-alpine`/);
  });

  it('expands global ARGs in the reference', () => {
    const text = value(hoverAt('ARG T=20-alpine\nFROM n|ode:${T}\n', local));
    assert.match(text, /`node:20-alpine` \(written `node:\$\{T\}`\)/);
    assert.match(text, /Local engine/);
    // On the variable itself, the variable wins.
    assert.match(value(hoverAt('ARG T=20-alpine\nFROM node:$|{T}\n', local)), /\*\*ARG\*\* `T`/);
  });

  it('says when the engine lacks the image, and says nothing of the engine when none answered', () => {
    assert.match(value(hoverAt('FROM python:3.12|\n', local)), /Not in the local engine/);
    assert.doesNotMatch(value(hoverAt('FROM python:3.12|\n')), /engine/i);
  });

  it('says an unresolved build arg leaves the reference open', () => {
    assert.match(value(hoverAt('ARG TAG\nFROM node:$TAG|x\n', local)), /Image|TAG/);
    assert.match(value(hoverAt('ARG TAG\nFROM no|de:${TAG}\n', local)), /build arguments without a default/);
  });

  it('describes stages instead of images, and scratch', () => {
    assert.match(value(hoverAt('FROM node:20 AS build\nRUN make\nFROM bu|ild\n')), /\*\*Stage `build`\*\* \(stage 0, line 1\)/);
    assert.match(value(hoverAt('FROM node:20 AS build\nFROM scratch\nCOPY --from=bu|ild /a /a\n')), /Stage `build`/);
    assert.match(value(hoverAt('FROM scr|atch\n')), /empty image/);
    assert.match(value(hoverAt('FROM node:20 AS bu|ild\n')), /--target build/);
  });

  it('matches local images by digest when the reference has one', () => {
    assert.equal(findLocalImage('node@sha256:feed', local)?.id, 'sha256:0123456789abcdef');
    assert.equal(findLocalImage('docker.io/library/node:20-alpine', local)?.id, 'sha256:0123456789abcdef');
    assert.equal(findLocalImage('ghcr.io/acme/tool:1.2', local)?.id, 'sha256:aaaa');
    assert.equal(findLocalImage('node', local), undefined);
  });
});
