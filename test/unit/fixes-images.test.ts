/** Quick fixes for FROM: add a tag, replace `latest`, pin to the local image's digest. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  actionsFor,
  applyAction,
  assertFixed,
  digest,
  fix,
  fixTitles,
  image,
  lines,
  preferred,
  snippetOf,
} from '../fixtures/fixes/helpers';
import type { LintSettings } from '../../src/dockerfile/settings';

// What a local engine might answer: `latest` and two version tags on one image, older images beside it.
const NODE_LATEST = image('a', ['node:latest', 'node:22.3.0', 'node:22'], [`node@${digest('a')}`]);
const NODE_20 = image('b', ['node:20.11-alpine', 'node:20'], [`node@${digest('b')}`]);
const NODE_18 = image('c', ['node:18'], []);
const PYTHON = image('d', ['python:3.12'], [`python@${digest('d')}`]);
const NODE_IMAGES = [NODE_20, NODE_18, NODE_LATEST, PYTHON];

const DIGEST_ON: LintSettings = { severities: { 'image-unpinned-digest': 'warning' } };

describe('image-untagged: add a tag', () => {
  it('offers the local tags, what latest points at first and preferred', () => {
    const text = lines('FROM node AS build', 'USER node');
    const { actions } = actionsFor(text, 'image-untagged', { ctx: { localImages: NODE_IMAGES } });
    const tags = actions.filter((a) => a.title.startsWith('Use tag'));
    assert.deepEqual(
      tags.map((a) => /'([^']+)'/.exec(a.title)?.[1]),
      ['22.3.0', '22', '20.11-alpine', '20', '18'],
      'the tags of the image latest is, then the others, newest first; python is not offered',
    );
    assert.deepEqual(
      tags.map((a) => a.isPreferred === true),
      [true, false, false, false, false],
    );
    assert.match(tags[0].title, /latest/, 'the title says the tag is what latest is locally');
    assert.equal(applyAction(text, tags[0]), lines('FROM node:22.3.0 AS build', 'USER node'));
    assert.equal(applyAction(text, tags[3]), lines('FROM node:20 AS build', 'USER node'));
    for (const action of tags) assertFixed(text, applyAction(text, action), 'image-untagged');
  });

  it('offers at most five tags', () => {
    const many = image('e', ['alpine:3.14', 'alpine:3.15', 'alpine:3.16', 'alpine:3.17', 'alpine:3.18', 'alpine:3.19', 'alpine:3.20']);
    const { actions } = actionsFor(lines('FROM alpine', 'USER 1000'), 'image-untagged', { ctx: { localImages: [many] } });
    assert.equal(actions.filter((a) => a.title.startsWith('Use tag')).length, 5);
  });

  it('matches local images written with or without docker.io/library', () => {
    const text = lines('FROM docker.io/library/node', 'USER node');
    const after = fix(text, 'image-untagged', "Use tag '22.3.0'", { ctx: { localImages: NODE_IMAGES } });
    assert.equal(after, lines('FROM docker.io/library/node:22.3.0', 'USER node'));
    const qualified = image('f', ['docker.io/library/node:21'], []);
    const back = fix(lines('FROM node', 'USER node'), 'image-untagged', "Use tag '21'", { ctx: { localImages: [qualified] } });
    assert.equal(back, lines('FROM node:21', 'USER node'));
  });

  it('keeps flags, a registry with a port and the stage name around the tag', () => {
    const local = image('1', ['localhost:5000/team/app:1.4'], []);
    const text = lines('FROM --platform=$BUILDPLATFORM localhost:5000/team/app AS base', 'USER 1000');
    const after = fix(text, 'image-untagged', "Use tag '1.4'", { ctx: { localImages: [local] } });
    assert.equal(after, lines('FROM --platform=$BUILDPLATFORM localhost:5000/team/app:1.4 AS base', 'USER 1000'));
  });

  it('offers a snippet placeholder when no local image matches and the client takes snippets', () => {
    const text = lines('FROM node', 'USER node');
    const { actions } = actionsFor(text, 'image-untagged', { ctx: { localImages: [PYTHON], snippetSupport: true } });
    const add = actions.filter((a) => a.title === 'Add a tag');
    assert.equal(add.length, 1);
    const { edit, value } = snippetOf(add[0]);
    assert.equal(value, ':${1:tag}');
    assert.deepEqual(edit.range, { start: { line: 0, character: 9 }, end: { line: 0, character: 9 } });
    assert.equal(applyAction(text, add[0]), lines('FROM node:tag', 'USER node'));
  });

  it('offers the snippet without any engine too', () => {
    const { actions } = actionsFor(lines('FROM node', 'USER node'), 'image-untagged', { ctx: { snippetSupport: true } });
    assert.deepEqual(fixTitles(actions), ['Add a tag']);
  });

  it('offers no snippet fix when the client cannot apply snippets', () => {
    for (const ctx of [{ snippetSupport: false }, {}, { localImages: [], snippetSupport: false }]) {
      const { actions } = actionsFor(lines('FROM node', 'USER node'), 'image-untagged', { ctx });
      assert.deepEqual(fixTitles(actions), [], JSON.stringify(ctx));
      assert.ok(actions.every((a) => a.edit?.documentChanges === undefined));
    }
  });

  it('does not offer a local latest as a tag', () => {
    const only = image('9', ['node:latest'], []);
    const { actions } = actionsFor(lines('FROM node', 'USER node'), 'image-untagged', { ctx: { localImages: [only] } });
    assert.deepEqual(fixTitles(actions), []);
  });

  it('does not touch a FROM whose image comes from an ARG', () => {
    const { actions } = actionsFor(lines('ARG BASE=node', 'FROM $BASE', 'USER node'), 'image-untagged', {
      ctx: { localImages: NODE_IMAGES, snippetSupport: true },
    });
    assert.deepEqual(fixTitles(actions), []);
  });

  it('fixes the FROM of the stage the diagnostic is in', () => {
    const text = lines('FROM python:3.12 AS deps', 'FROM node', 'USER node');
    const after = fix(text, 'image-untagged', "Use tag '20.11-alpine'", { ctx: { localImages: NODE_IMAGES } });
    assert.equal(after, lines('FROM python:3.12 AS deps', 'FROM node:20.11-alpine', 'USER node'));
  });
});

describe("image-latest: replace 'latest'", () => {
  it('prefers the local tag that shares the image id of latest', () => {
    const text = lines('FROM node:latest AS build', 'USER node');
    const { title, text: after } = preferred(text, 'image-latest', { ctx: { localImages: NODE_IMAGES } });
    assert.match(title, /'22\.3\.0'/);
    assert.equal(after, lines('FROM node:22.3.0 AS build', 'USER node'));
  });

  it('replaces latest with any other local tag', () => {
    const after = fix(lines('FROM node:latest', 'USER node'), 'image-latest', "Use tag '18'", { ctx: { localImages: NODE_IMAGES } });
    assert.equal(after, lines('FROM node:18', 'USER node'));
  });

  it('prefers the newest tag when latest is not local', () => {
    const { title, text: after } = preferred(lines('FROM node:latest', 'USER node'), 'image-latest', {
      ctx: { localImages: [NODE_18, NODE_20] },
    });
    assert.equal(title, "Use tag '20.11-alpine' (local image)");
    assert.equal(after, lines('FROM node:20.11-alpine', 'USER node'));
  });

  it("offers a ':${1:version}' snippet over ':latest' when nothing local matches", () => {
    const text = lines('FROM node:latest', 'USER node');
    const { actions } = actionsFor(text, 'image-latest', { ctx: { snippetSupport: true } });
    const replace = actions.filter((a) => a.title === "Replace 'latest' with a version");
    assert.equal(replace.length, 1);
    const { edit, value } = snippetOf(replace[0]);
    assert.equal(value, ':${1:version}');
    assert.deepEqual(edit.range, { start: { line: 0, character: 9 }, end: { line: 0, character: 16 } });
    const after = applyAction(text, replace[0]);
    assert.equal(after, lines('FROM node:version', 'USER node'));
    assertFixed(text, after, 'image-latest');
  });

  it('offers no snippet fix without snippet support', () => {
    const { actions } = actionsFor(lines('FROM node:latest', 'USER node'), 'image-latest', { ctx: { snippetSupport: false } });
    assert.deepEqual(fixTitles(actions), []);
  });
});

describe('pin to the digest of the local image', () => {
  it('appends the digest of the local image with that tag', () => {
    const text = lines('FROM node:20 AS build', 'USER node');
    const after = fix(text, 'image-unpinned-digest', 'Pin to', { ctx: { localImages: NODE_IMAGES }, settings: DIGEST_ON });
    assert.equal(after, lines(`FROM node:20@${digest('b')} AS build`, 'USER node'));
  });

  it('pins an untagged image to the digest of the local latest', () => {
    const text = lines('FROM node', 'USER node');
    const after = fix(text, 'image-untagged', 'Pin to', { ctx: { localImages: NODE_IMAGES } });
    assert.equal(after, lines(`FROM node@${digest('a')}`, 'USER node'));
  });

  it('pins latest, which then no longer moves', () => {
    const after = fix(lines('FROM node:latest', 'USER node'), 'image-latest', 'Pin to', { ctx: { localImages: NODE_IMAGES } });
    assert.equal(after, lines(`FROM node:latest@${digest('a')}`, 'USER node'));
  });

  it('takes the repo digest of the same repository, not of another name for the image', () => {
    const mirrored = image('7', ['node:20'], [`mirror.example.com/node@${digest('e')}`, `node@${digest('7')}`]);
    const after = fix(lines('FROM node:20', 'USER node'), 'image-unpinned-digest', 'Pin to', {
      ctx: { localImages: [mirrored] },
      settings: DIGEST_ON,
    });
    assert.equal(after, lines(`FROM node:20@${digest('7')}`, 'USER node'));
  });

  it('pins registry-qualified names with their own repo digest', () => {
    const app = image('8', ['ghcr.io/acme/app:1.2', 'acme/app:1.2'], [`acme/app@${digest('f')}`, `ghcr.io/acme/app@${digest('8')}`]);
    const after = fix(lines('FROM ghcr.io/acme/app:1.2', 'USER 1000'), 'image-unpinned-digest', 'Pin to', {
      ctx: { localImages: [app] },
      settings: DIGEST_ON,
    });
    assert.equal(after, lines(`FROM ghcr.io/acme/app:1.2@${digest('8')}`, 'USER 1000'));
    const hub = fix(lines('FROM acme/app:1.2', 'USER 1000'), 'image-unpinned-digest', 'Pin to', {
      ctx: { localImages: [app] },
      settings: DIGEST_ON,
    });
    assert.equal(hub, lines(`FROM acme/app:1.2@${digest('f')}`, 'USER 1000'));
  });

  it('accepts repo digests written with docker.io/library', () => {
    const pulled = image('6', ['node:20'], [`docker.io/library/node@${digest('6')}`]);
    const after = fix(lines('FROM node:20', 'USER node'), 'image-unpinned-digest', 'Pin to', {
      ctx: { localImages: [pulled] },
      settings: DIGEST_ON,
    });
    assert.equal(after, lines(`FROM node:20@${digest('6')}`, 'USER node'));
  });

  it('offers nothing without a matching digest', () => {
    const cases: [string, ReturnType<typeof image>[]][] = [
      ['a locally built image has no repo digest', [NODE_18]],
      ['the digest belongs to another repository', [image('5', ['node:20'], [`mirror.example.com/node@${digest('5')}`])]],
      ['no local image has the tag', [NODE_LATEST]],
      ['no engine answered', []],
    ];
    for (const [why, localImages] of cases) {
      const from = why === 'a locally built image has no repo digest' ? 'node:18' : 'node:20';
      const { actions } = actionsFor(lines(`FROM ${from}`, 'USER node'), 'image-unpinned-digest', {
        ctx: { localImages },
        settings: DIGEST_ON,
      });
      assert.deepEqual(fixTitles(actions), [], why);
    }
  });

  it('shows a shortened digest in the title', () => {
    const { actions } = actionsFor(lines('FROM node:20', 'USER node'), 'image-unpinned-digest', {
      ctx: { localImages: NODE_IMAGES },
      settings: DIGEST_ON,
    });
    assert.deepEqual(fixTitles(actions), ["Pin to the local image's digest sha256:bbbbbbbbbbbb…"]);
  });
});
