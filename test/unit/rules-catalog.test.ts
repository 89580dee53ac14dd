/**
 * One positive example per rule code in the catalog, so a rule added without a test fails here,
 * plus the shape every diagnostic shares and whole-file controls from test/fixtures/rules.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { lint } from '../../src/dockerfile/lint';
import { ALL_RULE_CODES, RULE_INFO, ruleDocUrl } from '../../src/dockerfile/rules/catalog';
import type { LintSettings, SeverityLevel } from '../../src/dockerfile/settings';
import { df, ERROR, HINT, INFO, none, one, run, WARNING } from '../fixtures/rules/helpers';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'rules');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

interface Example {
  text: string;
  /** The exact source text the diagnostic must cover. */
  range: string;
  /** Default severity the issue asks for; compared against the catalog too. */
  severity: SeverityLevel;
  settings?: LintSettings;
}

/** A minimal Dockerfile that triggers each rule once. */
const POSITIVE: Record<string, Example> = {
  'image-untagged': { text: df('FROM node', 'USER app'), range: 'node', severity: 'warning' },
  'image-latest': { text: df('FROM node:latest', 'USER app'), range: 'latest', severity: 'warning' },
  'image-unpinned-digest': {
    text: df('FROM node:20', 'USER app'),
    range: 'node:20',
    severity: 'off',
    settings: { severities: { 'image-unpinned-digest': 'info' } },
  },
  'image-untrusted-registry': {
    text: df('FROM quay.io/team/app:1.0', 'USER app'),
    range: 'quay.io/team/app:1.0',
    severity: 'warning',
    settings: { trustedRegistries: ['ghcr.io'] },
  },
  'user-root': { text: df('FROM node:20', 'USER root'), range: 'root', severity: 'warning' },
  'user-missing': { text: df('FROM node:20', 'CMD ["node"]'), range: 'FROM node:20', severity: 'info' },
  'cache-copy-before-install': { text: df('FROM node:20', 'COPY . /app', 'RUN npm ci', 'USER node'), range: '.', severity: 'warning' },
  'apt-update-alone': { text: df('FROM debian:12', 'RUN apt-get update', 'USER nobody'), range: 'apt-get update', severity: 'warning' },
  'unknown-instruction': { text: df('FROM node:20', 'RUNN echo hi', 'USER node'), range: 'RUNN', severity: 'error' },
  'from-missing': { text: df('RUN echo hi'), range: 'RUN', severity: 'error' },
  'flag-unknown': { text: df('FROM --plat=linux/amd64 node:20', 'USER node'), range: '--plat=linux/amd64', severity: 'error' },
  'flag-value-invalid': { text: df('FROM node:20', 'RUN --network=bridge true', 'USER node'), range: 'bridge', severity: 'error' },
  'stage-name-invalid': { text: df('FROM node:20 AS 1st', 'USER node'), range: '1st', severity: 'error' },
  'stage-name-duplicate': { text: df('FROM node:20 AS app', 'FROM node:20 AS App', 'USER node'), range: 'App', severity: 'error' },
  'args-missing': { text: df('FROM node:20', 'RUN', 'USER node'), range: 'RUN', severity: 'error' },
  'heredoc-unterminated': { text: df('FROM node:20', 'USER node', 'RUN <<EOF', 'echo hi'), range: '<<EOF', severity: 'error' },
  'json-args-invalid': {
    text: df('FROM node:20', 'USER node', "CMD ['node', 'app.js']"),
    range: "['node', 'app.js']",
    severity: 'warning',
  },
  'json-args-recommended': { text: df('FROM node:20', 'USER node', 'CMD node app.js'), range: 'node app.js', severity: 'info' },
  'maintainer-deprecated': { text: df('FROM node:20', 'MAINTAINER me', 'USER node'), range: 'MAINTAINER', severity: 'info' },
  'instruction-repeated': { text: df('FROM node:20', 'USER node', 'CMD ["a"]', 'CMD ["b"]'), range: 'CMD', severity: 'warning' },
  'keyword-casing': { text: df('FROM node:20', 'Run echo hi', 'USER node'), range: 'Run', severity: 'hint' },
  'workdir-relative': { text: df('FROM node:20', 'WORKDIR app', 'USER node'), range: 'app', severity: 'info' },
  'legacy-key-value': { text: df('FROM node:20', 'ENV PORT 3000', 'USER node'), range: 'PORT 3000', severity: 'info' },
  'expose-invalid': { text: df('FROM node:20', 'EXPOSE 8080:80', 'USER node'), range: '8080:80', severity: 'error' },
  'onbuild-invalid': { text: df('FROM node:20', 'ONBUILD FROM alpine:3', 'USER node'), range: 'FROM', severity: 'error' },
  'escape-invalid': { text: df('# escape=x', 'FROM node:20', 'USER node'), range: 'x', severity: 'error' },
  'cd-in-run': { text: df('FROM debian:12', 'RUN cd /app && make', 'USER app'), range: 'cd', severity: 'info' },
  'sudo-in-run': { text: df('FROM debian:12', 'RUN sudo make install', 'USER app'), range: 'sudo', severity: 'warning' },
  'apt-missing-yes': {
    text: df(
      'FROM debian:12',
      'RUN apt-get update && apt-get install --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
      'USER app',
    ),
    range: 'apt-get install',
    severity: 'warning',
  },
  'apt-install-recommends': {
    text: df('FROM debian:12', 'RUN apt-get install -y curl', 'USER app'),
    range: 'apt-get install',
    severity: 'info',
  },
  'apt-lists-kept': {
    text: df('FROM debian:12', 'RUN apt-get update && apt-get install -y --no-install-recommends curl', 'USER app'),
    range: 'apt-get install',
    severity: 'info',
  },
  'apt-instead-of-apt-get': { text: df('FROM debian:12', 'RUN apt update', 'USER app'), range: 'apt', severity: 'info' },
  'pip-cache-kept': { text: df('FROM python:3.12', 'RUN pip install flask', 'USER app'), range: 'pip install', severity: 'info' },
  'apk-cache-kept': { text: df('FROM alpine:3.20', 'RUN apk add curl', 'USER app'), range: 'apk add', severity: 'info' },
  'pipe-without-pipefail': {
    text: df('FROM debian:12', 'RUN curl -fsSL https://example.com/x.sh | sh', 'USER app'),
    range: '|',
    severity: 'warning',
  },
  'curl-and-wget': { text: df('FROM debian:12', 'RUN curl -O https://x && wget https://y', 'USER app'), range: 'wget', severity: 'info' },
  'run-consecutive': { text: df('FROM debian:12', 'RUN make', 'RUN make install', 'USER app'), range: 'RUN', severity: 'hint' },
  'add-instead-of-copy': { text: df('FROM debian:12', 'ADD app.conf /etc/app.conf', 'USER app'), range: 'ADD', severity: 'info' },
  'copy-from-unknown': {
    text: df('FROM node:20 AS build', 'FROM node:20', 'COPY --from=biuld /a /a', 'USER app'),
    range: 'biuld',
    severity: 'warning',
  },
  'copy-from-self': { text: df('FROM node:20 AS app', 'COPY --from=app /a /b', 'USER app'), range: 'app', severity: 'error' },
  'copy-relative-dest': { text: df('FROM node:20', 'COPY package.json ./', 'USER app'), range: './', severity: 'info' },
  'variable-undefined': {
    text: df('FROM node:20', 'ENV APP_HOME=/app', 'WORKDIR $APP_HOEM', 'USER app'),
    range: 'APP_HOEM',
    severity: 'warning',
  },
  'from-arg-undefined': { text: df('FROM node:${NODE_VERSION}', 'USER app'), range: 'NODE_VERSION', severity: 'warning' },
  'secret-in-arg-env': { text: df('FROM node:20', 'ARG NPM_TOKEN', 'USER app'), range: 'NPM_TOKEN', severity: 'warning' },
  'apt-unpinned': {
    text: df('FROM debian:12', 'RUN apt-get install -y --no-install-recommends curl', 'USER app'),
    range: 'curl',
    severity: 'off',
    settings: { severities: { 'apt-unpinned': 'info' } },
  },
  'apk-unpinned': {
    text: df('FROM debian:12', 'RUN apk add --no-cache curl', 'USER app'),
    range: 'curl',
    severity: 'off',
    settings: { severities: { 'apk-unpinned': 'info' } },
  },
  'pip-unpinned': {
    text: df('FROM debian:12', 'RUN pip install --no-cache-dir flask', 'USER app'),
    range: 'flask',
    severity: 'off',
    settings: { severities: { 'pip-unpinned': 'info' } },
  },
  'npm-unpinned': {
    text: df('FROM debian:12', 'RUN npm install -g pnpm', 'USER app'),
    range: 'pnpm',
    severity: 'off',
    settings: { severities: { 'npm-unpinned': 'info' } },
  },
  'gem-unpinned': {
    text: df('FROM debian:12', 'RUN gem install rails', 'USER app'),
    range: 'rails',
    severity: 'off',
    settings: { severities: { 'gem-unpinned': 'info' } },
  },
};

