/**
 * The language plug-in interface of the language server. The wiring (server.ts) owns the
 * connection, the open documents, settings and cross-file bookkeeping; a language owns its model
 * and its features. Adding a language is one module in src/server/languages/ and one entry in
 * LANGUAGES (languages/index.ts): the wiring learns nothing of its internals.
 *
 * How a request flows: the client names a URI; the wiring finds the open document and the
 * language it was opened in, hands the feature a {@link LanguageDocument} (text, model, state,
 * settings, cross-file access) and the request's params, and answers with what the feature
 * returns. A feature that throws is logged and answered with "nothing"; a feature that throws
 * {@link RequestRefused} is answered with an error the client shows to the user.
 *
 * Documents are keyed by URI. Every `didOpen` and `didChange` bumps the document's
 * `revision`, whatever version the client sends: the latest text is the truth, and every cache
 * (model, diagnostics, state a language keeps) is keyed on the revision, never on the version.
 */
import type { LocalImage } from '../shared/localImage';
import type {
  ClientCapabilities,
  CancellationToken,
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  CompletionItem,
  CompletionList,
  CompletionParams,
  Definition,
  DefinitionParams,
  Diagnostic,
  DocumentFormattingParams,
  DocumentHighlight,
  DocumentHighlightParams,
  DocumentLink,
  DocumentLinkParams,
  DocumentOnTypeFormattingParams,
  DocumentRangeFormattingParams,
  DocumentSymbol,
  DocumentSymbolParams,
  FoldingRange,
  FoldingRangeParams,
  Hover,
  HoverParams,
  Location,
  LocationLink,
  PrepareRenameParams,
  Range,
  ReferenceParams,
  RenameParams,
  SemanticTokensLegend,
  SignatureHelp,
  SignatureHelpParams,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ReadResult } from '../shared/regularFile';

/** One open document, as a language's features see it. */
export interface LanguageDocument<Model = unknown, State = unknown, Settings = unknown> {
  readonly uri: string;
  /** The language id the client opened it with (`dockerfile`, `dockercompose`, …). */
  readonly languageId: string;
  /** The client's version of the text: only for messages to the client, never for caching. */
  readonly version: number;
  /** Bumped on every open and change of this URI; caches key on it. */
  readonly revision: number;
  /** The text at this revision, with offset ↔ position conversion. */
  readonly text: TextDocument;
  /** The language's model of the text: parsed on first use per revision (incrementally when it can). */
  readonly model: Model;
  /** What the language keeps for this document (made by `newState` at open, dropped at close). */
  readonly state: State;
  /** The settings that apply to this document; resolved once, again after a configuration change. */
  settings(): Promise<Settings>;
  /** Files and other documents, for features that read beyond this document. */
  readonly workspace: Workspace;
}

/**
 * Cross-file access for a document's features. Reads made while computing diagnostics are
 * remembered as dependencies: when the document or file read changes (edited, opened, closed,
 * or changed on disk and reported by the client's file watcher), the wiring re-validates the
 * documents that read it. Reads from other features are not remembered (they are answered
 * afresh on the next request anyway).
 */
export interface Workspace {
  /** The workspace folders, as file system paths. */
  readonly folders: readonly string[];
  /**
   * The model of another document in the language `languageId`: the open document's current
   * model when it is open in that language, else the file on disk parsed by that language
   * (regular files only, size-capped, cached until the client reports the file changed);
   * undefined when it is neither. The caller names the model type it expects.
   */
  model<M>(uri: string, languageId: string): Promise<M | undefined>;
  /** Every open document of `languageId` (e.g. the other compose files of a project). */
  openDocuments(languageId: string): LanguageDocument[];
  /** A file from disk, through the same safe reader the CLI uses: regular files, capped. */
  readFile(path: string, maxBytes?: number): Promise<ReadResult>;
  /**
   * For pure cores that read files synchronously (the Compose core's `ComposeHost.readFile`):
   * the current text of the document open at `path` in any language, else the file on disk
   * (regular, capped, cached until the client reports it changed); undefined when neither.
   */
  text(path: string): string | undefined;
  /** Whether `path` is a file, a folder, or nothing (synchronous, uncached). */
  stat(path: string): 'file' | 'directory' | undefined;
}

/** Thrown by a feature to refuse with a message for the user (rename: "not a stage name"). */
export class RequestRefused extends Error {
  // Named, so a refusal from a language in a bundle of its own (its own copy of this class) is known.
  override name = 'RequestRefused';
}

/** What the wiring gives a language at startup. */
export interface LanguageHost {
  /** Writes to the server's log (the client's output channel). */
  log(message: string): void;
  logError(where: string, error: unknown): void;
  /** Shows problems of a settings source to the user once until the configuration changes. */
  reportOnce(problems: string[], source: string): void;
  /** The workspace folders, as file system paths. */
  folders(): readonly string[];
  /**
   * The images of the engine the views use (the client's `berth.docker.host`, else DOCKER_HOST or
   * the docker context), kept a few seconds; [] when no engine answers. Never rejects.
   */
  engineImages(): Promise<LocalImage[]>;
}

/** What the wiring asks a language when it resolves a document's settings. */
export interface SettingsRequest {
  uri: string;
  /** The client's `berth` settings section for this document (unchecked: any shape). */
  section: unknown;
  /** The innermost workspace folder holding the document, if any. */
  folder: string | undefined;
}

/** One text change as offsets into the text before it, with the text after it. */
export interface TextChange {
  start: number;
  end: number;
  text: string;
}

/** Semantic tokens in the language's own legend; the wiring merges legends and handles deltas. */
export interface SemanticTokensProvider<M, S, C> {
  legend: SemanticTokensLegend;
  /** LSP's encoded five-integer tuples for the whole document. */
  full(doc: LanguageDocument<M, S, C>): number[];
  /** The same for the lines `range` touches. */
  range?(doc: LanguageDocument<M, S, C>, range: Range): number[];
}

