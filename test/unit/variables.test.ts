/** Variable references and expansion as BuildKit's shell lexer reads them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandVariables, findAllVariables, findVariables, keyValues, unquote, type VariableRef } from '../../src/dockerfile/variables';
import { prng } from '../fixtures/prng';

const env = (values: Record<string, string>) => (name: string) => values[name];

describe('findVariables', () => {
  it('finds $V and ${V} with their offsets', () => {
    assert.deepEqual(findVariables('a $FOO b ${BAR}c'), [
      { name: 'FOO', start: 2, end: 6, modifier: '', operand: '' },
      { name: 'BAR', start: 9, end: 15, modifier: '', operand: '' },
    ]);
  });

  it('reads every modifier and its operand', () => {
    const refs = findVariables('${A:-d} ${B-e} ${C:+f} ${D+g} ${E:?h} ${F?i}');
    assert.deepEqual(
      refs.map((r) => [r.name, r.modifier, r.operand]),
      [
        ['A', ':-', 'd'],
        ['B', '-', 'e'],
        ['C', ':+', 'f'],
        ['D', '+', 'g'],
        ['E', ':?', 'h'],
        ['F', '?', 'i'],
      ],
    );
  });

  it('names stop at the first character that cannot be in a name', () => {
    assert.deepEqual(
      findVariables('$A-b $B_1.x').map((r) => r.name),
      ['A', 'B_1'],
    );
  });

  it('skips escaped dollars, single-quoted text, $1 and unclosed braces', () => {
    assert.deepEqual(findVariables('\\$A'), []);
    assert.deepEqual(findVariables("'$A'"), []);
    assert.deepEqual(findVariables('$1 $$ $'), []);
    assert.deepEqual(findVariables('${A'), []);
    assert.deepEqual(findVariables('${1A}'), []);
  });

  it('finds variables inside double quotes', () => {
    assert.deepEqual(
      findVariables('"$A"').map((r) => r.name),
      ['A'],
    );
  });

  it('uses the active escape character', () => {
    assert.deepEqual(findVariables('`$A', '`'), []);
    assert.deepEqual(
      findVariables('\\$A', '`').map((r) => r.name),
      ['A'],
    );
  });

  it('an apostrophe inside double quotes does not start single quoting', () => {
    assert.deepEqual(
      findVariables(`"it's $A"`).map((r) => r.name),
      ['A'],
    );
  });
});

describe('expandVariables', () => {
  it('substitutes known values and reports unknown ones', () => {
    assert.deepEqual(expandVariables('node:$TAG', env({ TAG: '20' })), { value: 'node:20', unresolved: false });
    assert.deepEqual(expandVariables('node:${TAG}-slim', env({ TAG: '20' })), { value: 'node:20-slim', unresolved: false });
    assert.deepEqual(expandVariables('node:$TAG', env({})), { value: 'node:', unresolved: true });
  });

  it('text without $ comes back unchanged', () => {
    assert.deepEqual(expandVariables('node:20', env({})), { value: 'node:20', unresolved: false });
  });

  it(':- and - distinguish empty from unset', () => {
    assert.equal(expandVariables('${A:-d}', env({})).value, 'd');
    assert.equal(expandVariables('${A:-d}', env({ A: '' })).value, 'd');
    assert.equal(expandVariables('${A:-d}', env({ A: 'x' })).value, 'x');
    assert.equal(expandVariables('${A-d}', env({})).value, 'd');
    assert.equal(expandVariables('${A-d}', env({ A: '' })).value, '');
    assert.equal(expandVariables('${A:-d}', env({})).unresolved, false);
  });

  it(':+ and + substitute the operand when the variable is set', () => {
    assert.equal(expandVariables('${A:+x}', env({ A: '1' })).value, 'x');
    assert.equal(expandVariables('${A:+x}', env({ A: '' })).value, '');
    assert.equal(expandVariables('${A:+x}', env({})).value, '');
    assert.equal(expandVariables('${A+x}', env({ A: '' })).value, 'x');
  });

  it('operands are expanded too', () => {
    assert.equal(expandVariables('${A:-$B}', env({ B: 'b' })).value, 'b');
  });

  it('leaves escaped dollars in place', () => {
    assert.equal(expandVariables('\\$A$B', env({ A: 'a', B: 'b' })).value, '\\$Ab');
  });

  it('nested braces in an operand', () => {
    assert.equal(expandVariables('${A:-${B}}', env({ B: 'x' })).value, 'x');
    assert.equal(expandVariables('${A:-${B}}/app', env({ A: 'a' })).value, 'a/app');
  });
});

describe('findAllVariables', () => {
  /** The definition: each operand scanned on its own, recursively (fine for the short texts here). */
  const byRecursion = (text: string, escape: string, at = 0, depth = 0): [string, number, number, number][] =>
    findVariables(text, escape).flatMap((r: VariableRef) => [
      [r.name, at + r.start, at + r.end, depth] as [string, number, number, number],
      ...(r.operand ? byRecursion(r.operand, escape, at + r.end - 1 - r.operand.length, depth + 1) : []),
    ]);

  it('finds the references inside operands, with their depth, in source order', () => {
    assert.deepEqual(
      findAllVariables('${A:-$B} ${C:+${D:-x}}').map((r) => [r.name, r.start, r.end, r.depth]),
      [
        ['A', 0, 8, 0],
        ['B', 5, 7, 1],
        ['C', 9, 22, 0],
        ['D', 14, 21, 1],
      ],
    );
  });

  it('agrees with scanning each operand on its own, on seeded random text', () => {
    const rnd = prng(16);
    const pieces = ['$', '${', '}', '{', 'A', 'b_1', ':-', '-', ':+', '?', "'", '"', '\\', '`', ' ', '\n', 'x'];
    for (let run = 0; run < 3000; run++) {
      let text = '';
      const length = Math.floor(rnd() * 30);
      for (let i = 0; i < length; i++) text += pieces[Math.floor(rnd() * pieces.length)];
      for (const escape of ['\\', '`']) {
        assert.deepEqual(
          findAllVariables(text, escape).map((r) => [r.name, r.start, r.end, r.depth]),
          byRecursion(text, escape),
          `${JSON.stringify(text)} escape ${escape}`,
        );
      }
    }
  });

  it('nested 100,000 deep: every level, no stack overflow', () => {
    const depth = 100_000;
    const refs = findAllVariables(`${'${a:-'.repeat(depth)}v${'}'.repeat(depth)}`);
    assert.equal(refs.length, depth);
    assert.equal(refs[depth - 1].depth, depth - 1);
    assert.equal(refs[depth - 1].operand, 'v');
  });

  it('100,000 unclosed braces are no references (one scan, not one per brace)', () => {
    assert.deepEqual(findAllVariables('${a:-'.repeat(100_000)), []);
    assert.deepEqual(findVariables('${a:-'.repeat(100_000)), []);
  });
});

