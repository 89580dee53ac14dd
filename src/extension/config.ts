/**
 * The extension's one typed reader of VS Code settings: one getter per setting, and nothing
 * else in the extension calls `getConfiguration`. The language server receives these values
 * through `workspace/configuration` (section `berth`), answered from here (see client.ts).
 */
import * as vscode from 'vscode';
import { composeCommandFromSetting } from '../devenv/compose/cli';

export const SECTION = 'berth';

/** `berth.compose.editingFeatures`: whether Berth completes and hovers in Compose files. */
export type ComposeEditingChoice = 'auto' | 'on' | 'off';

export type TraceLevel = 'off' | 'messages' | 'verbose';

/** What the language server gets for section `berth`. */
export interface ServerSettings {
  /**
   * `berth.rules.<code>`, forwarded whole: the server checks every code and level against its
   * rule catalog and says what is wrong, so the client keeps no list of rules to drift.
   */
  rules: Record<string, unknown>;
  lint: { hadolintConfig: boolean };
  format: { continuationIndent?: number };
  trace: { server: TraceLevel };
  /** The engine the views use, so the server's image lookups ask the same one. */
  docker: { host?: string };
  shellcheck: { enabled: boolean; path?: string };
}

function section(scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scope);
}

/** `berth.rules`: every rule setting as VS Code has it (unset ones as ''), unchecked. */
export function rules(scope?: vscode.ConfigurationScope): Record<string, unknown> {
  const value = section(scope).get<unknown>('rules');
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
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

/**
 * `berth.build.builder`: `auto` (BuildKit when the engine has it), `buildkit` or `classic`.
 * Restricted under Workspace Trust, as builds only run in trusted workspaces anyway.
 */
export function buildBuilder(): 'auto' | 'buildkit' | 'classic' {
  const value = section().get<unknown>('build.builder');
  return value === 'buildkit' || value === 'classic' ? value : 'auto';
}

/** Fires when `berth.docker.host` changes. */
export function onDidChangeDockerHost(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(`${SECTION}.docker.host`)) listener();
  });
}

/**
 * `berth.compose.command`: the Compose to run, as argv words (`["podman", "compose"]`), or
 * undefined to use `docker compose`, else `docker-compose`. Restricted under Workspace Trust
 * (package.json): it chooses a program to run.
 */
export function composeCommand(): string[] | undefined {
  return composeCommandFromSetting(section().get<unknown>('compose.command'));
}

/** Fires when `berth.compose.command` changes. */
export function onDidChangeComposeCommand(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(`${SECTION}.compose.command`)) listener();
  });
}

/** `berth.shellcheck.enabled`: check RUN scripts with ShellCheck when it is installed (default true). */
export function shellcheckEnabled(scope?: vscode.ConfigurationScope): boolean {
  return section(scope).get<boolean>('shellcheck.enabled', true) !== false;
}

/**
 * `berth.shellcheck.path`: the ShellCheck program, or undefined for `shellcheck` on the PATH.
 * Restricted under Workspace Trust (package.json): it chooses a program to run.
 */
export function shellcheckPath(scope?: vscode.ConfigurationScope): string | undefined {
  const value = section(scope).get<unknown>('shellcheck.path');
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** All of the above, shaped as the server reads section `berth`. */
export function serverSettings(scope?: vscode.ConfigurationScope): ServerSettings {
  const indent = continuationIndent(scope);
  return {
    rules: rules(scope),
    lint: { hadolintConfig: hadolintConfig(scope) },
    format: indent === undefined ? {} : { continuationIndent: indent },
    trace: { server: traceServer(scope) },
    docker: { ...(dockerHost() ? { host: dockerHost() } : {}) },
    shellcheck: { enabled: shellcheckEnabled(scope), ...(shellcheckPath(scope) ? { path: shellcheckPath(scope) } : {}) },
  };
}

/** Fires when any Berth setting changes. */
export function onDidChange(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SECTION)) listener();
  });
}
