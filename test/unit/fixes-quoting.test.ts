/**
 * No fix writes inside a quote that never closes or inside a shell comment: the shell would take
 * the text as part of the string or the comment, the finding would stay, and Fix All would repeat
 * the fix. Quotes that close, and comment lines the builder drops from a continuation, are fine.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionsFor, fix, fixTitles, lines } from '../fixtures/fixes/helpers';

const debian = (...body: string[]) => lines('FROM debian:12', ...body, 'USER nobody');
const LISTS = "Add '&& rm -rf /var/lib/apt/lists/*'";
const MOUNT = 'Mount a BuildKit cache on /var/lib/apt/lists';

describe('fixes and quoting', () => {
  // The cache mount goes before the script, where no quote or comment of it reaches.
  it('offers no edit at the end of a RUN whose quote never closes', () => {
    const text = debian('RUN apt-get update && apt-get install -y --no-install-recommends curl "x');
    assert.deepEqual(fixTitles(actionsFor(text, 'apt-lists-kept').actions), [MOUNT]);
  });

  it('offers no edit after a shell comment, which would swallow it', () => {
    const text = debian('RUN apt-get update && apt-get install -y --no-install-recommends curl # tools');
    assert.deepEqual(fixTitles(actionsFor(text, 'apt-lists-kept').actions), [MOUNT]);
  });

  it('still fixes after quotes that close', () => {
    const text = debian('RUN apt-get update && apt-get install -y --no-install-recommends curl && echo "it\'s done"');
    assert.equal(
      fix(text, 'apt-lists-kept', LISTS),
      debian('RUN apt-get update && apt-get install -y --no-install-recommends curl && echo "it\'s done" && rm -rf /var/lib/apt/lists/*'),
    );
  });

  it('still fixes after a comment line inside the continuation, whose apostrophe the shell never sees', () => {
    const text = debian('RUN apt-get update \\', "# don't forget the lists", '  && apt-get install -y --no-install-recommends curl');
    assert.equal(
      fix(text, 'apt-lists-kept', LISTS),
      debian(
        'RUN apt-get update \\',
        "# don't forget the lists",
        '  && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
      ),
    );
  });

  it('renames a variable inside a double-quoted word that closes', () => {
    const text = lines('FROM node:20', 'ENV APP_HOME=/app', 'WORKDIR "$APP_HOEM"', 'USER node');
    assert.equal(
      fix(text, 'variable-undefined', "Change to 'APP_HOME'"),
      lines('FROM node:20', 'ENV APP_HOME=/app', 'WORKDIR "$APP_HOME"', 'USER node'),
    );
  });

  it('edits a heredoc script before a quote that opens later, which the edit is not inside', () => {
    const text = debian('RUN <<EOF', 'apt-get install --no-install-recommends curl', "echo 'unfinished", 'EOF');
    assert.deepEqual(fixTitles(actionsFor(text, 'apt-missing-yes').actions), ['Add -y']);
  });

  it('takes # in ENV for part of the value, as the builder does, not for a comment', () => {
    const text = lines('FROM node:20', 'ENV PORT 3000 # http', 'USER node');
    assert.equal(fix(text, 'legacy-key-value', 'Write ENV PORT=…'), lines('FROM node:20', 'ENV PORT="3000 # http"', 'USER node'));
  });
});
