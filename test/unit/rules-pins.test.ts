/** Package versions: apt-get, apk, pip, npm and gem installs without one. Off unless turned on. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/dockerfile/config';
import type { LintSettings } from '../../src/dockerfile/settings';
import { df, INFO, none, of, one, WARNING } from '../fixtures/rules/helpers';

const ON: LintSettings = {
  severities: { 'apt-unpinned': 'info', 'apk-unpinned': 'info', 'pip-unpinned': 'info', 'npm-unpinned': 'info', 'gem-unpinned': 'info' },
};
const stage = (...lines: string[]) => df('FROM debian:12', ...lines, 'USER nobody');

describe('package pins', () => {
  it('are off by default', () => {
    const text = stage('RUN apt-get install -y curl && pip install flask && npm i -g pnpm && gem install rails && apk add gcc');
    for (const code of ['apt-unpinned', 'apk-unpinned', 'pip-unpinned', 'npm-unpinned', 'gem-unpinned']) none(code, text);
  });

  it('apt-unpinned: each package without =version, on the package', () => {
    one('apt-unpinned', stage('RUN apt-get install -y --no-install-recommends curl=7.88.1-10 git'), 'git', INFO, ON);
    assert.equal(of('apt-unpinned', stage('RUN apt-get install -y \\', '    curl \\', '    git'), ON).length, 2);
    none('apt-unpinned', stage('RUN apt-get install -y -o Dpkg::Options::=--force-confnew ./local.deb "curl=7.*" ${PKGS}'), ON);
    none('apt-unpinned', stage('RUN apt-get update && apt-get upgrade -y'), ON);
  });

  it('apk-unpinned: skips --virtual names and accepts =, ~= and <', () => {
    one(
      'apk-unpinned',
      df('FROM alpine:3.20', 'RUN apk add --no-cache --virtual .build-deps gcc musl-dev=1.2.5-r0 "libffi<4"', 'USER 1'),
      'gcc',
      INFO,
      ON,
    );
    none('apk-unpinned', df('FROM alpine:3.20', 'RUN apk add --no-cache curl~=8.9', 'USER 1'), ON);
  });

  it('pip-unpinned: ==, ~=, URLs, requirement files and local paths count as pinned', () => {
    one('pip-unpinned', stage('RUN pip install --no-cache-dir flask==3.0.3 requests'), 'requests', INFO, ON);
    one('pip-unpinned', stage('RUN python3 -m pip install --no-cache-dir "uvicorn[standard]"'), 'uvicorn[standard]', INFO, ON);
    none(
      'pip-unpinned',
      stage('RUN pip install --no-cache-dir -r requirements.txt -c constraints.txt . ./pkg /wheels/a.whl "b~=1.2" c===1 d@https://x/d.zip'),
      ON,
    );
  });

  it('npm-unpinned: name@version and scoped @scope/name@version', () => {
    one('npm-unpinned', stage('RUN npm install -g typescript@5.4.5 @types/node'), '@types/node', INFO, ON);
    none('npm-unpinned', stage('RUN npm ci && npm install && npm i -g @angular/cli@17 ./local github:user/repo'), ON);
  });

  it('gem-unpinned: -v or name:version', () => {
    one('gem-unpinned', stage('RUN gem install bundler'), 'bundler', INFO, ON);
    none('gem-unpinned', stage('RUN gem install rails -v 7.1.3 && gem install bundler:2.5.6'), ON);
  });

  it("are turned on by hadolint's codes in .hadolint.yaml", () => {
    const { settings } = parseConfig('override:\n  warning: [DL3008]\n');
    one('apt-unpinned', stage('RUN apt-get install -y curl'), 'curl', WARNING, settings);
    none('pip-unpinned', stage('RUN pip install flask'), settings);
  });
});
