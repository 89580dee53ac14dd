/**
 * The four tree data providers. Each keeps one snapshot of its lists: `refresh()` lists first
 * and then fires onDidChangeTreeData, so whoever listens (VS Code, tests, the bench) reads the
 * new state at once. Children of groups come from the snapshot; only image layers ask the
 * engine on expand.
 */
import * as vscode from 'vscode';
import type { ContainerStats, ContainerSummary, EngineEvent, ImageSummary, NetworkSummary, VolumeSummary } from '../../engine/types';
import { statsTooltip } from '../stats/render';
import { yieldToEventLoop } from '../../engine/jsonSlices';
import { EngineError } from '../../engine/types';
import { isConnectionFailure, type EngineService } from '../engineService';
import { RowStore, type RowChange, type RowTree } from './rows';
import {
  mergeContainers,
  containerNode,
  containerRoots,
  EventStates,
  imageRoots,
  imageRows,
  layerNodes,
  networkChildren,
  networkRoots,
  stateFromEvent,
  volumeChildren,
  volumeRoots,
  type BerthNode,
  type ContainerNode,
  type ImageRow,
  type NodeBase,
  type ViewId,
} from './model';

/** `withTooltip: false` leaves the tooltip to resolveTreeItem (made on hover). */
export function toTreeItem(node: NodeBase, withTooltip = true): vscode.TreeItem {
  const state =
    node.collapsible === 'none'
      ? vscode.TreeItemCollapsibleState.None
      : node.collapsible === 'expanded'
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(node.label, state);
  item.id = node.key;
  item.description = node.description;
  item.contextValue = node.contextValue;
  item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
  const markdown = withTooltip ? node.tooltip : undefined;
  if (markdown) item.tooltip = untrustedMarkdown(markdown);
  return item;
}

/** Not trusted and no HTML: names in it come from the engine and are escaped in model.ts. */
function untrustedMarkdown(markdown: string): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString(markdown);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  return tooltip;
}

/**
 * One container listing shared by the views that need it: a container event re-lists the
 * Containers, Volumes and Networks views in the same debounce tick, and they share one request.
 * Only calls made in the same turn of the event loop share, so no view is handed a listing
 * that was sent before the change it is refreshing for.
 */
export class SharedContainerList {
  private pending: Promise<ContainerSummary[]> | undefined;
  constructor(private readonly service: EngineService) {}

  list(): Promise<ContainerSummary[]> {
    if (!this.pending) {
      this.pending = this.service.engine().then((engine) => engine.listContainers());
      setImmediate(() => (this.pending = undefined));
    }
    return this.pending;
  }
}

/** How long events' changes gather before the rows are remade. */
const PUBLISH_DELAY_MS = 25;
/** Rows made ahead per turn of the extension host: a few ms under load. */
const ROWS_PER_TURN = 200;

