import { constants, statSync } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { isComposeFile } from '../compose/names';
import type { ComposeHost } from '../compose/host';
import { MAX_SOURCE_BYTES, readRegularFile, readRegularFileSync } from '../shared/regularFile';

/** A file to lint, or a reason it could not be read (or a note that it was passed over). */
export type Input = Source | { name: string; error: string } | { name: string; skipped: string };

/** What a file is linted as. */
export type SourceKind = 'dockerfile' | 'compose';

/** A Dockerfile or Compose file read from a file or standard input. */
export interface Source {
  /** As the user wrote it, or as found under the folder they named. */
  name: string;
  kind: SourceKind;
  /** undefined for standard input. */
  path: string | undefined;
  text: string;
  /** The bytes as read, so --fix can tell whether the file changed before it writes. */
  bytes: Buffer;
  /**
   * The folder --fix may write in: the folder the file was found in by expanding a folder the
   * user named, or the named file's own folder. A link resolving outside it is not written.
   */
  root: string | undefined;
}

/** What a folder expands to, for messages. */
export const DOCKERFILE_PATTERNS =
  'Dockerfile, Containerfile, Dockerfile.<variant>, Containerfile.<variant>, *.dockerfile, *.containerfile';
export const COMPOSE_PATTERNS = 'compose.yaml, docker-compose.yml, compose.<variant>.yaml, docker-compose.<variant>.yml';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

/**
 * Suffixes that make `Dockerfile.<suffix>` something else: documentation, a template to render
 * first, an image, an archive, a backup or patch, another language's source. A builder given
 * one of these would fail on it; nobody names a build variant so.
 */
export const NON_VARIANT_SUFFIXES: ReadonlySet<string> = new Set(
  (
    'md markdown mdx txt text rst adoc asciidoc org html htm pdf ' +
    'j2 jinja jinja2 tpl tmpl template tmp in erb ejs mustache hbs handlebars liquid njk twig gotmpl ' +
    'png jpg jpeg gif svg webp ico bmp tif tiff ' +
    'zip tar gz tgz bz2 xz zst 7z rar ' +
    'bak orig rej swp swo old new save backup patch diff ' +
    'json yaml yml toml ini xml lock sh bash ps1 py js ts go rb log sig asc sha256 md5 dockerignore'
  ).split(' '),
);

/**
 * Whether a file name is one a folder expands to (any case): what a builder takes as a Dockerfile
 * by default (`Dockerfile`, `Containerfile`), and the usual names of variants given with `-f`
 * (`Dockerfile.dev`, `app.Dockerfile`), but not `Dockerfile.md`, `Dockerfile.j2` or `dockerfile.png`.
 */
export function isDockerfileName(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower === 'dockerfile' || lower === 'containerfile') return true;
  if (/.\.(dockerfile|containerfile)$/.test(lower)) return true;
  const variant = /^(?:dockerfile|containerfile)\.(.+)$/.exec(lower)?.[1];
  if (variant === undefined) return false;
  const last = variant.slice(variant.lastIndexOf('.') + 1);
  return !NON_VARIANT_SUFFIXES.has(last);
}

/**
 * Whether a file name is a Compose file's (any case): compose.yaml/.yml, docker-compose.yaml/.yml
 * and their variants (`compose.override.yaml`, `docker-compose.prod.yml`), the names Compose
 * reads by default and VS Code opens as Compose.
 */
export function isComposeFileName(name: string): boolean {
  return isComposeFile(name.toLowerCase());
}

/** Whether `berth lint FOLDER` lints a file of this name: a Dockerfile's or a Compose file's. */
export function isLintedName(name: string): boolean {
  return isDockerfileName(name) || isComposeFileName(name);
}

/** A file named on the command line is a Compose file when it is YAML (`docker compose -f` takes any name). */
function kindOfNamed(file: string): SourceKind {
  return /\.ya?ml$/i.test(file) ? 'compose' : 'dockerfile';
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
        inputs.push(decode('-', undefined, await readStdin(), undefined, 'dockerfile'));
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
        inputs.push({
          name: arg,
          error: `no Dockerfiles or Compose files in this folder (looked for ${DOCKERFILE_PATTERNS}, ${COMPOSE_PATTERNS})`,
        });
      }
      const files = found.sort();
      // Read a batch at a time: one file after another, a monorepo's run waited mostly on the disk.
      for (let start = 0; start < files.length; start += READ_BATCH) {
        const batch = files.slice(start, start + READ_BATCH);
        const reads = await Promise.all(
          batch.map((file) => readFile(file, arg, true, isDockerfileName(path.basename(file)) ? 'dockerfile' : 'compose')),
        );
        for (const read of reads) add(read, inputs, seen);
      }
    } else {
      add(await readFile(arg, path.dirname(arg), false, kindOfNamed(arg)), inputs, seen);
    }
  }
  return inputs;
}

/** How many files of a folder are read at once. */
const READ_BATCH = 32;

