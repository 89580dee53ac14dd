/**
 * What the server advertises for its languages together. A feature every language has, with the
 * same options, is one static capability. A feature only some languages have (formatting is the
 * Dockerfile language's, not Compose's), or with options that differ between them (completion's
 * trigger characters), is registered per language with a document selector of its language ids
 * when the client can register it dynamically: otherwise VS Code would offer Berth as a formatter
 * for Compose files that formats nothing, and fold them by nothing. Clients that cannot register
 * dynamically get the union statically, and the wiring answers a language's documents "nothing"
 * for what it lacks.
 */
import type { ClientCapabilities, Registration, SemanticTokensLegend, ServerCapabilities } from 'vscode-languageserver';
import type { AnyLanguage } from './language';

type ClientFeature = keyof NonNullable<ClientCapabilities['textDocument']>;
type Options = Record<string, unknown>;

interface Feature {
  /** The server capability it is advertised as. */
  capability: keyof ServerCapabilities;
  /** The request method, for dynamic registration. */
  method: string;
  /** The client's textDocument capability that says it can register this feature dynamically. */
  client: ClientFeature;
  /** The options for these languages together; undefined when none of them has the feature. */
  options(languages: AnyLanguage[]): Options | undefined;
}

const union = (languages: AnyLanguage[], pick: (language: AnyLanguage) => readonly string[] | undefined) => [
  ...new Set(languages.flatMap((language) => pick(language) ?? [])),
];

/** A feature with no options: on when any of the languages has it. */
const plain = (capability: keyof ServerCapabilities, method: string, client: ClientFeature, has: (l: AnyLanguage) => unknown): Feature => ({
  capability,
  method,
  client,
  options: (languages) => (languages.some(has) ? {} : undefined),
});

function features(client: ClientCapabilities, legend: SemanticTokensLegend): Feature[] {
  return [
    {
      capability: 'codeActionProvider',
      method: 'textDocument/codeAction',
      client: 'codeAction',
      options: (ls) => (ls.some((l) => l.codeActions) ? { codeActionKinds: union(ls, (l) => l.codeActions?.kinds) } : undefined),
    },
    plain('hoverProvider', 'textDocument/hover', 'hover', (l) => l.hover),
    {
      capability: 'completionProvider',
      method: 'textDocument/completion',
      client: 'completion',
      options: (ls) =>
        ls.some((l) => l.completion)
          ? {
              triggerCharacters: union(ls, (l) => l.completion?.triggerCharacters),
              ...(ls.some((l) => l.completion?.resolve) ? { resolveProvider: true } : {}),
            }
          : undefined,
    },
    {
      capability: 'signatureHelpProvider',
      method: 'textDocument/signatureHelp',
      client: 'signatureHelp',
      options: (ls) =>
        ls.some((l) => l.signatureHelp)
          ? {
              triggerCharacters: union(ls, (l) => l.signatureHelp?.triggerCharacters),
              retriggerCharacters: union(ls, (l) => l.signatureHelp?.retriggerCharacters),
            }
          : undefined,
    },
    {
      capability: 'documentLinkProvider',
      method: 'textDocument/documentLink',
      client: 'documentLink',
      options: (ls) => (ls.some((l) => l.documentLinks) ? { resolveProvider: false } : undefined),
    },
    {
      capability: 'semanticTokensProvider',
      method: 'textDocument/semanticTokens',
      client: 'semanticTokens',
      options: (ls) =>
        ls.some((l) => l.semanticTokens) ? { legend, full: { delta: true }, range: ls.some((l) => l.semanticTokens?.range) } : undefined,
    },
    plain('documentSymbolProvider', 'textDocument/documentSymbol', 'documentSymbol', (l) => l.documentSymbols),
    plain('foldingRangeProvider', 'textDocument/foldingRange', 'foldingRange', (l) => l.foldingRanges),
    plain('documentHighlightProvider', 'textDocument/documentHighlight', 'documentHighlight', (l) => l.documentHighlights),
    plain('definitionProvider', 'textDocument/definition', 'definition', (l) => l.definition),
    plain('referencesProvider', 'textDocument/references', 'references', (l) => l.references),
    {
      capability: 'renameProvider',
      method: 'textDocument/rename',
      client: 'rename',
      // RenameOptions only for clients that said they send prepareRename.
      options: (ls) =>
        ls.some((l) => l.rename) ? (client.textDocument?.rename?.prepareSupport ? { prepareProvider: true } : {}) : undefined,
    },
    plain('documentFormattingProvider', 'textDocument/formatting', 'formatting', (l) => l.formatting),
    plain('documentRangeFormattingProvider', 'textDocument/rangeFormatting', 'rangeFormatting', (l) => l.formatting?.range),
    {
      capability: 'documentOnTypeFormattingProvider',
      method: 'textDocument/onTypeFormatting',
      client: 'onTypeFormatting',
      options: (ls) => {
        const onType = ls.flatMap((l) => (l.formatting?.onType ? [l.formatting.onType] : []));
        if (!onType.length) return undefined;
        const first = onType[0].firstTriggerCharacter;
        const more = [...new Set(onType.flatMap((o) => [o.firstTriggerCharacter, ...o.moreTriggerCharacters]))].filter((c) => c !== first);
        return { firstTriggerCharacter: first, moreTriggerCharacter: more };
      },
    },
  ];
}

/**
 * The static capabilities, and the registrations to send once the client is initialized (each
 * scoped to one language's documents).
 */
export function serverCapabilities(
  languages: AnyLanguage[],
  client: ClientCapabilities,
  legend: SemanticTokensLegend,
): { capabilities: ServerCapabilities; registrations: Registration[] } {
  const capabilities: Record<string, unknown> = {};
  const registrations: Registration[] = [];
  for (const feature of features(client, legend)) {
    const holders = languages.filter((language) => feature.options([language]) !== undefined);
    if (!holders.length) continue;
    const own = holders.map((language) => JSON.stringify(feature.options([language])));
    const perLanguage = holders.length < languages.length || new Set(own).size > 1;
    const dynamic = (client.textDocument?.[feature.client] as { dynamicRegistration?: boolean } | undefined)?.dynamicRegistration === true;
    if (perLanguage && dynamic) {
      for (const language of holders) {
        registrations.push({
          id: `${feature.method}:${language.name}`,
          method: feature.method,
          registerOptions: { documentSelector: language.languageIds.map((id) => ({ language: id })), ...feature.options([language]) },
        });
      }
      continue;
    }
    const options = feature.options(holders)!;
    capabilities[feature.capability] = Object.keys(options).length ? options : true;
  }
  return { capabilities: capabilities as ServerCapabilities, registrations };
}
