/**
 * Image builds over the Engine API, with either builder. BuildKit (`POST /build?version=2`)
 * streams its progress as protobuf status messages (./buildkit/status), shown as numbered steps
 * (./buildkit/steps); a session (./buildkit/session) hands it registry credentials, secrets and
 * the ssh agent. The classic builder streams lines of text. Which one builds is decided here from
 * what the engine says of itself and the user's choice.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { contextEntries, packContext } from './buildContext';
import { BuildProgress } from './buildkit/steps';
import { BuildSession } from './buildkit/session';
import { BadTrace, decodeTrace } from './buildkit/status';
import type { Call } from './request';
import {
  BuildError,
  type Builder,
  type BuilderChoice,
  type BuildOptions,
  type BuildResult,
  type ImageBuild,
  type RegistryAuth,
} from './types';

/** What the engine says of itself that decides the builder (GET /_ping's headers). */
export interface BuilderFacts {
  apiVersion: string;
  /** `linux`, `windows`. */
  os: string;
  /** `Builder-Version`: `2` when BuildKit is the engine's default, `1` when the classic builder is set. */
  builderVersion?: string;
  /** Podman answers the Docker API and builds with Buildah, which runs RUN --mount itself. */
  podman: boolean;
}

/** The first Engine API version whose /build takes `version=2` (Docker 18.09). */
const BUILDKIT_API = [1, 39];

/** The builder for a build, and when `auto` could not have BuildKit, why, in one sentence. */
export function chooseBuilder(choice: BuilderChoice, facts: BuilderFacts): { builder: Builder; fallback?: string } {
  if (choice === 'classic') return { builder: 'classic' };
  // Podman's /build is Buildah whatever is asked; it knows RUN --mount, secrets and heredocs.
  if (facts.podman) return { builder: 'classic' };
  if (choice === 'buildkit') return { builder: 'buildkit' };
  const [major, minor] = facts.apiVersion.split('.').map(Number);
  if (!(major > BUILDKIT_API[0] || (major === BUILDKIT_API[0] && minor >= BUILDKIT_API[1])))
    return {
      builder: 'classic',
      fallback: `This engine speaks Engine API ${facts.apiVersion}, older than BuildKit (1.39, Docker 18.09): Berth builds with the classic builder, which does not know RUN --mount, COPY --link or heredocs. Update Docker to build such Dockerfiles.`,
    };
  if (facts.os === 'windows')
    return {
      builder: 'classic',
      fallback: 'Windows containers build with the classic builder: BuildKit builds Linux images only.',
    };
  if (facts.builderVersion === '1')
    return {
      builder: 'classic',
      fallback:
        'This engine is set to build with the classic builder ("features": { "buildkit": false } in daemon.json): RUN --mount, COPY --link and heredocs will not build. Remove that setting, or set berth.build.builder to buildkit.',
    };
  return { builder: 'buildkit' };
}

/** POST /build's query for a build. */
export function buildQuery(build: ImageBuild, builder: Builder, ids: { session?: string; buildId?: string } = {}): Record<string, unknown> {
  return {
    t: [build.tag, ...(build.extraTags ?? [])],
    dockerfile: build.dockerfile,
    target: build.target,
    buildargs: JSON.stringify(build.args),
    labels: JSON.stringify(build.labels),
    nocache: build.noCache ? 1 : undefined,
    pull: build.pull ? 1 : undefined,
    platform: build.platform,
    cachefrom: build.cacheFrom?.length ? JSON.stringify(build.cacheFrom) : undefined,
    ...(builder === 'buildkit'
      ? { version: 2, session: ids.session, buildid: ids.buildId }
      : // Intermediate containers go even when a step fails, so a failed build leaves none.
        { rm: 1, forcerm: 1 }),
  };
}

/** The engine calls a build makes, as HttpEngine provides them. */
export interface BuildApi {
  stream(call: Call): Promise<IncomingMessage>;
  upgrade(call: Call, protocol: 'h2c'): Promise<Duplex>;
  answer(call: Call): Promise<unknown>;
  /** The JSON values of a stream, in order; ends with the stream, throws its failures. */
  lines(res: IncomingMessage, what: string, signal?: AbortSignal): AsyncIterable<unknown>;
  facts(): Promise<BuilderFacts>;
}

