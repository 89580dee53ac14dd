/**
 * Reads hadolint's `.hadolint.yaml` (plus a `rules:` key of ours) into LintSettings.
 * Pure: callers do the file system work, so the server and the CLI share the exact same reading.
 */
import * as path from 'node:path';
import type { Node as YamlNode, Pair } from 'yaml';
import { ALL_RULE_CODES, ruleCode as catalogCode } from './rules/catalog';
import { SHELLCHECK_CODE, shellCheckCode, type LintSettings, type SettingCode, type SeverityLevel } from './settings';

// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- a type of the module, not an import of it
type Yaml = typeof import('yaml');
let yamlModule: Yaml | undefined;
/**
 * yaml is a quarter of the language server's bundle; it is loaded on the first config file, so a
 * workspace without one never pays for it.
 */
function yaml(): Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see above)
  return (yamlModule ??= require('yaml') as Yaml);
}

/** Where a finding stops failing a CI run; `none` never fails. */
export type FailureThreshold = 'error' | 'warning' | 'info' | 'hint' | 'none';

export interface ConfigResult {
  settings: LintSettings;
  /** hadolint's `failure-threshold`, translated (`style` → `hint`, `ignore` → `none`). */
  failureThreshold?: FailureThreshold;
  /** What is wrong, one line each, prefixed with `source:line:`; the rest of the file still applies. */
  problems: string[];
}

/** The file names looked for in a Dockerfile's folder and its parents, first match wins. */
export const CONFIG_FILE_NAMES: readonly string[] = ['.hadolint.yaml', '.hadolint.yml'];

const LEVELS: readonly SeverityLevel[] = ['off', 'hint', 'info', 'warning', 'error'];

/** hadolint's `override:` groups and the level each one means here. */
const OVERRIDE_LEVELS: Readonly<Record<string, SeverityLevel>> = {
  error: 'error',
  warning: 'warning',
  info: 'info',
  style: 'hint',
};

const THRESHOLDS: Readonly<Record<string, FailureThreshold>> = {
  error: 'error',
  warning: 'warning',
  info: 'info',
  hint: 'hint',
  style: 'hint',
  ignore: 'none',
  none: 'none',
};

/** hadolint keys Berth has no use for; accepted without complaint so shared files keep working. */
const HADOLINT_ONLY_KEYS = new Set(['format', 'no-color', 'no-fail', 'strict-labels', 'label-schema', 'disable-ignore-pragma', 'verbose']);

/** An `off|hint|info|warning|error` level (case-insensitive), or undefined. */
export function parseSeverityLevel(value: unknown): SeverityLevel | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  if (lower === 'information') return 'info';
  return (LEVELS as readonly string[]).includes(lower) ? (lower as SeverityLevel) : undefined;
}

/** A `--failure-threshold` / `failure-threshold:` value (hadolint's names accepted), or undefined. */
export function parseFailureThreshold(value: unknown): FailureThreshold | undefined {
  return typeof value === 'string' ? THRESHOLDS[value.trim().toLowerCase()] : undefined;
}

/**
 * A rule code as Berth knows it: hadolint codes with a counterpart are translated (DL3006 →
 * image-untagged, …), ShellCheck codes are written as ShellCheck writes them (SC2086: they
 * reach the ShellCheck findings of RUN scripts), other hadolint codes give `null` (no effect, no
 * complaint), and anything else is returned as written for the caller to check.
 */
export function ruleCode(raw: string): string | null {
  const code = raw.trim();
  const known = catalogCode(code);
  if (known) return known;
  const shellCheck = shellCheckCode(code);
  if (shellCheck) return shellCheck;
  if (/^(DL|SC)\d+$/i.test(code)) return null;
  return code;
}

/** Whether a code `ruleCode` returned names a ShellCheck check or all of them, which no rule catalog lists. */
export function isShellCheckSetting(code: string): boolean {
  return code === SHELLCHECK_CODE || shellCheckCode(code) !== undefined;
}

