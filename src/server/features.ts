/**
 * The editing features' wiring: hover, completion, signature help, links, semantic tokens,
 * outline, folding, highlights, definition, references, rename and formatting.
 * Each handler reads the document's model, the one lint reads too (server/models.ts), and calls
 * a pure function of the Dockerfile core.
 * A handler that throws logs and answers "nothing", never takes the server down.
 */
import {
  LSPErrorCodes,
  ResponseError,
  type ClientCapabilities,
  type Connection,
  type SemanticTokens,
  type SemanticTokensDelta,
  type ServerCapabilities,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { complete, completesImages } from '../dockerfile/completion';
import type { EngineImage } from '../dockerfile/hover';
import { hover, hoversImage } from '../dockerfile/hover';
import { documentLinks } from '../dockerfile/links';
import { foldingRanges } from '../dockerfile/folding';
import { formatDocument, formatOnType, formatRange, type FormatSettings } from '../dockerfile/format';
import { definition, documentHighlights, references } from '../dockerfile/navigation';
import { isRenameRefusal, prepareRename, rename } from '../dockerfile/rename';
import { documentSymbols } from '../dockerfile/symbols';
import type { Dockerfile } from '../dockerfile/model';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens, semanticTokensEdits } from '../dockerfile/semanticTokens';
import { signatureHelp } from '../dockerfile/signature';

/** Hover and completion wait this long for the engine's image list, then answer without it. */
const ENGINE_WAIT_MS = 400;

export interface FeatureHost {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /** The parsed document at its current version. */
  model(document: TextDocument): Dockerfile;
  logError(where: string, error: unknown): void;
  /** The client's `berth.format.*` settings for a document. */
  formatSettings?(uri: string): Promise<FormatSettings | undefined>;
  /** Images of the engine the views use (server.ts passes them); none when unset. */
  localImages?: () => Promise<EngineImage[]>;
}

export interface Features {
  capabilities(client: ClientCapabilities): ServerCapabilities;
  forget(uri: string): void;
}

