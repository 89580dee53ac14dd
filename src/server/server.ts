/**
 * The language server's wiring: documents in, diagnostics and quick fixes out. The features
 * themselves are pure functions of the Dockerfile core; this file only feeds them.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  MessageType,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type Range,
  type WorkspaceFolder,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { version } from '../../package.json';
import { mergeSettings } from '../dockerfile/config';
import { fixAll } from '../dockerfile/fixAll';
import { codeActions } from '../dockerfile/fixes';
import { lintDocument } from '../dockerfile/lint';
import { SplitMemo, withSplitMemo } from '../dockerfile/shell';
import type { FormatSettings } from '../dockerfile/format';
import type { LintSettings } from '../dockerfile/settings';
import { LocalImages } from '../engine/localImages';
import { readClientSettings } from './clientSettings';
import { ConfigFiles } from '../dockerfile/configFiles';
import { registerFeatures } from './features';
import { createModels } from './models';

/** The client settings section the server pulls. */
export const SETTINGS_SECTION = 'berth';

const MAX_FIXED_DIAGNOSTICS = 100;
const CONFIG_WATCH_PATTERN = '**/.hadolint.{yaml,yml}';

interface SettingsEntry {
  value: LintSettings | undefined;
  /** `berth.format.*`, known once `ready` resolves. */
  format?: FormatSettings;
  ready: Promise<void>;
}

