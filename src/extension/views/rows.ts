/**
 * Rows kept between listings. VS Code knows a tree's rows by object: when a view lists again and
 * only some rows changed, handing VS Code those rows (onDidChangeTreeData with them) redraws them
 * alone, instead of the whole tree of 2,000 rows it asks for after a full refresh. For that, a key
 * keeps one node object across listings, updated in place. No `vscode` here.
 */
import type { BerthNode } from './model';

/** Summaries a listing did not change are the same objects in the next (merged listings, event states): stringified once. */
const dataSignatures = new WeakMap<object, string>();
function dataSignature(data: object): string {
  let signature = dataSignatures.get(data);
  if (signature === undefined) dataSignatures.set(data, (signature = JSON.stringify(data)));
  return signature;
}

/**
 * What a row shows, and the data it carries (its tooltip, made on hover, comes from that data):
 * two listings' rows differ iff either does. Kept apart so that a row whose data is the same
 * object as before (most rows after a listing by id, or an event) is compared without
 * stringifying 2,000 summaries, or concatenating and flattening a kilobyte string per row.
 */
export interface RowSignature {
  shown: string;
  data: object | string;
}

export function rowSignature(node: BerthNode): RowSignature {
  const shown = `${node.label}\u0000${node.description ?? ''}\u0000${node.contextValue}\u0000${node.collapsible}\u0000${node.icon.id}\u0000${node.icon.color ?? ''}`;
  switch (node.kind) {
    // Their tooltips are made on hover from the data, so the data stands for them.
    case 'container':
    case 'attached':
      return { shown, data: node.container };
    case 'imageTag':
      return { shown, data: `${node.image.id}\u0000${node.image.size}\u0000${node.image.created}\u0000${node.image.repoTags.length}` };
    default: {
      // A tooltip made when read is not made here: its row's data or shown text changes with it.
      const tooltip = Object.getOwnPropertyDescriptor(node, 'tooltip');
      return { shown, data: typeof tooltip?.value === 'string' ? tooltip.value : '' };
    }
  }
}

/** Whether two signatures are of rows that look and carry the same. */
export function sameRow(a: RowSignature, b: RowSignature): boolean {
  if (a.shown !== b.shown) return false;
  if (a.data === b.data) return true;
  return typeof a.data === 'object' && typeof b.data === 'object' && dataSignature(a.data) === dataSignature(b.data);
}

/** The rows of one listing: the roots, and the children known from the listing, by parent key. */
export interface RowTree {
  roots: BerthNode[];
  children: Map<string, BerthNode[]>;
}

/** What a new listing changes: the whole tree (rows came, went or moved), or these rows only. */
export type RowChange = { kind: 'structure' } | { kind: 'rows'; rows: BerthNode[] };

const sameKeys = (a: readonly BerthNode[], b: readonly BerthNode[] | undefined): boolean =>
  b !== undefined && a.length === b.length && a.every((node, i) => node.key === b[i]!.key);

/**
 * One node object per key across listings. `adopt` takes a listing's fresh tree and returns the
 * same tree made of the kept objects (updated in place where they changed), and what changed.
 */
export class RowStore {
  /** A row's signature is made when a later listing has the key again: a first listing of 2,000 rows makes none. */
  private kept = new Map<string, { node: BerthNode; signature?: RowSignature }>();
  private last: RowTree | undefined;

  adopt(fresh: RowTree): { tree: RowTree; change: RowChange } {
    const next = new Map<string, { node: BerthNode; signature?: RowSignature }>();
    const changed: BerthNode[] = [];
    const take = (node: BerthNode): BerthNode => {
      const old = this.kept.get(node.key);
      if (!old || next.has(node.key)) {
        next.set(node.key, { node });
        return node;
      }
      // The same object again (a view that keeps its nodes between listings): nothing to compare.
      if (old.node === node) {
        next.set(node.key, old);
        return node;
      }
      const signature = rowSignature(node);
      if (!sameRow(old.signature ?? rowSignature(old.node), signature)) {
        replaceFields(old.node, node);
        changed.push(old.node);
      }
      next.set(node.key, { node: old.node, signature });
      return old.node;
    };
    const roots = fresh.roots.map(take);
    const children = new Map<string, BerthNode[]>();
    for (const [parent, nodes] of fresh.children) children.set(parent, nodes.map(take));
    const last = this.last;
    const same =
      last !== undefined &&
      sameKeys(roots, last.roots) &&
      last.children.size === children.size &&
      [...children].every(([parent, nodes]) => sameKeys(nodes, last.children.get(parent)));
    this.kept = next;
    this.last = { roots, children };
    return { tree: { roots, children }, change: same ? { kind: 'rows', rows: changed } : { kind: 'structure' } };
  }

  /**
   * Does ahead, for one row of a coming listing, the costly part of what `adopt` will do with it
   * (stringifying its data and its kept row's, when they are equal-looking rows of different
   * objects): a view with thousands of rows calls it a slice per turn before it adopts.
   */
  warm(node: BerthNode): void {
    const old = this.kept.get(node.key);
    if (!old || old.node === node) return;
    old.signature ??= rowSignature(old.node);
    const fresh = rowSignature(node);
    if (fresh.shown !== old.signature.shown || typeof fresh.data !== 'object' || typeof old.signature.data !== 'object') return;
    dataSignature(fresh.data);
    dataSignature(old.signature.data);
  }

  /** Forgets every row (the view lost its listing). */
  clear(): void {
    this.kept.clear();
    this.last = undefined;
  }
}

/** Makes `target` carry `source`'s fields, getters included (a tooltip made when read stays so). */
function replaceFields(target: BerthNode, source: BerthNode): void {
  for (const key of Object.keys(target)) if (!Object.hasOwn(source, key)) delete (target as unknown as Record<string, unknown>)[key];
  Object.defineProperties(target, Object.getOwnPropertyDescriptors(source));
}
