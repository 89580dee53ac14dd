/**
 * The Containers view as a project's dashboard: a Compose group whose files are in the workspace
 * also lists the services those files declare that have no container (dimmed, with Up). The
 * files are read from disk, as Compose reads them, once per change of their modification time.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fsComposeHost } from '../../devenv/compose/fsHost';
import { declaredProject, projectFromLabels, servicesToShow, type DeclaredProject } from '../../devenv/compose/project';
import type { BerthViews } from '../views/views';

function inWorkspace(folder: string): boolean {
  return (vscode.workspace.workspaceFolders ?? []).some((f) => {
    if (f.uri.scheme !== 'file') return false;
    const relative = path.relative(f.uri.fsPath, folder);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  });
}

/** Feeds the Containers view the declared services of workspace projects, and redraws it when compose files change. */
export function showDeclaredServices(views: BerthViews): vscode.Disposable {
  const cache = new Map<string, { stamp: string; declared: DeclaredProject | undefined }>();
  views.providers.containers.declaredServices = (project, members) => {
    const labelled = members.map((c) => projectFromLabels(c.labels)).find((p) => p?.project === project);
    if (!labelled?.workingDir || !labelled.configFiles.length || !inWorkspace(labelled.workingDir)) return undefined;
    const stamp = labelled.configFiles.map((f) => statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 'gone').join(',');
    const key = labelled.configFiles.join(',');
    let entry = cache.get(key);
    if (!entry || entry.stamp !== stamp) {
      const declared = stamp.includes('gone')
        ? undefined
        : declaredProject(fsComposeHost(process.env), labelled.configFiles[0], labelled.configFiles);
      entry = { stamp, declared };
      cache.set(key, entry);
    }
    return entry.declared && servicesToShow(entry.declared, members);
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/{compose,docker-compose}{,.*}.{yaml,yml}');
  const redraw = () => {
    if (views.isVisible('containers')) void views.refresh('containers');
  };
  return vscode.Disposable.from(
    watcher,
    watcher.onDidChange(redraw),
    watcher.onDidCreate(redraw),
    watcher.onDidDelete(redraw),
    new vscode.Disposable(() => (views.providers.containers.declaredServices = undefined)),
  );
}
