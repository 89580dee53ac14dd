import { EVERY_RULE_CODE } from '../compose/catalog';
import { CONFIG_FILE_NAMES, isShellCheckSetting, parseSeverityLevel, ruleCode } from '../dockerfile/config';
import type { FormatSettings } from '../dockerfile/format';
import { didYouMean } from '../shared/didYouMean';
import type { LintSettings, SeverityLevel } from '../dockerfile/settings';

/** What the client's `berth` settings section says, checked. */
export interface ClientSettings {
  lint: LintSettings;
  /** `berth.lint.hadolintConfig`: read `.hadolint.yaml` files (default true). */
  hadolintConfig: boolean;
  /** `berth.format.*`: overrides of the editor's formatting options. */
  format: FormatSettings;
  /** `berth.shellcheck.*`: whether RUN scripts go through ShellCheck, and which program (undefined: `shellcheck` on PATH). */
  shellcheck: { enabled: boolean; path: string | undefined };
  problems: string[];
}

/**
 * Reads `{ rules: { <code>: level }, lint: { hadolintConfig }, format: { continuationIndent } }` from whatever the client sent
 * (null, partial or malformed values included): bad entries are reported and skipped. The client
 * sends its whole `berth.rules` section, so every code is checked against the catalog here.
 */
export function readClientSettings(value: unknown): ClientSettings {
  const result: ClientSettings = {
    lint: {},
    hadolintConfig: true,
    format: {},
    shellcheck: { enabled: true, path: undefined },
    problems: [],
  };
  if (!isObject(value)) return result;
  const rules = value.rules;
  if (isObject(rules)) {
    // Dockerfile and Compose codes in one map: each language's lint reads the codes it has.
    const severities: Partial<Record<string, SeverityLevel>> = {};
    for (const [raw, level] of Object.entries(rules)) {
      // VS Code reports an unset enum setting as '' (its type's default); other clients send null.
      if (level === '' || level === null || level === undefined) continue;
      const code = ruleCode(raw);
      // A hadolint code Berth has no rule for: no effect, no complaint, as in .hadolint.yaml.
      if (code === null) continue;
      if (!EVERY_RULE_CODE.includes(code) && !isShellCheckSetting(code)) {
        const near = didYouMean(raw, EVERY_RULE_CODE);
        result.problems.push(
          `Setting berth.rules.${raw}: no rule has that code${near ? `; did you mean '${near}'?` : ''} (the codes are in docs/rules)`,
        );
        continue;
      }
      const parsed = parseSeverityLevel(level);
      if (parsed) severities[code] = parsed;
      else result.problems.push(`Setting berth.rules.${raw}: expected off, hint, info, warning or error, not ${JSON.stringify(level)}`);
    }
    if (Object.keys(severities).length) result.lint.severities = severities as LintSettings['severities'];
  } else if (rules !== undefined && rules !== null) {
    result.problems.push('Setting berth.rules: expected an object of rule code to off, hint, info, warning or error');
  }
  const lint = value.lint;
  if (isObject(lint) && typeof lint.hadolintConfig === 'boolean') result.hadolintConfig = lint.hadolintConfig;
  const format = value.format;
  if (isObject(format) && format.continuationIndent !== undefined && format.continuationIndent !== null) {
    const indent = format.continuationIndent;
    if (typeof indent === 'number' && Number.isInteger(indent) && indent >= 0 && indent <= 16) result.format.continuationIndent = indent;
    else
      result.problems.push(
        `Setting berth.format.continuationIndent: expected a whole number of spaces from 0 to 16, not ${JSON.stringify(indent)}`,
      );
  }
  const shellcheck = value.shellcheck;
  if (isObject(shellcheck)) {
    if (shellcheck.enabled === false) result.shellcheck.enabled = false;
    const program = shellcheck.path;
    if (typeof program === 'string' && program.trim()) result.shellcheck.path = program.trim();
    else if (program !== undefined && program !== null && program !== '')
      result.problems.push(`Setting berth.shellcheck.path: expected the path of a shellcheck program, not ${JSON.stringify(program)}`);
  }
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a change of these files (undefined: of anything) may change the settings: a `.hadolint.yaml` among them. */
export function changesConfigFile(uris: readonly string[] | undefined): boolean {
  return uris === undefined || uris.some((uri) => CONFIG_FILE_NAMES.some((name) => uri.endsWith(`/${name}`)));
}
