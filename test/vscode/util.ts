/** Helpers for the extension-host tests: files in the test workspace, waiting on diagnostics. */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { BerthApi } from '../../src/extension/main';
import { waitFor } from '../fixtures/waitFor';

/** Polling with a deadline, shared with every other test tier. */
export { waitFor };

export const EXTENSION_ID = 'berth.berth';

const execFileP = promisify(execFile);

/** The docker CLI (argv only), for arranging and checking what the engine holds; resolves with stdout. */
export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await execFileP('docker', args, { timeout: 60_000 });
  return stdout.trim();
}

/** Berth's activated API: the engine service, the views and the running workspaces. */
export async function api(): Promise<BerthApi> {
  const extension = vscode.extensions.getExtension<BerthApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** The folder the driver opened; tests write their Dockerfiles under it. */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test run needs a workspace folder (the driver opens one)');
  return folder.uri.fsPath;
}

/** Writes `text` to `relative` under the workspace (a fresh subfolder per test avoids crosstalk). */
export function writeWorkspaceFile(relative: string, text: string): vscode.Uri {
  const file = path.join(workspaceRoot(), relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return vscode.Uri.file(file);
}

export async function openDockerfile(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  assert.equal(document.languageId, 'dockerfile', `${uri.fsPath} should open as a Dockerfile`);
  return vscode.window.showTextDocument(document);
}

/** A diagnostic's code as a string: `{ value, target }` when the rule links its docs. */
export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

export function berthDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'berth');
}

export function describe(diagnostics: readonly vscode.Diagnostic[]): string {
  if (!diagnostics.length) return '(none)';
  return diagnostics.map((d) => `${codeOf(d)}@${d.range.start.line + 1}:${d.range.start.character + 1}`).join(', ');
}

/**
 * Resolves with the uri's Berth diagnostics once `accept` holds for them, checking now and on
 * every `onDidChangeDiagnostics` for that uri; rejects at the deadline, saying what was seen.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const diagnostics = berthDiagnostics(uri);
      if (!accept(diagnostics)) return false;
      cleanup();
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`waited ${timeoutMs} ms for ${what} on ${uri.fsPath}; last seen: ${describe(berthDiagnostics(uri))}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      subscription.dispose();
    };
    check();
  });
}

export const hasCode = (code: string) => (diagnostics: vscode.Diagnostic[]) => diagnostics.some((d) => codeOf(d) === code);
export const lacksCode = (code: string) => (diagnostics: vscode.Diagnostic[]) => !diagnostics.some((d) => codeOf(d) === code);

/**
 * Saves and closes every editor so one test's documents do not hold another's focus; closing a
 * dirty editor would otherwise wait on a "Save changes?" dialog nobody answers.
 */
export async function closeAllEditors(): Promise<void> {
  await vscode.workspace.saveAll(false);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
