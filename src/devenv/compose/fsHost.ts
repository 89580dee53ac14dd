/**
 * The Compose core's host over this machine's files, for the runner: Compose files as they are on
 * disk (the editor's unsaved text is not what Compose will read), the environment Compose runs in.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ComposeHost } from '../../compose';
import { declaredProject, DEFAULT_COMPOSE_FILES, type DeclaredProject } from './project';

/** Files and folders from disk; `env` is Compose's environment (COMPOSE_FILE, variables). */
export function fsComposeHost(env: Readonly<Record<string, string | undefined>>): ComposeHost {
  return {
    env,
    readFile(p) {
      try {
        return statSync(p).isFile() ? readFileSync(p, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
    stat(p) {
      const s = statSync(p, { throwIfNoEntry: false });
      return s?.isFile() ? 'file' : s?.isDirectory() ? 'directory' : undefined;
    },
  };
}

/** Whether a path is a file on this machine. */
export function isFileOnDisk(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The compose file Compose finds in `folder` by itself, and what its project declares; undefined when there is none. */
export function folderCompose(folder: string, host: ComposeHost): { file: string; declared: DeclaredProject } | undefined {
  const file = DEFAULT_COMPOSE_FILES.map((f) => path.join(folder, f)).find((p) => host.stat(p) === 'file');
  if (!file) return undefined;
  const declared = declaredProject(host, file);
  return declared ? { file, declared } : undefined;
}
