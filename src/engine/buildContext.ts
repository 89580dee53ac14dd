/**
 * The build context sent with an image build: the folder as a tar stream, minus what its ignore
 * file excludes, owned by root as the docker CLI sends it. Matching is
 * @balena/dockerignore, a port of the engine's own pattern rules, so `**`, `!exceptions`
 * and the order of lines mean what they mean to `docker build`.
 */
import dockerignore from '@balena/dockerignore';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pack } from 'tar-fs';

/** What of a build context goes to the engine. */
export interface ContextEntries {
  /** Relative POSIX paths, parents before children. */
  entries: string[];
  /** How many paths `.dockerignore` left out (a directory counts once). */
  ignored: number;
}

/**
 * The ignore file a build of `dockerfile` (relative to `context`) uses, as BuildKit chooses it:
 * `<Dockerfile>.dockerignore` beside the Dockerfile (`Dockerfile.dockerignore`,
 * `docker/app.Dockerfile.dockerignore`) when there is one, else the context's `.dockerignore`.
 * Its path relative to the context, and its text; '' when there is neither.
 */
export async function contextIgnoreFile(context: string, dockerfile: string): Promise<{ file: string; patterns: string }> {
  for (const file of [`${toPosix(dockerfile)}.dockerignore`, '.dockerignore']) {
    const patterns = await readFile(path.join(context, file), 'utf8').catch(() => undefined);
    if (patterns !== undefined) return { file, patterns };
  }
  return { file: '.dockerignore', patterns: '' };
}

/**
 * The paths of `context` that go to the engine. `dockerfile` (relative to the context) and the
 * ignore files always go, as the CLI sends them even when ignored (a builder on the engine's
 * side then reads the same one). Asynchronous: a context with a node_modules folder holds tens
 * of thousands of entries, and the extension host must not stall while they are listed.
 */
export async function contextEntries(context: string, dockerfile: string): Promise<ContextEntries> {
  const { file, patterns } = await contextIgnoreFile(context, dockerfile);
  const matcher = dockerignore({ ignorecase: false }).add(patterns);
  // An excluded directory can be skipped whole only when no `!` line could bring a file back.
  const hasExceptions = patterns.split(/\r?\n/).some((line) => line.trim().startsWith('!'));
  const always = new Set([toPosix(dockerfile), '.dockerignore', file]);
  const entries: string[] = [];
  let ignored = 0;
  // One folder at a time: parallel listing was no faster here and stalled the event loop longer.
  const walk = async (relative: string): Promise<void> => {
    const listing = await readdir(path.join(context, relative), { withFileTypes: true });
    for (const entry of listing) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      // Sockets and FIFOs cannot travel in a tar; the CLI skips them too.
      if (!entry.isFile() && !entry.isDirectory() && !entry.isSymbolicLink()) continue;
      const excluded = matcher.ignores(rel) && !always.has(rel);
      if (entry.isDirectory()) {
        if (excluded && !hasExceptions) {
          ignored++;
          continue;
        }
        // Depth first: a directory's entry comes before everything below it.
        if (!excluded) entries.push(rel);
        await walk(rel);
      } else if (excluded) ignored++;
      else entries.push(rel);
    }
  };
  await walk('');
  return { entries, ignored };
}

/** The context as an uncompressed tar stream, entries owned by 0:0. */
export function packContext(context: string, entries: string[]): Readable {
  return pack(context, {
    // A copy: tar-fs consumes the array it is given.
    entries: [...entries],
    // Each directory's children are listed in `entries` already; tar-fs must not add the rest.
    ignore: () => true,
    map: (header) => ({ ...header, uid: 0, gid: 0, uname: '', gname: '' }),
  }) as unknown as Readable;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/').replace(/^\.\//, '');
}
