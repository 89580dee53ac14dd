/** Document links from images to their registry pages; none for stages, scratch or unknown values. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentLinks, registryPage } from '../../src/dockerfile/links';
import { parse } from '../../src/dockerfile/parser';

const targets = (text: string) => documentLinks(parse(text)).map((l) => l.target);

describe('registry pages', () => {
  it('knows Docker Hub official and organisation images', () => {
    assert.equal(registryPage('node:20'), 'https://hub.docker.com/_/node');
    assert.equal(registryPage('library/node'), 'https://hub.docker.com/_/node');
    assert.equal(registryPage('docker.io/library/node@sha256:abc'), 'https://hub.docker.com/_/node');
    assert.equal(registryPage('bitnami/redis:7'), 'https://hub.docker.com/r/bitnami/redis');
    assert.equal(registryPage('docker.io/bitnami/redis'), 'https://hub.docker.com/r/bitnami/redis');
  });

  it('knows the registries whose page addresses follow from the name', () => {
    assert.equal(registryPage('ghcr.io/acme/tool:1'), 'https://ghcr.io/acme/tool');
    assert.equal(registryPage('quay.io/prometheus/node-exporter'), 'https://quay.io/repository/prometheus/node-exporter');
    assert.equal(registryPage('mcr.microsoft.com/dotnet/sdk:8.0'), 'https://mcr.microsoft.com/en-us/artifact/mar/dotnet/sdk');
    assert.equal(registryPage('gcr.io/distroless/static:nonroot'), 'https://console.cloud.google.com/gcr/images/distroless/global/static');
    assert.equal(registryPage('public.ecr.aws/docker/library'), 'https://gallery.ecr.aws/docker/library');
  });

  it('has none for private registries or malformed names', () => {
    assert.equal(registryPage('registry.example.com:5000/team/app:1'), undefined);
    assert.equal(registryPage('localhost:5000/app'), undefined);
    assert.equal(registryPage('Node:20'), undefined);
    assert.equal(registryPage(''), undefined);
  });
});

describe('document links', () => {
  it('links the image name (not the tag) of each FROM', () => {
    const links = documentLinks(parse('FROM node:20-alpine AS build\nFROM --platform=linux/amd64 ghcr.io/acme/tool@sha256:ab\n'));
    assert.deepEqual(
      links.map((l) => [l.target, l.range]),
      [
        ['https://hub.docker.com/_/node', { start: { line: 0, character: 5 }, end: { line: 0, character: 9 } }],
        ['https://ghcr.io/acme/tool', { start: { line: 1, character: 28 }, end: { line: 1, character: 45 } }],
      ],
    );
  });

  it('skips stage references and scratch', () => {
    assert.deepEqual(targets('FROM node:20 AS base\nFROM base\nFROM scratch\nCOPY --from=base /a /a\nCOPY --from=0 /a /a\n'), [
      'https://hub.docker.com/_/node',
    ]);
  });

  it('links the frontend image of the syntax directive', () => {
    const links = documentLinks(parse('# syntax=docker/dockerfile:1.7\nFROM scratch\n'));
    assert.deepEqual(
      links.map((l) => [l.target, l.range.start.character, l.range.end.character]),
      [['https://hub.docker.com/r/docker/dockerfile', 9, 26]],
    );
  });

  it('links COPY --from images', () => {
    assert.deepEqual(targets('FROM scratch\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n'), ['https://hub.docker.com/_/nginx']);
  });

  it('expands global ARG defaults, and skips references that stay unknown', () => {
    assert.deepEqual(targets('ARG IMG=python\nFROM ${IMG}:3.12\n'), ['https://hub.docker.com/_/python']);
    assert.deepEqual(targets('ARG IMG\nFROM ${IMG}:3.12\n'), []);
  });
});
