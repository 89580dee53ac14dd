/** Variables in instruction arguments (UndefinedVar, UndefinedArgInFrom) and secrets in ARG or ENV. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSecretName } from '../../src/dockerfile/rules/secret-in-arg-env';
import { df, none, one, WARNING } from '../fixtures/rules/helpers';

describe('variable-undefined', () => {
  const CODE = 'variable-undefined';
  it('flags a near miss of a name in scope, on the name, with the suggestion', () => {
    const d = one(CODE, df('FROM node:20', 'ARG APP_ENV=prod', 'LABEL env=$APP_ENVV', 'USER node'), 'APP_ENVV', WARNING);
    assert.match(d.message, /Did you mean 'APP_ENV'\?/);
    one(CODE, df('FROM node:20', 'ENV APP_HOME=/app', 'WORKDIR ${APP_HOEM}', 'USER node'), 'APP_HOEM', WARNING);
    one(CODE, df('FROM node:20', 'ENV APP_HOME=/app', 'COPY --chown=node a \\', '  ${app_home}/', 'USER node'), 'app_home', WARNING);
  });

  it('flags global and platform ARGs used in a stage without declaring them there', () => {
    const d = one(CODE, df('ARG VERSION=1.0', 'FROM node:20', 'LABEL version=$VERSION', 'USER node'), 'VERSION', WARNING);
    assert.match(d.message, /Add 'ARG VERSION' to this stage/);
    one(CODE, df('FROM node:20', 'COPY bin/app-${TARGETARCH} /usr/local/bin/app', 'USER node'), 'TARGETARCH', WARNING);
    none(CODE, df('ARG VERSION=1.0', 'FROM node:20', 'ARG VERSION', 'LABEL version=$VERSION', 'USER node'));
    none(CODE, df('FROM node:20', 'ARG TARGETARCH', 'COPY bin/app-${TARGETARCH} /usr/local/bin/app', 'USER node'));
  });

  it('flags anything undefined when the stage starts from scratch, where no image ENV exists', () => {
    one(CODE, df('FROM scratch', 'WORKDIR /srv/$APP', 'USER 1000'), 'APP', WARNING);
    one(CODE, df('FROM scratch AS base', 'FROM base', 'WORKDIR /srv/$APP', 'USER 1000'), 'APP', WARNING);
  });

  it('accepts what the base image may define, proxies, defaults, and names defined earlier or in the base stage', () => {
    none(CODE, df('FROM node:20', 'ENV PATH=/app/bin:$PATH', 'WORKDIR $NODE_HOME', 'USER node'));
    none(CODE, df('FROM node:20', 'LABEL proxy=$HTTP_PROXY', 'USER node'));
    none(CODE, df('FROM node:20', 'ARG APP_ENV=prod', 'LABEL a=${APP_ENVV:-x} b=${APP_ENVV:+y} c=${APP_ENVV-z}', 'USER node'));
    none(CODE, df('FROM node:20 AS base', 'ENV APP_HOME=/app', 'FROM base', 'WORKDIR $APP_HOME', 'USER node'));
    none(CODE, df('FROM node:20', "LABEL a='$APP_ENVV' b=\\$APP_ENVV", 'ARG APP_ENV', 'USER node'));
  });

  it('leaves RUN, CMD, ENTRYPOINT, HEALTHCHECK and ONBUILD to the shell and the child build', () => {
    const text = df(
      'FROM scratch',
      'RUN echo $NOPE',
      'CMD echo $NOPE',
      'ENTRYPOINT echo $NOPE',
      'HEALTHCHECK CMD test $NOPE',
      'ONBUILD WORKDIR $NOPE',
      'USER 1',
    );
    none(CODE, text);
  });

  it('reads ENV values with the scope before the instruction, as the builder does', () => {
    one(CODE, df('FROM scratch', 'ENV A=1 B=$A', 'USER 1'), 'A', WARNING);
    none(CODE, df('FROM scratch', 'ENV A=1', 'ENV B=$A', 'USER 1'));
    none(CODE, df('FROM scratch', 'ARG A=1 B=$A', 'USER 1'));
  });

  it('checks global ARG defaults against the ARGs before them', () => {
    one(CODE, df('ARG NODE_VERSION=20', 'ARG IMAGE=node:${NODE_VERISON}', 'FROM node:20', 'USER node'), 'NODE_VERISON', WARNING);
    none(CODE, df('ARG NODE_VERSION=20', 'ARG IMAGE=node:${NODE_VERSION}', 'FROM ${IMAGE}', 'USER node'));
  });

  it('understands the backtick escape directive', () => {
    none(CODE, df('# escape=`', 'FROM scratch', 'LABEL a=`$NOPE', 'USER 1'));
    one(CODE, df('# escape=`', 'FROM scratch', 'LABEL a=\\$NOPE', 'USER 1'), 'NOPE', WARNING);
  });
});

describe('from-arg-undefined', () => {
  const CODE = 'from-arg-undefined';
  it('flags a FROM variable no global ARG declares, on the name', () => {
    const d = one(CODE, df('FROM node:${NODE_VERSION}', 'USER node'), 'NODE_VERSION', WARNING);
    assert.match(d.message, /above the first FROM/);
    one(CODE, df('ARG NODE_VERSION=20', 'FROM node:${NODE_VERSOIN}', 'USER node'), 'NODE_VERSOIN', WARNING);
    one(CODE, df('FROM --platform=$PLATFORM node:20', 'USER node'), 'PLATFORM', WARNING);
  });

  it('says so when the ARG is declared inside a stage, where FROM cannot see it', () => {
    const d = one(CODE, df('FROM alpine:3 AS a', 'ARG BASE=node:20', 'FROM ${BASE}', 'USER node'), 'BASE', WARNING);
    assert.match(d.message, /declared inside a stage/);
  });

  it('accepts global ARGs, platform ARGs and defaults', () => {
    none(CODE, df('ARG NODE_VERSION=20', 'FROM node:${NODE_VERSION}', 'USER node'));
    none(CODE, df('FROM --platform=$BUILDPLATFORM golang:1.22 AS build', 'FROM alpine:3', 'USER 1'));
    none(CODE, df('FROM node:${NODE_VERSION:-20}', 'USER node'));
  });
});

describe('secret-in-arg-env', () => {
  const CODE = 'secret-in-arg-env';
  it('flags ARG and ENV names that say they hold a secret, on the name', () => {
    const d = one(CODE, df('FROM node:20', 'ARG NPM_TOKEN', 'USER node'), 'NPM_TOKEN', WARNING);
    assert.match(d.message, /--mount=type=secret/);
    one(CODE, df('FROM node:20', 'ENV DB_PASSWORD=hunter2', 'USER node'), 'DB_PASSWORD', WARNING);
    one(CODE, df('FROM node:20', 'ENV AWS_SECRET_ACCESS_KEY x', 'USER node'), 'AWS_SECRET_ACCESS_KEY', WARNING);
    one(CODE, df('ARG GITHUB_TOKEN', 'FROM node:20', 'USER node'), 'GITHUB_TOKEN', WARNING);
  });

  it('reads names word by word', () => {
    for (const name of [
      'API_KEY',
      'apiKey',
      'STRIPE_APIKEY',
      'PRIVATE_KEY',
      'dbPassword',
      'MYSQL_ROOT_PASSWD',
      'CLIENT_SECRET',
      'SIGNING_KEY',
      'GPG_PASSPHRASE',
    ]) {
      assert.ok(isSecretName(name), name);
    }
    for (const name of [
      'TOKENIZERS_PARALLELISM',
      'GPG_KEY',
      'PUBLIC_KEY',
      'POSTGRES_PASSWORD_FILE',
      'SECRET_NAME',
      'TOKEN_URL',
      'KEYBOARD',
      'PASSWORDLESS',
      'PWD',
      'NODE_ENV',
    ]) {
      assert.ok(!isSecretName(name), name);
    }
  });
});
