/**
 * The languages the server speaks. A new language is a module beside this one implementing
 * `Language` (../language.ts) and one entry here; the wiring needs nothing else. Compose is loaded
 * when its first document opens (a bundle of its own, dist/server-compose.js): a Dockerfile-only
 * session never reads the YAML parser, the Compose core and its schema.
 */
import type { LanguageFactory } from '../language';
import { lazyLanguage } from '../lazyLanguage';
import type * as ComposeModule from './compose';
import { COMPOSE_SHAPE } from './composeShape';
import { dockerfileLanguage } from './dockerfile';

export const LANGUAGES: readonly LanguageFactory[] = [
  dockerfileLanguage,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see above)
  lazyLanguage(COMPOSE_SHAPE, () => (require('./compose') as typeof ComposeModule).composeLanguage),
];