/** Wires every handler onto `connection` and starts listening. */
export function startServer(connection: Connection): void {
  const models = createModels();
  const documents = models.documents;
  const configFiles = new ConfigFiles();
  const settingsByUri = new Map<string, SettingsEntry>();
  const lastLint = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  const splitMemos = new Map<string, SplitMemo>();
  const waiting = new Set<string>();
  const reported = new Set<string>();
  let folders: string[] = [];
  let pullConfiguration = false;
  let snippetSupport = false;
  let watchingConfigFiles = false;
  let pushedSettings: unknown;
  // The images of the engine the views use: the client's berth.docker.host, else DOCKER_HOST or the context.
  const engineImages = new LocalImages({
    host: async () => {
      const raw: unknown = pullConfiguration
        ? await connection.workspace.getConfiguration(SETTINGS_SECTION).then(
            (value: unknown) => value,
            () => undefined,
          )
        : pushedSettings;
      const host = (raw as { docker?: { host?: unknown } } | undefined)?.docker?.host;
      return typeof host === 'string' ? host : undefined;
    },
  });

  const log = (message: string) => connection.console.log(message);
  const logError = (where: string, error: unknown) =>
    connection.console.error(`${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);

  /** Shown once per distinct text until the configuration changes, so a bad file is not a storm. */
  const reportOnce = (problems: string[], what: string) => {
    if (!problems.length) return;
    const key = problems.join('\n');
    if (reported.has(key)) return;
    reported.add(key);
    for (const problem of problems) connection.console.warn(problem);
    const shown = problems.slice(0, 3).join('; ');
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more in the output log)` : '';
    void connection.sendNotification('window/showMessage', {
      type: MessageType.Warning,
      message: `Berth: ${what} has problems; the rest of it still applies: ${shown}${more}`,
    });
  };

  const resolveSettings = async (uri: string): Promise<{ lint: LintSettings; format: FormatSettings }> => {
    let raw: unknown = pushedSettings;
    if (pullConfiguration) {
      try {
        raw = await connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION });
      } catch (error) {
        logError('workspace/configuration', error);
      }
    }
    const client = readClientSettings(raw);
    reportOnce(client.problems, 'the berth settings');
    let fromFile: LintSettings | undefined;
    const file = client.hadolintConfig ? filePath(uri) : undefined;
    if (file) {
      const found = await configFiles.find(path.dirname(file), folderOf(file, folders));
      if (found) {
        reportOnce(found.result.problems, found.path);
        fromFile = found.result.settings;
      }
    }
    // The editor's explicit per-rule choices win over the shared file.
    return { lint: mergeSettings(fromFile, client.lint), format: client.format };
  };

  const settingsFor = (uri: string): SettingsEntry => {
    let entry = settingsByUri.get(uri);
    if (!entry) {
      const created: SettingsEntry = { value: undefined, ready: Promise.resolve() };
      created.ready = resolveSettings(uri).then(
        (value) => {
          created.format = value.format;
          created.value = value.lint;
        },
        (error) => {
          logError('settings', error);
          created.value = {};
        },
      );
      settingsByUri.set(uri, created);
      entry = created;
    }
    return entry;
  };

  const lintNow = (document: TextDocument, settings: LintSettings): Diagnostic[] => {
    const cached = lastLint.get(document.uri);
    if (cached && cached.version === document.version) return cached.diagnostics;
    let diagnostics: Diagnostic[];
    try {
      let memo = splitMemos.get(document.uri);
      if (!memo) splitMemos.set(document.uri, (memo = new SplitMemo()));
      const doc = models.model(document);
      diagnostics = withSplitMemo(memo, () => lintDocument(doc, settings));
    } catch (error) {
      // Stale ranges would be worse than none; the log says why.
      logError(`lint ${document.uri}`, error);
      diagnostics = [];
    }
    lastLint.set(document.uri, { version: document.version, diagnostics });
    return diagnostics;
  };

  const publish = (document: TextDocument, settings: LintSettings) => {
    const diagnostics = lintNow(document, settings);
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  };

  /** Lints at once when the settings are known (every edit after the first), else as soon as they are. */
  const validate = (document: TextDocument) => {
    const entry = settingsFor(document.uri);
    if (entry.value) {
      publish(document, entry.value);
      return;
    }
    if (waiting.has(document.uri)) return;
    waiting.add(document.uri);
    void entry.ready.then(() => {
      waiting.delete(document.uri);
      const current = documents.get(document.uri);
      const settings = settingsByUri.get(document.uri)?.value;
      if (current && settings) publish(current, settings);
      else if (current) validate(current);
    });
  };

  const revalidateAll = () => {
    settingsByUri.clear();
    lastLint.clear();
    for (const document of documents.all()) guarded('revalidate', () => validate(document));
  };

  const features = registerFeatures({
    connection,
    documents,
    model: models.model,
    logError,
    localImages: () => engineImages.list(),
    formatSettings: async (uri) => {
      const entry = settingsFor(uri);
      await entry.ready;
      return entry.format;
    },
  });

  const guarded = (where: string, fn: () => void) => {
    try {
      fn();
    } catch (error) {
      logError(where, error);
    }
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const capabilities = params.capabilities ?? {};
    pullConfiguration = capabilities.workspace?.configuration === true;
    snippetSupport = capabilities.workspace?.workspaceEdit?.snippetEditSupport === true;
    folders = foldersOf(params.workspaceFolders, params.rootUri ?? undefined);
    pushedSettings = settingsFromPush(params.initializationOptions);
    connection.onInitialized(() => {
      if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
        void connection.client
          .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
          .catch((error: unknown) => logError('register didChangeConfiguration', error));
      }
      if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
        watchingConfigFiles = true;
        void connection.client
          .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: CONFIG_WATCH_PATTERN }] })
          .catch((error: unknown) => logError('register didChangeWatchedFiles', error));
      }
      if (capabilities.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders((event) =>
          guarded('workspace folders', () => {
            const removed = new Set(foldersOf(event.removed));
            folders = [...folders.filter((folder) => !removed.has(folder)), ...foldersOf(event.added)];
            revalidateAll();
          }),
        );
      }
    });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        ...features.capabilities(capabilities),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'berth', version: SERVER_VERSION },
    };
  });

  connection.onDidChangeConfiguration((params) =>
    guarded('didChangeConfiguration', () => {
      if (!pullConfiguration) pushedSettings = settingsFromPush(params?.settings);
      engineImages.clear();
      reported.clear();
      revalidateAll();
    }),
  );

  connection.onDidChangeWatchedFiles(() =>
    guarded('didChangeWatchedFiles', () => {
      configFiles.clear();
      reported.clear();
      revalidateAll();
    }),
  );

  // Without file events (Neovim on Linux, Helix) a config edit shows up when a Dockerfile is reopened.
  documents.onDidOpen(() => {
    if (!watchingConfigFiles) configFiles.clear();
  });

  documents.onDidChangeContent((event) => guarded('lint', () => validate(event.document)));

  documents.onDidClose((event) =>
    guarded('didClose', () => {
      settingsByUri.delete(event.document.uri);
      lastLint.delete(event.document.uri);
      models.forget(event.document.uri);
      splitMemos.delete(event.document.uri);
      features.forget(event.document.uri);
      void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
    }),
  );

  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    try {
      return [...(await quickFixes(params)), ...(await fixAllAction(params))];
    } catch (error) {
      logError('codeAction', error);
      return [];
    }
  });

  /**
   * `source.fixAll.berth`: every safe fix of the file as one edit, for "Fix All" in the Source
   * Action menu and editor.codeActionsOnSave. Only when asked for by kind, never in the lightbulb.
   */
  const fixAllAction = async (params: CodeActionParams): Promise<CodeAction[]> => {
    const only = params.context?.only;
    if (!only?.some((kind) => kind === CodeActionKind.Source || kind === CodeActionKind.SourceFixAll || kind === FIX_ALL_KIND)) return [];
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const entry = settingsFor(document.uri);
    await entry.ready;
    const text = document.getText();
    const { text: fixed, applied } = fixAll(text, entry.value ?? {});
    if (!applied.length) return [];
    // One edit over the part that changed, so the cursor and folds elsewhere stay put.
    let start = 0;
    while (start < text.length && start < fixed.length && text[start] === fixed[start]) start++;
    let end = 0;
    while (end < text.length - start && end < fixed.length - start && text[text.length - 1 - end] === fixed[fixed.length - 1 - end]) end++;
    const range = { start: document.positionAt(start), end: document.positionAt(text.length - end) };
    return [
      {
        title: `Fix all Berth findings with a safe fix (${applied.length})`,
        kind: FIX_ALL_KIND,
        edit: { changes: { [document.uri]: [{ range, newText: fixed.slice(start, fixed.length - end) }] } },
      },
    ];
  };

  const quickFixes = async (params: CodeActionParams): Promise<CodeAction[]> => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const only = params.context?.only;
    if (only && !only.some((kind) => kind === '' || kind === CodeActionKind.QuickFix || kind.startsWith(`${CodeActionKind.QuickFix}.`))) {
      return [];
    }
    const entry = settingsFor(document.uri);
    await entry.ready;
    const text = document.getText();
    // Our own diagnostics, not the client's copies: some clients drop `data`, which the fixes read.
    // Capped: a select-all over a broken file can touch thousands, and no menu shows that many.
    const relevant = lintNow(document, entry.value ?? {})
      .filter((d) => overlaps(d.range, params.range))
      .slice(0, MAX_FIXED_DIAGNOSTICS);
    if (!relevant.length) return [];
    const localImages = relevant.some((d) => String(d.code).startsWith('image-')) ? await engineImages.list() : undefined;
    const actions = codeActions(text, relevant, params.range, { uri: document.uri, localImages, snippetSupport });
    return actions
      .map((action) => (action.kind ? action : { ...action, kind: CodeActionKind.QuickFix }))
      .filter((action) => !only || only.some((kind) => kind === '' || action.kind === kind || action.kind!.startsWith(`${kind}.`)));
  };

  documents.listen(connection);
  connection.listen();
  log(`Berth language server ${SERVER_VERSION} started (node ${process.version})`);
}

