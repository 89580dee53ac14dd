/**
 * The Compose language loads when its first document opens (src/server/lazyLanguage.ts): until
 * then the server advertises it from its declared shape, which must say what the language has.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverCapabilities } from '../../src/server/capabilities';
import type { AnyLanguage, LanguageFactory, LanguageHost } from '../../src/server/language';
import { lazyLanguage } from '../../src/server/lazyLanguage';
import { composeLanguage } from '../../src/server/languages/compose';
import { COMPOSE_SHAPE } from '../../src/server/languages/composeShape';
import { RequestRefused } from '../../src/server/language';

const host: LanguageHost = {
  log: () => undefined,
  logError: () => undefined,
  reportOnce: () => undefined,
  folders: () => [],
  engineImages: async () => [],
};
const client = { workspace: { workspaceEdit: { snippetEditSupport: true } }, textDocument: { completion: {} } };
const legend = { tokenTypes: [], tokenModifiers: [] };

/** The features a language has, by name, as the wiring sees them. */
function featuresOf(language: AnyLanguage): string[] {
  return Object.entries(language)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key)
    .sort();
}

describe('a lazily loaded language', () => {
  it('advertises for Compose what the Compose language itself has', () => {
    const lazy = lazyLanguage(COMPOSE_SHAPE, () => composeLanguage)(host);
    const real = composeLanguage(host);
    assert.deepEqual(serverCapabilities([lazy], client, legend), serverCapabilities([real], client, legend));
    assert.deepEqual(featuresOf(lazy), featuresOf(real));
    assert.deepEqual([lazy.name, lazy.languageIds, lazy.watchedFiles], [real.name, real.languageIds, real.watchedFiles]);
  });

  it('loads the language on its first document, once, and hands it the client capabilities', () => {
    let loads = 0;
    let initialized: unknown;
    const factory: LanguageFactory = (h) => {
      loads++;
      const real = composeLanguage(h);
      return { ...real, initialize: (c) => ((initialized = c), real.initialize?.(c)) };
    };
    const lazy = lazyLanguage(COMPOSE_SHAPE, () => factory)(host);
    lazy.initialize?.(client);
    assert.equal(lazy.filesChanged?.(undefined), false, 'nothing read yet, nothing to drop');
    assert.equal(loads, 0, 'initialize and file changes do not load it');
    assert.equal(lazy.parse('services: {}\n'), 'services: {}\n');
    lazy.parse('services: {}\n');
    assert.equal(loads, 1);
    assert.equal(initialized, client);
  });

  it('turns a refusal from the loaded bundle (its own RequestRefused class) into the wiring’s', async () => {
    class OtherBundlesRefusal extends Error {
      override name = 'RequestRefused';
    }
    const refusing: LanguageFactory = () => ({
      name: 'Compose',
      languageIds: ['dockercompose'],
      parse: (text: string) => text,
      rename: {
        prepare: () => null,
        provide: () => {
          throw new OtherBundlesRefusal('not a name');
        },
      },
    });
    const lazy = lazyLanguage(COMPOSE_SHAPE, () => refusing)(host);
    await assert.rejects(
      Promise.resolve(lazy.rename!.provide({} as never, {} as never)),
      (error: unknown) => error instanceof RequestRefused && error.message === 'not a name',
    );
  });
});
