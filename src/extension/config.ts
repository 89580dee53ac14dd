/**
 * The extension's one typed reader of VS Code settings: one getter per setting, and nothing
 * else in the extension calls `getConfiguration`. The language server receives these values
 * through `workspace/configuration` (section `berth`), answered from here (see client.ts).
 */
import * as vscode from 'vscode';
import { EVERY_RULE_CODE } from '../compose/catalog';

export const SECTION = 'berth';

/** Severity a user may give a rule; `off` silences it. */
export type RuleLevel = 'off' | 'hint' | 'info' | 'warning' | 'error';
export const RULE_LEVELS: readonly RuleLevel[] = ['off', 'hint', 'info', 'warning', 'error'];

/**
 * Every rule code a `berth.rules.<code>` setting may name: the Dockerfile and Compose catalogs
 * (package.json declares one setting per rule; test/unit/ruleSettings.test.ts holds the two together).
 */
export const RULE_CODES: readonly string[] = EVERY_RULE_CODE;

/** `berth.compose.editingFeatures`: whether Berth completes and hovers in Compose files. */
export type ComposeEditingChoice = 'auto' | 'on' | 'off';

export type TraceLevel = 'off' | 'messages' | 'verbose';

/** What the language server gets for section `berth`. */
export interface ServerSettings {
  rules: Record<string, RuleLevel>;
  lint: { hadolintConfig: boolean };
  format: { continuationIndent?: number };
  trace: { server: TraceLevel };
  /** The engine the views use, so the server's image lookups ask the same one. */
  docker: { host?: string };
}

function section(scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scope);
}

function isRuleLevel(value: unknown): value is RuleLevel {
  return typeof value === 'string' && (RULE_LEVELS as readonly string[]).includes(value);
}

/**
 * `berth.rules.<code>`: the user's severity for one rule, or undefined so the server's default
 * applies. VS Code reports an unset enum setting as '' (its type default), hence the check.
 */
export function ruleLevel(code: string, scope?: vscode.ConfigurationScope): RuleLevel | undefined {
  const value = section(scope).get<unknown>(`rules.${code}`);
  return isRuleLevel(value) ? value : undefined;
}

/** `berth.format.continuationIndent`: spaces before continuation lines; undefined follows the editor. */
export function continuationIndent(scope?: vscode.ConfigurationScope): number | undefined {
  const value = section(scope).get<unknown>('format.continuationIndent');
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 16 ? value : undefined;
}

/** `berth.lint.hadolintConfig`: whether `.hadolint.yaml` suppressions and registries apply. */
export function hadolintConfig(scope?: vscode.ConfigurationScope): boolean {
  return section(scope).get<boolean>('lint.hadolintConfig', true) !== false;
}

/** `berth.compose.editingFeatures`: `auto` (the default) leaves completion and hover to another Compose language service. */
export function composeEditingFeatures(scope?: vscode.ConfigurationScope): ComposeEditingChoice {
  const value = section(scope).get<unknown>('compose.editingFeatures');
  return value === 'on' || value === 'off' ? value : 'auto';
}

/**
 * Another extension's switch for its Compose language service (`containers.enableComposeLanguageService`,
 * …): true unless set to false, as their defaults are.
 */
export function peerSwitch(setting: string, scope?: vscode.ConfigurationScope): boolean {
  const dot = setting.lastIndexOf('.');
  return vscode.workspace.getConfiguration(setting.slice(0, dot), scope).get<unknown>(setting.slice(dot + 1)) !== false;
}

/** `berth.trace.server`: how much of the LSP traffic the output channel shows. */
export function traceServer(scope?: vscode.ConfigurationScope): TraceLevel {
  const value = section(scope).get<unknown>('trace.server');
  return value === 'messages' || value === 'verbose' ? value : 'off';
}

/**
 * `berth.docker.host`: the engine address (`unix://…`, `tcp://…`, `ssh://…`), or undefined to
 * follow DOCKER_HOST and the docker context as the CLI does. Restricted under Workspace Trust
 * (package.json), so an untrusted workspace cannot point Berth at another engine.
 */
export function dockerHost(): string | undefined {
  const value = section().get<unknown>('docker.host');
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** Fires when `berth.docker.host` changes. */
export function onDidChangeDockerHost(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(`${SECTION}.docker.host`)) listener();
  });
}

/** All of the above, shaped as the server reads section `berth`. */
export function serverSettings(scope?: vscode.ConfigurationScope): ServerSettings {
  const rules: ServerSettings['rules'] = {};
  for (const code of RULE_CODES) {
    const level = ruleLevel(code, scope);
    if (level) rules[code] = level;
  }
  const indent = continuationIndent(scope);
  return {
    rules,
    lint: { hadolintConfig: hadolintConfig(scope) },
    format: indent === undefined ? {} : { continuationIndent: indent },
    trace: { server: traceServer(scope) },
    docker: { ...(dockerHost() ? { host: dockerHost() } : {}) },
  };
}

/** Fires when any Berth setting changes. */
export function onDidChange(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SECTION)) listener();
  });
}