export interface ParseConfigOptions {
  /** Name used in problem messages, e.g. the file's path. */
  source?: string;
  /** Codes reported as unknown when outside this list; every rule Berth has by default. */
  knownCodes?: readonly string[];
}

/** Reads a config file's text. Never throws: anything wrong lands in `problems`. */
export function parseConfig(text: string, options: ParseConfigOptions = {}): ConfigResult {
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = yaml();
  const source = options.source ?? '.hadolint.yaml';
  const knownCodes = options.knownCodes ?? ALL_RULE_CODES;
  const settings: LintSettings = {};
  const result: ConfigResult = { settings, problems: [] };
  const lines = new LineCounter();
  const problem = (node: YamlNode | Pair | null | undefined, message: string) => {
    const offset = nodeOffset(node);
    const at = offset === undefined ? '' : `${lines.linePos(offset).line}:`;
    result.problems.push(`${source}:${at} ${message}`);
  };

  let doc;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    result.problems.push(`${source}: cannot read the file as YAML (${String(error)})`);
    return result;
  }
  for (const error of doc.errors) {
    const line = error.pos ? lines.linePos(error.pos[0]).line : undefined;
    const message = error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
    result.problems.push(`${source}:${line === undefined ? '' : `${line}:`} invalid YAML: ${message}`);
  }
  // A broken file still yields what its readable part says, as YAML's own recovery allows.
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return result;
  if (!isMap(root)) {
    problem(root, 'expected a mapping of settings (ignored:, trustedRegistries:, override:, rules:, failure-threshold:)');
    return result;
  }

  const severities: Partial<Record<SettingCode, SeverityLevel>> = {};
  const codeOf = (node: unknown, where: string): SettingCode | null => {
    if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
      problem(node as YamlNode, `${where}: expected a rule code such as DL3006 or image-latest`);
      return null;
    }
    const raw = String(node.value);
    const code = ruleCode(raw);
    if (code === null) return null;
    if (!knownCodes.includes(code) && !isShellCheckSetting(code)) {
      problem(node, `${where}: unknown rule code '${raw}'`);
      return null;
    }
    // A caller's knownCodes may go beyond this catalog (the Compose rules): those ride along in
    // the same settings, and each language's lint reads the codes it has.
    return code as SettingCode;
  };
  const codeList = (value: unknown, where: string): SettingCode[] => {
    if (value === null || value === undefined || (isScalar(value) && value.value === null)) return [];
    if (!isSeq(value)) {
      problem(value as YamlNode, `${where}: expected a list, e.g. [DL3006, image-latest]`);
      return [];
    }
    const codes: SettingCode[] = [];
    for (const item of value.items) {
      const code = codeOf(item, where);
      if (code !== null) codes.push(code);
    }
    return codes;
  };

  // `override:` first, `rules:` second, so our own key has the last word whatever the key order.
  const pairs = [...root.items].sort((a, b) => rank(keyOf(a)) - rank(keyOf(b)));
  for (const pair of pairs) {
    const key = keyOf(pair);
    const value = pair.value;
    switch (key) {
      case 'ignored': {
        const codes = codeList(value, 'ignored');
        if (codes.length) settings.ignored = unique([...(settings.ignored ?? []), ...codes]);
        break;
      }
      case 'trustedRegistries': {
        if (value === null || (isScalar(value) && value.value === null)) break;
        if (!isSeq(value)) {
          problem(value as YamlNode, 'trustedRegistries: expected a list of registry hosts, e.g. [docker.io, ghcr.io]');
          break;
        }
        const registries: string[] = [];
        for (const item of value.items) {
          if (isScalar(item) && typeof item.value === 'string' && item.value.trim()) registries.push(item.value.trim());
          else problem(item as YamlNode, 'trustedRegistries: expected a registry host such as ghcr.io');
        }
        if (registries.length) settings.trustedRegistries = unique(registries);
        break;
      }
      case 'override': {
        if (value === null || (isScalar(value) && value.value === null)) break;
        if (!isMap(value)) {
          problem(value as YamlNode, 'override: expected a mapping such as {error: [DL3006], style: [DL3007]}');
          break;
        }
        for (const group of value.items) {
          const name = keyOf(group);
          const level = name === undefined ? undefined : OVERRIDE_LEVELS[name];
          if (!level) {
            problem(group, `override: unknown level '${name ?? ''}' (use error, warning, info or style)`);
            continue;
          }
          for (const code of codeList(group.value, `override.${name}`)) severities[code] = level;
        }
        break;
      }
      case 'rules': {
        if (value === null || (isScalar(value) && value.value === null)) break;
        if (!isMap(value)) {
          problem(value as YamlNode, 'rules: expected a mapping of rule code to off, hint, info, warning or error');
          break;
        }
        for (const rule of value.items) {
          const code = codeOf(rule.key, 'rules');
          if (code === null) continue;
          const raw = isScalar(rule.value) ? rule.value.value : undefined;
          // YAML 1.1 habits: `off` may arrive as false.
          const level = raw === false ? 'off' : parseSeverityLevel(raw);
          if (!level) problem((rule.value as YamlNode) ?? rule, `rules.${code}: expected off, hint, info, warning or error`);
          else severities[code] = level;
        }
        break;
      }
      case 'failure-threshold': {
        const raw = isScalar(value) ? value.value : undefined;
        const threshold = parseFailureThreshold(raw);
        if (!threshold) problem((value as YamlNode) ?? pair, 'failure-threshold: expected error, warning, info, style or none');
        else result.failureThreshold = threshold;
        break;
      }
      default:
        if (key === undefined) problem(pair, 'expected a plain key');
        else if (!HADOLINT_ONLY_KEYS.has(key)) problem(pair, `unknown key '${key}'`);
    }
  }
  if (Object.keys(severities).length) settings.severities = severities;
  return result;
}