/** Builds with the builder chosen; see Engine.buildImage. */
export async function runBuild(api: BuildApi, build: ImageBuild, options: BuildOptions = {}): Promise<BuildResult> {
  const { builder, fallback } = chooseBuilder(options.builder ?? 'auto', await api.facts());
  if (fallback) options.onOutput?.(fallback);
  const contexts = Object.keys(build.contexts ?? {});
  if (contexts.length)
    throw new BuildError(
      `Named build contexts (${contexts.join(', ')}) cannot be passed through the Engine API's build endpoint, which takes one context; docker buildx passes them through BuildKit's own API.`,
      builder,
      undefined,
      [],
      'Copy what the named context holds into the build context, or build with docker buildx build --build-context.',
    );
  if (builder === 'classic') {
    const needs = [...(build.secrets?.length ? ['secrets'] : []), ...(build.ssh?.length ? ['ssh forwarding'] : [])];
    if (needs.length)
      throw new BuildError(
        `Build ${needs.join(' and ')} need BuildKit, and this build uses the classic builder.`,
        builder,
        undefined,
        [],
        fallback ? undefined : 'Set berth.build.builder to auto or buildkit.',
      );
    return { ...(await classicBuild(api, build, options)), ...(fallback ? { fallback } : {}) };
  }
  return buildkitBuild(api, build, options);
}

async function packed(build: ImageBuild) {
  const { entries } = await contextEntries(build.context, build.dockerfile);
  return packContext(build.context, entries);
}

/** The registry's key in ~/.docker/config.json for a host BuildKit asks about. */
function credentialsFor(registries: Record<string, RegistryAuth>) {
  return (host: string): RegistryAuth | undefined => {
    const hub = host === 'registry-1.docker.io' || host === 'docker.io' || host === 'index.docker.io';
    for (const [address, auth] of Object.entries(registries)) {
      const bare = address.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
      if (bare === host || (hub && (bare === 'index.docker.io' || bare === 'docker.io' || bare === 'registry-1.docker.io'))) return auth;
    }
    return undefined;
  };
}

