/**
 * Whole Dockerfiles fixed the way "fix all" in an editor does: apply the preferred fix of the
 * first diagnostic that has one, lint again, repeat. Each test/fixtures/fixes/<name>.Dockerfile
 * must end up as <name>.fixed.Dockerfile, with only the listed diagnostics left.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { codeActions } from '../../src/dockerfile/fixes';
import { lint } from '../../src/dockerfile/lint';
import { URI, applyAction, digest, image, type Context } from '../fixtures/fixes/helpers';

const DIR = path.join(__dirname, '..', 'fixtures', 'fixes');

const CONTEXT: Context = {
  localImages: [
    image('1', ['node:latest', 'node:22.3.0'], [`node@${digest('1')}`]),
    image('2', ['node:20-slim'], [`node@${digest('2')}`]),
    image('3', ['golang:1.22.5', 'golang:latest'], [`golang@${digest('3')}`]),
    image(
      '4',
      ['gcr.io/distroless/static-debian12:latest', 'gcr.io/distroless/static-debian12:debian12'],
      [`gcr.io/distroless/static-debian12@${digest('4')}`],
    ),
  ],
};

/** What is left for a person to decide once every preferred fix is applied. */
const LEFT: Record<string, string[]> = {
  'node-app': [],
  'python-app': [],
  'go-app': [],
};

function fixAll(text: string): { text: string; applied: string[] } {
  const applied: string[] = [];
  for (let round = 0; round < 50; round++) {
    const diagnostics = lint(text);
    let next: string | undefined;
    for (const d of diagnostics) {
      const best = codeActions(text, [d], d.range, { uri: URI, ...CONTEXT }).find((a) => a.isPreferred);
      if (best) {
        applied.push(`${d.code}: ${best.title}`);
        next = applyAction(text, best);
        break;
      }
    }
    if (next === undefined) return { text, applied };
    assert.notEqual(next, text, `the fix '${applied[applied.length - 1]}' changed nothing`);
    text = next;
  }
  assert.fail(`still fixing after 50 rounds:\n${applied.join('\n')}`);
}

describe('fix all in whole files', () => {
  const names = readdirSync(DIR).filter((f) => f.endsWith('.Dockerfile') && !f.endsWith('.fixed.Dockerfile'));

  it('has the fixtures', () => {
    assert.deepEqual(names.map((n) => n.replace('.Dockerfile', '')).sort(), Object.keys(LEFT).sort());
  });

  for (const name of names) {
    const base = name.replace('.Dockerfile', '');
    it(base, () => {
      const input = readFileSync(path.join(DIR, name), 'utf8');
      const expected = readFileSync(path.join(DIR, `${base}.fixed.Dockerfile`), 'utf8');
      const { text, applied } = fixAll(input);
      assert.ok(applied.length > 0);
      assert.equal(text, expected, `applied:\n${applied.join('\n')}`);
      assert.deepEqual(
        lint(text).map((d) => d.code),
        LEFT[base],
      );
    });
  }
});
