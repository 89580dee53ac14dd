/**
 * Where a Dockerfile's build context keeps its ignore file. The context is the Dockerfile's
 * folder unless a build says otherwise; BuildKit reads `<Dockerfile name>.dockerignore` beside the
 * Dockerfile first (`app.Dockerfile.dockerignore`), and `.dockerignore` at the context root
 * otherwise. The server and the CLI read the first that exists and hand its text to lint.
 */
import * as path from 'node:path';
import { readRegularFile } from './regularFile';

/** Ignore files are small; a larger one is not what the user meant to lint against. */
export const MAX_DOCKERIGNORE_BYTES = 1024 * 1024;

/**
 * The ignore files that may apply to `dockerfile`, the one that wins first; `context` is the
 * build context's folder when it is not the Dockerfile's own.
 */
export function dockerignoreCandidates(dockerfile: string, context = path.dirname(dockerfile)): string[] {
  return [`${dockerfile}.dockerignore`, path.join(context, '.dockerignore')];
}

/** File watcher globs for every ignore file: `.dockerignore` and `<name>.dockerignore`. */
export const DOCKERIGNORE_GLOB = '**/{.dockerignore,*.dockerignore}';

/**
 * The ignore file that applies to `dockerfile` built with `context` (by default its folder), read
 * from disk (a regular file, capped): its name and text, or undefined when neither candidate is a
 * readable file.
 */
export async function readDockerignore(dockerfile: string, context?: string): Promise<{ name: string; text: string } | undefined> {
  for (const candidate of dockerignoreCandidates(dockerfile, context)) {
    const read = await readRegularFile(candidate, MAX_DOCKERIGNORE_BYTES);
    if ('bytes' in read) return { name: path.basename(candidate), text: read.bytes.toString('utf8') };
  }
  return undefined;
}
