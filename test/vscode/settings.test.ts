import * as vscode from 'vscode';
import type { RuleCode } from '../../src/dockerfile/rules/catalog';
import { POSITIVE, type Example } from '../fixtures/rules/examples';
import { test } from './harness';
import { closeAllEditors, codeOf, hasCode, lacksCode, openDockerfile, waitForDiagnostics, writeWorkspaceFile } from './util';

test('berth.rules.<code> = off turns a rule off, and unsetting it turns it back on', async () => {
  const uri = writeWorkspaceFile('settings/Dockerfile', 'FROM node\nUSER node\n');
  await openDockerfile(uri);
  await waitForDiagnostics(uri, hasCode('image-untagged'), 'image-untagged with default settings');
  // The test reads settings directly: the extension's own code goes through src/extension/config.ts.
  const settings = vscode.workspace.getConfiguration('berth');
  try {
    await settings.update('rules.image-untagged', 'off', vscode.ConfigurationTarget.Workspace);
    await waitForDiagnostics(uri, lacksCode('image-untagged'), 'image-untagged to go once the rule is off');
  } finally {
    await settings.update('rules.image-untagged', undefined, vscode.ConfigurationTarget.Workspace);
  }
  await waitForDiagnostics(uri, hasCode('image-untagged'), 'image-untagged to return once the setting is unset');
  await closeAllEditors();
});

type Level = 'off' | 'hint' | 'info' | 'warning' | 'error';
const SEVERITY: Record<Exclude<Level, 'off'>, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};
/** Few enough documents open at once that VS Code keeps every one of them. */
const BATCH = 7;

/** What the user sees for the rule's own example at `level`: its diagnostic at that severity, or none. */
function shows(code: RuleCode, level: Level) {
  return (diagnostics: vscode.Diagnostic[]) => {
    const own = diagnostics.filter((d) => codeOf(d) === code);
    return level === 'off' ? own.length === 0 : own.length === 1 && own[0].severity === SEVERITY[level];
  };
}

/** The example's file, with a `.hadolint.yaml` or `.dockerignore` beside it when the rule needs one. */
function writeExample(code: RuleCode, example: Example): vscode.Uri {
  const registries = example.settings?.trustedRegistries;
  if (registries) writeWorkspaceFile(`settings-every-rule/${code}/.hadolint.yaml`, `trustedRegistries: [${registries.join(', ')}]\n`);
  const ignore = example.settings?.dockerignore;
  if (ignore) writeWorkspaceFile(`settings-every-rule/${code}/${ignore.name}`, ignore.text);
  return writeWorkspaceFile(`settings-every-rule/${code}/Dockerfile`, example.text);
}

test(`off and error reach the server for every rule code (${Object.keys(POSITIVE).length} rules)`, async () => {
  const settings = vscode.workspace.getConfiguration('berth');
  const set = (codes: RuleCode[], level: (code: RuleCode) => Level | undefined) =>
    Promise.all(codes.map((code) => settings.update(`rules.${code}`, level(code), vscode.ConfigurationTarget.Workspace)));
  const see = (uris: Map<RuleCode, vscode.Uri>, level: (code: RuleCode) => Level, what: string) =>
    Promise.all([...uris].map(([code, uri]) => waitForDiagnostics(uri, shows(code, level(code)), `${code} ${what} (${level(code)})`)));
  const all = Object.entries(POSITIVE) as [RuleCode, Example][];
  for (let start = 0; start < all.length; start += BATCH) {
    const batch = all.slice(start, start + BATCH);
    const codes = batch.map(([code]) => code);
    const defaults = new Map(batch.map(([code, example]) => [code, example.severity]));
    const uris = new Map(batch.map(([code, example]) => [code, writeExample(code, example)]));
    // Open without editors: the language client syncs them all the same.
    await Promise.all([...uris.values()].map((uri) => vscode.workspace.openTextDocument(uri)));
    try {
      await see(uris, (code) => defaults.get(code)!, 'at its default');
      // Each level is set where it changes what the user sees: error first for a rule that is
      // off by default, off first for the others, so both are seen to reach the server.
      const first = (code: RuleCode): Level => (defaults.get(code) === 'off' ? 'error' : 'off');
      const second = (code: RuleCode): Level => (first(code) === 'off' ? 'error' : 'off');
      await set(codes, first);
      await see(uris, first, 'after the first setting');
      await set(codes, second);
      await see(uris, second, 'after the second setting');
    } finally {
      await set(codes, () => undefined);
    }
    await see(uris, (code) => defaults.get(code)!, 'back at its default once unset');
  }
  await closeAllEditors();
}, 240_000);