export function registerFeatures(host: FeatureHost): Features {
  const { connection, documents, logError } = host;
  const tokensByUri = new Map<string, { resultId: string; data: number[] }>();
  let nextResultId = 1;
  let snippets = false;
  /** The client's cap on folding ranges (rangeLimit), if it sent one. */
  let foldingLimit: number | undefined;

  const parsed = host.model;

  const images = async (): Promise<EngineImage[] | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ENGINE_WAIT_MS);
    });
    try {
      return host.localImages ? await Promise.race([host.localImages(), deadline]) : undefined;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };

  /** Runs `fn` on the open document; no document, or an error, answers `fallback`. */
  const withDocument = async <R>(
    where: string,
    uri: string,
    fallback: R,
    fn: (document: TextDocument, doc: Dockerfile) => R | Promise<R>,
  ): Promise<R> => {
    const document = documents.get(uri);
    if (!document) return fallback;
    try {
      return await fn(document, parsed(document));
    } catch (error) {
      logError(`${where} ${uri}`, error);
      return fallback;
    }
  };

  connection.onHover((params) =>
    withDocument('hover', params.textDocument.uri, null, async (_document, doc) => {
      const localImages = hoversImage(doc, params.position) ? await images() : undefined;
      return hover(doc, params.position, { localImages });
    }),
  );

  connection.onCompletion((params) =>
    withDocument('completion', params.textDocument.uri, [], async (_document, doc) => {
      const localImages = completesImages(doc, params.position) ? await images() : undefined;
      return complete(doc, params.position, { localImages, snippets });
    }),
  );

  connection.onSignatureHelp((params) =>
    withDocument('signatureHelp', params.textDocument.uri, null, (_document, doc) => signatureHelp(doc, params.position)),
  );

  connection.onDocumentLinks((params) => withDocument('documentLink', params.textDocument.uri, [], (_document, doc) => documentLinks(doc)));

  connection.onDocumentSymbol((params) =>
    withDocument('documentSymbol', params.textDocument.uri, [], (_document, doc) => documentSymbols(doc)),
  );
  connection.onFoldingRanges((params) =>
    withDocument('foldingRange', params.textDocument.uri, [], (_document, doc) => foldingRanges(doc, foldingLimit)),
  );
  connection.onDocumentHighlight((params) =>
    withDocument('documentHighlight', params.textDocument.uri, [], (_document, doc) => documentHighlights(doc, params.position)),
  );
  connection.onDefinition((params) =>
    withDocument('definition', params.textDocument.uri, [], (_document, doc) => definition(doc, params.textDocument.uri, params.position)),
  );
  connection.onReferences((params) =>
    withDocument('references', params.textDocument.uri, [], (_document, doc) =>
      references(doc, params.textDocument.uri, params.position, params.context?.includeDeclaration ?? true),
    ),
  );
  // A refusal (not a stage or variable, a clashing name) is an answer for the user, not a failure.
  const refuse = (message: string) => new ResponseError(LSPErrorCodes.RequestFailed, message);
  connection.onPrepareRename((params) =>
    withDocument('prepareRename', params.textDocument.uri, null, (_document, doc) => {
      const result = prepareRename(doc, params.position);
      return isRenameRefusal(result) ? refuse(result.message) : result;
    }),
  );
  connection.onRenameRequest((params) =>
    withDocument('rename', params.textDocument.uri, null, (_document, doc) => {
      const result = rename(doc, params.textDocument.uri, params.position, params.newName);
      return isRenameRefusal(result) ? refuse(result.message) : result;
    }),
  );

  const formatSettings = (uri: string) => host.formatSettings?.(uri) ?? Promise.resolve(undefined);
  // Settings first, then the document: edits must be computed on the text they will apply to.
  connection.onDocumentFormatting(async (params) => {
    const settings = await formatSettings(params.textDocument.uri);
    return withDocument('formatting', params.textDocument.uri, [], (_document, doc) => formatDocument(doc, params.options, settings));
  });
  connection.onDocumentRangeFormatting(async (params) => {
    const settings = await formatSettings(params.textDocument.uri);
    return withDocument('rangeFormatting', params.textDocument.uri, [], (_document, doc) =>
      formatRange(doc, params.range, params.options, settings),
    );
  });
  connection.onDocumentOnTypeFormatting(async (params) => {
    const settings = await formatSettings(params.textDocument.uri);
    return withDocument('onTypeFormatting', params.textDocument.uri, [], (_document, doc) =>
      formatOnType(doc, params.position, params.ch, params.options, settings),
    );
  });

  const fullTokens = (uri: string, doc: Dockerfile) => {
    const data = semanticTokens(doc).data;
    const resultId = String(nextResultId++);
    tokensByUri.set(uri, { resultId, data });
    return { resultId, data };
  };
  connection.languages.semanticTokens.on((params) =>
    withDocument<SemanticTokens>('semanticTokens', params.textDocument.uri, { data: [] }, (_document, doc) =>
      fullTokens(params.textDocument.uri, doc),
    ),
  );
  connection.languages.semanticTokens.onDelta((params) =>
    withDocument<SemanticTokens | SemanticTokensDelta>('semanticTokens/delta', params.textDocument.uri, { edits: [] }, (_document, doc) => {
      const previous = tokensByUri.get(params.textDocument.uri);
      const next = fullTokens(params.textDocument.uri, doc);
      // Without the result the client holds, only the full answer is right.
      if (!previous || previous.resultId !== params.previousResultId) return next;
      return { resultId: next.resultId, edits: semanticTokensEdits(previous.data, next.data) };
    }),
  );
  connection.languages.semanticTokens.onRange((params) =>
    withDocument<SemanticTokens>('semanticTokens/range', params.textDocument.uri, { data: [] }, (_document, doc) =>
      semanticTokens(doc, params.range),
    ),
  );

  return {
    capabilities(client) {
      snippets = client.textDocument?.completion?.completionItem?.snippetSupport === true;
      foldingLimit = client.textDocument?.foldingRange?.rangeLimit;
      return {
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['$', '{', '-', '=', ',', ':', '#', ' '] },
        signatureHelpProvider: { triggerCharacters: [' ', '-', '=', ','], retriggerCharacters: [',', '='] },
        documentLinkProvider: { resolveProvider: false },
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: { delta: true }, range: true },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        documentHighlightProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        // RenameOptions only for clients that said they send prepareRename.
        renameProvider: client.textDocument?.rename?.prepareSupport ? { prepareProvider: true } : true,
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        // A new line after a continuation escape gets the continuation indent; so does typing
        // the escape at the end of a line (either escape character).
        documentOnTypeFormattingProvider: { firstTriggerCharacter: '\n', moreTriggerCharacter: ['\\', '`'] },
      };
    },
    forget(uri) {
      tokensByUri.delete(uri);
    },
  };
}