/** Common snapshot handling; subclasses say how to list and how to turn a snapshot into nodes. */
export abstract class BerthTreeProvider<Snapshot> implements vscode.TreeDataProvider<BerthNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<BerthNode | BerthNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  protected snapshot: Snapshot | undefined;
  private inflight: Promise<void> | undefined;
  private again = false;
  /** When the last snapshot was taken, for coarse ages. */
  protected takenAt = Date.now();
  /** How many times the engine was asked for this view's lists (the bench and tests read it). */
  listCount = 0;
  /** How long the last listing took (ms): a costly one spaces the refreshes of an event storm. */
  lastListMs = 0;
  /**
   * How long the last listing of everything took (ms), where a view lists only what changed
   * too: an event storm's listings are spaced by what listing everything costs.
   */
  protected fullListMs: number | undefined;
  get costlyListMs(): number {
    return this.fullListMs ?? this.lastListMs;
  }

  constructor(
    readonly viewId: ViewId,
    protected readonly service: EngineService,
  ) {}

  protected abstract load(): Promise<Snapshot>;
  protected abstract roots(snapshot: Snapshot): BerthNode[];

  /** Lists again, then tells VS Code; concurrent calls share one run plus at most one more. */
  refresh(): Promise<void> {
    return this.run(true);
  }

  /**
   * One listing at a time. `tell`: fire onDidChangeTreeData when done; a first listing made for
   * VS Code's own getChildren does not, or VS Code would ask for all 2,000 rows a second time.
   * A refresh joining a listing already under way lists once more after it, and tells.
   */
  private run(tell: boolean): Promise<void> {
    if (this.inflight) {
      if (tell) {
        this.again = true;
        this.tell = true;
      }
      return this.inflight;
    }
    this.tell = tell;
    let listed = () => {};
    this.firstListed = new Promise<void>((resolve) => (listed = resolve));
    this.inflight = (async () => {
      try {
        do {
          this.again = false;
          await this.reload();
          listed();
          // A refresh asked for while the rows are made ahead lists again: the loop is still running.
          if (this.tell && !this.again) await this.prepareRows();
        } while (this.again);
        // Nothing awaited from the loop's last check to here: a refresh joining now is not lost.
        if (this.tell) this.publish();
      } finally {
        listed();
      }
    })().finally(() => (this.inflight = this.firstListed = undefined));
    return this.inflight;
  }
  /** Settles when the run under way has its first listing, before any listing it was asked to repeat. */
  private firstListed: Promise<void> | undefined;
  private tell = false;

  /** True while the view's first listing is under way (nothing to show yet, and a refresh would only repeat it). */
  get loadingFirst(): boolean {
    return this.inflight !== undefined && this.snapshot === undefined;
  }

  /** Redraws from the same snapshot (e.g. a display toggle). */
  protected changed(): void {
    this.shown = undefined;
    this.publish();
  }

  /** Forgets the snapshot without listing; the next getChildren lists. */
  invalidate(): void {
    this.snapshot = undefined;
    this.shown = undefined;
    this.rows.clear();
    this.emitter.fire(undefined);
  }

  private readonly rows = new RowStore();

  /**
   * Makes ahead, a slice per turn, what the rows of the current snapshot are made of, so that
   * making them (`roots`, then keeping them) is short: a listing of 2,000 containers is not
   * turned into rows in one turn of the extension host. Views with thousands of rows say how.
   */
  private async prepareRows(): Promise<void> {
    const snapshot = this.snapshot;
    if (snapshot === undefined || this.shown?.snapshot === snapshot) return;
    const rows = this.rowsAhead(snapshot);
    for (let i = 0; i < rows.length; i += ROWS_PER_TURN) {
      // The listing's last slice ends a turn, and each slice of rows ends one.
      await yieldToEventLoop();
      if (this.snapshot !== snapshot) return;
      for (const make of rows.slice(i, i + ROWS_PER_TURN)) for (const node of make()) this.rows.warm(node);
    }
    await yieldToEventLoop();
  }

  /** What `prepareRows` makes ahead: one maker per item of the snapshot, returning its rows. */
  protected rowsAhead(_snapshot: Snapshot): (() => readonly BerthNode[])[] {
    return [];
  }
  /** The rows of the snapshot last turned into rows. */
  private shown: { snapshot: Snapshot; tree: RowTree } | undefined;

  /**
   * The rows of the current snapshot, made once per snapshot (VS Code asks again on every redraw
   * and getParent) from the rows kept since the last listing, and what changed since then.
   */
  private currentRows(): { tree: RowTree; change: RowChange } {
    const snapshot = this.snapshot;
    if (snapshot === undefined) {
      this.rows.clear();
      this.shown = undefined;
      return { tree: { roots: [], children: new Map() }, change: { kind: 'structure' } };
    }
    if (this.shown?.snapshot === snapshot) return { tree: this.shown.tree, change: { kind: 'rows', rows: [] } };
    const roots = this.roots(snapshot);
    const children = new Map<string, BerthNode[]>();
    for (const root of roots) {
      const known = this.snapshotChildren(root);
      if (known) children.set(root.key, known);
    }
    const { tree, change } = this.rows.adopt({ roots, children });
    this.shown = { snapshot, tree };
    return { tree, change };
  }

  /** Tells VS Code what a new snapshot changed: the rows that changed alone when no row came, went or moved. */
  private publish(): void {
    const { change } = this.currentRows();
    if (change.kind === 'structure') this.emitter.fire(undefined);
    else if (change.rows.length) this.emitter.fire(change.rows);
  }

  private publishing: ReturnType<typeof setTimeout> | undefined;
  /** Publishes once a moment later: a burst of events costs one pass over the rows (VS Code redraws at most every 200 ms anyway). */
  protected publishSoon(): void {
    this.publishing ??= setTimeout(() => {
      this.publishing = undefined;
      this.publish();
    }, PUBLISH_DELAY_MS);
  }

  /** A node's children that the snapshot holds (undefined: none, or fetched on expand by childrenOf). */
  protected snapshotChildren(_node: BerthNode): BerthNode[] | undefined {
    return undefined;
  }

  /** Kinds of row whose tooltip is made on hover (resolveTreeItem): views with thousands of them. */
  protected readonly tooltipOnHover: ReadonlySet<BerthNode['kind']> = new Set();

  getTreeItem(node: BerthNode): vscode.TreeItem {
    return toTreeItem(node, !this.tooltipOnHover.has(node.kind));
  }

  resolveTreeItem(item: vscode.TreeItem, node: BerthNode): vscode.TreeItem {
    if (this.tooltipOnHover.has(node.kind) && node.tooltip) item.tooltip = untrustedMarkdown(node.tooltip);
    return item;
  }

  async getChildren(node?: BerthNode): Promise<BerthNode[]> {
    if (!node) {
      // A view opening answers from the first listing; one asked for meanwhile (the event stream's
      // first connection re-lists, for what changed before it) follows and redraws what changed.
      if (this.snapshot === undefined) {
        const run = this.run(false);
        await (this.firstListed ?? run);
        await this.prepareRows();
        const { roots } = this.currentRows().tree;
        // VS Code makes its 2,000 TreeItems in the turn after ours.
        await yieldToEventLoop();
        return roots;
      }
      return this.currentRows().tree.roots;
    }
    return this.currentRows().tree.children.get(node.key) ?? this.childrenOf(node);
  }

  protected async childrenOf(_node: BerthNode): Promise<BerthNode[]> {
    return [];
  }

  /**
   * The parent of a node, for TreeView.reveal: searched among the roots' children in the
   * snapshot (image layers, fetched on demand, are not revealed).
   */
  async getParent(node: BerthNode): Promise<BerthNode | undefined> {
    if (this.snapshot === undefined || node.kind === 'layer') return undefined;
    const { roots, children } = this.currentRows().tree;
    for (const root of roots) {
      if (root.key === node.key) return undefined;
      if (children.get(root.key)?.some((child) => child.key === node.key)) return root;
    }
    return undefined;
  }

  private async reload(): Promise<void> {
    if (this.service.state.kind === 'failed') {
      this.snapshot = undefined;
      return;
    }
    try {
      this.listCount++;
      const started = Date.now();
      this.snapshot = await this.load();
      this.takenAt = Date.now();
      this.lastListMs = this.takenAt - started;
    } catch (error) {
      this.snapshot = undefined;
      if (error instanceof EngineError && isConnectionFailure(error)) this.service.connectionLost(error);
      else if (error instanceof EngineError) this.service.notifyFailure(error);
    }
  }

  dispose(): void {
    clearTimeout(this.publishing);
    this.emitter.dispose();
  }
}

