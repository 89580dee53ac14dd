/** Inline pragmas (ours and hadolint's) and settings: severities, ignored, trustedRegistries. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveSeverities } from '../../src/dockerfile/lint';
import { df, ERROR, HINT, INFO, none, of, one, run, WARNING } from '../fixtures/rules/helpers';

describe('# berth ignore=', () => {
  it('suppresses the code on the next instruction', () => {
    none('image-untagged', df('# berth ignore=image-untagged', 'FROM node', 'USER node'));
  });

  it('applies to the next instruction only', () => {
    const found = of('image-untagged', df('# berth ignore=image-untagged', 'FROM node AS a', 'FROM python', 'USER app'));
    assert.deepEqual(
      found.map((f) => [f.line, f.text]),
      [[2, 'python']],
    );
  });

  it('suppresses only the codes it names', () => {
    const text = df('FROM node:20', 'USER node', '# berth ignore=image-latest', 'RUN apt-get update');
    one('apt-update-alone', text, 'apt-get update', WARNING);
  });

  it('takes several codes, with or without spaces', () => {
    const text = df('# berth ignore=image-untagged,user-missing', 'FROM node');
    assert.deepEqual(run(text), []);
    assert.deepEqual(run(df('# berth ignore = image-untagged, user-missing', 'FROM node')), []);
  });

  it('skips blank lines and comments between the pragma and the instruction', () => {
    none('image-untagged', df('# berth ignore=image-untagged', '', '# why: the base is built locally', 'FROM node', 'USER node'));
  });

  it('reaches findings anywhere in the instruction: continuation lines and heredoc bodies', () => {
    none(
      'apt-update-alone',
      df('FROM debian:12', 'USER nobody', '# berth ignore=apt-update-alone', 'RUN set -eux; \\', '    apt-get update'),
    );
    none('apt-update-alone', df('FROM debian:12', 'USER nobody', '# berth ignore=apt-update-alone', 'RUN <<EOF', 'apt-get update', 'EOF'));
  });

  it('suppresses a finding on the instruction the finding is ranged on (the COPY for the cache rule)', () => {
    none(
      'cache-copy-before-install',
      df('FROM node:20', '# berth ignore=cache-copy-before-install', 'COPY . .', 'RUN npm ci', 'USER node'),
    );
  });

  it('suppresses user-root on the USER that makes the image root, even in a parent stage', () => {
    none('user-root', df('FROM node:20 AS base', '# berth ignore=user-root', 'USER root', 'FROM base'));
  });

  it('ignores unknown codes in the list and keeps the known ones', () => {
    none('image-untagged', df('# berth ignore=no-such-rule,image-untagged', 'FROM node', 'USER node'));
  });

  it('a pragma with no instruction after it does nothing', () => {
    one('image-untagged', df('FROM node', 'USER node', '# berth ignore=image-untagged'), 'node', WARNING);
  });

  it('an ordinary comment mentioning ignore is not a pragma', () => {
    one('image-untagged', df('# we ignore=nothing here', 'FROM node', 'USER node'), 'node', WARNING);
  });

  it('is case-insensitive like the pragma pattern', () => {
    none('image-untagged', df('# BERTH IGNORE=image-untagged', 'FROM node', 'USER node'));
  });
});

describe('# berth global ignore=', () => {
  it('suppresses the codes everywhere in the file, wherever the pragma stands', () => {
    const text = df('FROM node AS a', 'FROM python', 'USER root', '# berth global ignore=image-untagged, user-root');
    assert.deepEqual(run(text), []);
  });

  it('does not suppress other codes', () => {
    one('user-root', df('# berth global ignore=image-untagged', 'FROM node', 'USER root'), 'root', WARNING);
  });
});

describe('hadolint pragmas', () => {
  it('# hadolint ignore=DL3006 suppresses image-untagged on the next instruction', () => {
    none('image-untagged', df('# hadolint ignore=DL3006', 'FROM node', 'USER node'));
    one('image-untagged', df('# hadolint ignore=DL3006', 'FROM node AS a', 'FROM python', 'USER node'), 'python', WARNING);
  });

  it('DL3007 → image-latest and DL3002 → user-root, several at once', () => {
    none('image-latest', df('# hadolint ignore=DL3007', 'FROM node:latest', 'USER node'));
    none('user-root', df('FROM node:20', '# hadolint ignore=DL3002', 'USER root'));
    const text = df('# hadolint ignore=DL3006,DL3002', 'FROM node', 'USER root');
    none('image-untagged', text);
    one('user-root', text, 'root', WARNING); // The USER is not the instruction under the pragma.
  });

  it('# hadolint global ignore= works file-wide, and lower-case codes are accepted', () => {
    assert.deepEqual(run(df('# hadolint global ignore=DL3006,dl3002', 'FROM node', 'USER root')), []);
  });

  it('hadolint codes without a Berth counterpart are ignored without harm', () => {
    one('image-untagged', df('# hadolint ignore=DL3008', 'FROM node', 'USER node'), 'node', WARNING);
  });
});

describe('settings: severities', () => {
  const text = df('FROM node', 'USER node');

  it('sets a rule severity by our code', () => {
    one('image-untagged', text, 'node', ERROR, { severities: { 'image-untagged': 'error' } });
    one('image-untagged', text, 'node', INFO, { severities: { 'image-untagged': 'info' } });
    one('image-untagged', text, 'node', HINT, { severities: { 'image-untagged': 'hint' } });
  });

  it('sets a rule severity by its hadolint alias', () => {
    one('image-untagged', text, 'node', HINT, { severities: { DL3006: 'hint' } });
  });

  it("'off' turns a rule off, by code or alias", () => {
    none('image-untagged', text, { severities: { 'image-untagged': 'off' } });
    none('image-untagged', text, { severities: { DL3006: 'off' } });
  });

  it('turns a rule that is off by default on', () => {
    one('image-unpinned-digest', text, 'node', WARNING, { severities: { 'image-unpinned-digest': 'warning' } });
  });

  it('leaves other rules at their defaults, and ignores unknown codes and levels', () => {
    const settings = { severities: { 'no-such-rule': 'error', 'user-root': 'loud' } } as never;
    one('image-untagged', text, 'node', WARNING, settings);
    one('user-root', df('FROM node:20', 'USER root'), 'root', WARNING, settings);
  });

  it('effectiveSeverities lists every rule with its default', () => {
    const map = effectiveSeverities({});
    assert.equal(map.get('image-untagged'), 'warning');
    assert.equal(map.get('image-unpinned-digest'), 'off');
    assert.equal(map.get('keyword-casing'), 'hint');
    assert.equal(effectiveSeverities({ severities: { DL3007: 'error' } }).get('image-latest'), 'error');
  });
});

describe('settings: ignored', () => {
  it('ignores rules by our code or hadolint code', () => {
    none('user-missing', df('FROM node:20'), { ignored: ['user-missing'] });
    none('image-latest', df('FROM node:latest', 'USER node'), { ignored: ['DL3007'] });
  });

  it('wins over a severity for the same rule', () => {
    none('image-untagged', df('FROM node', 'USER node'), { severities: { 'image-untagged': 'error' }, ignored: ['DL3006'] });
  });

  it('leaves other rules alone', () => {
    one('image-untagged', df('FROM node'), 'node', WARNING, { ignored: ['user-missing'] });
  });
});

describe('settings: trustedRegistries', () => {
  it('is read from settings (see rules-image for the matching rules)', () => {
    one('image-untrusted-registry', df('FROM quay.io/a/b:1', 'USER node'), 'quay.io/a/b:1', WARNING, {
      trustedRegistries: ['ghcr.io', 'docker.io'],
    });
    none('image-untrusted-registry', df('FROM ghcr.io/a/b:1', 'FROM node:20', 'USER node'), {
      trustedRegistries: ['ghcr.io', 'docker.io'],
    });
  });

  it('findings can be suppressed inline by hadolint code DL3026', () => {
    none('image-untrusted-registry', df('# hadolint ignore=DL3026', 'FROM quay.io/a/b:1', 'USER node'), { trustedRegistries: ['ghcr.io'] });
  });
});

describe('pragmas from hadolint and BuildKit (issue #10)', () => {
  it('honours a hadolint pragma with a trailing comment', () => {
    none('image-untagged', df('# hadolint ignore=DL3006 # built locally', 'FROM node', 'USER node'));
  });

  it('honours `stage ignore` for every instruction of the stage, and no other', () => {
    const text = df(
      'FROM debian:12 AS a',
      '# hadolint stage ignore=DL3003',
      'RUN cd /tmp && make',
      'RUN cd /srv && make',
      'FROM a',
      'RUN cd /opt && make',
      'USER nobody',
    );
    assert.deepEqual(
      of('cd-in-run', text).map((f) => f.line),
      [5],
    );
  });

  it('honours # check=skip= with BuildKit names: for the file as a directive, for the next instruction as a later comment', () => {
    none('json-args-recommended', df('# check=skip=JSONArgsRecommended', 'FROM debian:12', 'USER nobody', 'CMD echo hi'));
    none(
      'json-args-recommended',
      df('# syntax=docker/dockerfile:1', '# check=skip=JSONArgsRecommended', 'FROM debian:12', 'USER nobody', 'CMD echo hi'),
    );
    const later = df(
      'FROM debian:12',
      'USER nobody',
      '# check=skip=JSONArgsRecommended // shell form on purpose',
      'CMD echo hi',
      'ENTRYPOINT echo hi',
    );
    assert.deepEqual(
      of('json-args-recommended', later).map((f) => f.line),
      [4],
    );
    one('json-args-recommended', df('# check=skip=WorkdirRelativePath', 'FROM debian:12', 'USER nobody', 'CMD echo hi'), 'echo hi', INFO);
  });

  it('# check=skip=all skips the checks BuildKit has, and only those', () => {
    const text = df('# check=skip=all', 'FROM node', 'CMD echo hi');
    none('json-args-recommended', text);
    one('image-untagged', text, 'node', WARNING);
  });

  it('# check=error=true makes the BuildKit checks errors', () => {
    one('json-args-recommended', df('# check=error=true', 'FROM debian:12', 'USER nobody', 'CMD echo hi'), 'echo hi', ERROR);
  });
});
