/** Lint settings shared by the language server, the CLI and the extension. */
import type { HadolintCode, RuleCode } from './rules/catalog';

export type SeverityLevel = 'off' | 'hint' | 'info' | 'warning' | 'error';

/** A ShellCheck code (`SC2086`): settings, pragmas and `.hadolint.yaml` name single ShellCheck checks so. */
export type ShellCheckCode = `SC${number}`;

/** The code of every ShellCheck finding as a whole: `berth.rules.shellcheck` turns them off or sets their level. */
export const SHELLCHECK_CODE = 'shellcheck';

/** Any code a setting may name for a Dockerfile. */
export type SettingCode = RuleCode | HadolintCode | ShellCheckCode | typeof SHELLCHECK_CODE;

export interface LintSettings {
  /** Per-rule severity overrides, by rule code (hadolint codes are accepted as aliases, ShellCheck codes per check). */
  severities?: Partial<Record<SettingCode, SeverityLevel>>;
  /** Rules off in every file (`.hadolint.yaml` `ignored:` lands here). */
  ignored?: SettingCode[];
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

/** `SC2086` (any case, as pragmas and config files write it) as ShellCheck writes it, or undefined. */
export function shellCheckCode(raw: string): ShellCheckCode | undefined {
  const m = /^\s*SC(\d{4})\s*$/i.exec(raw);
  return m ? (`SC${m[1]}` as ShellCheckCode) : undefined;
}
