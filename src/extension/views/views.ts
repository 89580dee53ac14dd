/**
 * The Berth views together: registers the four TreeViews, and keeps them live from the one
 * engine event stream. The stream runs only while at least one view is visible; events are
 * routed to the views they change and debounced per view (at most 50 ms); a hidden view is only
 * marked stale and lists again when shown; a resync (stream reconnected, engine changed)
 * re-lists every visible view. Nothing polls.
 */
import * as vscode from 'vscode';
import { TREE_VIEWS } from '../contributions';
import type { EngineService, EngineState } from '../engineService';
import { endpointLabel } from '../statusBar';
import { KeyedDebouncer } from './debounce';
import { HistoryDocuments } from './history';
import { VIEW_IDS, setTranslator, stateFromEvent, viewsForEvent, type BerthNode, type ViewId } from './model';
import {
  ContainersProvider,
  ImagesProvider,
  NetworksProvider,
  SharedContainerList,
  VolumesProvider,
  type BerthTreeProvider,
} from './trees';

/** At most this long from an engine event to the view listing again. */
export const DEBOUNCE_MS = 50;
/**
 * In an event storm a view lists at most once per this many times its last listing's duration
 * (capped below), so listing takes at most a fifth of the extension host's time; the rows' states
 * come from the events meanwhile (ContainersProvider.applyEvent).
 */
const LISTING_SHARE = 5;
const MAX_SPACING_MS = 1000;
/** After a container's state event, when to list once more: the engine's list lags its events by ~50 ms. */
const FOLLOW_UP_MS = 300;

/** Makes a tree view: VS Code's `createTreeView`, or one that hands over a view made at activation. */
export type TreeViewFactory = <T>(id: string, options: vscode.TreeViewOptions<T>) => vscode.TreeView<T>;

export interface ViewProviders {
  containers: ContainersProvider;
  images: ImagesProvider;
  volumes: VolumesProvider;
  networks: NetworksProvider;
}

export class BerthViews implements vscode.Disposable {
  readonly providers: ViewProviders;
  readonly treeViews = new Map<ViewId, vscode.TreeView<BerthNode>>();
  /** Read-only documents of image layers, for Show Image Layers from the palette. */
  readonly history = new HistoryDocuments();
  private readonly stale = new Set<ViewId>();
  private readonly debouncer: KeyedDebouncer<ViewId>;
  private events: vscode.Disposable | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** `createTreeView` is VS Code's unless activation created the views already (main.ts). */
  constructor(
    private readonly service: EngineService,
    createTreeView: TreeViewFactory = vscode.window.createTreeView,
  ) {
    setTranslator(vscode.l10n.t);
    const containers = new SharedContainerList(service);
    this.providers = {
      containers: new ContainersProvider(service, containers),
      images: new ImagesProvider(service),
      volumes: new VolumesProvider(service, containers),
      networks: new NetworksProvider(service, containers),
    };
    this.debouncer = new KeyedDebouncer<ViewId>(DEBOUNCE_MS, (view) => void this.listAgain(view), {
      spacing: (view) => Math.min(MAX_SPACING_MS, LISTING_SHARE * this.provider(view).costlyListMs),
    });
    for (const view of VIEW_IDS) {
      const provider = this.provider(view);
      const id = `berth.${view}` as const;
      const treeView = createTreeView<BerthNode>(id, { treeDataProvider: provider, ...TREE_VIEWS[id] });
      this.treeViews.set(view, treeView);
      this.disposables.push(
        provider,
        treeView,
        treeView.onDidChangeVisibility(() => this.visibilityChanged(view)),
      );
    }
    this.disposables.push(
      service.onDidReceiveEvent((event) => {
        if (this.isVisible('containers')) this.providers.containers.applyEvent(event);
        // A network connect or disconnect (every start and stop sends one) lists everything: listed by
        // the container it names instead, 4-40 of a storm's 200 rows stayed running at load 20 (see
        // the README); the full listings it costs are parsed and made into rows a slice per turn.
        for (const view of viewsForEvent(event)) this.request(view, event.type === 'container' ? event.id : undefined);
        // The list lags a state event; one more listing a moment later brings what only the engine
        // knows (its status text, the ports a started container publishes).
        if (stateFromEvent(event)) {
          this.followUpIds.add(event.id);
          this.followUp('containers');
        }
      }),
      service.onDidResync(() => this.refreshAll()),
      service.onDidChangeState((state) => this.stateChanged(state)),
    );
    this.disposables.push(this.history);
    this.updateEvents();
    this.describe(service.state);
  }

