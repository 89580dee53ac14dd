/**
 * `docker system prune` in two steps, so the user sees what goes before anything does: a plan
 * (stopped containers, networks no container uses, dangling images no remaining container uses,
 * and, when asked, volumes no remaining container mounts, with the space each frees), then the
 * prunes in the CLI's order (containers first, which frees the rest). Pure over the Engine.
 */
import type { Engine, PruneResult } from './types';

export interface PrunePlan {
  containers: { id: string; name: string; image: string; size: number }[];
  networks: { id: string; name: string }[];
  images: { id: string; size: number }[];
  volumes: { name: string; size: number }[];
  /** What the plan frees, as the engine measures it. */
  bytes: number;
}

export interface PruneOutcome {
  containers: PruneResult;
  networks: PruneResult;
  images: PruneResult;
  volumes?: PruneResult;
  /** Space reclaimed, as the engine reports it. */
  bytes: number;
}

const RUNNING = new Set(['running', 'paused', 'restarting']);

/**
 * What a system prune would remove now. `anonymousVolumesOnly`: engines with API 1.42 and later
 * prune only anonymous volumes unless told otherwise.
 */
export async function planSystemPrune(engine: Engine, options: { volumes: boolean; anonymousVolumesOnly: boolean }): Promise<PrunePlan> {
  const [usage, networks, containers] = await Promise.all([engine.diskUsage(), engine.listNetworks(), engine.listContainers()]);
  const going = usage.containers.filter((c) => !RUNNING.has(c.state));
  const goingIds = new Set(going.map((c) => c.id));
  const staying = containers.filter((c) => !goingIds.has(c.id));
  const usedImages = new Set(staying.map((c) => c.imageId));
  const usedNetworks = new Set(staying.flatMap((c) => c.networks));
  const mounted = new Set(staying.flatMap((c) => c.mounts.flatMap((m) => (m.name ? [m.name] : []))));
  const plan: PrunePlan = {
    containers: going.map((c) => ({ id: c.id, name: c.name, image: c.image, size: c.sizeRw })),
    networks: networks
      .filter((n) => !n.builtIn && !usedNetworks.has(n.name) && !usedNetworks.has(n.id))
      .map((n) => ({ id: n.id, name: n.name })),
    // Only what is no one else's: shared layers stay with the images that keep them.
    images: usage.images
      .filter((i) => i.repoTags.length === 0 && !usedImages.has(i.id))
      .map((i) => ({ id: i.id, size: Math.max(0, i.size - i.sharedSize) })),
    volumes: options.volumes
      ? usage.volumes
          .filter((v) => !mounted.has(v.name) && (!options.anonymousVolumesOnly || /^[0-9a-f]{64}$/.test(v.name)))
          .map((v) => ({ name: v.name, size: v.size }))
      : [],
    bytes: 0,
  };
  plan.bytes = [...plan.containers, ...plan.images, ...plan.volumes].reduce((sum, x) => sum + x.size, 0);
  return plan;
}

/** Prunes as `docker system prune [--volumes]` does, in its order. */
export async function runSystemPrune(engine: Engine, options: { volumes: boolean }): Promise<PruneOutcome> {
  const containers = await engine.pruneContainers();
  const networks = await engine.pruneNetworks();
  const volumes = options.volumes ? await engine.pruneVolumes() : undefined;
  const images = await engine.pruneImages({ danglingOnly: true });
  return {
    containers,
    networks,
    images,
    ...(volumes ? { volumes } : {}),
    bytes: containers.spaceReclaimed + networks.spaceReclaimed + images.spaceReclaimed + (volumes?.spaceReclaimed ?? 0),
  };
}
