/** user-root and user-missing: which user the final image runs as, following FROM <stage>. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { df, INFO, none, one, WARNING } from '../fixtures/rules/helpers';

describe('user-root', () => {
  it('flags USER root in the final stage, ranged on the user, with what to do', () => {
    const d = one('user-root', df('FROM node:20', 'USER root'), 'root', WARNING);
    assert.match(d.message, /unprivileged user/);
    assert.deepEqual(d.diagnostic.data, { stage: 0 });
  });

  it('recognises 0, root:root, 0:0, root:group and 0:group', () => {
    one('user-root', df('FROM node:20', 'USER 0'), '0', WARNING);
    one('user-root', df('FROM node:20', 'USER root:root'), 'root:root', WARNING);
    one('user-root', df('FROM node:20', 'USER 0:0'), '0:0', WARNING);
    one('user-root', df('FROM node:20', 'USER root:staff'), 'root:staff', WARNING);
    one('user-root', df('FROM node:20', 'USER 0:1000'), '0:1000', WARNING);
  });

  it('does not flag non-root users, including a root group or names that start with root', () => {
    none('user-root', df('FROM node:20', 'USER node'));
    none('user-root', df('FROM node:20', 'USER 1000:1000'));
    none('user-root', df('FROM node:20', 'USER app:root'));
    none('user-root', df('FROM node:20', 'USER 1000:0'));
    none('user-root', df('FROM node:20', 'USER rootless'));
    none('user-root', df('FROM node:20', 'USER 10'));
  });

  it('only the last USER counts: root then an unprivileged user is fine', () => {
    none('user-root', df('FROM node:20', 'USER root', 'RUN apt-get update && apt-get install -y curl', 'USER node'));
    const d = one('user-root', df('FROM node:20', 'USER node', 'RUN id', 'USER root', 'CMD ["id"]'), 'root', WARNING);
    assert.equal(d.line, 3);
  });

  it('root in a build stage only does not make the final image root', () => {
    none('user-root', df('FROM node:20 AS build', 'USER root', 'FROM node:20', 'USER node'));
    none('user-root', df('FROM node:20 AS build', 'USER root', 'FROM node:20'));
  });

  it('follows FROM <stage>: root set in a parent stage applies to the final image', () => {
    const d = one('user-root', df('FROM node:20 AS base', 'USER root', 'FROM base', 'CMD ["node"]'), 'root', WARNING);
    assert.equal(d.line, 1);
    one('user-root', df('FROM node:20 AS base', 'USER 0', 'FROM base AS mid', 'RUN true', 'FROM mid'), '0', WARNING);
  });

  it('follows stage names case-insensitively', () => {
    one('user-root', df('FROM node:20 AS Base', 'USER root', 'FROM BASE'), 'root', WARNING);
  });

  it('a USER in the final stage overrides the parent stage', () => {
    none('user-root', df('FROM node:20 AS base', 'USER root', 'FROM base', 'USER node'));
    one('user-root', df('FROM node:20 AS base', 'USER node', 'FROM base', 'USER root'), 'root', WARNING);
  });

  it('resolves USER through ENV and ARG values in the stage', () => {
    one('user-root', df('FROM node:20', 'ENV RUN_AS=root', 'USER $RUN_AS'), '$RUN_AS', WARNING);
    one('user-root', df('FROM node:20', 'ENV RUN_AS=0', 'USER ${RUN_AS}:0'), '${RUN_AS}:0', WARNING);
    one('user-root', df('FROM node:20', 'ARG RUN_AS=root', 'USER ${RUN_AS}'), '${RUN_AS}', WARNING);
    none('user-root', df('FROM node:20', 'ENV RUN_AS=node', 'USER $RUN_AS'));
    none('user-root', df('FROM node:20', 'ENV RUN_AS=root', 'ENV RUN_AS=node', 'USER $RUN_AS'));
    // An ENV after the USER does not change it.
    none('user-root', df('FROM node:20', 'ENV RUN_AS=node', 'USER $RUN_AS', 'ENV RUN_AS=root'));
  });

  it('leaves USER alone when its variable has no known value', () => {
    none('user-root', df('FROM node:20', 'ARG RUN_AS', 'USER $RUN_AS'));
    none('user-root', df('FROM node:20', 'USER $RUN_AS'));
  });

  it('an ENV set in the parent stage reaches USER in the final stage', () => {
    one('user-root', df('FROM node:20 AS base', 'ENV RUN_AS=root', 'FROM base', 'USER $RUN_AS'), '$RUN_AS', WARNING);
  });

  it('a stage ARG without a value takes the global ARG default', () => {
    one('user-root', df('ARG RUN_AS=root', 'FROM node:20', 'ARG RUN_AS', 'USER $RUN_AS'), '$RUN_AS', WARNING);
  });

  it('reads the legacy `ENV key value` form too', () => {
    one('user-root', df('FROM node:20', 'ENV RUN_AS root', 'USER $RUN_AS'), '$RUN_AS', WARNING);
  });
});

describe('user-missing', () => {
  it('flags a final stage with no USER, ranged on its FROM line, at info', () => {
    const d = one('user-missing', df('FROM node:20', 'CMD ["node"]'), 'FROM node:20', INFO);
    assert.match(d.message, /Add USER/);
    one(
      'user-missing',
      df('FROM node:20 AS build', 'RUN true', 'FROM node:20 AS runtime', 'CMD ["node"]'),
      'FROM node:20 AS runtime',
      INFO,
    );
  });

  it('a USER in a build stage only does not count', () => {
    const d = one('user-missing', df('FROM node:20 AS build', 'USER node', 'FROM node:20', 'CMD ["node"]'), 'FROM node:20', INFO);
    assert.equal(d.line, 2);
  });

  it('a USER inherited from the parent stage counts', () => {
    none('user-missing', df('FROM node:20 AS base', 'USER node', 'FROM base', 'CMD ["node"]'));
    none('user-missing', df('FROM node:20 AS base', 'USER node', 'FROM base AS mid', 'FROM MID'));
  });

  it('a USER in the final stage counts, whoever it is (user-root speaks for root)', () => {
    none('user-missing', df('FROM node:20', 'USER node'));
    none('user-missing', df('FROM node:20', 'USER root'));
    none('user-missing', df('FROM node:20', 'USER $SOMEONE'));
  });

  it('images built to run unprivileged are not flagged', () => {
    none('user-missing', df('FROM gcr.io/distroless/static-debian12:nonroot', 'COPY app /app'));
    none('user-missing', df('FROM cgr.dev/chainguard/node:latest-non-root'));
  });

  it('a file with no stages reports nothing of its own', () => {
    none('user-missing', df('RUN echo hi'));
    none('user-missing', '');
  });
});
