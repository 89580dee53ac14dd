/**
 * The Compose language's pure core: parse a Compose file, load its project through a host, and
 * lint, complete, hover, navigate and fix it. Features are functions of a project (the file
 * asked about and the files loaded with it), a position and settings, returning LSP types.
 *
 * How a shell uses it (the server, the CLI, tests):
 *
 * ```ts
 * const workspace = new ComposeWorkspace(host);          // one per host; it caches parses
 * const doc = workspace.document(path, text);            // per edit: re-parses only what changed
 * const project = workspace.project(path, doc);          // the files Compose loads with `path`
 * lintCompose(project, settings);                        // diagnostics of `path`
 * completeCompose(project, position);                    // and the other features
 * ```
 *
 * The host answers `readFile` from its own cache (the open editors' text first), so the stage
 * list of a Dockerfile that is being edited, or an override file that is open, is current.
 */
export { parseCompose, type ComposeDocument } from './document';
export { parseDotEnv, type ComposeHost } from './host';
export { ComposeWorkspace, isComposeFile, type ComposeFile, type ComposeProject } from './project';
export { lintCompose, composeSeverities, composeRuleCode, type ComposeLintSettings } from './lint';
export { COMPOSE_RULE_INFO, COMPOSE_RULE_CODES, composeRuleDocUrl, type RuleInfo } from './catalog';
export { composeValidator } from './schema';
export { completeCompose, resolveComposeItem } from './completion';
export { composeWantsImages, hoverCompose } from './hover';
export { composeCodeActions, type ComposeFixContext } from './fixes';
export { composeDefinition, composeReferences, prepareComposeRename, renameCompose } from './navigation';
export { composeSymbols } from './symbols';
export { composeLinks } from './links';
