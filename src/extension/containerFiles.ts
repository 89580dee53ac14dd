/**
 * Files inside containers, read-only: `berth-container://<id>/<path>` documents, and "Browse
 * Files…", a quick pick that walks the container's folders. Listing runs `ls` in the container;
 * reading goes through the archive API, so a file opens even where no shell exists.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EngineError } from '../engine/types';
import type { EngineService } from './engineService';

const t = vscode.l10n.t;
/** The URI scheme of files inside containers: `berth-container://<container id>/<path>`. */
export const CONTAINER_FILE_SCHEME = 'berth-container';
/** Larger files are refused with a message rather than loaded into the editor. */
const MAX_FILE_BYTES = 50 * 1024 * 1024;

/** The document address of a file in a container. */
export function containerFileUri(id: string, filePath: string): vscode.Uri {
  return vscode.Uri.from({ scheme: CONTAINER_FILE_SCHEME, authority: id, path: path.posix.normalize(`/${filePath}`) });
}

function fsError(error: unknown, uri: vscode.Uri): vscode.FileSystemError {
  const message =
    error instanceof EngineError
      ? `${error.message}${error.hint ? ` ${error.hint}` : ''}`
      : error instanceof Error
        ? error.message
        : String(error);
  return error instanceof EngineError && error.kind === 'not-found'
    ? vscode.FileSystemError.FileNotFound(message)
    : vscode.FileSystemError.Unavailable(`${uri.path}: ${message}`);
}

class ContainerFileSystem implements vscode.FileSystemProvider {
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;
  /** Paths seen as folders in listings; anything else stats as a file until read says otherwise. */
  private readonly folders = new Set<string>();

  constructor(private readonly service: EngineService) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const folder = uri.path === '/' || this.folders.has(uri.toString());
    return {
      type: folder ? vscode.FileType.Directory : vscode.FileType.File,
      ctime: 0,
      mtime: 0,
      size: 0,
      permissions: vscode.FilePermission.Readonly,
    };
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    try {
      const entries = await (await this.service.engine()).listContainerDirectory(uri.authority, uri.path);
      for (const e of entries) if (e.directory) this.folders.add(uri.with({ path: path.posix.join(uri.path, e.name) }).toString());
      return entries.map((e) => [e.name, e.directory ? vscode.FileType.Directory : vscode.FileType.File]);
    } catch (error) {
      throw fsError(error, uri);
    }
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    try {
      return await (await this.service.engine()).readContainerFile(uri.authority, uri.path, MAX_FILE_BYTES);
    } catch (error) {
      throw fsError(error, uri);
    }
  }

  createDirectory(): never {
    throw vscode.FileSystemError.NoPermissions(t('Files in containers are read-only here.'));
  }
  writeFile(): never {
    throw vscode.FileSystemError.NoPermissions(t('Files in containers are read-only here.'));
  }
  delete(): never {
    throw vscode.FileSystemError.NoPermissions(t('Files in containers are read-only here.'));
  }
  rename(): never {
    throw vscode.FileSystemError.NoPermissions(t('Files in containers are read-only here.'));
  }

  /** For "Browse Files…": the listing, with its folders remembered for stat. */
  list(id: string, folder: string): Thenable<[string, vscode.FileType][]> {
    return this.readDirectory(containerFileUri(id, folder));
  }

  dispose(): void {
    this.changes.dispose();
    this.folders.clear();
  }
}

let provider: ContainerFileSystem | undefined;

/** Registers the read-only file system for container files; dispose to unregister. */
export function registerContainerFiles(service: EngineService): vscode.Disposable {
  const current = new ContainerFileSystem(service);
  provider = current;
  const registration = vscode.workspace.registerFileSystemProvider(CONTAINER_FILE_SCHEME, current, {
    isCaseSensitive: true,
    isReadonly: true,
  });
  return new vscode.Disposable(() => {
    registration.dispose();
    current.dispose();
    if (provider === current) provider = undefined;
  });
}

