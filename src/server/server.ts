/**
 * The language server's wiring: the connection, the open documents, settings, and which
 * documents depend on which. Languages (languages/index.ts) plug in through the interface in
 * language.ts; this file routes each request to the language of its document and knows nothing
 * of any language's model.
 */
import { LocalImages } from '../engine/localImages';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import {
  CompletionTriggerKind,
  DidChangeConfigurationNotification,
  RegistrationRequest,
  DidChangeWatchedFilesNotification,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type Diagnostic,
  type InitializeResult,
  type SemanticTokens,
  type SemanticTokensDelta,
  type WorkspaceFolder,
} from 'vscode-languageserver';
import { version } from '../../package.json';
import { MAX_SOURCE_BYTES, readRegularFile, readRegularFileSync } from '../shared/regularFile';
import { DocumentStore, fileKey, filePath, OpenDocument } from './documents';
import { RequestRefused, type AnyLanguage, type LanguageFactory, type LanguageHost, type Workspace } from './language';
import { LANGUAGES } from './languages';
import { serverCapabilities } from './capabilities';
import { compactCompletion, listDefaultsSupport, type ListDefaultsSupport } from './completionList';
import { mergeLegends, semanticTokensEdits } from './semanticTokens';

/** The client settings section the server pulls. */
export const SETTINGS_SECTION = 'berth';

const SERVER_VERSION: string = version;

/**
 * Late diagnostics (ShellCheck's) wait for a pause in typing this long: a user sees them about a
 * quarter of a second after stopping, and no program runs in the middle of a burst of keystrokes.
 */
const LATE_AFTER_QUIET_MS = 250;

/**
 * Why late work stops: its text or settings changed. One reason for every abort, as `abort()`
 * without one builds a DOMException with a stack trace, on every keystroke while typing.
 */
const STALE = Object.freeze({ name: 'AbortError', message: 'The document changed.' });

/** Stops the document's late diagnostics: those running, and those waiting for typing to pause. */
function stopLate(document: OpenDocument): void {
  document.late?.abort(STALE);
  document.late = undefined;
  clearTimeout(document.lateTimer);
  document.lateTimer = undefined;
  document.lateStart = undefined;
}

