/** Lint settings shared by the language server, the CLI and the extension. */
import type { HadolintCode, RuleCode } from './rules/catalog';

export type SeverityLevel = 'off' | 'hint' | 'info' | 'warning' | 'error';

export interface LintSettings {
  /** Per-rule severity overrides, by rule code (hadolint codes are accepted as aliases). */
  severities?: Partial<Record<RuleCode | HadolintCode, SeverityLevel>>;
  /** Rules off in every file (`.hadolint.yaml` `ignored:` lands here). */
  ignored?: (RuleCode | HadolintCode)[];
  /** Registries FROM may use; empty or undefined means any (`.hadolint.yaml` `trustedRegistries`). */
  trustedRegistries?: string[];
}