  provider(view: ViewId): BerthTreeProvider<unknown> {
    return this.providers[view] as BerthTreeProvider<unknown>;
  }

  isVisible(view: ViewId): boolean {
    return this.treeViews.get(view)?.visible ?? false;
  }

  /** The selection of a view, for commands run from the palette or a keybinding. */
  selection(view: ViewId): readonly BerthNode[] {
    return this.treeViews.get(view)?.selection ?? [];
  }

  /** Lists a view again now (the refresh commands, and after an action in a hidden view). */
  refresh(view: ViewId): Promise<void> {
    this.stale.delete(view);
    this.debouncer.cancel(view);
    if (view === 'containers') this.containersChanged.clear();
    return this.provider(view).refresh();
  }

  /**
   * Lists a view again unless it is visible and up to date (events keep a visible view live),
   * so a command picking from its snapshot never offers what went while nobody looked.
   */
  async ensureCurrent(view: ViewId): Promise<void> {
    if (!this.isVisible(view) || this.stale.has(view)) await this.refresh(view);
  }

  private readonly followUps = new Map<ViewId, ReturnType<typeof setTimeout>>();

  private readonly followUpIds = new Set<string>();

  private followUp(view: ViewId): void {
    clearTimeout(this.followUps.get(view));
    this.followUps.set(
      view,
      setTimeout(() => {
        this.followUps.delete(view);
        const ids = [...this.followUpIds];
        this.followUpIds.clear();
        if (ids.length) for (const id of ids) this.request(view, id);
        else this.request(view);
      }, FOLLOW_UP_MS),
    );
  }

  /** Containers whose events asked the Containers view to list them again; `undefined` in it: everything. */
  private readonly containersChanged = new Set<string | undefined>();

  /** Asks a view to list again, soon; `containerId`: only that container changed in the Containers view. */
  private request(view: ViewId, containerId?: string): void {
    if (!this.isVisible(view)) {
      this.stale.add(view);
      return;
    }
    if (view === 'containers') this.containersChanged.add(containerId);
    this.debouncer.request(view);
  }

  private listAgain(view: ViewId): Promise<void> {
    if (view !== 'containers') return this.provider(view).refresh();
    const changed = [...this.containersChanged];
    this.containersChanged.clear();
    const ids = changed.filter((id): id is string => id !== undefined);
    return changed.length > ids.length ? this.providers.containers.refresh() : this.providers.containers.refreshContainers(ids);
  }

  private refreshAll(): void {
    for (const view of VIEW_IDS) this.request(view);
  }

  private visibilityChanged(view: ViewId): void {
    if (this.isVisible(view)) {
      this.service.ensureStarted();
      if (this.stale.has(view)) {
        this.stale.delete(view);
        // VS Code asked for the rows as it showed the view: that first listing is current.
        if (!this.provider(view).loadingFirst) void this.provider(view).refresh();
      }
    }
    this.updateEvents();
  }

  /** Holds the event stream while any view is visible, and lets it go when none is. */
  private updateEvents(): void {
    const anyVisible = VIEW_IDS.some((view) => this.isVisible(view));
    if (anyVisible && !this.events) {
      this.events = this.service.wantEvents();
    } else if (!anyVisible && this.events) {
      this.events.dispose();
      this.events = undefined;
      // Whatever happens while nobody looks is caught up on when a view is shown again.
      for (const view of VIEW_IDS) this.stale.add(view);
    }
  }

  private stateChanged(state: EngineState): void {
    this.describe(state);
    if (state.kind === 'connected' || state.kind === 'failed') {
      for (const view of VIEW_IDS) {
        if (state.kind === 'failed') this.provider(view).invalidate();
        // A view whose first listing made the connection is listing on it already.
        else if (!this.provider(view).loadingFirst) this.request(view);
      }
    }
  }

  /** The engine and its version as the Containers view's description (the status bar has the details). */
  private describe(state: EngineState): void {
    const containers = this.treeViews.get('containers');
    if (!containers) return;
    containers.description = state.kind === 'connected' ? `${endpointLabel(state)} · ${state.version.version}` : undefined;
  }

  dispose(): void {
    for (const timer of this.followUps.values()) clearTimeout(timer);
    this.debouncer.dispose();
    this.events?.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
