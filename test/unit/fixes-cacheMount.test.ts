/** The cache-mount fixes: the package manager's cache on a BuildKit cache mount, offered after the plain fix. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionsFor, fix, fixTitles, lines, preferred } from '../fixtures/fixes/helpers';

const debian = (...body: string[]) => lines('FROM debian:12', ...body, 'USER nobody');
const alpine = (...body: string[]) => lines('FROM alpine:3.20', ...body, 'USER nobody');
const python = (...body: string[]) => lines('FROM python:3.12', ...body, 'USER nobody');

describe('cache-mount fixes', () => {
  it('mounts a locked cache on the apt lists, before the RUN’s own flags; deleting the lists stays preferred', () => {
    const text = debian('RUN --network=default apt-get update && apt-get install -y --no-install-recommends curl');
    assert.equal(
      fix(text, 'apt-lists-kept', 'Mount a BuildKit cache on /var/lib/apt/lists'),
      debian(
        'RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked --network=default apt-get update && apt-get install -y --no-install-recommends curl',
      ),
    );
    assert.equal(preferred(text, 'apt-lists-kept').title, "Add '&& rm -rf /var/lib/apt/lists/*'");
  });

  it('offers the mount where deleting the lists is not offered: a heredoc script', () => {
    const text = debian('RUN <<EOF', 'apt-get update', 'apt-get install -y --no-install-recommends curl', 'EOF');
    assert.deepEqual(fixTitles(actionsFor(text, 'apt-lists-kept').actions), ['Mount a BuildKit cache on /var/lib/apt/lists']);
    assert.equal(
      fix(text, 'apt-lists-kept', 'Mount'),
      debian(
        'RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked <<EOF',
        'apt-get update',
        'apt-get install -y --no-install-recommends curl',
        'EOF',
      ),
    );
  });

  it("mounts pip's cache in root's home, also for the exec form", () => {
    assert.equal(
      fix(python('RUN pip install flask'), 'pip-cache-kept', 'Mount a BuildKit cache on /root/.cache/pip'),
      python('RUN --mount=type=cache,target=/root/.cache/pip pip install flask'),
    );
    assert.equal(
      fix(python('RUN ["pip", "install", "flask"]'), 'pip-cache-kept', 'Mount'),
      python('RUN --mount=type=cache,target=/root/.cache/pip ["pip", "install", "flask"]'),
    );
    assert.equal(preferred(python('RUN pip install flask'), 'pip-cache-kept').title, 'Add --no-cache-dir');
  });

  it("offers no pip mount where the cache is not in root's home: another user, a moved HOME or cache dir", () => {
    const offered = (text: string) => fixTitles(actionsFor(text, 'pip-cache-kept').actions);
    assert.deepEqual(offered(lines('FROM python:3.12', 'USER app', 'RUN pip install flask')), ['Add --no-cache-dir']);
    assert.deepEqual(offered(lines('FROM python:3.12', 'USER $APP', 'RUN pip install flask')), ['Add --no-cache-dir']);
    assert.deepEqual(offered(python('ENV PIP_CACHE_DIR=/cache', 'RUN pip install flask')), ['Add --no-cache-dir']);
    assert.deepEqual(offered(python('ENV HOME /home/app', 'RUN pip install flask')), ['Add --no-cache-dir']);
    // A stage built on another inherits its USER.
    assert.deepEqual(offered(lines('FROM python:3.12 AS base', 'USER app', 'FROM base', 'RUN pip install flask')), ['Add --no-cache-dir']);
    assert.deepEqual(offered(lines('FROM python:3.12', 'USER app', 'USER 0:0', 'RUN pip install flask', 'USER app')), [
      'Add --no-cache-dir',
      'Mount a BuildKit cache on /root/.cache/pip',
    ]);
  });

  it("mounts a cache on apk's index", () => {
    assert.equal(
      fix(alpine('RUN apk update && apk add curl'), 'apk-cache-kept', 'Mount a BuildKit cache on /var/cache/apk'),
      alpine('RUN --mount=type=cache,target=/var/cache/apk apk update && apk add curl'),
    );
    assert.equal(preferred(alpine('RUN apk add curl'), 'apk-cache-kept').title, 'Add --no-cache');
  });
});

describe('cache-mount fixes that would break a later RUN', () => {
  it('offers no apt mount while a later RUN, here or in a stage built on this one, installs from the lists', () => {
    const later = (...rest: string[]) =>
      fixTitles(
        actionsFor(
          lines('FROM debian:12 AS base', 'RUN apt-get update && apt-get install -y --no-install-recommends curl', ...rest),
          'apt-lists-kept',
        ).actions,
      );
    assert.deepEqual(later('RUN apt-get install -y --no-install-recommends git'), []);
    // The rule decides per stage and still offers deleting the lists here; the mount stays out.
    assert.deepEqual(later('FROM base', 'RUN apt-get install -y --no-install-recommends git'), ["Add '&& rm -rf /var/lib/apt/lists/*'"]);
    assert.deepEqual(later('RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*'), [
      "Add '&& rm -rf /var/lib/apt/lists/*'",
      'Mount a BuildKit cache on /var/lib/apt/lists',
    ]);
  });
});
