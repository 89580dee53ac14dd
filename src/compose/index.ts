/**
 * The Compose language's pure core: parse a Compose file, load its project through a host, and
 * lint, complete, hover, navigate and fix it. Features are functions of a project (the file
 * asked about and the files loaded with it), a position and settings, returning LSP types.
 */
export { parseCompose, type ComposeDocument } from './document';
export type { ComposeHost } from './host';
export { ComposeWorkspace, isComposeFile, type ComposeFile, type ComposeProject } from './project';
export { lintCompose, composeSeverities } from './lint';
export { COMPOSE_RULE_INFO, COMPOSE_RULE_CODES, composeRuleDocUrl } from './catalog';
export { composeValidator } from './schema';
export { completeCompose } from './completion';
export { hoverCompose } from './hover';
export { composeCodeActions, type ComposeFixContext } from './fixes';
export { composeDefinition, composeReferences, prepareComposeRename, renameCompose } from './navigation';
export { composeSymbols } from './symbols';
export { composeLinks } from './links';
export { parseDotEnv } from './host';
