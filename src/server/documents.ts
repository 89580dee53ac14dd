/**
 * The open documents: one record per URI holding everything the server keeps for it (text,
 * language, model, the language's state, settings, diagnostics, what it read), made at open and
 * dropped in one place at close. Text changes apply in the order they arrive: the client's
 * version number is reported back but trusted for nothing, so a client that repeats a version or
 * opens a document twice still gets answers for the text it sent last.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver';
import type { AnyLanguage, LanguageDocument, Workspace } from './language';

/** More changes than this in one notification (a replace-all, say) parse the result afresh. */
const MAX_INCREMENTAL_CHANGES = 20;

/** Everything the server keeps for one open document. */
export class OpenDocument implements LanguageDocument {
  revision = 0;
  text: TextDocument;
  readonly state: unknown;
  readonly workspace: Workspace;
  /** The settings promise, until the configuration changes. */
  settingsPromise: Promise<unknown> | undefined;
  /** The last diagnostics asked for, and for which revision and settings generation. */
  lastDiagnostics: { revision: number; generation: number; diagnostics: Promise<Diagnostic[]> } | undefined;
  /** The computation last published, so a burst of validations of one text publishes once. */
  published: Promise<Diagnostic[]> | undefined;
  /** Stops the late diagnostics (Language.lateDiagnostics) of the last publish, when they are still coming. */
  late: AbortController | undefined;
  /**
   * Starts the late diagnostics once typing pauses: one timer per document, restarted by each
   * publish (an AbortController, a listener and a timer per keystroke were garbage on every one).
   */
  lateTimer: NodeJS.Timeout | undefined;
  /** What the timer starts: the late diagnostics of the last publish. */
  lateStart: (() => void) | undefined;
  /** File keys ({@link fileKey}; `language:<name>` for "every open document of it") the last diagnostics read. */
  dependencies = new Set<string>();
  /** The previous semantic tokens answer, for deltas. */
  tokens: { resultId: string; data: number[] } | undefined;
  private parsed: { revision: number; model: unknown } | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    readonly language: AnyLanguage,
    version: number,
    text: string,
    makeWorkspace: (document: OpenDocument) => Workspace,
    private readonly resolveSettings: (document: OpenDocument) => Promise<unknown>,
  ) {
    this.text = TextDocument.create(uri, languageId, version, text);
    this.state = language.newState?.();
    this.workspace = makeWorkspace(this);
  }

  get version(): number {
    return this.text.version;
  }

  get model(): unknown {
    if (this.parsed?.revision !== this.revision) this.parsed = { revision: this.revision, model: this.language.parse(this.text.getText()) };
    return this.parsed.model;
  }

  settings(): Promise<unknown> {
    if (!this.settingsPromise) {
      const pending = this.resolveSettings(this);
      this.settingsPromise = pending;
      // A failure is not kept: the next feature asks again.
      pending.catch(() => {
        if (this.settingsPromise === pending) this.settingsPromise = undefined;
      });
    }
    return this.settingsPromise;
  }

  /**
   * Applies a didChange's changes in order and bumps the revision. The model follows change by
   * change when the language can re-parse incrementally and the model is current; else it is
   * parsed afresh on next use.
   */
  applyChanges(changes: readonly unknown[], version: number): void {
    const language = this.language;
    let model =
      this.parsed?.revision === this.revision && language.reparse && changes.length <= MAX_INCREMENTAL_CHANGES
        ? this.parsed.model
        : undefined;
    for (const raw of changes) {
      const change = this.normalize(raw);
      if (!change) continue;
      if (model === undefined || !('range' in change)) {
        model = undefined;
        this.text = TextDocument.update(this.text, [change], version);
        continue;
      }
      const start = this.text.offsetAt(change.range.start);
      const end = this.text.offsetAt(change.range.end);
      const length = this.text.getText().length;
      this.text = TextDocument.update(this.text, [change], version);
      const text = this.text.getText();
      // A length that disagrees means the offsets did: parse afresh rather than trust them.
      model =
        text.length === length - (end - start) + change.text.length
          ? language.reparse!(model, { start, end, text: change.text }, text)
          : undefined;
    }
    // An empty change list is still a new version: nothing to parse again, but nothing cached may assume otherwise.
    if (!changes.length) this.text = TextDocument.update(this.text, [], version);
    this.revision++;
    this.parsed = model === undefined ? undefined : { revision: this.revision, model };
  }

  /**
   * A change as the text library can apply it: a range past the end, negative, reversed or not
   * made of numbers is clamped into the text (the library would otherwise keep line offsets that
   * no longer match the text, and every later position would be wrong); one without text is dropped.
   */
  private normalize(change: unknown): TextDocumentContentChangeEvent | undefined {
    if (typeof change !== 'object' || change === null || typeof (change as { text?: unknown }).text !== 'string') return undefined;
    const { text, range } = change as { text: string; range?: { start?: unknown; end?: unknown } };
    if (range === undefined) return { text };
    const a = this.offsetOf(range?.start);
    const b = this.offsetOf(range?.end);
    return { range: { start: this.text.positionAt(Math.min(a, b)), end: this.text.positionAt(Math.max(a, b)) }, text };
  }

  private offsetOf(position: unknown): number {
    const { line, character } = (typeof position === 'object' && position !== null ? position : {}) as {
      line?: unknown;
      character?: unknown;
    };
    const whole = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? Math.trunc(n) : 0);
    return this.text.offsetAt({ line: Math.max(0, whole(line)), character: Math.max(0, whole(character)) });
  }
}

/** The file system path of a `file:` URI; undefined for other schemes and malformed URIs. */
export function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/**
 * What identifies a file across spellings of its URI: the file system path for `file:` URIs
 * (clients and `pathToFileURL` percent-encode differently), the URI itself otherwise.
 */
export function fileKey(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  // Asked on every keystroke (which open documents read this one): URL parsing is not free.
  let key = fileKeys.get(uri);
  if (key === undefined) {
    try {
      key = path.resolve(fileURLToPath(uri));
    } catch {
      key = uri;
    }
    if (fileKeys.size >= MAX_FILE_KEYS) fileKeys.clear();
    fileKeys.set(uri, key);
  }
  return key;
}

const fileKeys = new Map<string, string>();
const MAX_FILE_KEYS = 1024;

/** The open documents by URI, and by file for cross-file reads. */
export class DocumentStore {
  private readonly byUri = new Map<string, OpenDocument>();
  private readonly byFile = new Map<string, OpenDocument>();

  get(uri: string | undefined): OpenDocument | undefined {
    return uri === undefined ? undefined : this.byUri.get(uri);
  }

  /** The document open for a file key ({@link fileKey}), however its URI was spelt. */
  getByKey(key: string): OpenDocument | undefined {
    return this.byFile.get(key);
  }

  set(document: OpenDocument): void {
    this.byUri.set(document.uri, document);
    this.byFile.set(fileKey(document.uri), document);
  }

  /** Forgets the document: the only place per-document state is freed. */
  delete(uri: string | undefined): OpenDocument | undefined {
    const document = this.get(uri);
    if (uri === undefined || !document) return undefined;
    this.byUri.delete(uri);
    const key = fileKey(uri);
    if (this.byFile.get(key) === document) this.byFile.delete(key);
    return document;
  }

  all(): OpenDocument[] {
    return [...this.byUri.values()];
  }
}