describe('unquote', () => {
  it('removes double and single quotes', () => {
    assert.equal(unquote('"a b"'), 'a b');
    assert.equal(unquote("'a b'"), 'a b');
    assert.equal(unquote('pre"mid"post'), 'premidpost');
  });

  it('keeps the escaped character outside quotes and the special ones inside double quotes', () => {
    assert.equal(unquote('a\\ b'), 'a b');
    assert.equal(unquote('"a\\"b"'), 'a"b');
    assert.equal(unquote('"a\\nb"'), 'a\\nb');
    assert.equal(unquote("'a\\b'"), 'a\\b');
  });

  it('uses the active escape character', () => {
    assert.equal(unquote('a`"b', '`'), 'a"b');
    assert.equal(unquote('C:\\app', '`'), 'C:\\app');
  });

  it('plain words come back unchanged', () => {
    assert.equal(unquote('plain'), 'plain');
  });
});

describe('keyValues', () => {
  it('reads NAME=value pairs, quoted values and bare names', () => {
    assert.deepEqual(keyValues(['A=1', 'B="x y"', 'C', 'D=']), [
      { name: 'A', value: '1' },
      { name: 'B', value: 'x y' },
      { name: 'C', value: undefined },
      { name: 'D', value: '' },
    ]);
  });

  it('only the first = splits', () => {
    assert.deepEqual(keyValues(['URL=http://x/?a=b']), [{ name: 'URL', value: 'http://x/?a=b' }]);
  });
});
