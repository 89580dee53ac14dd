/**
 * The BuildKit cache mount that keeps a package manager's cache out of a RUN's layer: the
 * alternative fix to deleting the cache or telling the tool not to keep one. BuildKit keeps the
 * mount between builds, so the next build downloads less; the classic builder cannot build it,
 * which is why the plain fixes stay the preferred ones.
 */
import type { Dockerfile, Instruction, Stage } from '../../model';
import { expandVariables, keyValues } from '../../variables';
import { edits, type Fixer, offer, replaceSpan } from '../fixer';

/** The package managers whose cache the lint rules find kept in a layer. */
export type PackageCache = 'apt' | 'pip' | 'apk';

/** The `--mount` a RUN gains, and where it goes. */
export interface CacheMountEdit {
  /** Offset right after the RUN keyword: the mount goes before the RUN's own flags. */
  at: number;
  text: string;
  /** What the mount holds, for the fix's title. */
  target: string;
}

/**
 * `sharing=locked`: apt takes a lock on its lists, so two builds sharing one cache wait for each
 * other rather than fail.
 */
const TARGETS: Record<Exclude<PackageCache, 'pip'>, string> = {
  apt: 'target=/var/lib/apt/lists,sharing=locked',
  apk: 'target=/var/cache/apk',
};

/** Variables that move pip's cache away from `$HOME/.cache/pip`. */
const PIP_CACHE_MOVED = new Set(['HOME', 'PIP_CACHE_DIR', 'XDG_CACHE_HOME']);

/**
 * The cache mount for `run`, or undefined where its target is not known for sure: pip's cache
 * lives in the user's home, so only a RUN that runs as root with the default home gets one.
 */
export function cacheMountEdit(doc: Dockerfile, run: Instruction, cache: PackageCache): CacheMountEdit | undefined {
  if (run.keyword !== 'RUN' || run.stage < 0) return undefined;
  let target: string;
  if (cache === 'pip') {
    const env = environmentAt(doc, run);
    if (!env.root || env.pipCacheMoved) return undefined;
    target = 'target=/root/.cache/pip';
  } else {
    // A later RUN installing from these lists would find the mount's copy gone from the layer.
    if (cache === 'apt' && laterInstallNeedsLists(doc, run)) return undefined;
    target = TARGETS[cache];
  }
  return { at: run.keywordSpan.end, text: ` --mount=type=cache,${target}`, target: target.split(',')[0].slice('target='.length) };
}

// Within one command: up to the next separator.
const APT_INSTALL = /\bapt(?:-get)?\s[^;&|\n]*\binstall\b/;
const APT_UPDATE = /\bapt(?:-get)?\s[^;&|\n]*\bupdate\b/;

/**
 * A RUN after `run`, in its stage or a stage built on it, that installs with apt without updating
 * first. Read from the text, so it errs towards offering no mount.
 */
function laterInstallNeedsLists(doc: Dockerfile, run: Instruction): boolean {
  const stages = new Set([run.stage]);
  for (const stage of doc.stages) if (stage.parent !== undefined && stages.has(stage.parent)) stages.add(stage.index);
  for (const other of doc.instructions) {
    if (other.span.start <= run.span.start || other.keyword !== 'RUN' || !stages.has(other.stage)) continue;
    const script = [other.argsText, ...other.heredocs.map((h) => h.body)].join('\n');
    if (APT_INSTALL.test(script) && !APT_UPDATE.test(script)) return true;
  }
  return false;
}

/**
 * Offers the cache mount, after the rule's plain fix and never preferred: only BuildKit builds it
 * (Berth does, as `docker build` does since Docker 23).
 */
export function cacheMountFix(f: Fixer, cache: PackageCache): void {
  const run = f.instruction;
  const mount = run && cacheMountEdit(f.doc, run, cache);
  if (!mount) return;
  offer(f, `Mount a BuildKit cache on ${mount.target}`, edits(f, [replaceSpan(f.doc, { start: mount.at, end: mount.at }, mount.text)]));
}

/** Whether the RUN runs as root, and whether an ENV before it moves pip's cache. */
function environmentAt(doc: Dockerfile, run: Instruction): { root: boolean; pipCacheMoved: boolean } {
  // The stages `run` builds on, outermost first, each with the instructions that come before it.
  const chain: Stage[] = [];
  for (let s: number | undefined = run.stage; s !== undefined && s >= 0 && !chain.includes(doc.stages[s]); s = doc.stages[s].parent) {
    chain.unshift(doc.stages[s]);
  }
  let user: Instruction | undefined;
  let pipCacheMoved = false;
  for (const stage of chain) {
    for (const instruction of stage.instructions) {
      if (instruction === run) break;
      if (instruction.keyword === 'USER') user = instruction;
      if (instruction.keyword !== 'ENV') continue;
      const words = instruction.args.map((a) => a.value);
      if (keyValues(words, doc.escape, true).some(({ name }) => PIP_CACHE_MOVED.has(name))) pipCacheMoved = true;
    }
  }
  return { root: user === undefined || isRoot(user, doc.escape), pipCacheMoved };
}

/** USER root or 0, written plainly; a variable counts as someone else, since its value is not known here. */
function isRoot(user: Instruction, escape: string): boolean {
  const raw = user.args[0]?.value;
  if (raw === undefined) return false;
  const expanded = expandVariables(raw, () => undefined, escape);
  if (expanded.unresolved) return false;
  const name = expanded.value.split(':')[0];
  return name === 'root' || name === '0';
}