const LSP_SEVERITY: Record<Exclude<SeverityLevel, 'off'>, number> = { error: ERROR, warning: WARNING, info: INFO, hint: HINT };

describe('rule catalog', () => {
  it('every code in the catalog has a positive example here, and no example names an unknown code', () => {
    assert.deepEqual(Object.keys(POSITIVE).sort(), [...ALL_RULE_CODES].sort());
  });

  it('codes are stable kebab-case and unique', () => {
    for (const code of ALL_RULE_CODES) assert.match(code, /^[a-z]+(-[a-z]+)+$/);
    assert.equal(new Set(ALL_RULE_CODES).size, ALL_RULE_CODES.length);
  });

  for (const [code, example] of Object.entries(POSITIVE)) {
    it(`${code}: default severity ${example.severity}, tight range, berth diagnostic shape`, () => {
      assert.equal(RULE_INFO.get(code)?.severity, example.severity, `catalog default of ${code}`);
      const settings = example.settings;
      const level = example.severity === 'off' ? settings?.severities?.[code] : example.severity;
      assert.ok(level && level !== 'off');
      const seen = one(code, example.text, example.range, LSP_SEVERITY[level], settings);
      const d = seen.diagnostic;
      assert.equal(d.source, 'berth');
      assert.equal(d.code, code);
      assert.deepEqual(d.codeDescription, { href: ruleDocUrl(code) });
      assert.ok(d.codeDescription!.href.endsWith(`/docs/rules/${code}.md`));
      assert.ok(seen.message.length > 12, `message of ${code} says something: ${seen.message}`);
      assert.ok(!seen.message.includes('undefined'), seen.message);
    });
  }

  it('a rule that is off by default reports nothing until a severity turns it on', () => {
    none('image-unpinned-digest', POSITIVE['image-unpinned-digest'].text);
  });

  it('MAINTAINER is tagged Deprecated so editors strike it through', () => {
    const [d] = lint(df('FROM node:20', 'MAINTAINER me', 'USER node'));
    assert.equal(d.code, 'maintainer-deprecated');
    assert.deepEqual(d.tags, [2]);
  });

  it('diagnostics come back in source order', () => {
    const diagnostics = lint(fixture('problems.Dockerfile'));
    const keys = diagnostics.map((d) => d.range.start.line * 1000 + d.range.start.character);
    assert.deepEqual(
      keys,
      [...keys].sort((a, b) => a - b),
    );
  });
});

