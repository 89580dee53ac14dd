/**
 * Code lenses in compose files: on `services:` Up (all), Up… (choose services and profiles),
 * Down and Logs for the project; on each service Up, Restart and Logs for that service. They pass
 * argument objects, so they run exactly what the palette and tests run.
 */
import * as vscode from 'vscode';
import { isComposeFile, parseCompose, type ComposeDocument } from '../../compose';
import { servicePairs } from '../../compose/model';
import { entry } from '../../compose/tree';

const t = vscode.l10n.t;

/** Where the lenses go: the `services:` key and each service's key, as document offsets. */
export function lensAnchors(doc: ComposeDocument): { services?: number; each: { name: string; at: number }[] } {
  const services = entry(doc, doc.root ?? undefined, 'services');
  return {
    ...(services ? { services: services.start } : {}),
    each: servicePairs(doc).map((pair) => ({ name: pair.name, at: pair.start })),
  };
}

/** The lenses; main.ts registers them for `COMPOSE_LENS_SELECTOR` and loads this on first use. */
export class ComposeLenses implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (document.uri.scheme !== 'file' || !isComposeFile(document.uri.fsPath)) return [];
    const anchors = lensAnchors(parseCompose(document.getText()));
    const file = document.uri.fsPath;
    const at = (offset: number) => new vscode.Range(document.positionAt(offset), document.positionAt(offset));
    const lenses: vscode.CodeLens[] = [];
    if (anchors.services !== undefined) {
      const range = at(anchors.services);
      lenses.push(
        new vscode.CodeLens(range, { title: `$(play) ${t('Up')}`, command: 'berth.compose.up', arguments: [{ file }] }),
        new vscode.CodeLens(range, {
          title: t('Up…'),
          tooltip: t('Choose services and profiles'),
          command: 'berth.compose.up',
          arguments: [{ file, pick: true }],
        }),
        new vscode.CodeLens(range, { title: `$(debug-stop) ${t('Down')}`, command: 'berth.compose.down', arguments: [{ file }] }),
        new vscode.CodeLens(range, { title: `$(output) ${t('Logs')}`, command: 'berth.compose.logs', arguments: [{ file }] }),
      );
    }
    for (const { name, at: offset } of anchors.each) {
      const range = at(offset);
      const services = [name];
      lenses.push(
        new vscode.CodeLens(range, { title: `$(play) ${t('Up')}`, command: 'berth.compose.up', arguments: [{ file, services }] }),
        new vscode.CodeLens(range, {
          title: `$(debug-restart) ${t('Restart')}`,
          command: 'berth.compose.restart',
          arguments: [{ file, services }],
        }),
        new vscode.CodeLens(range, { title: `$(output) ${t('Logs')}`, command: 'berth.compose.logs', arguments: [{ file, services }] }),
      );
    }
    return lenses;
  }
}
