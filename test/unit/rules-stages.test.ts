/** COPY and ADD: ADD where COPY does the same, COPY --from names, relative destinations. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { df, ERROR, HINT, INFO, none, one, WARNING } from '../fixtures/rules/helpers';

const stage = (...lines: string[]) => df('FROM debian:12', 'WORKDIR /app', ...lines, 'USER nobody');

describe('add-instead-of-copy', () => {
  const CODE = 'add-instead-of-copy';
  it('flags ADD of local files, folders and plain wildcards, on the keyword', () => {
    one(CODE, stage('ADD src/ /app/src/'), 'ADD', INFO);
    one(CODE, stage('ADD --chown=app:app package.json yarn.lock ./'), 'ADD', INFO);
    one(CODE, stage('ADD ["config.yaml", "/etc/app/"]'), 'ADD', INFO);
    one(CODE, stage('add *.txt /docs/'), 'add', INFO);
    one(CODE, stage('ADD --link \\', '    app.jar /opt/app.jar'), 'ADD', INFO);
  });

  it('accepts what only ADD does: URLs, git, archives, its own flags, variables', () => {
    none(CODE, stage('ADD https://example.com/tool.bin /usr/local/bin/tool'));
    none(CODE, stage('ADD git@github.com:moby/buildkit.git /src'));
    none(CODE, stage('ADD https://github.com/moby/buildkit.git#v0.14.1 /src'));
    none(CODE, stage('ADD rootfs.tar.gz /'));
    none(CODE, stage('ADD vendor.tgz deps.tar.xz /opt/'));
    none(CODE, stage('ADD *.tar.gz /opt/'));
    none(CODE, stage('ADD dist* /opt/'));
    none(CODE, stage('ADD --checksum=sha256:abc https://example.com/a /a'));
    none(CODE, stage('ADD --keep-git-dir=true https://github.com/a/b.git /src'));
    none(CODE, stage('ADD $ARCHIVE /opt/'));
    none(CODE, stage('ADD <<EOF /etc/motd', 'hello', 'EOF'));
    none(CODE, stage('COPY src/ /app/src/'));
  });
});

describe('copy-from-unknown and copy-from-self', () => {
  it('flags a bare --from that names no stage, on the value, suggesting a close stage name', () => {
    const d = one(
      'copy-from-unknown',
      df('FROM node:20 AS builder', 'FROM node:20', 'COPY --from=buidler /app /app', 'USER node'),
      'buidler',
      WARNING,
    );
    assert.match(d.message, /Did you mean 'builder'\?/);
    const far = one(
      'copy-from-unknown',
      df('FROM node:20 AS build', 'FROM node:20', 'COPY --from=assets /a /a', 'USER node'),
      'assets',
      WARNING,
    );
    assert.doesNotMatch(far.message, /Did you mean/);
  });

  it('flags a stage index that does not exist', () => {
    one('copy-from-unknown', df('FROM node:20', 'FROM node:20', 'COPY --from=5 /a /a', 'USER node'), '5', WARNING);
  });

  it('accepts stage names in any case, indexes, image references and variables', () => {
    const ok = (from: string) =>
      none('copy-from-unknown', df('FROM node:20 AS Build', 'FROM node:20', `COPY --from=${from} /a /a`, 'USER node'));
    [
      'build',
      'BUILD',
      '0',
      'nginx:1.27',
      'ghcr.io/org/tool',
      'docker.io/library/busybox',
      'alpine@sha256:abc',
      '$BASE',
      '${STAGE}',
    ].forEach(ok);
  });

  it('flags --from naming its own stage, by name or index, as an error', () => {
    one('copy-from-self', df('FROM node:20 AS app', 'COPY --from=app /a /b', 'USER node'), 'app', ERROR);
    one('copy-from-self', df('FROM node:20 AS a', 'FROM node:20', 'COPY --from=1 /a /b', 'USER node'), '1', ERROR);
    none('copy-from-unknown', df('FROM node:20 AS app', 'COPY --from=app /a /b', 'USER node'));
  });
});

describe('copy-relative-dest', () => {
  const CODE = 'copy-relative-dest';
  it('flags a relative destination when no WORKDIR is set, on the destination', () => {
    one(CODE, df('FROM node:20', 'COPY package.json .', 'USER node'), '.', INFO);
    one(CODE, df('FROM node:20', 'ADD src app/src', 'USER node'), 'app/src', INFO);
    one(CODE, df('FROM node:20', 'COPY a \\', '   b \\', '   dest/', 'USER node'), 'dest/', INFO);
    one(CODE, df('FROM node:20', 'COPY <<EOF app.conf', 'x', 'EOF', 'USER node'), 'app.conf', INFO);
  });

  it('accepts absolute and variable destinations, and any WORKDIR before, here or in the base stage', () => {
    none(CODE, df('FROM node:20', 'COPY package.json /app/', 'USER node'));
    none(CODE, df('FROM node:20', 'COPY ["a", "b", "/app/"]', 'USER node'));
    none(CODE, df('FROM node:20', 'COPY a $APP_HOME/', 'USER node'));
    none(CODE, df('FROM mcr.microsoft.com/windows/nanoserver:ltsc2022', 'COPY app.exe C:\\\\app\\\\'));
    none(CODE, df('FROM node:20', 'WORKDIR /app', 'COPY . .', 'USER node'));
    none(CODE, df('FROM node:20 AS base', 'WORKDIR /app', 'FROM base', 'COPY . .', 'USER node'));
  });
});

describe('copy-dest-not-directory', () => {
  const CODE = 'copy-dest-not-directory';
  const app = (...lines: string[]) => df('FROM node:20', 'WORKDIR /app', ...lines, 'USER node');
  it('flags several sources to a destination without a trailing slash, on the destination, as an error', () => {
    const d = one(CODE, app('COPY package.json package-lock.json /srv'), '/srv', ERROR);
    assert.match(d.message, /'\/srv\/'/);
    one(CODE, app('ADD a.tgz b.tgz lib'), 'lib', ERROR);
    one(CODE, app('COPY --chown=node:node a \\', '   b \\', '   "dest dir"'), '"dest dir"', ERROR);
    one(CODE, app('COPY ["a", "b", "dest"]'), '["a", "b", "dest"]', ERROR);
    one(CODE, app('COPY <<one <<two conf', 'x', 'one', 'y', 'two'), 'conf', ERROR);
    one(CODE, app('ONBUILD COPY a b dest'), 'dest', ERROR);
  });

  it('accepts one source, a trailing slash (quoted too), ., a variable, and a Windows folder', () => {
    none(CODE, app('COPY a dest'));
    none(CODE, app('COPY --from=build /a /b'));
    none(CODE, app('COPY a b dest/'));
    none(CODE, app('COPY a b "dest dir/"'));
    none(CODE, app('COPY ["a", "b", "/dest/"]'));
    none(CODE, app('COPY package.json yarn.lock .'));
    none(CODE, app('COPY a b $DEST'));
    none(CODE, app('COPY a b ${APP_HOME}'));
    none(CODE, df('# escape=`', 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022', 'COPY a.exe b.dll C:\\app\\'));
    none(CODE, app('RUN cp a b dest'));
  });
});

describe('stage-name-reserved', () => {
  it('flags stages named scratch or context, in any case, ranged on the name', () => {
    one('stage-name-reserved', df('FROM debian:12 AS scratch', 'USER nobody'), 'scratch', WARNING);
    one('stage-name-reserved', df('FROM debian:12 AS Context', 'USER nobody'), 'Context', WARNING);
    none('stage-name-reserved', df('FROM scratch', 'FROM scratch AS a', 'USER nobody'));
  });
});

describe('from-as-casing', () => {
  it('flags AS cased unlike its FROM, and leaves a mixed-case FROM alone', () => {
    one('from-as-casing', df('FROM debian:12 as build', 'USER nobody'), 'as', HINT);
    one('from-as-casing', df('from debian:12 AS build', 'USER nobody'), 'AS', HINT);
    none('from-as-casing', df('FROM debian:12 AS build', 'from debian:12 as b2', 'From debian:12 as b3', 'USER nobody'));
  });

  it('reads BuildKit check names in # check=skip', () => {
    none('from-as-casing', df('# check=skip=FromAsCasing', 'FROM debian:12 as build', 'USER nobody'));
  });
});
