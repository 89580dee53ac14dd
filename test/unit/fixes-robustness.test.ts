/** Fixes under conditions an editor produces: stale diagnostics, foreign diagnostics, any text, CRLF. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-types';
import { codeActions } from '../../src/dockerfile/fixes';
import { lint } from '../../src/dockerfile/lint';
import { URI, actionsFor, applyAction, digest, fixTitles, image, lines } from '../fixtures/fixes/helpers';

const WHOLE = { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } };

/** A file that draws every fix: each rule with a fix fires at least once. */
const EVERYTHING = lines(
  '# syntax=docker/dockerfile:1',
  'ARG BASE=python',
  'FROM node AS web',
  'WORKDIR /web',
  'COPY --chown=node:node . .',
  'RUN npm ci && npm run build',
  'FROM node:latest AS tools',
  'MAINTAINER Jane <jane@example.com>',
  'ENV MODE production',
  'RUNN echo typo',
  'run echo casing',
  "CMD ['node', 'x.js']",
  'FROM debian:12',
  'RUN apt-get update',
  'RUN apt-get install -y curl \\',
  '    git',
  'USER root',
  'CMD /usr/bin/app serve',
);

const LOCAL = [image('a', ['node:latest', 'node:22'], [`node@${digest('a')}`]), image('b', ['node:20'], [`node@${digest('b')}`])];
const CONTEXTS = [{}, { snippetSupport: true }, { localImages: LOCAL }, { localImages: LOCAL, snippetSupport: true }];

/** Applies every action's edit to `text`; asserts none throws (overlapping or out-of-order edits do). */
function applyAll(text: string, actions: CodeAction[]): void {
  for (const action of actions) {
    const document = TextDocument.create(URI, 'dockerfile', 1, text);
    const list = action.edit?.changes?.[URI];
    if (list) assert.doesNotThrow(() => TextDocument.applyEdits(document, list), action.title);
    else assert.doesNotThrow(() => applyAction(text, action), action.title);
  }
}

describe('the file that draws every fix', () => {
  it('has a diagnostic for each fixable rule', () => {
    const codes = new Set(lint(EVERYTHING).map((d) => d.code));
    for (const code of [
      'image-untagged',
      'image-latest',
      'user-root',
      'cache-copy-before-install',
      'apt-update-alone',
      'keyword-casing',
      'unknown-instruction',
      'maintainer-deprecated',
      'legacy-key-value',
      'json-args-recommended',
      'json-args-invalid',
    ]) {
      assert.ok(codes.has(code), code);
    }
  });

  it("answers all diagnostics at once with each one's fixes, two ignore fixes apiece", () => {
    const diagnostics = lint(EVERYTHING);
    const actions = codeActions(EVERYTHING, diagnostics, WHOLE, { uri: URI, localImages: LOCAL });
    for (const d of diagnostics) {
      const own = actions.filter((a) => a.diagnostics?.[0] === d);
      assert.equal(own.filter((a) => a.title.startsWith('Ignore ')).length, 2, String(d.code));
      assert.ok(own.filter((a) => a.isPreferred).length <= 1, `at most one preferred fix for ${d.code}`);
    }
    assert.ok(actions.length > diagnostics.length * 2, 'real fixes besides the ignores');
    applyAll(EVERYTHING, actions);
  });
});

