/**
 * The engine's images, for the language server's tag and digest suggestions and its hovers: the
 * engine the views use, found by the same resolver (the `berth.docker.host` setting, DOCKER_HOST,
 * the docker context) and reached through the same Engine client, one per endpoint. Answers are
 * kept for a few seconds: fixes ask per lightbulb, and the engine changes slowly.
 */
import type { LocalImage } from '../shared/localImage';
import { endpointKey, resolveEndpoint } from './endpoint';
import { createEngine } from './httpEngine';
import type { Endpoint, Engine } from './types';

/** How long one answer (or the lack of one) is reused. */
const CACHE_MS = 10_000;
/** An editor feature waits this long at most; an absent or stuck engine must not slow the editor. */
const TIMEOUT_MS = 1_500;

export interface LocalImagesOptions {
  /** The `berth.docker.host` setting as the client has it now; empty or undefined follows the environment. */
  host?: () => Promise<string | undefined> | string | undefined;
  /** Decides the endpoint for a host setting; the docker CLI's rules by default. */
  resolve?: (host: string | undefined) => Endpoint;
  /** Makes the engine client for an endpoint. */
  create?: (endpoint: Endpoint) => Engine;
  cacheMs?: number;
}

/** Lists the images of the engine the settings and the environment choose; never throws. */
export class LocalImages {
  private engine: { key: string; engine: Engine } | undefined;
  private cached: { at: number; images: Promise<LocalImage[]> } | undefined;

  constructor(private readonly options: LocalImagesOptions = {}) {}

  /** The images, or [] when there is no engine, it is slow, or anything else goes wrong. */
  list(now: number = Date.now()): Promise<LocalImage[]> {
    if (this.cached && now - this.cached.at < (this.options.cacheMs ?? CACHE_MS)) return this.cached.images;
    const images = this.fetch().catch(() => []);
    this.cached = { at: now, images };
    return images;
  }

  /** Forgets the cached answer (after a pull or build, and in tests). */
  clear(): void {
    this.cached = undefined;
  }

  /** The engine for the endpoint in use now: the same one while the endpoint stays, a new one when it moves. */
  async engineNow(): Promise<Engine> {
    const host = (await this.options.host?.())?.trim() || undefined;
    const endpoint = (this.options.resolve ?? ((h) => resolveEndpoint(h)))(host);
    const key = endpointKey(endpoint);
    if (this.engine?.key !== key) {
      this.engine?.engine.dispose();
      const engine = (this.options.create ?? ((e) => createEngine(e, { timeoutMs: TIMEOUT_MS })))(endpoint);
      this.engine = { key, engine };
    }
    return this.engine.engine;
  }

  private async fetch(): Promise<LocalImage[]> {
    const engine = await this.engineNow();
    const images = await engine.listImages();
    return images.map((image) => ({
      id: image.id,
      repoTags: image.repoTags,
      // A dangling image keeps `<none>@sha256:…`: a digest nothing can be pulled by.
      repoDigests: image.repoDigests.filter((digest) => !digest.startsWith('<none>')),
      size: image.size,
      created: image.created,
    }));
  }

  dispose(): void {
    this.engine?.engine.dispose();
    this.engine = undefined;
    this.cached = undefined;
  }
}
