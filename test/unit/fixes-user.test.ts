/** Quick fixes for user-missing and user-root: add a non-root USER where the image starts running. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionsFor, applyAction, assertFixed, fix, lines, preferred, snippetOf } from '../fixtures/fixes/helpers';

describe('user-missing: add a non-root USER', () => {
  it('inserts USER before CMD, preferred', () => {
    const text = lines('FROM debian:12', 'RUN apt-get update && apt-get install -y curl', 'CMD ["bash"]');
    const { title, text: after } = preferred(text, 'user-missing');
    assert.equal(title, "Add 'USER 10001' before CMD");
    assert.equal(after, lines('FROM debian:12', 'RUN apt-get update && apt-get install -y curl', 'USER 10001', 'CMD ["bash"]'));
  });

  it('inserts USER before ENTRYPOINT when it comes first', () => {
    const text = lines('FROM debian:12', 'RUN true', 'ENTRYPOINT ["/app"]', 'CMD ["--help"]');
    const after = fix(text, 'user-missing', "Add 'USER 10001' before ENTRYPOINT");
    assert.equal(after, lines('FROM debian:12', 'RUN true', 'USER 10001', 'ENTRYPOINT ["/app"]', 'CMD ["--help"]'));
  });

  it('appends USER at the end of the final stage when nothing says what runs', () => {
    const text = lines('FROM golang:1.22 AS build', 'RUN go build -o /app', 'FROM debian:12', 'COPY --from=build /app /app', 'EXPOSE 8080');
    const after = fix(text, 'user-missing', "Add 'USER 10001' at the end of the final stage");
    assert.equal(
      after,
      lines(
        'FROM golang:1.22 AS build',
        'RUN go build -o /app',
        'FROM debian:12',
        'COPY --from=build /app /app',
        'EXPOSE 8080',
        'USER 10001',
      ),
    );
  });

  it('appends after a heredoc and in a file without a final newline', () => {
    assert.equal(
      fix(lines('FROM debian:12', 'RUN <<EOF', 'apt-get update', 'EOF'), 'user-missing', 'Add'),
      lines('FROM debian:12', 'RUN <<EOF', 'apt-get update', 'EOF', 'USER 10001'),
    );
    assert.equal(fix('FROM debian:12\nRUN true', 'user-missing', 'Add'), 'FROM debian:12\nRUN true\nUSER 10001');
  });

  it('uses the node user of node images', () => {
    for (const base of ['node:20', 'node', 'node@sha256:' + 'a'.repeat(64), 'docker.io/library/node:20-alpine']) {
      const text = lines(`FROM ${base}`, 'WORKDIR /app', 'CMD ["node", "index.js"]');
      const { title, text: after } = preferred(text, 'user-missing', { allowNew: [] });
      assert.equal(title, "Add 'USER node' before CMD", base);
      assert.equal(after, lines(`FROM ${base}`, 'WORKDIR /app', 'USER node', 'CMD ["node", "index.js"]'));
    }
  });

  it('does not take node-red for a node image', () => {
    const { title } = preferred(lines('FROM nodered/node-red:4', 'CMD ["x"]'), 'user-missing');
    assert.equal(title, "Add 'USER 10001' before CMD");
  });

  it('offers the user as a snippet placeholder when the client takes snippets', () => {
    const text = lines('FROM debian:12', 'CMD ["bash"]');
    const { actions } = actionsFor(text, 'user-missing', { ctx: { snippetSupport: true } });
    const add = actions.filter((a) => a.title === "Add 'USER 10001' before CMD");
    assert.equal(add.length, 1);
    assert.equal(add[0].isPreferred, true);
    const { edit, value } = snippetOf(add[0]);
    assert.equal(value, 'USER ${1:10001}\n');
    assert.deepEqual(edit.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } });
    const after = applyAction(text, add[0]);
    assert.equal(after, lines('FROM debian:12', 'USER 10001', 'CMD ["bash"]'));
    assertFixed(text, after, 'user-missing');
  });

  it('keeps the plain edit for node images even with snippets', () => {
    const { actions } = actionsFor(lines('FROM node:20', 'CMD ["node"]'), 'user-missing', { ctx: { snippetSupport: true } });
    const add = actions.find((a) => a.title === "Add 'USER node' before CMD");
    assert.ok(add?.edit?.changes);
  });

  it('indents the USER line like the instruction it goes before', () => {
    const text = lines('FROM debian:12', '  RUN true', '  CMD ["x"]');
    assert.equal(fix(text, 'user-missing', 'Add'), lines('FROM debian:12', '  RUN true', '  USER 10001', '  CMD ["x"]'));
  });
});

describe('user-root: add a non-root USER after root', () => {
  it('inserts USER after a USER root in the final stage, before CMD', () => {
    const text = lines(
      'FROM node:20 AS build',
      'USER node',
      'FROM debian:12',
      'USER nobody',
      'RUN id',
      'USER root',
      'RUN apt-get update && apt-get install -y curl',
      'CMD ["bash"]',
    );
    const { title, text: after } = preferred(text, 'user-root');
    assert.equal(title, "Add 'USER 10001' before CMD");
    assert.equal(
      after,
      lines(
        'FROM node:20 AS build',
        'USER node',
        'FROM debian:12',
        'USER nobody',
        'RUN id',
        'USER root',
        'RUN apt-get update && apt-get install -y curl',
        'USER 10001',
        'CMD ["bash"]',
      ),
    );
  });

  it('does not insert before a CMD that comes before USER root', () => {
    const text = lines('FROM debian:12', 'CMD ["bash"]', 'USER root', 'RUN apt-get update && apt-get install -y curl');
    const after = fix(text, 'user-root', "Add 'USER 10001' at the end of the final stage");
    assert.equal(
      after,
      lines('FROM debian:12', 'CMD ["bash"]', 'USER root', 'RUN apt-get update && apt-get install -y curl', 'USER 10001'),
    );
  });

  it('uses node after USER root in a node image', () => {
    const text = lines('FROM node:20-slim', 'USER root', 'RUN npm i -g pm2', 'ENTRYPOINT ["pm2-runtime"]');
    const after = fix(text, 'user-root', "Add 'USER node' before ENTRYPOINT");
    assert.equal(after, lines('FROM node:20-slim', 'USER root', 'RUN npm i -g pm2', 'USER node', 'ENTRYPOINT ["pm2-runtime"]'));
  });

  it('handles root written as 0:0', () => {
    const text = lines('FROM debian:12', 'USER 0:0', 'CMD ["x"]');
    assert.equal(fix(text, 'user-root', 'Add'), lines('FROM debian:12', 'USER 0:0', 'USER 10001', 'CMD ["x"]'));
  });

  it('fixes a root user inherited from an earlier stage in the final stage', () => {
    const text = lines('FROM debian:12 AS base', 'USER root', 'FROM base', 'RUN true', 'CMD ["x"]');
    const after = fix(text, 'user-root', "Add 'USER 10001' before CMD");
    assert.equal(after, lines('FROM debian:12 AS base', 'USER root', 'FROM base', 'RUN true', 'USER 10001', 'CMD ["x"]'));
  });
});