/**
 * Walks a container's folders in a quick pick, from `start`, and opens the file chosen; typing
 * an absolute path and Enter opens that path. Each entry's button copies it to this machine and
 * the title's button copies a file from this machine into the folder shown (the copy commands,
 * asking only where). Resolves with the document opened, if any; rejects with why a folder cannot
 * be listed or a file opened (the command shows it).
 */
export async function browseContainerFiles(id: string, name: string, start = '/'): Promise<vscode.Uri | undefined> {
  const files = provider;
  if (!files) throw new Error(t('Container files are not available: the extension is shutting down.'));
  const copyOut: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('cloud-download'), tooltip: t('Copy to this machine…') };
  const copyIn: vscode.QuickInputButton = {
    iconPath: new vscode.ThemeIcon('cloud-upload'),
    tooltip: t('Copy into this folder from this machine…'),
  };
  let folder = start;
  for (;;) {
    const entries = await files.list(id, folder);
    const items: (vscode.QuickPickItem & { target: string; folder: boolean })[] = [
      ...(folder === '/' ? [] : [{ label: '$(arrow-up) ..', target: path.posix.dirname(folder), folder: true }]),
      ...entries
        .sort(([a, at], [b, bt]) => (at === bt ? a.localeCompare(b) : at === vscode.FileType.Directory ? -1 : 1))
        .map(([entry, type]) => ({
          label: `${type === vscode.FileType.Directory ? '$(folder)' : '$(file)'} ${entry}`,
          target: path.posix.join(folder, entry),
          folder: type === vscode.FileType.Directory,
          buttons: [copyOut],
        })),
    ];
    // `folder` undefined: a typed path, a folder if it lists and a file otherwise.
    type Choice = { target: string; folder?: boolean } | { copy: 'from' | 'into'; path: string } | undefined;
    const choice = await new Promise<Choice>((resolve) => {
      const pick = vscode.window.createQuickPick<(typeof items)[number]>();
      pick.title = t('Files in {0}: {1}', name, folder);
      pick.placeholder = t('Choose a folder or file, or type an absolute path');
      pick.items = items;
      pick.buttons = [copyIn];
      pick.matchOnDescription = false;
      pick.onDidAccept(() => {
        const typed = pick.value.trim();
        const active = pick.activeItems[0];
        resolve(
          typed.startsWith('/') && (!active || !active.target.endsWith(typed))
            ? { target: typed, folder: typed.endsWith('/') || undefined }
            : active,
        );
        pick.hide();
      });
      pick.onDidTriggerItemButton((event) => {
        resolve({ copy: 'from', path: event.item.target });
        pick.hide();
      });
      pick.onDidTriggerButton(() => {
        resolve({ copy: 'into', path: folder });
        pick.hide();
      });
      pick.onDidHide(() => {
        resolve(undefined);
        pick.dispose();
      });
      pick.show();
    });
    if (!choice) return undefined;
    if ('copy' in choice) {
      // Through the commands, so trust, progress and errors are theirs; they ask only what is missing.
      if (choice.copy === 'from') await vscode.commands.executeCommand('berth.containers.copyFrom', { id, source: choice.path });
      else await vscode.commands.executeCommand('berth.containers.copyInto', { id, target: choice.path.replace(/\/?$/, '/') });
      return undefined;
    }
    if (choice.folder === undefined)
      choice.folder = await files.list(id, choice.target).then(
        () => true,
        () => false,
      );
    if (choice.folder) {
      folder = path.posix.normalize(choice.target) || '/';
      continue;
    }
    return openContainerFile(id, choice.target);
  }
}

/** Opens one file of a container in a read-only editor; rejects with why it cannot (the command shows it). */
export async function openContainerFile(id: string, filePath: string): Promise<vscode.Uri> {
  const uri = containerFileUri(id, filePath);
  await vscode.window.showTextDocument(uri, { preview: true });
  return uri;
}