/** Wires every handler onto `connection` for `languages` and starts listening. */
export function startServer(connection: Connection, languageFactories: readonly LanguageFactory[] = LANGUAGES): void {
  const documents = new DocumentStore();
  const reported = new Set<string>();
  /** Parsed from disk for Workspace.model, by file key, until the client says the file changed. */
  const fromDisk = new Map<string, Promise<{ languageId: string; model: unknown } | undefined>>();
  /** Texts read from disk for Workspace.text, by file key, on the same terms. */
  const textsOnDisk = new Map<string, string | undefined>();
  let folders: string[] = [];
  let pullConfiguration = false;
  /** The completion list defaults the client fills back into items (it said so at initialize). */
  let listDefaults: ListDefaultsSupport = { editRange: false, data: false };
  let watchingFiles = false;
  let pushedSettings: unknown;
  /** Bumped when settings may have changed: cached settings and diagnostics of older generations are stale. */
  let generation = 0;
  let nextResultId = 1;

  const log = (message: string) => connection.console.log(message);
  const logError = (where: string, error: unknown) =>
    connection.console.error(`${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);

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

  const host: LanguageHost = {
    log,
    logError,
    folders: () => folders,
    engineImages: () => engineImages.list(),
    /** Shown once per distinct text until the configuration changes, so a bad file is not a storm. */
    reportOnce(problems, source) {
      if (!problems.length) return;
      const key = problems.join('\n');
      if (reported.has(key)) return;
      reported.add(key);
      for (const problem of problems) connection.console.warn(problem);
      const shown = problems.slice(0, 3).join('; ');
      const more = problems.length > 3 ? ` (and ${problems.length - 3} more in the output log)` : '';
      void connection.sendNotification('window/showMessage', {
        type: MessageType.Warning,
        message: `Berth: ${source} has problems; the rest of it still applies: ${shown}${more}`,
      });
    },
  };
  const languages: AnyLanguage[] = languageFactories.map((make) => make(host));
  const languageOf = (languageId: string) => languages.find((language) => language.languageIds.includes(languageId));
  /** The dependency on every open document of a language, whichever of its ids a client sends. */
  const languageKey = (languageId: string) => `language:${languageOf(languageId)?.name ?? languageId}`;
  const tokens = mergeLegends(languages.flatMap((language) => (language.semanticTokens ? [language.semanticTokens.legend] : [])));

  // ───────────────────────────── settings ─────────────────────────────

  const resolveSettings = async (document: OpenDocument): Promise<unknown> => {
    if (!document.language.settings) return undefined;
    let section: unknown = pushedSettings;
    if (pullConfiguration) {
      try {
        section = await connection.workspace.getConfiguration({ scopeUri: document.uri, section: SETTINGS_SECTION });
      } catch (error) {
        logError('workspace/configuration', error);
      }
    }
    const file = filePath(document.uri);
    return document.language.settings({ uri: document.uri, section, folder: file ? folderOf(file, folders) : undefined });
  };

  /** Settings, config files or folders changed: everything open is linted again with fresh settings. */
  const settingsChanged = () => {
    generation++;
    for (const document of documents.all()) {
      document.settingsPromise = undefined;
      guarded('revalidate', () => validate(document));
    }
  };

  // ───────────────────────────── cross-file ─────────────────────────────

  const workspaceFor = (document: OpenDocument): Workspace => ({
    get folders() {
      return folders;
    },
    async model<M>(uri: string, languageId: string): Promise<M | undefined> {
      const key = fileKey(uri);
      document.dependencies.add(key);
      const open = documents.getByKey(key);
      if (open) return open.languageId === languageId || open.language === languageOf(languageId) ? (open.model as M) : undefined;
      const language = languageOf(languageId);
      const file = filePath(uri);
      if (!language || !file) return undefined;
      let pending = fromDisk.get(key);
      if (!pending) {
        pending = readRegularFile(file, MAX_SOURCE_BYTES).then((read) =>
          'bytes' in read ? { languageId, model: language.parse(read.bytes.toString('utf8')) } : undefined,
        );
        fromDisk.set(key, pending);
      }
      const found = await pending;
      return found && languageOf(found.languageId) === language ? (found.model as M) : undefined;
    },
    openDocuments(languageId) {
      document.dependencies.add(languageKey(languageId));
      const language = languageOf(languageId);
      return documents.all().filter((other) => other.language === language);
    },
    readFile(file, maxBytes = MAX_SOURCE_BYTES) {
      document.dependencies.add(path.resolve(file));
      return readRegularFile(file, maxBytes);
    },
    text(file) {
      const key = path.resolve(file);
      document.dependencies.add(key);
      const open = documents.getByKey(key);
      if (open) return open.text.getText();
      if (!textsOnDisk.has(key)) {
        const read = readRegularFileSync(file, MAX_SOURCE_BYTES);
        textsOnDisk.set(key, 'bytes' in read ? read.bytes.toString('utf8') : undefined);
      }
      return textsOnDisk.get(key);
    },
    stat(file) {
      try {
        // A missing file is the common answer (override files, env files): no exception built for it.
        const info = statSync(file, { throwIfNoEntry: false });
        return info?.isFile() ? 'file' : info?.isDirectory() ? 'directory' : undefined;
      } catch {
        return undefined;
      }
    },
  });

  /** Re-validates the open documents that read `uri` (not transitively: their text did not change). */
  const revalidateDependents = (uri: string, languageId?: string) => {
    const key = fileKey(uri);
    for (const other of documents.all()) {
      if (other.uri === uri) continue;
      if (other.dependencies.has(key) || (languageId && other.dependencies.has(languageKey(languageId)))) {
        // What it read changed under the same revision: its cached answer is stale.
        other.lastDiagnostics = undefined;
        guarded('revalidate dependent', () => validate(other));
      }
    }
  };

  // ───────────────────────────── diagnostics ─────────────────────────────

  /** The language's diagnostics for the document's current text and settings, computed at most once. */
  const diagnosticsOf = (document: OpenDocument): Promise<Diagnostic[]> => {
    const provide = document.language.diagnostics;
    if (!provide) return Promise.resolve([]);
    const cached = document.lastDiagnostics;
    if (cached && cached.revision === document.revision && cached.generation === generation) return cached.diagnostics;
    document.dependencies.clear();
    // What is still coming of the last diagnostics is stale now.
    document.late?.abort(STALE);
    const diagnostics = (async () => {
      try {
        return await provide(document);
      } catch (error) {
        // Stale ranges would be worse than none; the log says why.
        logError(`diagnostics ${document.uri} (${document.language.name})`, error);
        return [];
      }
    })();
    document.lastDiagnostics = { revision: document.revision, generation, diagnostics };
    return diagnostics;
  };

  /** Publishes the document's diagnostics once they are known, unless a newer computation (a change, new settings) superseded them. */
  const validate = (document: OpenDocument): void => {
    const pending = diagnosticsOf(document);
    void pending.then((diagnostics) => {
      if (documents.get(document.uri) !== document || document.lastDiagnostics?.diagnostics !== pending || document.published === pending)
        return;
      document.published = pending;
      const sent = connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
      // Late work starts once the publish is on its way: spawning a program first would hold it up.
      if (document.language.lateDiagnostics) {
        sent.then(
          () => publishLate(document, pending, diagnostics),
          () => undefined,
        );
      }
    });
  };

  /** Asks the language for its late diagnostics after a publish, and publishes them unless the document moved on meanwhile. */
  const publishLate = (document: OpenDocument, published: Promise<Diagnostic[]>, early: Diagnostic[]): void => {
    const provide = document.language.lateDiagnostics;
    const current = () =>
      documents.get(document.uri) === document && document.published === published && document.lastDiagnostics?.diagnostics === published;
    // A newer text or settings came while the publish went out: their own publish asks again.
    if (!provide || !current()) return;
    document.late?.abort(STALE);
    document.late = undefined;
    const version = document.version;
    document.lateStart = () => {
      if (!current()) return;
      const controller = new AbortController();
      document.late = controller;
      void (async () => {
        let diagnostics: Diagnostic[] | undefined;
        try {
          diagnostics = await provide(document, early, controller.signal);
        } catch (error) {
          if (!controller.signal.aborted) logError(`late diagnostics ${document.uri} (${document.language.name})`, error);
          return;
        }
        if (document.late === controller) document.late = undefined;
        if (!diagnostics || controller.signal.aborted || !current()) return;
        void connection.sendDiagnostics({ uri: document.uri, version, diagnostics });
      })();
    };
    // Typing goes on in bursts: a program started per keystroke would compete with the next one's
    // own diagnostics. Each publish restarts the wait; a change alone does not start late work.
    if (document.lateTimer) document.lateTimer.refresh();
    else {
      document.lateTimer = setTimeout(() => {
        const start = document.lateStart;
        document.lateTimer = undefined;
        document.lateStart = undefined;
        start?.();
      }, LATE_AFTER_QUIET_MS);
    }
  };

  // ───────────────────────────── documents ─────────────────────────────

  connection.onDidOpenTextDocument((params) =>
    guarded('didOpen', () => {
      const { uri, languageId, version, text } = params?.textDocument ?? {};
      // A malformed didOpen opens nothing.
      if (typeof uri !== 'string' || typeof languageId !== 'string' || typeof text !== 'string') return;
      const language = languageOf(languageId);
      const previous = documents.delete(uri);
      if (previous) stopLate(previous);
      if (!language) {
        if (previous) void connection.sendDiagnostics({ uri, diagnostics: [] });
        return;
      }
      // Without file events (Neovim on Linux, Helix) an edited config file shows up when a document is reopened.
      if (!watchingFiles) {
        language.filesChanged?.(undefined);
        fromDisk.clear();
        textsOnDisk.clear();
      }
      const document = new OpenDocument(
        uri,
        languageId,
        language,
        Number.isInteger(version) ? version : 0,
        text,
        workspaceFor,
        resolveSettings,
      );
      // A second didOpen of an open document is a new text: a new revision, whatever the version says.
      if (previous) document.revision = previous.revision + 1;
      documents.set(document);
      validate(document);
      revalidateDependents(uri, languageId);
    }),
  );

  connection.onDidChangeTextDocument((params) =>
    guarded('didChange', () => {
      const document = documents.get(params?.textDocument?.uri);
      if (!document || !Array.isArray(params.contentChanges)) return;
      const version = params.textDocument.version;
      document.applyChanges(params.contentChanges, Number.isInteger(version) ? version : document.version);
      validate(document);
      revalidateDependents(document.uri);
    }),
  );

  connection.onDidCloseTextDocument((params) =>
    guarded('didClose', () => {
      const document = documents.delete(params?.textDocument?.uri);
      if (!document) return;
      stopLate(document);
      void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
      revalidateDependents(document.uri, document.languageId);
    }),
  );

  // ───────────────────────────── requests ─────────────────────────────

  /**
   * Answers a request about one document with its language's feature: `fallback` when the
   * document is not open, its language lacks the feature, or the feature fails (logged); a
   * RequestRefused becomes an error the client shows.
   */
  const route = async <R>(
    where: string,
    uri: string | undefined,
    fallback: R,
    run: (document: OpenDocument) => R | Promise<R | undefined> | undefined,
  ): Promise<R | ResponseError<void>> => {
    const document = uri === undefined ? undefined : documents.get(uri);
    if (!document) return fallback;
    try {
      return (await run(document)) ?? fallback;
    } catch (error) {
      if (error instanceof RequestRefused) return new ResponseError(LSPErrorCodes.RequestFailed, error.message);
      // A language's own answer to the client (cancelled, content modified) goes back as it is.
      if (error instanceof ResponseError) return error as ResponseError<void>;
      logError(`${where} ${uri} (${document.language.name})`, error);
      return fallback;
    }
  };

  connection.onCodeAction((params, token) =>
    route('codeAction', params.textDocument?.uri, [], async (d) =>
      d.language.codeActions?.provide(d, params, await diagnosticsOf(d), token),
    ),
  );
  connection.onCompletion((params) =>
    route('completion', params.textDocument?.uri, [], (d) => {
      // A client that registered completion once for every language triggers it on any language's characters.
      const trigger = params.context?.triggerKind === CompletionTriggerKind.TriggerCharacter ? params.context.triggerCharacter : undefined;
      if (trigger !== undefined && !d.language.completion?.triggerCharacters.includes(trigger)) return [];
      const completion = d.language.completion;
      if (!completion) return undefined;
      return Promise.resolve(completion.provide(d, params)).then((answer) => {
        if (completion.resolve) {
          // Resolve requests carry no document: each item says which language made it.
          const items = Array.isArray(answer) ? answer : answer.items;
          // Items that share a data object share its wrapper: the list then says it once, found by identity.
          const wrapped = new Map<unknown, unknown>();
          for (const item of items) {
            if (item.data === undefined) continue;
            let wrapper = wrapped.get(item.data);
            if (!wrapper) wrapped.set(item.data, (wrapper = { language: d.language.name, data: item.data }));
            item.data = wrapper;
          }
        }
        return compactCompletion(answer, listDefaults);
      });
    }),
  );
  connection.onCompletionResolve(async (item) => {
    const tagged = item.data as { language?: unknown; data?: unknown } | undefined;
    const language = languages.find((l) => l.name === tagged?.language);
    if (!language?.completion?.resolve) return item;
    try {
      return await language.completion.resolve({ ...item, data: tagged!.data });
    } catch (error) {
      logError(`completionItem/resolve (${language.name})`, error);
      return item;
    }
  });
  connection.onHover((params) => route('hover', params.textDocument?.uri, null, (d) => d.language.hover?.(d, params)));
  connection.onSignatureHelp((params) =>
    route('signatureHelp', params.textDocument?.uri, null, (d) => d.language.signatureHelp?.provide(d, params)),
  );
  connection.onDefinition((params) => route('definition', params.textDocument?.uri, [], (d) => d.language.definition?.(d, params)));
  connection.onReferences((params) => route('references', params.textDocument?.uri, [], (d) => d.language.references?.(d, params)));
  connection.onDocumentHighlight((params) =>
    route('documentHighlight', params.textDocument?.uri, [], (d) => d.language.documentHighlights?.(d, params)),
  );
  connection.onPrepareRename((params) =>
    route('prepareRename', params.textDocument?.uri, null, (d) => d.language.rename?.prepare(d, params)),
  );
  connection.onRenameRequest((params) => route('rename', params.textDocument?.uri, null, (d) => d.language.rename?.provide(d, params)));
  connection.onDocumentSymbol((params) =>
    route('documentSymbol', params.textDocument?.uri, [], (d) => d.language.documentSymbols?.(d, params)),
  );
  connection.onDocumentLinks((params) => route('documentLink', params.textDocument?.uri, [], (d) => d.language.documentLinks?.(d, params)));
  connection.onFoldingRanges((params) => route('foldingRange', params.textDocument?.uri, [], (d) => d.language.foldingRanges?.(d, params)));
  connection.onDocumentFormatting((params) =>
    route('formatting', params.textDocument?.uri, [], (d) => d.language.formatting?.document(d, params)),
  );
  connection.onDocumentRangeFormatting((params) =>
    route('rangeFormatting', params.textDocument?.uri, [], (d) => d.language.formatting?.range?.(d, params)),
  );
  connection.onDocumentOnTypeFormatting((params) =>
    route('onTypeFormatting', params.textDocument?.uri, [], (d) => d.language.formatting?.onType?.provide(d, params)),
  );

  const fullTokens = (document: OpenDocument): { resultId: string; data: number[] } | undefined => {
    const provider = document.language.semanticTokens;
    if (!provider) return undefined;
    const data = tokens.remap(provider.legend, provider.full(document));
    const answer = { resultId: String(nextResultId++), data };
    document.tokens = answer;
    return answer;
  };
  connection.languages.semanticTokens.on((params) =>
    route<SemanticTokens>('semanticTokens', params.textDocument?.uri, { data: [] }, fullTokens),
  );
  connection.languages.semanticTokens.onDelta((params) =>
    route<SemanticTokens | SemanticTokensDelta>('semanticTokens/delta', params.textDocument?.uri, { edits: [] }, (d) => {
      const previous = d.tokens;
      const next = fullTokens(d);
      // Without the result the client holds, only the full answer is right.
      if (!next || !previous || previous.resultId !== params.previousResultId) return next;
      return { resultId: next.resultId, edits: semanticTokensEdits(previous.data, next.data) };
    }),
  );
  connection.languages.semanticTokens.onRange((params) =>
    route<SemanticTokens>('semanticTokens/range', params.textDocument?.uri, { data: [] }, (d) => {
      const provider = d.language.semanticTokens;
      if (!provider) return undefined;
      const data = provider.range ? provider.range(d, params.range) : provider.full(d);
      return { data: tokens.remap(provider.legend, data) };
    }),
  );

  // ───────────────────────────── lifecycle ─────────────────────────────

  connection.onInitialize((params): InitializeResult => {
    const capabilities: ClientCapabilities = params.capabilities ?? {};
    listDefaults = listDefaultsSupport(capabilities);
    pullConfiguration = capabilities.workspace?.configuration === true;
    folders = foldersOf(params.workspaceFolders, params.rootUri ?? undefined);
    pushedSettings = settingsFromPush(params.initializationOptions);
    for (const language of languages) language.initialize?.(capabilities);
    const advertised = serverCapabilities(languages, capabilities, tokens.legend);
    connection.onInitialized(() => {
      if (advertised.registrations.length) {
        void connection
          .sendRequest(RegistrationRequest.type, { registrations: advertised.registrations })
          .catch((error: unknown) => logError('register language features', error));
      }
      if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
        void connection.client
          .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
          .catch((error: unknown) => logError('register didChangeConfiguration', error));
      }
      const watchers = [...new Set(languages.flatMap((language) => language.watchedFiles ?? []))].map((globPattern) => ({ globPattern }));
      if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration && watchers.length) {
        watchingFiles = true;
        void connection.client
          .register(DidChangeWatchedFilesNotification.type, { watchers })
          .catch((error: unknown) => logError('register didChangeWatchedFiles', error));
      }
      if (capabilities.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders((event) =>
          guarded('workspace folders', () => {
            const removed = new Set(foldersOf(event.removed));
            folders = [...folders.filter((folder) => !removed.has(folder)), ...foldersOf(event.added)];
            settingsChanged();
          }),
        );
      }
    });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        ...advertised.capabilities,
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
      settingsChanged();
    }),
  );

  connection.onDidChangeWatchedFiles((params) =>
    guarded('didChangeWatchedFiles', () => {
      const uris = Array.isArray(params?.changes)
        ? params.changes.map((change) => change?.uri).filter((uri) => typeof uri === 'string')
        : [];
      for (const uri of uris) {
        fromDisk.delete(fileKey(uri));
        textsOnDisk.delete(fileKey(uri));
      }
      let settings = false;
      for (const language of languages) if (language.filesChanged && language.filesChanged(uris) !== false) settings = true;
      if (settings) {
        reported.clear();
        settingsChanged();
      } else for (const uri of uris) revalidateDependents(uri);
    }),
  );

  function guarded(where: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      logError(where, error);
    }
  }

  connection.listen();
  log(`Berth language server ${SERVER_VERSION} started (node ${process.version})`);
}

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

/** The innermost workspace folder holding `file`: config lookup stops there, as in the project. */
function folderOf(file: string, folders: string[]): string | undefined {
  let best: string | undefined;
  for (const folder of folders) {
    const rel = path.relative(folder, file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel) && (!best || folder.length > best.length)) best = folder;
  }
  return best;
}