/** Above this many changed containers, one listing of all of them costs less than a filter of ids. */
const MAX_LISTED_BY_ID = 200;

export class ContainersProvider extends BerthTreeProvider<ContainerSummary[]> {
  constructor(
    service: EngineService,
    private readonly containers: SharedContainerList,
  ) {
    super('containers', service);
  }
  private readonly eventStates = new EventStates();

  /** Containers whose events said they changed, to list alone next time; `all` lists every one. */
  private readonly changedIds = new Set<string>();
  private listAll = true;

  override refresh(): Promise<void> {
    this.listAll = true;
    return super.refresh();
  }

  /**
   * Lists again only these containers (their events said they changed) and merges them in: the
   * engine answers for a few containers in a fraction of the time it takes for 2,000, and the
   * extension host parses a fraction of the text. Everything when there is no listing yet or too
   * many changed.
   */
  refreshContainers(ids: Iterable<string>): Promise<void> {
    for (const id of ids) this.changedIds.add(id);
    return super.refresh();
  }

  protected async load(): Promise<ContainerSummary[]> {
    const ids = new Set(this.changedIds);
    const all = this.listAll || this.snapshot === undefined || ids.size === 0 || ids.size > MAX_LISTED_BY_ID;
    this.changedIds.clear();
    this.listAll = false;
    const asked = Date.now();
    if (all) {
      const containers = this.eventStates.apply(await this.containers.list(), asked);
      this.fullListMs = Date.now() - asked;
      return containers;
    }
    const listed = await (await this.service.engine()).listContainers({ filters: { id: [...ids] } });
    // Only what the engine listed is judged against the events; the rest are the view's own rows.
    return mergeContainers(this.snapshot ?? [], ids, this.eventStates.apply(listed, asked));
  }
  /**
   * The services a project's files declare, for projects whose files are in the workspace (set by
   * the Compose feature); its group then shows the services that are not running too.
   */
  declaredServices: ((project: string, members: readonly ContainerSummary[]) => readonly string[] | undefined) | undefined;

