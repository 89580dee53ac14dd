/** image-untagged, image-latest, image-unpinned-digest and image-untrusted-registry. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { df, INFO, none, of, one, WARNING } from '../fixtures/rules/helpers';

const from = (...lines: string[]) => df(...lines, 'USER app');

describe('image-untagged', () => {
  it('flags a Docker Hub image without tag or digest, ranged on the name', () => {
    const d = one('image-untagged', from('FROM node'), 'node', WARNING);
    assert.match(d.message, /node:<version>/, 'the message says what to add');
  });

  it('ranges on the image name only, not flags or AS name', () => {
    one('image-untagged', from('FROM --platform=linux/amd64 node AS build'), 'node', WARNING);
    one('image-untagged', from('from node as build'), 'node', WARNING);
  });

  it('localhost:5000/app is untagged: the port belongs to the registry, not a tag', () => {
    one('image-untagged', from('FROM localhost:5000/app'), 'localhost:5000/app', WARNING);
  });

  it('localhost:5000/app:1.4 is tagged', () => {
    none('image-untagged', from('FROM localhost:5000/app:1.4'));
  });

  it('a registry host with dots and a nested path is untagged without a tag', () => {
    one('image-untagged', from('FROM registry.example.com/team/app'), 'registry.example.com/team/app', WARNING);
    one('image-untagged', from('FROM localhost/app'), 'localhost/app', WARNING);
    one('image-untagged', from('FROM team/app'), 'team/app', WARNING);
    none('image-untagged', from('FROM registry.example.com/team/app:2.3.1'));
    none('image-untagged', from('FROM registry.example.com:443/team/app:2.3.1'));
  });

  it('a digest pins the image', () => {
    const digest = 'sha256:' + 'a'.repeat(64);
    none('image-untagged', from(`FROM app@${digest}`));
    none('image-untagged', from(`FROM localhost:5000/app@${digest}`));
  });

  it('scratch is exempt', () => {
    none('image-untagged', from('FROM scratch'));
  });

  it('references to earlier stages are exempt, names compared case-insensitively', () => {
    none('image-untagged', from('FROM node:20 AS build', 'FROM build'));
    none('image-untagged', from('FROM node:20 AS Build', 'FROM build'));
    none('image-untagged', from('FROM node:20 AS build', 'FROM BUILD AS final'));
    none('image-untagged', from('FROM node:20 AS build', 'FROM --platform=$BUILDPLATFORM build'));
  });

  it('a stage named later is not an earlier stage: FROM build before "AS build" is an image', () => {
    const found = of('image-untagged', from('FROM build', 'FROM node:20 AS build'));
    assert.deepEqual(
      found.map((d) => [d.line, d.text]),
      [[0, 'build']],
    );
  });

  it('resolves $VAR, ${VAR} and ${VAR:-default} from global ARG defaults', () => {
    const d = one('image-untagged', from('ARG BASE=node', 'FROM $BASE'), '$BASE', WARNING);
    assert.match(d.message, /'\$BASE \(node\)'/, 'the message shows what the variable resolves to');
    one('image-untagged', from('ARG BASE=node', 'FROM ${BASE}'), '${BASE}', WARNING);
    one('image-untagged', from('ARG REGISTRY=ghcr.io', 'FROM ${REGISTRY}/team/app'), '${REGISTRY}/team/app', WARNING);
    one('image-untagged', from('ARG BASE', 'FROM ${BASE:-node}'), '${BASE:-node}', WARNING);
    none('image-untagged', from('ARG TAG=20', 'FROM node:$TAG'));
    none('image-untagged', from('ARG TAG', 'FROM node:${TAG:-20}'));
    none('image-untagged', from('ARG VARIANT=-slim', 'FROM node:20${VARIANT}'));
  });

  it('later global ARGs override earlier ones, and defaults may use earlier ARGs', () => {
    one('image-untagged', from('ARG BASE=node:20', 'ARG BASE=node', 'FROM $BASE'), '$BASE', WARNING);
    none('image-untagged', from('ARG NAME=node', 'ARG BASE=${NAME}:20', 'FROM $BASE'));
  });

  it('leaves a variable without a default alone', () => {
    none('image-untagged', from('ARG BASE', 'FROM $BASE'));
    none('image-untagged', from('FROM $UNDECLARED'));
    none('image-untagged', from('ARG TAG', 'FROM node:$TAG'));
  });

  it('an ARG redeclared inside a stage does not affect a later FROM', () => {
    // Only ARGs before the first FROM are visible to FROM lines.
    none('image-untagged', from('FROM node:20 AS a', 'ARG BASE=node', 'FROM $BASE'));
    none('image-latest', from('ARG TAG=20', 'FROM node:$TAG', 'ARG TAG=latest', 'FROM node:$TAG'));
  });

  it('a variable that resolves to an earlier stage name is exempt', () => {
    none('image-untagged', from('ARG STAGE=build', 'FROM node:20 AS build', 'FROM ${STAGE}'));
  });

  it('a nested default ${A:-${B}/x} resolves the inner variable', () => {
    const d = one(
      'image-untagged',
      from('ARG REGISTRY=docker.io', 'FROM ${IMAGE:-${REGISTRY}/node}'),
      '${IMAGE:-${REGISTRY}/node}',
      WARNING,
    );
    assert.match(d.message, /\(docker\.io\/node\)/);
  });
});

describe('image-latest', () => {
  it('flags the tag latest, ranged on the tag', () => {
    const d = one('image-latest', from('FROM node:latest'), 'latest', WARNING);
    assert.match(d.message, /[Pp]in a version/);
    none('image-untagged', from('FROM node:latest'));
  });

  it('works with registries, ports and stage names', () => {
    one('image-latest', from('FROM localhost:5000/app:latest AS app'), 'latest', WARNING);
    one('image-latest', from('FROM registry.example.com/team/app:latest'), 'latest', WARNING);
  });

  it('node:latest@sha256:… is pinned by its digest, so not image-latest', () => {
    none('image-latest', from('FROM node:latest@sha256:' + 'b'.repeat(64)));
  });

  it('other tags are fine, including ones that merely contain "latest"', () => {
    none('image-latest', from('FROM node:20'));
    none('image-latest', from('FROM node:latest-slim'));
    none('image-latest', from('FROM latest:1.0'));
  });

  it('latest through a global ARG default is flagged on the whole reference', () => {
    const d = one('image-latest', from('ARG TAG=latest', 'FROM node:$TAG'), 'node:$TAG', WARNING);
    assert.match(d.message, /node:latest/);
    one('image-latest', from('ARG TAG', 'FROM node:${TAG:-latest}'), 'node:${TAG:-latest}', WARNING);
  });

  it('references to earlier stages and scratch are exempt', () => {
    const found = of('image-latest', from('FROM node:latest AS base', 'FROM base', 'FROM scratch'));
    assert.deepEqual(
      found.map((d) => d.line),
      [0],
    );
  });
});

describe('image-unpinned-digest', () => {
  const on = { severities: { 'image-unpinned-digest': 'info' as const } };

  it('is off by default', () => {
    none('image-unpinned-digest', from('FROM node:20'));
  });

  it('when enabled, flags a FROM without a digest on the whole reference', () => {
    one('image-unpinned-digest', from('FROM node:20'), 'node:20', INFO, on);
    one('image-unpinned-digest', from('FROM --platform=linux/arm64 ghcr.io/a/b:1 AS x'), 'ghcr.io/a/b:1', INFO, on);
  });

  it('accepts a digest, scratch and earlier stages', () => {
    none('image-unpinned-digest', from('FROM node:20@sha256:' + 'c'.repeat(64)), on);
    none('image-unpinned-digest', from('FROM scratch'), on);
    const found = of('image-unpinned-digest', from('FROM node:20@sha256:' + 'c'.repeat(64) + ' AS a', 'FROM a'), on);
    assert.deepEqual(found, []);
  });
});

describe('image-untrusted-registry', () => {
  it('does nothing without trusted registries', () => {
    none('image-untrusted-registry', from('FROM quay.io/a/b:1'));
    none('image-untrusted-registry', from('FROM quay.io/a/b:1'), { trustedRegistries: [] });
  });

  it('flags an image from a registry outside the list, on the whole reference', () => {
    const d = one('image-untrusted-registry', from('FROM quay.io/a/b:1'), 'quay.io/a/b:1', WARNING, { trustedRegistries: ['ghcr.io'] });
    assert.match(d.message, /quay\.io/);
    assert.match(d.message, /ghcr\.io/);
  });

  it('Docker Hub images have the registry docker.io, written or not', () => {
    one('image-untrusted-registry', from('FROM node:20'), 'node:20', WARNING, { trustedRegistries: ['ghcr.io'] });
    none('image-untrusted-registry', from('FROM node:20', 'FROM docker.io/library/node:20', 'FROM team/app:1'), {
      trustedRegistries: ['docker.io'],
    });
    none('image-untrusted-registry', from('FROM node:20'), { trustedRegistries: ['hub.docker.com'] });
  });

  it('matches registries with ports exactly', () => {
    none('image-untrusted-registry', from('FROM localhost:5000/app:1'), { trustedRegistries: ['localhost:5000'] });
    one('image-untrusted-registry', from('FROM localhost:5001/app:1'), 'localhost:5001/app:1', WARNING, {
      trustedRegistries: ['localhost:5000'],
    });
  });

  it('scratch and earlier stages are not pulled from any registry', () => {
    const found = of('image-untrusted-registry', from('FROM ghcr.io/a/b:1 AS base', 'FROM base', 'FROM scratch'), {
      trustedRegistries: ['ghcr.io'],
    });
    assert.deepEqual(found, []);
  });

  it('honors hadolint-style wildcards such as "*.gcr.io"', () => {
    none('image-untrusted-registry', from('FROM us.gcr.io/team/app:1'), { trustedRegistries: ['*.gcr.io'] });
    one('image-untrusted-registry', from('FROM quay.io/team/app:1'), 'quay.io/team/app:1', WARNING, { trustedRegistries: ['*.gcr.io'] });
  });
});