/**
 * Layers settings: later layers win per rule severity; `ignored` and `trustedRegistries` add up.
 * The server calls it with (config file, editor settings) so an explicit editor choice wins.
 */
export function mergeSettings(...layers: (LintSettings | undefined)[]): LintSettings {
  const merged: LintSettings = {};
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.severities && Object.keys(layer.severities).length) {
      merged.severities = { ...merged.severities, ...layer.severities };
    }
    if (layer.ignored?.length) merged.ignored = unique([...(merged.ignored ?? []), ...layer.ignored]);
    if (layer.trustedRegistries?.length) {
      merged.trustedRegistries = unique([...(merged.trustedRegistries ?? []), ...layer.trustedRegistries]);
    }
  }
  return merged;
}

/**
 * The config files to try for a Dockerfile in `dir`, nearest first: each folder from `dir` up to
 * `stopAt` (inclusive, when `dir` is inside it) or else the file system root, as hadolint looks.
 */
export function configSearchPaths(dir: string, stopAt?: string): string[] {
  const paths: string[] = [];
  let current = path.resolve(dir);
  const stop = stopAt === undefined ? undefined : path.resolve(stopAt);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) paths.push(path.join(current, name));
    if (stop !== undefined && current === stop) break;
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return paths;
}

function keyOf(pair: Pair): string | undefined {
  const key = pair.key;
  if (yaml().isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number')) return String(key.value);
  if (typeof key === 'string') return key;
  return undefined;
}

function rank(key: string | undefined): number {
  return key === 'rules' ? 1 : 0;
}

function nodeOffset(node: unknown): number | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const range = (node as { range?: [number, number, number] }).range;
  if (range) return range[0];
  const pairKey = (node as Pair).key;
  if (pairKey && typeof pairKey === 'object') return nodeOffset(pairKey);
  return undefined;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
