/**
 * What a model edited many times keeps alive: no more than a model parsed afresh from the same
 * text. Models share unchanged instructions and comments with the models before them
 * (incremental.ts), so a string kept as a view into one version's text would keep that version
 * alive as long as the instruction lives; measured on the heap after a full collection.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateDockerfile, singleLineRuns } from '../../bench/generate';
import type { Dockerfile } from '../../src/dockerfile/model';
import { parse } from '../../src/dockerfile/parser';
import { reparse } from '../../src/dockerfile/incremental';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap bytes that `make`'s result keeps alive, after full collections on both sides. */
function retainedBy(make: () => Dockerfile): { model: Dockerfile; bytes: number } {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const model = make();
  gc();
  gc();
  return { model, bytes: process.memoryUsage().heapUsed - before };
}

test('a model edited on 60 different lines keeps no more than a fresh parse of its text', () => {
  const text = generateDockerfile(3000);
  const runs = singleLineRuns(text);
  const edited = retainedBy(() => {
    let model = parse(text);
    // One keystroke on each of 60 RUN lines: each re-parses its instruction from a new version of the text.
    for (let k = 0; k < 60; k++) {
      const line = runs[Math.floor((k * runs.length) / 60)];
      const at = model.lineStarts[line] + 4;
      model = reparse(model, { start: at, end: at, text: 'x' });
    }
    return model;
  });
  const fresh = retainedBy(() => parse(edited.model.text));
  // A view into each edited version kept 60 copies of the ~100 KB text: 6 MB over the fresh parse.
  assert.ok(
    edited.bytes < fresh.bytes + 10 * text.length,
    `the edited model keeps ${(edited.bytes / 1e6).toFixed(1)} MB, a fresh parse ${(fresh.bytes / 1e6).toFixed(1)} MB (text ${(text.length / 1e3).toFixed(0)} KB)`,
  );
});
