/**
 * The Compose validators the bundles carry (ajv's code generated at build time by
 * scripts/composeValidators.mjs) answer exactly as the ones compiled at run time in plain Node
 * (src/compose/validators.ts): same verdict, same errors, on the fixtures and on values mutated
 * from them into every kind of wrong.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import * as compiled from '../../src/compose/validators';
import { FIXTURES } from '../fixtures/compose/helpers';
import { prng } from '../fixtures/prng';

interface Validators {
  root: ValidateFunction;
  service: ValidateFunction;
}

async function generated(): Promise<Validators> {
  // The build's own generator, a plain .mjs script, so imported by path.
  const script = pathToFileURL(path.join(__dirname, '..', '..', 'scripts', 'composeValidators.mjs')).href;
  const { composeValidatorsSource } = (await import(script)) as { composeValidatorsSource(): string };
  const module = { exports: {} as Validators };
  // The generated module requires ajv's runtime helpers; this file's require finds them.
  new Function('require', 'module', 'exports', composeValidatorsSource())(require, module, module.exports);
  return module.exports;
}

const SAMPLES: unknown[] = [
  ...['classic', 'full', 'full/monitoring', 'full/search'].map((dir) =>
    parse(readFileSync(path.join(FIXTURES, dir, 'compose.yaml'), 'utf8')),
  ),
  {},
  null,
  [],
  'services',
  { services: { web: { imagee: 'a:1', ports: [80, '80:80', { target: 'x' }], depends_on: { db: { condition: 'sometimes' } } } } },
  { services: { 'bad name!': {} }, networks: { front: { driver: 3 } }, version: 3 },
  { services: { web: { build: { context: '.', target: ['x'] }, deploy: { replicas: -1 }, healthcheck: { interval: 5 } } } },
];

/** Replaces one random node of a value with a value of another kind. */
function mutate(value: unknown, random: () => number): unknown {
  const odd = [null, 0, -1, 1.5, '', 'x', true, [], {}, ['a', 1], { unknown_key: 1 }];
  if (value === null || typeof value !== 'object' || random() < 0.15) return odd[Math.floor(random() * odd.length)];
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return copy;
  const key = keys[Math.floor(random() * keys.length)];
  (copy as Record<string, unknown>)[key] = mutate((copy as Record<string, unknown>)[key], random);
  return copy;
}

function answer(validate: ValidateFunction, value: unknown): string {
  const ok = validate(value);
  return JSON.stringify({ ok, errors: validate.errors ?? null });
}

describe('compose validators generated at build time', () => {
  it('answer as the run-time compiled ones, on the fixtures and 600 mutations of them', async () => {
    const built = await generated();
    const random = prng(11);
    const values = [...SAMPLES];
    for (let i = 0; i < 600; i++) values.push(mutate(SAMPLES[i % 4], random));
    let invalid = 0;
    for (const value of values) {
      const expected = answer(compiled.root, value);
      assert.equal(answer(built.root, value), expected, JSON.stringify(value).slice(0, 400));
      if (!compiled.root(value)) invalid++;
      const services = (value as { services?: Record<string, unknown> } | null)?.services;
      for (const service of Object.values(services && typeof services === 'object' ? services : {})) {
        assert.equal(answer(built.service, service), answer(compiled.service, service));
      }
    }
    // Both verdicts are exercised, so agreement means something.
    assert.ok(invalid > 100 && invalid < values.length - 4, `${invalid} of ${values.length} invalid`);
  });
});