  /**
   * A container's row, made once per summary: between listings (events, listings by id) most
   * summaries stay the same objects, and 2,000 rows are not made again for each change.
   */
  private readonly nodes = new WeakMap<ContainerSummary, ContainerNode>();
  private readonly nodeOf = (container: ContainerSummary): ContainerNode => {
    let node = this.nodes.get(container);
    if (!node) this.nodes.set(container, (node = containerNode(container, this.takenAt)));
    return node;
  };

  protected roots(containers: ContainerSummary[]): BerthNode[] {
    return containerRoots(containers, this.takenAt, this.declaredServices, this.nodeOf);
  }
  protected override rowsAhead(containers: ContainerSummary[]): (() => readonly BerthNode[])[] {
    return containers.map((container) => () => [this.nodeOf(container)]);
  }
  /** Shows what a state event says at once, without waiting for a list that still lags it. */
  applyEvent(event: EngineEvent): void {
    const fact = stateFromEvent(event);
    if (!fact) return;
    this.eventStates.record(event.id, fact);
    if (this.snapshot?.some((c) => c.id === event.id)) {
      this.snapshot = this.eventStates.overlay(this.snapshot);
      this.publishSoon();
    }
  }
  protected override snapshotChildren(node: BerthNode): BerthNode[] | undefined {
    return node.kind === 'composeGroup' ? [...node.containers.map(this.nodeOf), ...node.missing] : undefined;
  }
  /** The current snapshot (commands offer these in QuickPicks). */
  async list(): Promise<ContainerSummary[]> {
    if (this.snapshot === undefined) await this.refresh();
    return this.snapshot ?? [];
  }

  /** The latest stats reading of a container while the Stats view reads it (main.ts sets it). */
  liveStats: (id: string) => ContainerStats | undefined = () => undefined;

  // Made on hover, so it carries the latest stats reading too.
  protected override readonly tooltipOnHover: ReadonlySet<BerthNode['kind']> = new Set(['container']);

  override resolveTreeItem(item: vscode.TreeItem, node: BerthNode): vscode.TreeItem {
    if (node.kind !== 'container') return item;
    const text = node.tooltip ?? '';
    const reading = this.liveStats(node.container.id);
    item.tooltip = untrustedMarkdown(reading ? `${text}\n\n${statsTooltip(reading, vscode.l10n.t)}` : text);
    return item;
  }
}