const SERVER_VERSION: string = version;
const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.berth`;

/** Clients without `workspace/configuration` send `{ berth: {...} }`, or the section itself. */
function settingsFromPush(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && SETTINGS_SECTION in value) {
    return (value as Record<string, unknown>)[SETTINGS_SECTION];
  }
  return value;
}

function foldersOf(workspaceFolders: WorkspaceFolder[] | null | undefined, rootUri?: string): string[] {
  const uris = Array.isArray(workspaceFolders) && workspaceFolders.length ? workspaceFolders.map((folder) => folder?.uri) : [rootUri];
  return uris.map((uri) => (typeof uri === 'string' ? filePath(uri) : undefined)).filter((p): p is string => p !== undefined);
}

function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** The innermost workspace folder holding `file`: config lookup stops there, as in the project. */
function folderOf(file: string, folders: string[]): string | undefined {
  let best: string | undefined;
  for (const folder of folders) {
    const rel = path.relative(folder, file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel) && (!best || folder.length > best.length)) best = folder;
  }
  return best;
}

/** Inclusive overlap, so a cursor just after `node` still gets the fixes for `node`. */
function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function before(p: { line: number; character: number }, q: { line: number; character: number }): boolean {
  return p.line < q.line || (p.line === q.line && p.character < q.character);
}