describe('stale diagnostics', () => {
  it('never throw, whatever the text became', () => {
    const diagnostics = lint(EVERYTHING);
    const variants = [
      '',
      '\n',
      'FROM',
      EVERYTHING.replace(/\n/g, '\r\n'),
      EVERYTHING.slice(0, EVERYTHING.length / 2),
      EVERYTHING.split('\n').reverse().join('\n'),
      EVERYTHING.replace(/^/gm, '    '),
      EVERYTHING.replace(/ /g, '\\\n'),
      EVERYTHING.replace(/RUN/g, 'RUN <<EOF\n'),
      '# escape=`\n' + EVERYTHING,
    ];
    for (let cut = 0; cut < EVERYTHING.length; cut += 7) variants.push(EVERYTHING.slice(0, cut), EVERYTHING.slice(cut));
    for (const text of variants) {
      for (const ctx of CONTEXTS) {
        let actions: CodeAction[] = [];
        assert.doesNotThrow(
          () => (actions = codeActions(text, diagnostics, WHOLE, { uri: URI, ...ctx })),
          JSON.stringify(text.slice(0, 40)),
        );
        applyAll(text, actions);
      }
    }
  });

  it('never throw on randomly mutated text (seeded, so a failure reproduces)', () => {
    let seed = 0x9e3779b9;
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pieces = [
      '\\',
      '\n',
      '\r\n',
      '"',
      "'",
      '[',
      ']',
      '&&',
      ' ',
      '<<EOF',
      '$',
      '{',
      '#',
      '@',
      ':',
      '=',
      '--',
      'COPY . .',
      'RUN npm ci',
      'USER root',
    ];
    for (let round = 0; round < 300; round++) {
      let text = EVERYTHING;
      for (let k = 1 + random(4); k > 0; k--) {
        const at = random(text.length + 1);
        const cut = random(3) === 0 ? random(12) : 0;
        text = text.slice(0, at) + pieces[random(pieces.length)] + text.slice(at + cut);
      }
      // Both the old diagnostics (stale) and the fresh ones.
      for (const diagnostics of [lint(EVERYTHING), lint(text)]) {
        const ctx = CONTEXTS[round % CONTEXTS.length];
        let actions: CodeAction[] = [];
        assert.doesNotThrow(() => (actions = codeActions(text, diagnostics, WHOLE, { uri: URI, ...ctx })), JSON.stringify(text));
        applyAll(text, actions);
      }
    }
  });

  it('survive ranges outside the text', () => {
    const far: Diagnostic = {
      range: { start: { line: 999, character: 5 }, end: { line: 1200, character: 0 } },
      source: 'berth',
      code: 'image-untagged',
      message: 'x',
    };
    const negative: Diagnostic = {
      range: { start: { line: -1, character: -4 }, end: { line: 0, character: 0 } },
      source: 'berth',
      code: 'user-root',
      message: 'x',
    };
    const text = lines('FROM node', 'USER root');
    for (const d of [far, negative]) {
      const actions = codeActions(text, [d], d.range, { uri: URI, localImages: LOCAL, snippetSupport: true });
      applyAll(text, actions);
    }
  });

  it('offer no tag for a FROM that has been tagged since', () => {
    const [stale] = lint(lines('FROM node', 'USER node')).filter((d) => d.code === 'image-untagged');
    const now = lines('FROM node:20', 'USER node');
    assert.deepEqual(fixTitles(codeActions(now, [stale], stale.range, { uri: URI, localImages: LOCAL })), []);
  });

  it('add no second USER once one was added', () => {
    const [stale] = lint(lines('FROM debian:12', 'CMD ["x"]')).filter((d) => d.code === 'user-missing');
    const now = lines('FROM debian:12', 'USER 1000', 'CMD ["x"]');
    assert.deepEqual(fixTitles(codeActions(now, [stale], stale.range, { uri: URI })), []);
  });

  it('do not pull apt-get update out of a RUN that now installs', () => {
    const [stale] = lint(lines('FROM debian:12', 'RUN apt-get update', 'RUN apt-get install -y x', 'USER 1')).filter(
      (d) => d.code === 'apt-update-alone',
    );
    const now = lines('FROM debian:12', 'RUN apt-get update && apt-get install -y y', 'RUN apt-get install -y x', 'USER 1');
    assert.deepEqual(fixTitles(codeActions(now, [stale], stale.range, { uri: URI })), []);
  });

  it('offer no reorder once the broad copy is gone', () => {
    const [stale] = lint(lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN npm ci', 'USER node')).filter(
      (d) => d.code === 'cache-copy-before-install',
    );
    const now = lines('FROM node:20', 'WORKDIR /app', 'COPY src ./src', 'RUN npm ci', 'USER node');
    assert.deepEqual(fixTitles(codeActions(now, [stale], stale.range, { uri: URI })), []);
  });

  it('offer no rewrite once the instruction was rewritten', () => {
    const cases: [string, string, string][] = [
      ['legacy-key-value', lines('FROM debian:12', 'ENV A b', 'USER 1'), lines('FROM debian:12', 'ENV A=b', 'USER 1')],
      ['json-args-recommended', lines('FROM debian:12', 'USER 1', 'CMD a b'), lines('FROM debian:12', 'USER 1', 'CMD ["a", "b"]')],
      ['json-args-invalid', lines('FROM debian:12', 'USER 1', "CMD ['a']"), lines('FROM debian:12', 'USER 1', 'CMD ["a"]')],
      ['maintainer-deprecated', lines('FROM debian:12', 'MAINTAINER me', 'USER 1'), lines('FROM debian:12', 'LABEL x=me', 'USER 1')],
    ];
    for (const [code, before, now] of cases) {
      const [stale] = lint(before).filter((d) => d.code === code);
      assert.deepEqual(fixTitles(codeActions(now, [stale], stale.range, { uri: URI })), [], code);
    }
  });
});

