import type { Diagnostic } from 'vscode-languageserver-types';
import type { LintSettings } from './settings';

/**
 * Lints a Dockerfile. Every diagnostic has `source: 'berth'`, a stable `code`, a
 * `codeDescription` link to docs/rules/<code>.md, and `data` the quick fixes read.
 */
export function lint(_text: string, _settings: LintSettings = {}): Diagnostic[] {
  return []; // Stub: replaced by the rules engine.
}
