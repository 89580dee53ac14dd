/**
 * What VS Code must find registered from the moment Berth activates, before the code behind it
 * loads (main.ts registers these and loads that code on first use): the tree views and their
 * options, the Stats webview's id, and the documents the language server serves. No imports
 * beyond types, so activation reads this without loading anything else.
 */

/** VS Code's language id of Compose files (its built-in YAML extension names them). */
export const COMPOSE_LANGUAGE = 'dockercompose';

/** Documents the server serves: saved Dockerfiles and Compose files, and new, unsaved ones. */
export const DOCUMENT_SELECTOR = [
  { language: 'dockerfile', scheme: 'file' },
  { language: 'dockerfile', scheme: 'untitled' },
  { language: COMPOSE_LANGUAGE, scheme: 'file' },
  { language: COMPOSE_LANGUAGE, scheme: 'untitled' },
];

/** The tree views' options, fixed when a view is created: by view id. */
export const TREE_VIEWS = {
  'berth.containers': { canSelectMany: true, showCollapseAll: true },
  'berth.images': { canSelectMany: true, showCollapseAll: true },
  'berth.volumes': { canSelectMany: true, showCollapseAll: false },
  'berth.networks': { canSelectMany: true, showCollapseAll: true },
  'berth.registries': { canSelectMany: false, showCollapseAll: true },
} as const;

export type TreeViewId = keyof typeof TREE_VIEWS;

export const STATS_VIEW_ID = 'berth.stats';

/** Where the Compose code lenses go: VS Code's `dockercompose` language, and compose file names written as plain YAML. */
export const COMPOSE_LENS_SELECTOR = [
  { language: COMPOSE_LANGUAGE, scheme: 'file' },
  { language: 'yaml', scheme: 'file', pattern: '**/{compose,docker-compose}{,.*}.{yaml,yml}' },
];

/** The type of Berth's tasks in tasks.json. */
export const TASK_TYPE = 'berth';

/** Berth's own document schemes (inspect, history, manifests, container files) all start so. */
export const OWN_SCHEME_PREFIX = 'berth-';
