/**
 * Compose files for `berth lint`: in the bundle its own file (dist/cli-compose.js), read when the
 * first Compose file is linted, because the YAML parser, the Compose core and its schema are most
 * of what `berth lint Dockerfile` would otherwise read and compile at every start.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { ComposeWorkspace, lintCompose } from '../compose';
import type { ComposeHost } from '../compose/host';
import type { LintSettings } from '../dockerfile/settings';

/** Lints one Compose file in its project; one linter per run parses each project file once. */
export type ComposeLinter = (file: string, text: string, settings: LintSettings) => Diagnostic[];

export function composeLinter(host: ComposeHost): ComposeLinter {
  const compose = new ComposeWorkspace(host);
  return (file, text, settings) => lintCompose(compose.project(file, compose.document(file, text)), settings);
}
