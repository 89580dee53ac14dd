/**
 * The languages the server speaks. A new language is a module beside this one implementing
 * `Language` (../language.ts) and one entry here; the wiring needs nothing else.
 */
import type { LanguageFactory } from '../language';
import { composeLanguage } from './compose';
import { dockerfileLanguage } from './dockerfile';

export const LANGUAGES: readonly LanguageFactory[] = [dockerfileLanguage, composeLanguage];