async function buildkitBuild(api: BuildApi, build: ImageBuild, options: BuildOptions): Promise<BuildResult> {
  const what = `build ${build.tag}`;
  const session = new BuildSession({
    credentials: credentialsFor(options.registries ?? {}),
    secrets: build.secrets ?? [],
    ssh: build.ssh ?? [],
  });
  const buildId = randomUUID();
  const progress = new BuildProgress();
  let imageId: string | undefined;
  let failed: string | undefined;
  const cancel = () => {
    // Closing the connection ends the engine's wait on it, but the build is stopped by its id.
    api.answer({ method: 'POST', path: '/build/cancel', query: { id: buildId }, what: `cancel ${what}` }).catch(() => undefined);
  };
  try {
    const socket = await api.upgrade(
      {
        method: 'POST',
        path: '/session',
        headers: session.headers() as Record<string, string>,
        what: 'open a build session',
        signal: options.signal,
      },
      'h2c',
    );
    session.serve(socket);
    const context = await packed(build);
    const res = await api
      .stream({
        method: 'POST',
        path: '/build',
        query: buildQuery(build, 'buildkit', { session: session.id, buildId }),
        upload: { stream: context, contentType: 'application/x-tar' },
        signal: options.signal,
        what,
      })
      .finally(() => context.destroy());
    options.signal?.addEventListener('abort', cancel, { once: true });
    for await (const v of api.lines(res, what, options.signal)) {
      if (typeof v !== 'object' || v === null) continue;
      const o = v as Record<string, unknown>;
      const error = errorOf(o);
      if (error) {
        failed ??= error;
        continue;
      }
      if (o.id === 'moby.buildkit.trace') {
        let update;
        try {
          update = decodeTrace(o.aux);
        } catch (err) {
          if (err instanceof BadTrace) continue;
          throw err;
        }
        for (const line of progress.update(update)) options.onOutput?.(line);
        options.onSteps?.(progress.steps);
      } else if (o.id === 'moby.image.id') {
        const id = (o.aux as { ID?: unknown } | undefined)?.ID;
        if (typeof id === 'string') imageId = id;
      } else if (typeof o.stream === 'string') {
        for (const line of o.stream.split('\n')) if (line.trim()) options.onOutput?.(line.replace(/\r$/, ''));
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    session.close();
  }
  if (failed) {
    const step = progress.failed;
    throw new BuildError(failed, 'buildkit', step, [], hintFor(failed, session.missing));
  }
  return { builder: 'buildkit', ...(imageId ? { imageId } : {}), steps: progress.steps };
}

/** What to do about a BuildKit failure whose cause Berth can name. */
function hintFor(message: string, missing: string[]): string | undefined {
  const secret = missing.find((m) => m.startsWith('secret:'));
  if (secret)
    return `The Dockerfile reads the secret ${secret.slice(7)}, which the build was not given: pass it (secrets: { ${secret.slice(7)}: <file> }, or --secret id=${secret.slice(7)},src=<file>).`;
  const ssh = missing.find((m) => m.startsWith('ssh:'));
  if (ssh)
    return `The Dockerfile mounts the ssh agent ${ssh.slice(4)}, which the build was not given: pass it (ssh: [${ssh.slice(4)}], or --ssh ${ssh.slice(4)}) with an agent running (SSH_AUTH_SOCK).`;
  if (/dockerfile parse error.*unknown instruction: (<<|EOF)|heredoc/i.test(message))
    return "This engine's Dockerfile frontend predates heredocs (Docker Engine 23 has them built in); write the lines as one RUN with && instead.";
  return undefined;
}

async function classicBuild(api: BuildApi, build: ImageBuild, options: BuildOptions): Promise<BuildResult> {
  const what = `build ${build.tag}`;
  const context = await packed(build);
  const res = await api
    .stream({
      method: 'POST',
      path: '/build',
      query: buildQuery(build, 'classic'),
      upload: { stream: context, contentType: 'application/x-tar' },
      // FROM images are pulled with these, as `docker build` sends them.
      headers: { 'X-Registry-Config': Buffer.from(JSON.stringify(options.registries ?? {})).toString('base64url') },
      signal: options.signal,
      what,
    })
    .finally(() => context.destroy());
  let failed: string | undefined;
  let imageId: string | undefined;
  let pending = '';
  const tail: string[] = [];
  const emit = (line: string) => {
    tail.push(line);
    if (tail.length > 12) tail.shift();
    options.onOutput?.(line);
  };
  for await (const v of api.lines(res, what, options.signal)) {
    if (typeof v !== 'object' || v === null) continue;
    const o = v as { stream?: unknown; status?: unknown; aux?: unknown };
    const error = errorOf(o as Record<string, unknown>);
    if (error) failed ??= error;
    const id = (o.aux as { ID?: unknown } | undefined)?.ID;
    if (typeof id === 'string') imageId = id;
    // The builder splits its output at arbitrary points; hand on whole lines.
    const text = pending + (typeof o.stream === 'string' ? o.stream : typeof o.status === 'string' ? `${o.status}\n` : '');
    const lines = text.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) emit(line.replace(/\r$/, ''));
  }
  if (pending.trim()) emit(pending);
  // The builder's own words: they say which step failed and why.
  if (failed)
    throw new BuildError(
      failed,
      'classic',
      undefined,
      tail.filter((l) => !failed!.includes(l.trim())),
    );
  return { builder: 'classic', ...(imageId ? { imageId } : {}), steps: [] };
}

/** The error a JSON stream's message carries: `error`, or `errorDetail.message`. */
export function errorOf(o: Record<string, unknown>): string | undefined {
  if (typeof o.error === 'string' && o.error) return o.error;
  const detail = o.errorDetail as { message?: unknown } | undefined;
  return typeof detail?.message === 'string' && detail.message ? detail.message : undefined;
}