export class ImagesProvider extends BerthTreeProvider<ImageSummary[]> {
  private dangling = false;
  protected override readonly tooltipOnHover: ReadonlySet<BerthNode['kind']> = new Set(['imageTag']);
  constructor(service: EngineService) {
    super('images', service);
    void vscode.commands.executeCommand('setContext', 'berth.images.showDangling', false);
  }
  get showDangling(): boolean {
    return this.dangling;
  }
  /** Shows or hides dangling images; no new listing is needed, only a redraw. Resolves with the new setting. */
  async setShowDangling(show: boolean): Promise<boolean> {
    this.dangling = show;
    void vscode.commands.executeCommand('setContext', 'berth.images.showDangling', show);
    if (this.snapshot === undefined) void this.refresh();
    else this.changed();
    return show;
  }
  protected async load(): Promise<ImageSummary[]> {
    return (await this.service.engine()).listImages();
  }
  /**
   * An image's rows, kept while the image is listed unchanged (by what its rows show, to the
   * minute of its age): listing 2,000 tags again remakes none of their rows.
   */
  private imageRowsKept = new Map<string, readonly ImageRow[]>();
  private imageRowsUsed = new Map<string, readonly ImageRow[]>();
  private readonly rowsOf = (image: ImageSummary): readonly ImageRow[] => {
    const key = [
      this.dangling,
      Math.floor(this.takenAt / 60_000),
      image.id,
      image.size,
      image.created,
      image.dangling,
      image.repoTags.join(','),
      image.repoDigests.join(','),
    ].join('\u0000');
    let rows = this.imageRowsUsed.get(key) ?? this.imageRowsKept.get(key);
    if (!rows) rows = imageRows(image, this.dangling, this.takenAt);
    this.imageRowsUsed.set(key, rows);
    return rows;
  };
  protected roots(images: ImageSummary[]): BerthNode[] {
    const roots = imageRoots(images, this.dangling, this.takenAt, this.rowsOf);
    // Only the rows of this listing are kept for the next.
    this.imageRowsKept = this.imageRowsUsed;
    this.imageRowsUsed = new Map();
    return roots;
  }
  protected override rowsAhead(images: ImageSummary[]): (() => readonly BerthNode[])[] {
    return images.map((image) => () => this.rowsOf(image).map((row) => row.node));
  }
  protected override snapshotChildren(node: BerthNode): BerthNode[] | undefined {
    return node.kind === 'repository' ? node.tags : undefined;
  }
  protected override async childrenOf(node: BerthNode): Promise<BerthNode[]> {
    if (node.kind === 'imageTag') {
      const layers = await (await this.service.engine()).imageHistory(node.image.id);
      return layerNodes(node.key, layers, Date.now());
    }
    return [];
  }
  async list(): Promise<ImageSummary[]> {
    if (this.snapshot === undefined) await this.refresh();
    return this.snapshot ?? [];
  }
}

interface VolumesSnapshot {
  volumes: VolumeSummary[];
  containers: ContainerSummary[];
}

export class VolumesProvider extends BerthTreeProvider<VolumesSnapshot> {
  constructor(
    service: EngineService,
    private readonly containers: SharedContainerList,
  ) {
    super('volumes', service);
  }
  protected async load(): Promise<VolumesSnapshot> {
    const engine = await this.service.engine();
    const [volumes, containers] = await Promise.all([engine.listVolumes(), this.containers.list()]);
    return { volumes, containers };
  }
  protected roots(snapshot: VolumesSnapshot): BerthNode[] {
    return volumeRoots(snapshot.volumes, snapshot.containers);
  }
  protected override snapshotChildren(node: BerthNode): BerthNode[] | undefined {
    return node.kind === 'volume' ? volumeChildren(node) : undefined;
  }
  async list(): Promise<VolumeSummary[]> {
    if (this.snapshot === undefined) await this.refresh();
    return this.snapshot?.volumes ?? [];
  }
}

interface NetworksSnapshot {
  networks: NetworkSummary[];
  containers: ContainerSummary[];
}

export class NetworksProvider extends BerthTreeProvider<NetworksSnapshot> {
  constructor(
    service: EngineService,
    private readonly containers: SharedContainerList,
  ) {
    super('networks', service);
  }
  protected async load(): Promise<NetworksSnapshot> {
    const engine = await this.service.engine();
    const [networks, containers] = await Promise.all([engine.listNetworks(), this.containers.list()]);
    return { networks, containers };
  }
  protected roots(snapshot: NetworksSnapshot): BerthNode[] {
    return networkRoots(snapshot.networks, snapshot.containers);
  }
  protected override snapshotChildren(node: BerthNode): BerthNode[] | undefined {
    return node.kind === 'network' ? networkChildren(node) : undefined;
  }
  async list(): Promise<NetworkSummary[]> {
    if (this.snapshot === undefined) await this.refresh();
    return this.snapshot?.networks ?? [];
  }
}
