/**
 * Problems in a hand-written `.berth.yaml`, underlined where they are: a typo in a setting's
 * name, a port out of range, broken YAML. The JSON schema does this too, but only with a YAML
 * extension installed; these come from the same reader the run uses, so they always agree.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILES, parseRunConfig } from '../../devenv/config';

const NAMES = new Set(CONFIG_FILES.map((f) => path.basename(f)));

function isRunConfig(document: vscode.TextDocument): boolean {
  if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return false;
  const base = path.basename(document.uri.path);
  if (!NAMES.has(base)) return false;
  // `berth.yaml` counts only inside .vscode/, as the run reads it.
  return base.startsWith('.') || path.basename(path.dirname(document.uri.path)) === '.vscode';
}

/** Keeps the diagnostics of every open run configuration current; dispose to stop. */
export function registerConfigDiagnostics(): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('berth-run-config');
  const update = (document: vscode.TextDocument) => {
    if (!isRunConfig(document)) return;
    const { located } = parseRunConfig(document.getText());
    collection.set(
      document.uri,
      located.map((p) => {
        const range = new vscode.Range(document.positionAt(p.start), document.positionAt(Math.max(p.end, p.start)));
        const diagnostic = new vscode.Diagnostic(range, p.message, vscode.DiagnosticSeverity.Warning);
        diagnostic.source = 'berth';
        return diagnostic;
      }),
    );
  };
  vscode.workspace.textDocuments.forEach(update);
  // A misspelt setting's name is replaced by the one the message suggests.
  const fixes: vscode.CodeActionProvider = {
    provideCodeActions(document, _range, context) {
      if (!isRunConfig(document)) return [];
      return context.diagnostics.flatMap((d) => {
        const suggestion = d.source === 'berth' ? /did you mean '([A-Za-z]+)'\?/.exec(d.message)?.[1] : undefined;
        if (!suggestion) return [];
        const action = new vscode.CodeAction(vscode.l10n.t("Change to '{0}'", suggestion), vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, d.range, suggestion);
        action.diagnostics = [d];
        action.isPreferred = true;
        return [action];
      });
    },
  };
  return vscode.Disposable.from(
    collection,
    vscode.languages.registerCodeActionsProvider([{ pattern: '**/{.berth.yaml,.berth.yml,.vscode/berth.yaml}' }], fixes, {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }),
    vscode.workspace.onDidOpenTextDocument(update),
    vscode.workspace.onDidChangeTextDocument((e) => update(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => collection.delete(d.uri)),
  );
}