/** A file read, keyed by its real path so a file reached twice (a link, two arguments) is linted once. */
interface FileRead {
  key: string;
  input: Input;
}

function add(read: FileRead, inputs: Input[], seen: Set<string>): void {
  if (seen.has(read.key)) return;
  seen.add(read.key);
  inputs.push(read.input);
}

async function readFile(file: string, root: string, found: boolean, kind: SourceKind): Promise<FileRead> {
  let key = path.resolve(file);
  try {
    key = await realpath(file);
  } catch {
    // Read errors are reported below, with the file's own name.
  }
  const read = await readRegularFile(file, MAX_SOURCE_BYTES);
  if ('problem' in read) return { key, input: { name: file, error: read.problem.message } };
  const input = decode(file, file, read.bytes, root, kind);
  // A binary file that merely has a Dockerfile's name is not one; named by the user, it is an error.
  if (found && 'error' in input)
    return { key, input: { name: file, skipped: `${input.error.replace(/; is it an? [\w ]+\?$/, '')}, so it was skipped` } };
  return { key, input };
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
    } else if (isLintedName(entry.name)) {
      // Symlinked files count; symlinked folders are not followed, so no loops. FIFOs and devices do not.
      if (entry.isFile()) found.push(full);
      else if (entry.isSymbolicLink()) {
        const target = await stat(full).catch(() => undefined);
        if (target?.isFile()) found.push(full);
      }
    }
  }
}

/**
 * The files a Compose file's project reads (its override, includes, Dockerfiles, .env), from disk
 * through the same safe reader, and the environment berth runs in, as Compose would see them.
 */
export function composeDiskHost(): ComposeHost {
  return {
    readFile(file) {
      const read = readRegularFileSync(file, MAX_SOURCE_BYTES);
      if (!('bytes' in read) || read.bytes.includes(0)) return undefined;
      const text = read.bytes.toString('utf8');
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    },
    stat(file) {
      try {
        const info = statSync(file);
        return info.isFile() ? 'file' : info.isDirectory() ? 'directory' : undefined;
      } catch {
        return undefined;
      }
    },
    env: process.env,
  };
}

/** Text from bytes: refuses binary content (NUL bytes, as git decides), drops a UTF-8 BOM. */
export function decode(
  name: string,
  file: string | undefined,
  bytes: Buffer,
  root: string | undefined,
  kind: SourceKind = 'dockerfile',
): Input {
  if (bytes.includes(0))
    return { name, error: `not a text file (it contains NUL bytes); is it ${kind === 'compose' ? 'a Compose file' : 'a Dockerfile'}?` };
  let text = bytes.toString('utf8');
  // Editors hide the BOM, so positions count from after it, as BuildKit reads it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { name, kind, path: file, text, bytes, root };
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

/** What --fix did with one file. */
export type WriteOutcome = { written: true } | { written: false; reason: string };

/**
 * Writes `text` over a linted file, keeping a UTF-8 byte order mark it had, but only when that is
 * safe: the file (a link's target) lies inside the folder it was found in, so a link cannot make
 * --fix rewrite a file elsewhere; and the file still holds the bytes that were linted, so an edit
 * saved meanwhile is not lost. The check and the write go through one open descriptor.
 */
export async function writeFixed(source: Source, text: string): Promise<WriteOutcome> {
  if (!source.path || !source.root) return { written: false, reason: 'it is not a file' };
  let target: string;
  let root: string;
  try {
    target = await realpath(source.path);
    root = await realpath(source.root);
  } catch (error) {
    return { written: false, reason: `it cannot be found any more (${describe(error)})` };
  }
  const inside = path.relative(root, target);
  if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) {
    return { written: false, reason: `it is a link to ${target}, outside ${source.root}; fix that file itself` };
  }
  let handle;
  try {
    handle = await open(target, constants.O_RDWR | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { written: false, reason: `it cannot be opened for writing (${describe(error)})` };
  }
  try {
    if (!(await handle.stat()).isFile()) return { written: false, reason: 'it is no longer a regular file' };
    const now = Buffer.alloc(source.bytes.length + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(now, length, now.length - length, length);
      if (bytesRead === 0 || length + bytesRead === now.length) {
        length += bytesRead;
        break;
      }
      length += bytesRead;
    }
    if (length !== source.bytes.length || !now.subarray(0, length).equals(source.bytes)) {
      return {
        written: false,
        reason: 'it changed on disk while berth was fixing it, so the fixes were not written; run berth lint --fix again',
      };
    }
    const bom = source.bytes[0] === 0xef && source.bytes[1] === 0xbb && source.bytes[2] === 0xbf;
    const out = Buffer.from(bom ? `\ufeff${text}` : text, 'utf8');
    await handle.truncate(0);
    await handle.write(out, 0, out.length, 0);
    return { written: true };
  } catch (error) {
    return { written: false, reason: `writing it failed (${describe(error)})` };
  } finally {
    await handle.close().catch(() => undefined);
  }
}
