/**
 * Every safe fix at once (berth lint --fix): what it changes, what it leaves to a person, and
 * on every Dockerfile of the fixtures that it ends, adds no error and leaves none of its fixes undone.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { codeActions } from '../../src/dockerfile/fixes';
import { fixAll, NEEDS_A_PERSON } from '../../src/dockerfile/fixAll';
import { lint } from '../../src/dockerfile/lint';
import type { RuleCode } from '../../src/dockerfile/rules/catalog';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

function dockerfiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return dockerfiles(p);
    return /Dockerfile|Containerfile|\.dockerfile$/.test(name) ? [p] : [];
  });
}

describe('fixAll', () => {
  it('applies the safe fixes of a file in one go, keeping CRLF, and leaves USER to a person', () => {
    const text = 'FROM debian:12\r\nRUN apt-get update\r\nRUN apt-get install curl\r\nADD app.txt /app/\r\n';
    const { text: fixed, applied } = fixAll(text);
    assert.equal(
      fixed,
      'FROM debian:12\r\nRUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*\r\nCOPY app.txt /app/\r\n',
    );
    assert.deepEqual([...new Set(applied.map((a) => a.split(':')[0]))].sort(), [
      'add-instead-of-copy',
      'apt-install-recommends',
      'apt-lists-kept',
      'apt-missing-yes',
      'apt-update-alone',
    ]);
    assert.deepEqual(
      lint(fixed).map((d) => d.code),
      ['user-missing'],
    );
  });

  it('on every fixture: ends, adds no error, and leaves no preferred fix undone', () => {
    const files = dockerfiles(FIXTURES);
    assert.ok(files.length > 20);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const { text: fixed } = fixAll(text);
      const errors = (t: string) => lint(t).filter((d) => d.severity === 1).length;
      assert.ok(errors(fixed) <= errors(text), `${file}: the fixes added an error`);
      for (const d of lint(fixed)) {
        if (NEEDS_A_PERSON.has(d.code as RuleCode)) continue;
        const left = codeActions(fixed, [d], d.range, { uri: 'file:///x' }).find((a) => a.isPreferred && a.edit?.changes);
        assert.equal(left, undefined, `${file}: ${d.code} still has a preferred fix after fixAll`);
      }
    }
  });
});
