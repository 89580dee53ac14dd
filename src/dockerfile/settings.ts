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
  /**
   * The ignore file of the build context, as the host read it (the core reads no files), for
   * copy-ignored-file; undefined when there is none or no file to look beside.
   */
  dockerignore?: DockerignoreFile;
}

/** A `.dockerignore` (or `<Dockerfile>.dockerignore`): its name for messages and its text. */
export interface DockerignoreFile {
  name: string;
  text: string;
}
