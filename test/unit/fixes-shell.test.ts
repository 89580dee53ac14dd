/** Fixes for RUN commands: flags added, sudo removed, apt → apt-get, the lists deleted, pipefail. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionsFor, fix, fixTitles, lines, preferred } from '../fixtures/fixes/helpers';

const debian = (...body: string[]) => lines('FROM debian:12', ...body, 'USER nobody');

describe('RUN flag fixes', () => {
  it('adds -y after the verb, keeping continuation lines', () => {
    const text = debian(
      'RUN apt-get update \\',
      '  && apt-get install --no-install-recommends curl \\',
      '  && rm -rf /var/lib/apt/lists/*',
    );
    assert.equal(
      preferred(text, 'apt-missing-yes').text,
      debian('RUN apt-get update \\', '  && apt-get install -y --no-install-recommends curl \\', '  && rm -rf /var/lib/apt/lists/*'),
    );
  });

  it('adds --no-install-recommends, keeping CRLF', () => {
    const text = 'FROM debian:12\r\nRUN apt-get install -y curl \\\r\n  git && rm -rf /var/lib/apt/lists/*\r\nUSER nobody\r\n';
    assert.equal(
      fix(text, 'apt-install-recommends', 'Add --no-install-recommends'),
      'FROM debian:12\r\nRUN apt-get install --no-install-recommends -y curl \\\r\n  git && rm -rf /var/lib/apt/lists/*\r\nUSER nobody\r\n',
    );
  });

  it('deletes the apt lists at the end of the RUN, after its last line', () => {
    const text = debian('RUN apt-get update \\', '  && apt-get install -y --no-install-recommends curl   ');
    assert.equal(
      fix(text, 'apt-lists-kept', 'Add'),
      debian('RUN apt-get update \\', '  && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*   '),
    );
  });

  it('offers no list deletion inside a heredoc or exec form', () => {
    const { actions } = actionsFor(
      debian('RUN <<EOF', 'apt-get update', 'apt-get install -y --no-install-recommends curl', 'EOF'),
      'apt-lists-kept',
    );
    assert.deepEqual(fixTitles(actions), ['Mount a BuildKit cache on /var/lib/apt/lists']);
  });

  it('adds flags inside a heredoc script', () => {
    const text = debian(
      'RUN <<EOF',
      'apt-get update',
      'apt-get install --no-install-recommends curl',
      'rm -rf /var/lib/apt/lists/*',
      'EOF',
    );
    assert.equal(
      fix(text, 'apt-missing-yes', 'Add -y'),
      debian('RUN <<EOF', 'apt-get update', 'apt-get install -y --no-install-recommends curl', 'rm -rf /var/lib/apt/lists/*', 'EOF'),
    );
  });

  it('turns apt into apt-get, but not for verbs apt-get lacks', () => {
    assert.equal(fix(debian('RUN apt update'), 'apt-instead-of-apt-get', 'Use apt-get'), debian('RUN apt-get update'));
    assert.deepEqual(fixTitles(actionsFor(debian('RUN apt list --installed'), 'apt-instead-of-apt-get').actions), []);
  });

  it('adds --no-cache-dir to pip and --no-cache to apk', () => {
    assert.equal(
      fix(debian('RUN python3 -m pip install flask'), 'pip-cache-kept', 'Add'),
      debian('RUN python3 -m pip install --no-cache-dir flask'),
    );
    const alpine = (...body: string[]) => lines('FROM alpine:3.20', ...body, 'USER nobody');
    assert.equal(
      fix(alpine('RUN apk update && apk add curl'), 'apk-cache-kept', 'Add'),
      alpine('RUN apk update && apk add --no-cache curl'),
    );
  });

  it('offers no flag fix in exec form', () => {
    assert.deepEqual(fixTitles(actionsFor(debian('RUN ["pip", "install", "flask"]'), 'pip-cache-kept').actions), [
      'Mount a BuildKit cache on /root/.cache/pip',
    ]);
  });
});

describe('sudo fix', () => {
  it('removes sudo and the space after it', () => {
    assert.equal(fix(debian('RUN sudo make install'), 'sudo-in-run', "Remove 'sudo'"), debian('RUN make install'));
    assert.equal(fix(debian('RUN make && sudo make install'), 'sudo-in-run', 'Remove'), debian('RUN make && make install'));
  });

  it('offers no removal with sudo options or after USER, where the step may need the switch', () => {
    assert.deepEqual(fixTitles(actionsFor(debian('RUN sudo -u app make'), 'sudo-in-run').actions), []);
    assert.deepEqual(fixTitles(actionsFor(lines('FROM debian:12', 'USER app', 'RUN sudo make install'), 'sudo-in-run').actions), []);
  });
});

describe('pipefail fix', () => {
  it('adds a bash SHELL with pipefail after FROM where the base has bash', () => {
    const text = lines('FROM python:3.12-slim', 'RUN curl -fsSL https://x | sh', 'USER nobody');
    const { title, text: after } = preferred(text, 'pipe-without-pipefail');
    assert.equal(title, 'Add SHELL ["/bin/bash", "-o", "pipefail", "-c"] to the stage');
    assert.equal(
      after,
      lines('FROM python:3.12-slim', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'RUN curl -fsSL https://x | sh', 'USER nobody'),
    );
  });

  it('uses busybox ash on Alpine, and follows FROM <stage> to the image', () => {
    assert.equal(
      fix(lines('FROM node:20-alpine AS base', 'FROM base', 'RUN a | b', 'USER node'), 'pipe-without-pipefail', 'Add SHELL'),
      lines('FROM node:20-alpine AS base', 'FROM base', 'SHELL ["/bin/ash", "-o", "pipefail", "-c"]', 'RUN a | b', 'USER node'),
    );
  });

  it('offers nothing when the base image may have no bash', () => {
    assert.deepEqual(
      fixTitles(actionsFor(lines('FROM gcr.io/distroless/base:debug', 'RUN a | b', 'USER nobody'), 'pipe-without-pipefail').actions),
      [],
    );
    assert.deepEqual(fixTitles(actionsFor(lines('FROM busybox:1.36', 'RUN a | b', 'USER nobody'), 'pipe-without-pipefail').actions), []);
  });
});

describe('wget progress fix', () => {
  it('adds --progress=dot:giga after wget, and leaves it out of Fix All (BusyBox wget has no such option)', () => {
    const text = debian('RUN set -eux; \\', '  wget -O /tmp/a.tgz https://example.com/a.tgz');
    assert.equal(
      fix(text, 'wget-without-progress', 'Add --progress=dot:giga'),
      debian('RUN set -eux; \\', '  wget --progress=dot:giga -O /tmp/a.tgz https://example.com/a.tgz'),
    );
    assert.deepEqual(
      actionsFor(text, 'wget-without-progress').actions.filter((a) => a.isPreferred),
      [],
    );
  });
});

describe('useradd -l fix', () => {
  it('adds -l after useradd, and Fix All applies it', () => {
    const text = debian('RUN groupadd -g 123456 app \\', '  && useradd -u 123456 -g app app');
    const after = preferred(text, 'useradd-high-uid');
    assert.equal(after.title, 'Add -l (--no-log-init)');
    assert.equal(after.text, debian('RUN groupadd -g 123456 app \\', '  && useradd -l -u 123456 -g app app'));
  });
});

describe('COPY and ADD fixes', () => {
  it('turns ADD into COPY, keeping the keyword case', () => {
    const text = lines('FROM debian:12', 'WORKDIR /app', 'ADD --chown=app src/ ./src/', 'add a.txt /b.txt', 'USER nobody');
    assert.equal(
      fix(text, 'add-instead-of-copy', 'Use COPY', { remaining: 1 }),
      lines('FROM debian:12', 'WORKDIR /app', 'COPY --chown=app src/ ./src/', 'add a.txt /b.txt', 'USER nobody'),
    );
    assert.equal(
      fix(text, 'add-instead-of-copy', 'Use COPY', { index: 1, remaining: 1 }),
      lines('FROM debian:12', 'WORKDIR /app', 'ADD --chown=app src/ ./src/', 'copy a.txt /b.txt', 'USER nobody'),
    );
  });

  it('renames a misspelt --from to the stage it is closest to, and offers nothing without one', () => {
    const text = lines('FROM node:20 AS builder', 'FROM node:20', 'COPY --from=buidler /app /app', 'USER node');
    assert.equal(
      fix(text, 'copy-from-unknown', "Change to 'builder'"),
      lines('FROM node:20 AS builder', 'FROM node:20', 'COPY --from=builder /app /app', 'USER node'),
    );
    assert.deepEqual(
      fixTitles(
        actionsFor(lines('FROM node:20 AS a', 'FROM node:20', 'COPY --from=zzzzzz /x /x', 'USER node'), 'copy-from-unknown').actions,
      ),
      [],
    );
  });
});

describe('COPY destination fix', () => {
  it('adds the trailing slash, inside the closing quote when quoted, and Fix All applies it', () => {
    const text = lines('FROM node:20', 'WORKDIR /app', 'COPY a b /srv', 'USER node');
    assert.deepEqual(preferred(text, 'copy-dest-not-directory'), {
      title: 'Add / to the destination',
      text: lines('FROM node:20', 'WORKDIR /app', 'COPY a b /srv/', 'USER node'),
    });
    assert.equal(
      fix(lines('FROM node:20', 'WORKDIR /app', 'COPY a b "my dir"', 'USER node'), 'copy-dest-not-directory', 'Add / to the destination'),
      lines('FROM node:20', 'WORKDIR /app', 'COPY a b "my dir/"', 'USER node'),
    );
  });

  it('offers no edit for the exec form', () => {
    const text = lines('FROM node:20', 'WORKDIR /app', 'COPY ["a", "b", "/srv"]', 'USER node');
    assert.deepEqual(fixTitles(actionsFor(text, 'copy-dest-not-directory').actions), []);
  });
});

describe('variable fixes', () => {
  it('renames a misspelt variable to the name in scope', () => {
    const text = lines('FROM node:20', 'ARG APP_ENV=prod', 'LABEL env=${APP_ENVV}', 'USER node');
    assert.equal(
      fix(text, 'variable-undefined', "Change to 'APP_ENV'"),
      lines('FROM node:20', 'ARG APP_ENV=prod', 'LABEL env=${APP_ENV}', 'USER node'),
    );
  });

  it('declares a global or platform ARG in the stage, after its FROM, keeping CRLF', () => {
    const text = 'ARG VERSION=1\r\nFROM node:20\r\nLABEL v=$VERSION\r\nUSER node\r\n';
    assert.equal(
      fix(text, 'variable-undefined', "Add 'ARG VERSION'"),
      'ARG VERSION=1\r\nFROM node:20\r\nARG VERSION\r\nLABEL v=$VERSION\r\nUSER node\r\n',
    );
  });

  it('renames a misspelt global ARG in FROM', () => {
    const text = lines('ARG NODE_VERSION=20', 'FROM node:${NODE_VERSOIN}', 'USER node');
    assert.equal(
      fix(text, 'from-arg-undefined', "Change to 'NODE_VERSION'"),
      lines('ARG NODE_VERSION=20', 'FROM node:${NODE_VERSION}', 'USER node'),
    );
  });
});

describe('join consecutive RUNs', () => {
  it('makes the second RUN a continuation of the first, flags kept, CRLF kept', () => {
    assert.equal(fix(debian('RUN make', 'RUN make install'), 'run-consecutive', 'Join'), debian('RUN make && \\', '    make install'));
    const { actions } = actionsFor(debian('RUN make', 'RUN make install'), 'run-consecutive');
    assert.equal(actions.find((a) => a.title.startsWith('Join'))?.isPreferred, undefined, 'never the automatic fix');
    const crlf = 'FROM debian:12\r\nRUN --mount=type=cache,target=/c a \\\r\n  b\r\nRUN --mount=type=cache,target=/c c\r\nUSER nobody\r\n';
    assert.equal(
      fix(crlf, 'run-consecutive', 'Join'),
      'FROM debian:12\r\nRUN --mount=type=cache,target=/c a \\\r\n  b && \\\r\n    c\r\nUSER nobody\r\n',
    );
  });

  it("uses the escape directive's character", () => {
    const text = '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN a\nRUN b\nUSER nobody\n';
    assert.equal(
      fix(text, 'run-consecutive', 'Join'),
      '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN a && `\n    b\nUSER nobody\n',
    );
  });

  it('offers nothing where joining could change meaning or lose text', () => {
    for (const body of [
      ['RUN a', '# why b runs alone', 'RUN b'],
      ['RUN a', '', 'RUN b'],
      ['RUN a &', 'RUN b'],
      ['RUN a;', 'RUN b'],
      ['RUN <<EOF', 'a', 'EOF', 'RUN b'],
    ]) {
      assert.deepEqual(fixTitles(actionsFor(debian(...body), 'run-consecutive').actions), [], body.join(' / '));
    }
  });
});
