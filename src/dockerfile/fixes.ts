import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver-types';

/** An image the local engine has, for tag and digest suggestions. */
export interface LocalImage {
  id: string;
  /** e.g. `node:20.11-alpine` */
  repoTags: string[];
  /** e.g. `node@sha256:…` */
  repoDigests: string[];
}

export interface FixContext {
  uri: string;
  /** Images the local engine has; empty or undefined when no engine answers. */
  localImages?: LocalImage[];
}

/** Quick fixes for the berth diagnostics that touch `range`. */
export function codeActions(_text: string, _diagnostics: Diagnostic[], _range: Range, _ctx: FixContext): CodeAction[] {
  return []; // Stub: replaced by the fixes.
}
