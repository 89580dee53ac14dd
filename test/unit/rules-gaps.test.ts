/** Gaps closed in rules shared with other families: case subjects with command substitutions, and empty continuations at the end of the file. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitCommands } from '../../src/dockerfile/shell';
import { fix, lines } from '../fixtures/fixes/helpers';
import { df, none, one, WARNING } from '../fixtures/rules/helpers';

describe('a case subject with a command substitution', () => {
  it('reads the `|` of the patterns as alternatives, not pipes', () => {
    none(
      'pipe-without-pipefail',
      df('FROM debian:12', 'RUN case $(uname -m) in x86_64|amd64) A=x ;; aarch64|arm64) A=y ;; esac', 'USER app'),
    );
    none('pipe-without-pipefail', df('FROM debian:12', 'RUN case `uname -m` in x86_64|amd64) A=x ;; esac', 'USER app'));
    none(
      'pipe-without-pipefail',
      df(
        'FROM debian:12',
        'RUN set -eux; \\',
        '  case "$(dpkg --print-architecture)" in \\',
        '    amd64|x86_64) A=x ;; \\',
        '  esac',
        'USER app',
      ),
    );
  });

  it('splits the branches and what follows esac as it does for a plain subject', () => {
    const rest = 'in x86_64|amd64) curl -o a x ;; *) wget y ;; esac; echo $(date | tr a b) | cat';
    const split = (subject: string) => splitCommands(`case ${subject} ${rest}`).map((c) => [c.words, c.next]);
    assert.deepEqual(split('$(uname -m)'), split('x'));
    assert.deepEqual(
      split('$(uname -m)').map(([words]) => words[0]),
      ['curl', 'wget', 'echo', 'tr', 'cat'],
    );
  });

  it('still reports a real pipe in a branch', () => {
    one(
      'pipe-without-pipefail',
      df('FROM debian:12', 'RUN case $(uname -m) in x86_64) curl -fsSL x | sh ;; esac', 'USER app'),
      '|',
      WARNING,
    );
  });
});

describe('continuation-empty at the end of the file', () => {
  it('flags an escape followed only by empty lines, on the escape, and fixes by removing it', () => {
    const text = lines('FROM debian:12', 'USER app', 'RUN echo a \\', '');
    one('continuation-empty', text, '\\', WARNING);
    one('continuation-empty', lines('FROM debian:12', 'USER app', 'RUN echo a \\', '   ', '# done', ''), '\\', WARNING);
    one('continuation-empty', lines('# escape=`', 'FROM debian:12', 'USER app', 'RUN echo a `', ''), '`', WARNING);
    assert.equal(fix(text, 'continuation-empty', 'Remove'), lines('FROM debian:12', 'USER app', 'RUN echo a', ''));
  });

  it('accepts an escape at the very end without an empty line after it', () => {
    none('continuation-empty', lines('FROM debian:12', 'USER app', 'RUN echo a \\'));
    none('continuation-empty', 'FROM debian:12\nUSER app\nRUN echo a \\');
  });
});
