/**
 * What the server must know of the Compose language before it loads it (languages/compose.ts, a
 * bundle of its own read when the first Compose file opens): its ids, the files it watches and the
 * capabilities it has, advertised at initialize. compose.ts builds its language from the same.
 */
import { CodeActionKind } from 'vscode-languageserver-types';
import type { LanguageShape } from '../lazyLanguage';

/** The LSP language id of Compose files (VS Code's built-in one). */
export const COMPOSE_LANGUAGE_ID = 'dockercompose';

export const COMPOSE_SHAPE = {
  name: 'Compose',
  // Neovim sends its filetype, `yaml.docker-compose`; VS Code and Helix send `dockercompose`.
  languageIds: [COMPOSE_LANGUAGE_ID, 'yaml.docker-compose'],
  // What the core reads from disk: the project's files, .env, the Dockerfiles builds name.
  watchedFiles: [
    '**/{compose,docker-compose}*.{yaml,yml}',
    '**/.env',
    '**/{Dockerfile,Containerfile}*',
    '**/*.{dockerfile,containerfile,Dockerfile,Containerfile}',
  ],
  features: ['settings', 'diagnostics', 'hover', 'definition', 'references', 'documentHighlights', 'documentSymbols', 'documentLinks'],
  codeActionKinds: [CodeActionKind.QuickFix],
  completion: { triggerCharacters: [' ', '-'], resolve: true },
  rename: true,
} as const satisfies LanguageShape;
