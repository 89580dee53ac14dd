/**
 * A language the server loads when its first document opens. The server advertises capabilities
 * at initialize, so what it advertises for the language is declared up front (its
 * {@link LanguageShape}); every feature forwards to the language itself, which `load` makes on
 * first use. A Dockerfile-only session then never reads the Compose language's code (the YAML
 * parser, the Compose core and its schema): test/unit/lazyLanguage.test.ts checks that the shape
 * advertises what the language has.
 */
import type { ClientCapabilities, CodeActionKind } from 'vscode-languageserver';
import { RequestRefused, type AnyLanguage, type LanguageFactory } from './language';

/** The features that are one function of (document, params), forwarded as they are. */
type PlainFeature =
  | 'settings'
  | 'diagnostics'
  | 'lateDiagnostics'
  | 'hover'
  | 'definition'
  | 'references'
  | 'documentHighlights'
  | 'documentSymbols'
  | 'documentLinks'
  | 'foldingRanges';

/** What the server advertises and routes for a language before it is loaded. */
export interface LanguageShape {
  name: string;
  languageIds: readonly string[];
  watchedFiles?: readonly string[];
  features: readonly PlainFeature[];
  codeActionKinds?: readonly CodeActionKind[];
  completion?: { triggerCharacters: readonly string[]; resolve: boolean };
  rename?: boolean;
}

/**
 * The language's bundle has its own RequestRefused class, which the wiring's `instanceof` does not
 * know: its refusals become the wiring's, by name.
 */
async function refusing<T>(answer: () => T | Promise<T>): Promise<T> {
  try {
    return await answer();
  } catch (error) {
    if (error instanceof Error && error.name === 'RequestRefused' && !(error instanceof RequestRefused))
      throw new RequestRefused(error.message);
    throw error;
  }
}

/** A factory whose language is `shape` until a feature is asked for, then `load()`'s language. */
export function lazyLanguage(shape: LanguageShape, load: () => LanguageFactory): LanguageFactory {
  return (host) => {
    let loaded: AnyLanguage | undefined;
    let client: ClientCapabilities | undefined;
    const language = (): AnyLanguage => {
      if (!loaded) {
        loaded = load()(host);
        if (client) loaded.initialize?.(client);
      }
      return loaded;
    };
    const lazy: AnyLanguage = {
      name: shape.name,
      languageIds: shape.languageIds,
      watchedFiles: shape.watchedFiles,
      initialize(capabilities) {
        client = capabilities;
        loaded?.initialize?.(capabilities);
      },
      parse: (text) => language().parse(text),
      // Before it loads, the language has read no file and no settings: nothing to drop.
      filesChanged: (uris) => (loaded ? loaded.filesChanged?.(uris) : false),
    };
    // The wiring calls only what the shape declares; each call goes to the language's own, as a method.
    const plain = lazy as unknown as Record<PlainFeature, (...args: unknown[]) => unknown>;
    for (const feature of shape.features) {
      plain[feature] = (...args) => (language() as unknown as typeof plain)[feature](...args);
    }
    if (shape.codeActionKinds) {
      lazy.codeActions = {
        kinds: shape.codeActionKinds,
        provide: (doc, params, diagnostics, token) => language().codeActions!.provide(doc, params, diagnostics, token),
      };
    }
    if (shape.completion) {
      lazy.completion = {
        triggerCharacters: shape.completion.triggerCharacters,
        provide: (doc, params) => language().completion!.provide(doc, params),
        ...(shape.completion.resolve ? { resolve: (item) => language().completion!.resolve!(item) } : {}),
      };
    }
    if (shape.rename) {
      lazy.rename = {
        prepare: (doc, params) => refusing(() => language().rename!.prepare(doc, params)),
        provide: (doc, params) => refusing(() => language().rename!.provide(doc, params)),
      };
    }
    return lazy;
  };
}
