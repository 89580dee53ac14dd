/**
 * The four tree data providers. Each keeps one snapshot of its lists: `refresh()` lists first
 * and then fires onDidChangeTreeData, so whoever listens (VS Code, tests, the bench) reads the
 * new state at once. Children of groups come from the snapshot; only image layers ask the
 * engine on expand.
 */
import * as vscode from 'vscode';
import type { ContainerStats, ContainerSummary, EngineEvent, ImageSummary, NetworkSummary, VolumeSummary } from '../../engine/types';
import { statsTooltip } from '../stats/render';
import { EngineError } from '../../engine/types';
import { isConnectionFailure, type EngineService } from '../engineService';
import {
  containerNode,
  containerRoots,
  EventStates,
  imageRoots,
  layerNodes,
  networkChildren,
  networkRoots,
  stateFromEvent,
  volumeChildren,
  volumeRoots,
  type BerthNode,
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
  if (markdown) {
    // Not trusted and no HTML: names in it come from the engine and are escaped in model.ts.
    const tooltip = new vscode.MarkdownString(markdown);
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    item.tooltip = tooltip;
  }
  return item;
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

/** Common snapshot handling; subclasses say how to list and how to turn a snapshot into nodes. */
export abstract class BerthTreeProvider<Snapshot> implements vscode.TreeDataProvider<BerthNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<BerthNode | undefined>();
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

  constructor(
    readonly viewId: ViewId,
    protected readonly service: EngineService,
  ) {}

  protected abstract load(): Promise<Snapshot>;
  protected abstract roots(snapshot: Snapshot): BerthNode[];

  /** Lists again, then tells VS Code; concurrent calls share one run plus at most one more. */
  refresh(): Promise<void> {
    if (this.inflight) {
      this.again = true;
      return this.inflight;
    }
    this.inflight = (async () => {
      do {
        this.again = false;
        await this.reload();
      } while (this.again);
      this.emitter.fire(undefined);
    })().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** Redraws from the same snapshot (e.g. a display toggle). */
  protected changed(): void {
    this.emitter.fire(undefined);
  }

  /** Forgets the snapshot without listing; the next getChildren lists. */
  invalidate(): void {
    this.snapshot = undefined;
    this.emitter.fire(undefined);
  }

  getTreeItem(node: BerthNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  async getChildren(node?: BerthNode): Promise<BerthNode[]> {
    if (!node) {
      if (this.snapshot === undefined) {
        if (this.inflight) await this.inflight;
        else await this.reload();
      }
      return this.snapshot === undefined ? [] : this.roots(this.snapshot);
    }
    return this.childrenOf(node);
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
    for (const root of this.roots(this.snapshot)) {
      if (root.key === node.key) return undefined;
      if (root.kind === 'imageTag') continue;
      const children = await this.childrenOf(root);
      if (children.some((child) => child.key === node.key)) return root;
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
    this.emitter.dispose();
  }
}

export class ContainersProvider extends BerthTreeProvider<ContainerSummary[]> {
  constructor(
    service: EngineService,
    private readonly containers: SharedContainerList,
  ) {
    super('containers', service);
  }
  private readonly eventStates = new EventStates();

  protected async load(): Promise<ContainerSummary[]> {
    return this.eventStates.apply(await this.containers.list());
  }
  /**
   * The services a project's files declare, for projects whose files are in the workspace (set by
   * the Compose feature); its group then shows the services that are not running too.
   */
  declaredServices: ((project: string, members: readonly ContainerSummary[]) => readonly string[] | undefined) | undefined;

  protected roots(containers: ContainerSummary[]): BerthNode[] {
    return containerRoots(containers, this.takenAt, this.declaredServices);
  }
  /** Shows what a state event says at once, without waiting for a list that still lags it. */
  applyEvent(event: EngineEvent): void {
    const fact = stateFromEvent(event);
    if (!fact) return;
    this.eventStates.record(event.id, fact);
    if (this.snapshot?.some((c) => c.id === event.id)) {
      this.snapshot = this.eventStates.apply(this.snapshot);
      this.changed();
    }
  }
  protected override async childrenOf(node: BerthNode): Promise<BerthNode[]> {
    return node.kind === 'composeGroup' ? [...node.containers.map((c) => containerNode(c, this.takenAt)), ...node.missing] : [];
  }
  /** The current snapshot (commands offer these in QuickPicks). */
  async list(): Promise<ContainerSummary[]> {
    if (this.snapshot === undefined) await this.refresh();
    return this.snapshot ?? [];
  }

  /** The latest stats reading of a container while the Stats view reads it (main.ts sets it). */
  liveStats: (id: string) => ContainerStats | undefined = () => undefined;

  override getTreeItem(node: BerthNode): vscode.TreeItem {
    // A container's tooltip is made on hover instead (resolveTreeItem), so it carries the latest stats reading.
    return toTreeItem(node, node.kind !== 'container');
  }

  resolveTreeItem(item: vscode.TreeItem, node: BerthNode): vscode.TreeItem {
    if (node.kind !== 'container') return item;
    const text = node.tooltip ?? '';
    const reading = this.liveStats(node.container.id);
    const tooltip = new vscode.MarkdownString(reading ? `${text}\n\n${statsTooltip(reading, vscode.l10n.t)}` : text);
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    item.tooltip = tooltip;
    return item;
  }
}

export class ImagesProvider extends BerthTreeProvider<ImageSummary[]> {
  private dangling = false;
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
  protected roots(images: ImageSummary[]): BerthNode[] {
    return imageRoots(images, this.dangling, this.takenAt);
  }
  protected override async childrenOf(node: BerthNode): Promise<BerthNode[]> {
    if (node.kind === 'repository') return node.tags;
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
  protected override async childrenOf(node: BerthNode): Promise<BerthNode[]> {
    return node.kind === 'volume' ? volumeChildren(node) : [];
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
  protected override async childrenOf(node: BerthNode): Promise<BerthNode[]> {
    return node.kind === 'network' ? networkChildren(node) : [];
  }
  async list(): Promise<NetworkSummary[]> {
    if (this.snapshot === undefined) await this.refresh();
    return this.snapshot?.networks ?? [];
  }
}
