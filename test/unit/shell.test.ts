/** Just enough shell to see which commands a RUN executes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandWords, programName, splitCommands } from '../../src/dockerfile/shell';

const words = (text: string) => splitCommands(text).map((c) => c.words);
const programs = (text: string) => splitCommands(text).map((c) => programName(commandWords(c)[0]));

describe('splitCommands', () => {
  it('splits at &&, ||, ;, |, & and newlines, recording the operator that follows', () => {
    const commands = splitCommands('a 1 && b || c; d | e & f\ng');
    assert.deepEqual(
      commands.map((c) => [c.words.join(' '), c.next]),
      [
        ['a 1', '&&'],
        ['b', '||'],
        ['c', ';'],
        ['d', '|'],
        ['e', '&'],
        ['f', '\n'],
        ['g', ''],
      ],
    );
  });

  it('records where each command stands in the text', () => {
    const text = 'apt-get update && apt-get install -y curl';
    const [first, second] = splitCommands(text);
    assert.equal(text.slice(first.start, first.end).trim(), 'apt-get update');
    assert.equal(text.slice(second.start, second.end), 'apt-get install -y curl');
  });

  it('keeps operators inside quotes and removes the quotes', () => {
    assert.deepEqual(words(`echo 'a && b'; echo "c | d"`), [
      ['echo', 'a && b'],
      ['echo', 'c | d'],
    ]);
    assert.deepEqual(words('echo "a\\"b" pre"mid"post'), [['echo', 'a"b', 'premidpost']]);
  });

  it('joins backslash-newline continuations', () => {
    assert.deepEqual(words('apt-get install \\\n  -y curl'), [['apt-get', 'install', '-y', 'curl']]);
  });

  it('drops comments, but not # inside a word', () => {
    assert.deepEqual(words('npm ci # comment && apt-get update'), [['npm', 'ci']]);
    assert.deepEqual(words('echo a#b'), [['echo', 'a#b']]);
    assert.deepEqual(words('#!/bin/sh\nset -e\nnpm ci'), [
      ['set', '-e'],
      ['npm', 'ci'],
    ]);
  });

  it('splits brace groups and opening subshells', () => {
    assert.deepEqual(words('{ npm ci; }'), [['npm', 'ci']]);
    assert.deepEqual(words('(cd app && make)').slice(0, 1), [['cd', 'app']]);
  });

  it('ignores blank text', () => {
    assert.deepEqual(splitCommands(''), []);
    assert.deepEqual(splitCommands('  \n\t;  '), []);
  });

  it('does not leave the closing parenthesis of a subshell on the last word', () => {
    assert.deepEqual(words('(cd app && npm ci)'), [
      ['cd', 'app'],
      ['npm', 'ci'],
    ]);
  });

  it('reads 2>&1 as a redirection, not a background operator', () => {
    assert.deepEqual(programs('make 2>&1 | tee log'), ['make', 'tee']);
    assert.equal(splitCommands('make >/dev/null 2>&1 && echo ok')[0].next, '&&');
  });
});

describe('commandWords', () => {
  const first = (text: string) => commandWords(splitCommands(text)[0]);

  it('skips assignments, sudo, env (with options), exec, time and nice', () => {
    assert.deepEqual(first('DEBIAN_FRONTEND=noninteractive apt-get install -y x'), ['apt-get', 'install', '-y', 'x']);
    assert.deepEqual(first('A=1 B=2 npm ci'), ['npm', 'ci']);
    assert.deepEqual(first('sudo apt-get update'), ['apt-get', 'update']);
    assert.deepEqual(first('sudo -E npm ci'), ['npm', 'ci']);
    assert.deepEqual(first('env -i PATH=/bin npm ci'), ['npm', 'ci']);
    assert.deepEqual(first('exec node app.js'), ['node', 'app.js']);
    assert.deepEqual(first('time nice make'), ['make']);
  });

  it('leaves ordinary commands alone', () => {
    assert.deepEqual(first('npm ci --omit=dev'), ['npm', 'ci', '--omit=dev']);
  });

  it('skips shell keywords before a command', () => {
    assert.deepEqual(programs('if [ -f x ]; then npm ci; else yarn; fi').slice(0, 3), ['[', 'npm', 'yarn']);
    assert.equal(programName(commandWords(splitCommands('for d in a b; do npm ci; done')[1])[0]), 'npm');
    assert.equal(programName(commandWords(splitCommands('! grep -q x f')[0])[0]), 'grep');
  });

  it('skips the value of sudo -u', () => {
    assert.deepEqual(first('sudo -u app npm ci'), ['npm', 'ci']);
  });
});

describe('programName', () => {
  it('drops the directory', () => {
    assert.equal(programName('/usr/bin/apt-get'), 'apt-get');
    assert.equal(programName('./gradlew'), 'gradlew');
    assert.equal(programName('npm'), 'npm');
    assert.equal(programName(undefined), '');
  });
});
