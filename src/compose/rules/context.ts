/** What every Compose rule gets: the project, the file checked, and a way to report. */
import type { ComposeDocument, Span } from '../document';
import type { ComposeFile, ComposeProject } from '../project';

export interface Finding {
  code: string;
  span: Span;
  message: string;
  /** What the quick fixes need, carried on the diagnostic. */
  data?: Record<string, unknown>;
  /** LSP diagnostic tags: 1 unnecessary, 2 deprecated. */
  tags?: (1 | 2)[];
}

export interface ComposeRuleContext {
  project: ComposeProject;
  file: ComposeFile;
  doc: ComposeDocument;
  report(finding: Finding): void;
}

export type ComposeRule = (ctx: ComposeRuleContext) => void;