describe('whole files', () => {
  it('a clean realistic multi-stage Node/Go Dockerfile yields no diagnostics at all', () => {
    assert.deepEqual(run(fixture('clean-multistage.Dockerfile')), []);
  });

  it('a clean Python Dockerfile with the USER inherited from its base stage yields no diagnostics', () => {
    assert.deepEqual(run(fixture('clean-python.Dockerfile')), []);
  });

  it('stays clean with every rule turned up to error (nothing hides behind a low default)', () => {
    const severities: Record<string, SeverityLevel> = {};
    // Opinionated rules that are off by default stay off: a clean file may leave packages unpinned.
    for (const code of ALL_RULE_CODES) if (RULE_INFO.get(code)?.severity !== 'off') severities[code] = 'error';
    assert.deepEqual(run(fixture('clean-multistage.Dockerfile'), { severities }), []);
    assert.deepEqual(run(fixture('clean-python.Dockerfile'), { severities }), []);
  });

  it('a typical problem Dockerfile gets exactly the expected findings, each on its own tight range', () => {
    const found = run(fixture('problems.Dockerfile')).map((d) => [d.code, d.line + 1, d.text, d.severity]);
    assert.deepEqual(found, [
      ['image-untagged', 1, 'node', WARNING],
      ['maintainer-deprecated', 2, 'MAINTAINER', INFO],
      ['workdir-relative', 3, 'app', INFO],
      ['cache-copy-before-install', 4, '.', WARNING],
      ['run-consecutive', 6, 'RUN', HINT],
      ['apt-update-alone', 6, 'apt-get update', WARNING],
      ['image-latest', 8, 'latest', WARNING],
      ['legacy-key-value', 9, 'NODE_ENV production', INFO],
      ['user-root', 11, 'root', WARNING],
      ['json-args-recommended', 13, 'node /app/server.js', INFO],
    ]);
  });

  it('empty, blank and comment-only files are clean', () => {
    assert.deepEqual(lint(''), []);
    assert.deepEqual(lint('\n\n   \n'), []);
    assert.deepEqual(lint('# just a comment\n# another\n'), []);
    assert.deepEqual(lint('# syntax=docker/dockerfile:1\n'), []);
  });

  it('CRLF line endings and a byte-order mark do not shift ranges', () => {
    const crlf = 'FROM node\r\nRUN apt-get update\r\nUSER root\r\n';
    assert.deepEqual(
      run(crlf).map((d) => [d.code, d.line, d.text]),
      [
        ['image-untagged', 0, 'node'],
        ['apt-update-alone', 1, 'apt-get update'],
        ['user-root', 2, 'root'],
      ],
    );
    one('image-untagged', '\ufeffFROM node\nUSER app\n', 'node', WARNING);
  });
});