type Feature<M, S, C, P, R> = (doc: LanguageDocument<M, S, C>, params: P) => R | Promise<R>;

/**
 * A language the server speaks. Every feature is optional: the server advertises a capability
 * when any language has it and answers "nothing" for documents of languages without it.
 */
export interface Language<Model = unknown, State = unknown, Settings = unknown> {
  /** For logs and the message of a failed handler. */
  readonly name: string;
  /** The LSP language ids of its documents, as clients send them in `didOpen`. */
  readonly languageIds: readonly string[];
  /** Glob patterns of files whose changes matter (config files, files it reads); watched when the client can. */
  readonly watchedFiles?: readonly string[];

  /** Reads the client's capabilities once, at initialize (snippet support, folding limits, …). */
  initialize?(client: ClientCapabilities): void;
  /** The model of a text; must not throw on any text. */
  parse(text: string): Model;
  /** The model after one change, from the model before it; undefined to parse afresh. */
  reparse?(model: Model, change: TextChange, text: string): Model | undefined;
  /** Per-document state, made when a document opens; dropped with it at close. */
  newState?(): State;
  /** The settings for one document; cached per document until the configuration changes. */
  settings?(request: SettingsRequest): Promise<Settings>;
  /**
   * Files changed on disk (the client's watcher), or `undefined` when the client cannot watch and
   * anything may have changed (called on every open then): drop what was read from them. Return
   * false when none of them is a settings file of this language (they are files its documents
   * read): the wiring then re-validates just the documents that read them, and shows no settings
   * problem again.
   */
  filesChanged?(uris: readonly string[] | undefined): boolean | void;

  /** The diagnostics of a document; re-run after every change and settings change, and when what it read changed. */
  diagnostics?: (doc: LanguageDocument<Model, State, Settings>) => Diagnostic[] | Promise<Diagnostic[]>;
  /**
   * Diagnostics from a slower source (an external program such as ShellCheck), asked for once
   * `diagnostics` are published, with those: resolve with the complete list, published again
   * under the same version, or undefined when `early` is complete already. `signal` aborts when
   * the text or settings change or the document closes, as the answer would be stale: the typing
   * path never waits for it.
   */
  lateDiagnostics?: (
    doc: LanguageDocument<Model, State, Settings>,
    early: Diagnostic[],
    signal: AbortSignal,
  ) => Promise<Diagnostic[] | undefined>;
  /** Code actions; `diagnostics` are this language's own current ones (clients may drop their `data`). */
  codeActions?: {
    kinds: readonly CodeActionKind[];
    provide(
      doc: LanguageDocument<Model, State, Settings>,
      params: CodeActionParams,
      diagnostics: Diagnostic[],
      /** Cancelled by the client, or never for callers without one. */
      token?: CancellationToken,
    ): CodeAction[] | Promise<CodeAction[]>;
  };
  completion?: {
    triggerCharacters: readonly string[];
    provide: Feature<Model, State, Settings, CompletionParams, CompletionItem[] | CompletionList>;
    /**
     * Fills in what `provide` left out to keep its answer small (documentation), for the one item
     * the user looks at. It gets back the `data` its own items carried; the wiring routes by language.
     */
    resolve?: (item: CompletionItem) => CompletionItem | Promise<CompletionItem>;
  };
  hover?: Feature<Model, State, Settings, HoverParams, Hover | null>;
  signatureHelp?: {
    triggerCharacters: readonly string[];
    retriggerCharacters: readonly string[];
    provide: Feature<Model, State, Settings, SignatureHelpParams, SignatureHelp | null>;
  };
  definition?: Feature<Model, State, Settings, DefinitionParams, Definition | LocationLink[]>;
  references?: Feature<Model, State, Settings, ReferenceParams, Location[]>;
  documentHighlights?: Feature<Model, State, Settings, DocumentHighlightParams, DocumentHighlight[]>;
  /** Rename; refuse with {@link RequestRefused}. */
  rename?: {
    prepare: Feature<Model, State, Settings, PrepareRenameParams, { range: Range; placeholder: string } | null>;
    provide: Feature<Model, State, Settings, RenameParams, WorkspaceEdit | null>;
  };
  documentSymbols?: Feature<Model, State, Settings, DocumentSymbolParams, DocumentSymbol[]>;
  documentLinks?: Feature<Model, State, Settings, DocumentLinkParams, DocumentLink[]>;
  foldingRanges?: Feature<Model, State, Settings, FoldingRangeParams, FoldingRange[]>;
  formatting?: {
    document: Feature<Model, State, Settings, DocumentFormattingParams, TextEdit[]>;
    range?: Feature<Model, State, Settings, DocumentRangeFormattingParams, TextEdit[]>;
    onType?: {
      firstTriggerCharacter: string;
      moreTriggerCharacters: readonly string[];
      provide: Feature<Model, State, Settings, DocumentOnTypeFormattingParams, TextEdit[]>;
    };
  };
  semanticTokens?: SemanticTokensProvider<Model, State, Settings>;
}

/** A language as the wiring holds it: the types of its model, state and settings are its own business. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- features take the language's own types, so no one type fits all
export type AnyLanguage = Language<any, any, any>;

/** Makes a language for one server; the list in languages/index.ts holds these. */
export type LanguageFactory = (host: LanguageHost) => AnyLanguage;

/** Inclusive overlap, so a cursor just after a name still gets the code actions for it. */
export function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function before(p: Range['start'], q: Range['start']): boolean {
  return p.line < q.line || (p.line === q.line && p.character < q.character);
}