describe('foreign diagnostics', () => {
  const text = lines('FROM node', 'USER node');

  it('are ignored: another source, even with a code berth knows', () => {
    const [ours] = lint(text);
    for (const source of ['hadolint', 'docker-language-server', undefined]) {
      const d: Diagnostic = { ...ours, source };
      assert.deepEqual(codeActions(text, [d], d.range, { uri: URI, localImages: LOCAL, snippetSupport: true }), [], String(source));
    }
    const hadolint: Diagnostic = { ...ours, source: 'hadolint', code: 'DL3006' };
    assert.deepEqual(codeActions(text, [hadolint], hadolint.range, { uri: URI }), []);
  });

  it('are ignored: source berth with a code no rule has, or no code', () => {
    const [ours] = lint(text);
    for (const code of ['no-such-rule', 42, undefined]) {
      const d: Diagnostic = { ...ours, code };
      assert.deepEqual(codeActions(text, [d], d.range, { uri: URI }), [], String(code));
    }
  });

  it('do not hide ours when mixed in', () => {
    const [ours] = lint(text);
    const theirs: Diagnostic = { ...ours, source: 'hadolint', code: 'DL3006' };
    const actions = codeActions(text, [theirs, ours, theirs], WHOLE, { uri: URI, snippetSupport: true });
    assert.ok(actions.length >= 3);
    assert.ok(actions.every((a) => a.diagnostics?.length === 1 && a.diagnostics[0] === ours));
  });
});

describe('line endings', () => {
  const crlf = (s: string) => s.replace(/\n/g, '\r\n');

  it('edits within a line work in a CRLF file', () => {
    const { actions } = actionsFor(crlf(lines('FROM node:latest', 'USER node')), 'image-latest', { ctx: { localImages: LOCAL } });
    const tag = actions.find((a) => a.isPreferred)!;
    assert.equal(applyAction(crlf(lines('FROM node:latest', 'USER node')), tag), crlf(lines('FROM node:22', 'USER node')));
  });

  it('inserted lines keep CRLF line endings', () => {
    const text = crlf(lines('FROM debian:12', 'RUN apt-get update', 'RUN apt-get install -y curl', 'CMD ["x"]'));
    const ignore = actionsFor(text, 'apt-update-alone').actions.find((a) => a.title.endsWith('for this instruction'))!;
    assert.equal(
      applyAction(text, ignore),
      crlf(lines('FROM debian:12', '# berth ignore=apt-update-alone', 'RUN apt-get update', 'RUN apt-get install -y curl', 'CMD ["x"]')),
    );
    const user = actionsFor(text, 'user-missing').actions.find((a) => a.isPreferred)!;
    assert.equal(
      applyAction(text, user),
      crlf(lines('FROM debian:12', 'RUN apt-get update', 'RUN apt-get install -y curl', 'USER 10001', 'CMD ["x"]')),
    );
    const node = crlf(lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN npm ci && npm run build', 'USER node'));
    const reorder = actionsFor(node, 'cache-copy-before-install').actions.find((a) => a.isPreferred)!;
    assert.equal(
      applyAction(node, reorder),
      crlf(
        lines(
          'FROM node:20',
          'WORKDIR /app',
          'COPY package.json package-lock.json* ./',
          'RUN npm ci',
          'COPY . .',
          'RUN npm run build',
          'USER node',
        ),
      ),
    );
  });
});
