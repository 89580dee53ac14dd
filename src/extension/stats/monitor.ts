/**
 * Live resource use of containers, from the Engine API's stats stream: one stream per followed
 * container, and only while someone looks (the Stats view is visible). Following "all" follows
 * every running container, and the engine's events add and drop them as they start and stop.
 * Readings are kept for the charts' window; the latest one of a container whose stream runs is
 * what the Containers view's tooltip shows.
 */
import * as vscode from 'vscode';
import type { ContainerStats, Engine } from '../../engine/types';
import type { EngineService } from '../engineService';
import { WINDOW_MS, type StatsEntry } from './render';

/** Which containers the view follows: one, or all running ones. */
export type StatsTarget = { kind: 'all' } | { kind: 'one'; id: string; name: string };

interface Followed {
  name: string;
  history: ContainerStats[];
  /** Set while its stream runs. */
  stream?: AbortController;
}

export class StatsMonitor implements vscode.Disposable {
  private readonly followed = new Map<string, Followed>();
  private readonly updateEmitter = new vscode.EventEmitter<void>();
  /** Fires after every reading, and when the followed set changes. */
  readonly onDidUpdate = this.updateEmitter.event;
  private targetValue: StatsTarget = { kind: 'all' };
  private active = false;
  private events: vscode.Disposable | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Bumped whenever streams are started afresh, so a late answer of an older round is dropped. */
  private round = 0;

  constructor(private readonly service: EngineService) {
    this.disposables.push(
      service.onDidReceiveEvent((event) => {
        if (!this.active || event.type !== 'container' || this.targetValue.kind !== 'all') return;
        if (event.action === 'start' || event.action === 'unpause') void this.follow(event.id, event.attributes.name ?? event.id);
        if (event.action === 'destroy') this.forget(event.id);
      }),
      // A new engine (context switch, reconnect): its containers are others.
      service.onDidResync(() => this.restart()),
    );
  }

  get target(): StatsTarget {
    return this.targetValue;
  }

  /** How many stats streams are open now (tests and the bench read it). */
  get streamCount(): number {
    let n = 0;
    for (const f of this.followed.values()) if (f.stream) n++;
    return n;
  }

  /** Follows one container, or all running ones. */
  setTarget(target: StatsTarget): void {
    this.targetValue = target;
    this.restart();
  }

  /** Streams run only while active (the view is visible). */
  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    if (active) {
      // Start and stop events are what keep "all running" current.
      this.events = this.service.wantEvents();
      this.restart();
    } else {
      this.events?.dispose();
      this.events = undefined;
      this.stopAll();
    }
  }

  /** The latest reading of a container while its stream runs; undefined otherwise. */
  latest(id: string): ContainerStats | undefined {
    const f = this.followed.get(id);
    return f?.stream ? f.history[f.history.length - 1] : undefined;
  }

  /** What the view draws: the followed containers, by name, with their readings in the window. */
  entries(): StatsEntry[] {
    return [...this.followed.entries()]
      .filter(([id]) => this.targetValue.kind === 'all' || id === this.targetValue.id)
      .map(([id, f]) => ({ id, name: f.name, history: f.history }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private restart(): void {
    this.round++;
    this.stopAll();
    for (const [id] of this.followed) if (this.targetValue.kind === 'one' && id !== this.targetValue.id) this.followed.delete(id);
    this.updateEmitter.fire();
    if (!this.active) return;
    const round = this.round;
    void (async () => {
      let engine: Engine;
      try {
        engine = await this.service.engine();
      } catch {
        // The views say why the engine is unreachable; the view shows no containers.
        return;
      }
      if (round !== this.round || !this.active) return;
      if (this.targetValue.kind === 'one') {
        void this.follow(this.targetValue.id, this.targetValue.name, engine);
        return;
      }
      const running = await engine.listContainers({ filters: { status: ['running'] } }).catch(() => []);
      if (round !== this.round || !this.active) return;
      for (const c of running) void this.follow(c.id, c.name, engine);
    })();
  }

  private async follow(id: string, name: string, given?: Engine): Promise<void> {
    if (!this.active) return;
    let f = this.followed.get(id);
    if (f?.stream) return;
    if (!f) {
      f = { name, history: [] };
      this.followed.set(id, f);
    }
    const controller = new AbortController();
    f.stream = controller;
    this.updateEmitter.fire();
    const followed = f;
    try {
      const engine = given ?? (await this.service.engine());
      for await (const reading of engine.containerStats(id, controller.signal)) {
        const cutoff = reading.time - WINDOW_MS;
        while (followed.history.length && followed.history[0]!.time < cutoff) followed.history.shift();
        followed.history.push(reading);
        this.updateEmitter.fire();
      }
    } catch {
      // The container went, or the engine did: the stream ends, and what was read stays on the chart.
    } finally {
      if (followed.stream === controller) followed.stream = undefined;
      // Stopped while following all: it leaves the view, as it leaves `docker stats`.
      if (this.targetValue.kind === 'all' && !controller.signal.aborted) this.followed.delete(id);
      this.updateEmitter.fire();
    }
  }

  private forget(id: string): void {
    const f = this.followed.get(id);
    f?.stream?.abort();
    this.followed.delete(id);
    this.updateEmitter.fire();
  }

  private stopAll(): void {
    for (const f of this.followed.values()) {
      f.stream?.abort();
      f.stream = undefined;
    }
  }

  dispose(): void {
    this.active = false;
    this.stopAll();
    this.events?.dispose();
    this.updateEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
