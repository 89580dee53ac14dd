/**
 * "A Dockerfile → build it and run it": what the workspace's own Dockerfile says about the
 * run. Its image runs as built (its CMD, USER and WORKDIR); the ports it EXPOSEs in the stage
 * that is built are published. Read with Berth's own parser, so no build is needed to know.
 */
import { parse } from '../dockerfile/parser';
import { sameStageName, type Dockerfile } from '../dockerfile/model';
import { expandVariables, keyValues, unquote } from '../dockerfile/variables';
import type { PortSpec } from './config';

/** The file names `docker build` and `podman build` pick up by themselves, in their order. */
export const DOCKERFILE_NAMES = ['Dockerfile', 'Containerfile', 'dockerfile'];

/** How the image is built; paths are relative to the workspace folder. */
export interface BuildConfig {
  dockerfile: string;
  context: string;
  /** The stage to build; the last one when unset. */
  target?: string;
  args: Record<string, string>;
  /** `linux/arm64`: build for another platform, where the engine can. */
  platform?: string;
  /** Pull base images even when the engine has them. */
  pull?: boolean;
  /** What `RUN --mount=type=secret,id=…` reads: a file (relative to the folder) or `{ env: NAME }`. */
  secrets?: Record<string, string | { env: string }>;
  /** ssh agents `RUN --mount=type=ssh` may use, by id: `default` is SSH_AUTH_SOCK. */
  ssh?: string[];
}

/** `my-app:latest` for a folder `My App`: repository names must be lower case. */
export function defaultImageTag(folder: string): string {
  const base = folder.split(/[\\/]/).filter(Boolean).pop() ?? '';
  const name = base
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return `${name || 'image'}:latest`;
}

/** The Dockerfile a folder would build, by name, or undefined. */
export function findDockerfile(read: (name: string) => string | undefined): string | undefined {
  return DOCKERFILE_NAMES.find((name) => read(name) !== undefined);
}

/**
 * The ports EXPOSEd by the built stage and the stages it builds on, variables expanded from
 * the ARG and ENV values in scope (and `args`). Ports that stay unresolved are left out.
 */
export function exposedPorts(text: string, target?: string, args: Record<string, string> = {}): PortSpec[] {
  const doc = parse(text);
  const stageIndex = targetStage(doc, target);
  if (stageIndex === undefined) return [];
  const chain: number[] = [];
  for (let s: number | undefined = stageIndex; s !== undefined && !chain.includes(s); s = doc.stages[s].parent) chain.unshift(s);

  const values = new Map<string, string>();
  for (const arg of doc.globalArgs)
    assign(
      values,
      doc,
      arg.args.map((w) => w.value),
      args,
      true,
    );
  const ports: PortSpec[] = [];
  const seen = new Set<string>();
  for (const s of chain) {
    for (const instruction of doc.stages[s].instructions) {
      const words = instruction.args.map((w) => w.value);
      if (instruction.keyword === 'ARG') assign(values, doc, words, args, true);
      else if (instruction.keyword === 'ENV') assign(values, doc, words, {}, false);
      else if (instruction.keyword === 'EXPOSE') {
        for (const word of words) {
          const expanded = expandVariables(word, (name) => values.get(name), doc.escape);
          if (expanded.unresolved) continue;
          const m = /^(\d+)(?:-\d+)?(?:\/(tcp|udp|sctp))?$/i.exec(unquote(expanded.value, doc.escape).trim());
          if (!m || m[2]?.toLowerCase() === 'sctp') continue;
          const port = Number(m[1]);
          const protocol = (m[2]?.toLowerCase() as 'tcp' | 'udp' | undefined) ?? 'tcp';
          const key = `${port}/${protocol}`;
          if (port < 1 || port > 65535 || seen.has(key)) continue;
          seen.add(key);
          ports.push({ container: port, protocol });
        }
      }
    }
  }
  return ports;
}

/** The stage names a Dockerfile defines, for choosing a target. */
export function stageNames(text: string): string[] {
  return parse(text).stages.flatMap((s) => (s.name ? [s.name.value] : []));
}

function targetStage(doc: Dockerfile, target: string | undefined): number | undefined {
  if (!doc.stages.length) return undefined;
  if (!target) return doc.stages.length - 1;
  return doc.stages.find((s) => s.name && sameStageName(s.name.value, target))?.index;
}

/** ARG takes a build argument over its default; ENV always sets. */
function assign(values: Map<string, string>, doc: Dockerfile, words: string[], buildArgs: Record<string, string>, isArg: boolean): void {
  for (const { name, value } of keyValues(words, doc.escape, !isArg)) {
    const given = isArg ? buildArgs[name] : undefined;
    if (given !== undefined) values.set(name, given);
    else if (value !== undefined) values.set(name, expandVariables(value, (n) => values.get(n), doc.escape).value);
  }
}
