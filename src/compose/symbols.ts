/** The outline of a Compose file: its top-level sections, their services, networks, volumes, secrets and configs, and each service's keys. */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import { rangeOfSpan, type ComposeDocument, type PairNode } from './document';
import { asMap, entries } from './tree';

const SECTION_KINDS: Record<string, SymbolKind> = {
  services: SymbolKind.Class,
  networks: SymbolKind.Interface,
  volumes: SymbolKind.Struct,
  secrets: SymbolKind.Key,
  configs: SymbolKind.Object,
  models: SymbolKind.Object,
};

/** The outline of one parsed file. */
export function composeSymbols(doc: ComposeDocument): DocumentSymbol[] {
  const symbol = (pair: PairNode, kind: SymbolKind, children?: DocumentSymbol[]): DocumentSymbol | undefined => {
    if (!pair.key) return undefined;
    const range = rangeOfSpan(doc, { start: pair.start, end: Math.max(pair.end, pair.key.end) });
    return {
      name: pair.name || '""',
      kind,
      range,
      selectionRange: rangeOfSpan(doc, { start: pair.key.start, end: pair.key.end }),
      children,
    };
  };
  const out: DocumentSymbol[] = [];
  for (const top of doc.root?.pairs ?? []) {
    const kind = SECTION_KINDS[top.name];
    if (kind === undefined) {
      const s = symbol(top, top.name.startsWith('x-') ? SymbolKind.Namespace : SymbolKind.Property);
      if (s) out.push(s);
      continue;
    }
    const children: DocumentSymbol[] = [];
    for (const entry of asMap(doc, top.value)?.pairs ?? []) {
      const grandchildren =
        top.name === 'services'
          ? entries(doc, asMap(doc, entry.value))
              .filter((p) => p.key && p.start >= entry.start && p.end <= entry.end)
              .map((p) => symbol(p, SymbolKind.Property))
              .filter((s): s is DocumentSymbol => s !== undefined)
          : undefined;
      const s = symbol(entry, kind, grandchildren);
      if (s) children.push(s);
    }
    const s = symbol(top, SymbolKind.Module, children);
    if (s) out.push(s);
  }
  return out;
}
