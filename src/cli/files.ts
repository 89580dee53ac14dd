import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';

/** A Dockerfile to lint, or a reason it could not be read. */
export type Input = { name: string; path: string | undefined; text: string } | { name: string; error: string };

/** What a folder expands to, for messages. */
export const DOCKERFILE_PATTERNS = 'Dockerfile, Containerfile, *.dockerfile, *.containerfile, Dockerfile.*, Containerfile.*';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

/** Whether a file name is one a folder expands to (any case: `dockerfile`, `App.Dockerfile`). */
export function isDockerfileName(name: string): boolean {
  const lower = name.toLowerCase();
  // BuildKit's per-Dockerfile ignore files share the prefix but are not Dockerfiles.
  if (lower.endsWith('.dockerignore')) return false;
  return /^(dockerfile|containerfile)(\..+)?$/.test(lower) || /.\.(dockerfile|containerfile)$/.test(lower);
}

/**
 * Expands the command line's paths into inputs, in a stable order: arguments as given, folder
 * contents sorted. Files named directly are linted whatever their name. Never throws.
 */
export async function collectInputs(args: string[], readStdin: () => Promise<Buffer>): Promise<Input[]> {
  const inputs: Input[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    if (arg === '-') {
      if (seen.has('-')) continue;
      seen.add('-');
      try {
        inputs.push(decode('-', undefined, await readStdin()));
      } catch (error) {
        inputs.push({ name: '-', error: `cannot read standard input (${describe(error)})` });
      }
      continue;
    }
    let info;
    try {
      info = await stat(arg);
    } catch (error) {
      inputs.push({ name: arg, error: describe(error) });
      continue;
    }
    if (info.isDirectory()) {
      const found: string[] = [];
      const problems: Input[] = [];
      await walk(arg, found, problems);
      inputs.push(...problems);
      if (!found.length && !problems.length) {
        inputs.push({ name: arg, error: `no Dockerfiles in this folder (looked for ${DOCKERFILE_PATTERNS})` });
      }
      for (const file of found.sort()) await addFile(file, inputs, seen);
    } else {
      await addFile(arg, inputs, seen);
    }
  }
  return inputs;
}

async function addFile(file: string, inputs: Input[], seen: Set<string>): Promise<void> {
  let key = path.resolve(file);
  try {
    key = await realpath(file);
  } catch {
    // Read errors are reported below, with the file's own name.
  }
  if (seen.has(key)) return;
  seen.add(key);
  try {
    inputs.push(decode(file, file, await readFile(file)));
  } catch (error) {
    inputs.push({ name: file, error: describe(error) });
  }
}

async function walk(dir: string, found: string[], problems: Input[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    problems.push({ name: dir, error: describe(error) });
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) await walk(full, found, problems);
    } else if (isDockerfileName(entry.name)) {
      // Symlinked files count; symlinked folders are not followed, so no loops.
      if (entry.isFile()) found.push(full);
      else if (entry.isSymbolicLink()) {
        const target = await stat(full).catch(() => undefined);
        if (target?.isFile()) found.push(full);
      }
    }
  }
}

/** Text from bytes: refuses binary content (NUL bytes, as git decides), drops a UTF-8 BOM. */
export function decode(name: string, file: string | undefined, bytes: Buffer): Input {
  if (bytes.includes(0)) return { name, error: 'not a text file (it contains NUL bytes); is it a Dockerfile?' };
  let text = bytes.toString('utf8');
  // Editors hide the BOM, so positions count from after it, as BuildKit reads it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { name, path: file, text };
}

/** A file system error as a user reads it. */
export function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
