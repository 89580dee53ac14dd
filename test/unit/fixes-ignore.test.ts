/** The two ignore fixes every berth diagnostic gets: for this instruction and in this file. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionsFor, fix, lines } from '../fixtures/fixes/helpers';

describe('ignore for this instruction', () => {
  it('inserts a pragma above the instruction, and the diagnostic is suppressed', () => {
    const text = lines('FROM node', 'USER node');
    const after = fix(text, 'image-untagged', 'Ignore image-untagged for this instruction');
    assert.equal(after, lines('# berth ignore=image-untagged', 'FROM node', 'USER node'));
  });

  it('is offered for every diagnostic, last and not preferred', () => {
    const { actions } = actionsFor(
      lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN npm ci', 'USER node'),
      'cache-copy-before-install',
    );
    assert.deepEqual(
      actions.slice(-2).map((a) => [a.title, a.isPreferred ?? false]),
      [
        ['Ignore cache-copy-before-install for this instruction', false],
        ['Ignore cache-copy-before-install in this file', false],
      ],
    );
  });

  it('takes the indentation of the instruction', () => {
    const text = lines('FROM debian:12', '    RUN apt-get update', 'USER 1000');
    assert.equal(
      fix(text, 'apt-update-alone', 'Ignore apt-update-alone for this'),
      lines('FROM debian:12', '    # berth ignore=apt-update-alone', '    RUN apt-get update', 'USER 1000'),
    );
    const tabs = lines('FROM debian:12', '\tRUN apt-get update', 'USER 1000');
    assert.equal(
      fix(tabs, 'apt-update-alone', 'Ignore apt-update-alone for this'),
      lines('FROM debian:12', '\t# berth ignore=apt-update-alone', '\tRUN apt-get update', 'USER 1000'),
    );
  });

  it('appends the code to a berth ignore pragma right above', () => {
    const text = lines('FROM debian:12', '  # berth ignore=cache-copy-before-install', '  RUN apt-get update', 'USER 1000');
    assert.equal(
      fix(text, 'apt-update-alone', 'Ignore apt-update-alone for this'),
      lines('FROM debian:12', '  # berth ignore=cache-copy-before-install,apt-update-alone', '  RUN apt-get update', 'USER 1000'),
    );
  });

  it('appends before trailing whitespace of the pragma', () => {
    const text = lines('FROM debian:12', '# berth ignore=user-root   ', 'RUN apt-get update', 'USER 1000');
    assert.equal(
      fix(text, 'apt-update-alone', 'Ignore apt-update-alone for this'),
      lines('FROM debian:12', '# berth ignore=user-root,apt-update-alone   ', 'RUN apt-get update', 'USER 1000'),
    );
  });

  it('adds a line under a global pragma or a hadolint pragma rather than appending to them', () => {
    const global = lines('# berth global ignore=user-missing', 'FROM node');
    assert.equal(
      fix(global, 'image-untagged', 'Ignore image-untagged for this'),
      lines('# berth global ignore=user-missing', '# berth ignore=image-untagged', 'FROM node'),
    );
    const hadolint = lines('FROM debian:12', '# hadolint ignore=DL3008', 'RUN apt-get update', 'USER 1000');
    assert.equal(
      fix(hadolint, 'apt-update-alone', 'Ignore apt-update-alone for this'),
      lines('FROM debian:12', '# hadolint ignore=DL3008', '# berth ignore=apt-update-alone', 'RUN apt-get update', 'USER 1000'),
    );
  });

  it('does not append to an ordinary comment above', () => {
    const text = lines('FROM debian:12', '# refresh the index', 'RUN apt-get update', 'USER 1000');
    assert.equal(
      fix(text, 'apt-update-alone', 'Ignore apt-update-alone for this'),
      lines('FROM debian:12', '# refresh the index', '# berth ignore=apt-update-alone', 'RUN apt-get update', 'USER 1000'),
    );
  });

  it('goes above the first line of an instruction that spans several', () => {
    const text = lines('FROM debian:12', 'RUN apt-get update \\', '    && echo done', 'USER 1000');
    assert.equal(
      fix(text, 'apt-update-alone', 'Ignore apt-update-alone for this'),
      lines('FROM debian:12', '# berth ignore=apt-update-alone', 'RUN apt-get update \\', '    && echo done', 'USER 1000'),
    );
  });

  it('suppresses a diagnostic that sits on a later line of its instruction', () => {
    const text = lines('FROM debian:12', 'RUN echo start && \\', '    apt-get update', 'USER 1000');
    assert.equal(
      fix(text, 'apt-update-alone', 'Ignore apt-update-alone for this'),
      lines('FROM debian:12', '# berth ignore=apt-update-alone', 'RUN echo start && \\', '    apt-get update', 'USER 1000'),
    );
  });
});

describe('ignore in this file', () => {
  it('inserts a global pragma on the first line', () => {
    const text = lines('FROM node', 'USER node');
    assert.equal(
      fix(text, 'image-untagged', 'Ignore image-untagged in this file'),
      lines('# berth global ignore=image-untagged', 'FROM node', 'USER node'),
    );
  });

  it('inserts it after the parser directives, which must stay first', () => {
    const text = lines('# syntax=docker/dockerfile:1', '# escape=`', '', 'FROM node', 'USER node');
    const after = fix(text, 'image-untagged', 'Ignore image-untagged in this file');
    assert.equal(
      after,
      lines('# syntax=docker/dockerfile:1', '# escape=`', '# berth global ignore=image-untagged', '', 'FROM node', 'USER node'),
    );
  });

  it('inserts it above an ordinary first comment', () => {
    const text = lines('# Build the web app', 'FROM node', 'USER node');
    assert.equal(
      fix(text, 'image-untagged', 'Ignore image-untagged in this file'),
      lines('# berth global ignore=image-untagged', '# Build the web app', 'FROM node', 'USER node'),
    );
  });

  it('appends the code to an existing global pragma, wherever it is', () => {
    const text = lines('# syntax=docker/dockerfile:1', 'FROM debian:12', '# berth global ignore=user-missing', 'RUN apt-get update');
    assert.equal(
      fix(text, 'apt-update-alone', 'Ignore apt-update-alone in this file'),
      lines('# syntax=docker/dockerfile:1', 'FROM debian:12', '# berth global ignore=user-missing,apt-update-alone', 'RUN apt-get update'),
    );
  });

  it('does not append to an instruction pragma', () => {
    const text = lines('# berth ignore=user-missing', 'FROM node');
    assert.equal(
      fix(text, 'image-untagged', 'Ignore image-untagged in this file'),
      lines('# berth global ignore=image-untagged', '# berth ignore=user-missing', 'FROM node'),
    );
  });

  it('suppresses every diagnostic of the code in the file', () => {
    const text = lines('FROM node AS a', 'FROM python AS b', 'FROM b', 'USER 1000');
    const after = fix(text, 'image-untagged', 'Ignore image-untagged in this file', { index: 1 });
    assert.equal(after, lines('# berth global ignore=image-untagged', 'FROM node AS a', 'FROM python AS b', 'FROM b', 'USER 1000'));
  });
});

describe('ignore in this file: directives that end the file', () => {
  it('starts its own line after a last directive without a newline', () => {
    assert.equal(
      fix('# escape=x', 'escape-invalid', 'Ignore escape-invalid in this file'),
      '# escape=x\n# berth global ignore=escape-invalid',
    );
  });
});
