/**
 * The open documents and one parsed model of each, kept up to date edit by edit: an
 * incremental change re-parses only the instructions it touches (dockerfile/incremental.ts),
 * so typing in a long file neither walks it again nor rebuilds every instruction. Lint and
 * every feature read the same model.
 */
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { reparse } from '../dockerfile/incremental';
import type { Dockerfile } from '../dockerfile/model';
import { parse } from '../dockerfile/parser';

/** More changes than this in one notification (a replace-all, say) parse the result afresh. */
const MAX_INCREMENTAL_CHANGES = 20;

export interface Models {
  documents: TextDocuments<TextDocument>;
  /** The model of the document at its current version. */
  model(document: TextDocument): Dockerfile;
  /** Drops a closed document's model. */
  forget(uri: string): void;
}

/** The document store the server listens with, each document's model kept beside it. */
export function createModels(): Models {
  const byUri = new Map<string, { version: number; doc: Dockerfile }>();

  const update = (document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument => {
    const cached = byUri.get(document.uri);
    let doc = cached?.version === document.version && changes.length <= MAX_INCREMENTAL_CHANGES ? cached.doc : undefined;
    byUri.delete(document.uri);
    if (!doc) return TextDocument.update(document, changes, version);
    // One change at a time: each range is in the text the previous ones left.
    for (const change of changes) {
      if (!doc || !('range' in change)) {
        doc = undefined;
        TextDocument.update(document, [change], version);
        continue;
      }
      const start = document.offsetAt(change.range.start);
      const end = document.offsetAt(change.range.end);
      const length = document.getText().length;
      TextDocument.update(document, [change], version);
      const text = document.getText();
      // The document's own text, one copy for both; a length that disagrees means the offsets did.
      doc = text.length === length - (end - start) + change.text.length ? reparse(doc, { start, end, text: change.text }, text) : undefined;
    }
    if (doc) byUri.set(document.uri, { version, doc });
    return document;
  };

  const documents = new TextDocuments<TextDocument>({ create: TextDocument.create, update });

  return {
    documents,
    model(document) {
      const cached = byUri.get(document.uri);
      if (cached && cached.version === document.version) return cached.doc;
      const doc = parse(document.getText());
      byUri.set(document.uri, { version: document.version, doc });
      return doc;
    },
    forget(uri) {
      byUri.delete(uri);
    },
  };
}
