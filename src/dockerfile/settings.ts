/** Lint settings shared by the language server, the CLI and the extension. */

export type SeverityLevel = 'off' | 'hint' | 'info' | 'warning' | 'error';

export interface LintSettings {
  /** Per-rule severity overrides, by rule code (hadolint codes are accepted as aliases). */
  severities?: Record<string, SeverityLevel>;
  /** Rule codes ignored in every file (`.hadolint.yaml` `ignored:` lands here). */
  ignored?: string[];
  /** Registries FROM may use; empty or undefined means any (`.hadolint.yaml` `trustedRegistries`). */
  trustedRegistries?: string[];
}
