/**
 * `docker cp` both ways through the archive API, with the CLI's rules for what goes where: a
 * file onto a file replaces it, anything into a directory lands inside it under its own name (or,
 * for `dir/.`, its contents do), anything to a path that does not exist yet takes that name, and
 * a directory never replaces a file. Symlinks travel as symlinks; only the source itself is
 * followed, and only when asked (`-L`). Files copied into a container belong to its root unless
 * `keepOwnership` (`-a`) keeps their owners' ids, as the CLI's documentation has it (the CLI itself
 * keeps the host's ids either way, moby/moby#34096); files copied out belong to whoever runs Berth.
 *
 * Copying out never writes outside the chosen target: every entry is rebased under it, names
 * with `..` are refused, nothing is written through a symlink (one already
 * there or one the archive itself made), and hard links must point inside the target too.
 */
import { constants as fsConstants } from 'node:fs';
import { chmod, link, lstat, lutimes, mkdir, open, realpath, stat, symlink, unlink, utimes } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { pack, type Headers as PackHeaders } from 'tar-fs';
import type { ContainerPathStat, Engine } from './types';

/** What a copy did. */
export interface CopyResult {
  /** Where the source landed: the file or directory written (host or container path). */
  written: string;
  /** Files, directories and links written. */
  entries: number;
  /** Bytes of file content written. */
  bytes: number;
  /** Entries left out (devices, FIFOs, unsafe names), with why. */
  skipped: string[];
}

export interface CopyOptions {
  /** Follow the source when it is a symlink, as `docker cp -L`. */
  followLink?: boolean;
  /** Copying in: keep the files' owners from the host, as `docker cp -a`. */
  keepOwnership?: boolean;
  signal?: AbortSignal;
}

/** Why a copy cannot be done as asked, in the CLI's terms. */
export class CopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyError';
  }
}

/** `dir/.` (or `dir/./`) means the directory's contents, not the directory. */
const meansContents = (p: string) => /(^|[\\/])\.[\\/]?$/.test(p);
const endsWithSeparator = (p: string, sep: string) => p.endsWith(sep) || p.endsWith(`${sep}.`);

/** `docker cp SOURCE CONTAINER:TARGET`. */
export async function copyIntoContainer(
  engine: Engine,
  id: string,
  source: string,
  target: string,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const sourceName = path.basename(path.resolve(source));
  let from = path.resolve(source);
  if (options.followLink) from = await realpath(from);
  const info = await (options.followLink ? stat(from) : lstat(from)).catch(() => {
    throw new CopyError(`${source} does not exist on this machine.`);
  });
  const containerTarget = path.posix.resolve('/', target);
  let targetStat = await engine.statContainerPath(id, containerTarget);
  // A symlink as the target is followed, as the CLI does: the engine resolves it inside the container.
  if (targetStat?.symlink && targetStat.linkTarget) {
    const resolved = path.posix.resolve(path.posix.dirname(containerTarget), targetStat.linkTarget);
    targetStat = await engine.statContainerPath(id, resolved);
    if (targetStat) return putInto(engine, id, from, info.isDirectory(), sourceName, resolved, targetStat, source, options);
  }
  if (target.endsWith('/') && !targetStat)
    throw new CopyError(`${target} does not exist in the container (a path ending in / must be a directory).`);
  return putInto(engine, id, from, info.isDirectory(), sourceName, containerTarget, targetStat, source, options);
}

async function putInto(
  engine: Engine,
  id: string,
  from: string,
  isDirectory: boolean,
  sourceName: string,
  target: string,
  targetStat: ContainerPathStat | undefined,
  source: string,
  options: CopyOptions,
): Promise<CopyResult> {
  let directory: string;
  let topName: string | undefined;
  if (targetStat?.directory) {
    directory = target;
    // `dir/.` into a directory: the contents, without the directory itself.
    topName = isDirectory && meansContents(source) ? undefined : sourceName;
  } else if (targetStat) {
    if (isDirectory) throw new CopyError(`Cannot copy the directory ${source} onto the file ${target}.`);
    directory = path.posix.dirname(target);
    topName = path.posix.basename(target);
  } else {
    directory = path.posix.dirname(target);
    topName = path.posix.basename(target);
    const parent = await engine.statContainerPath(id, directory);
    if (!parent?.directory) throw new CopyError(`${directory} is not a directory in the container.`);
  }
  const counts = { entries: 0, bytes: 0 };
  const archive = packSource(from, isDirectory, topName, counts, options.keepOwnership === true);
  // No copyUIDGID: the engine would look the container's user up on the host (moby/moby#34142).
  // The engine applies the archive's own owners, so they are set in it.
  await engine.putContainerArchive(id, directory, archive, { noOverwriteDirNonDir: true }, options.signal);
  return { written: topName ? path.posix.join(directory, topName) : directory, ...counts, skipped: [] };
}

/** The source as a tar stream: its entries under `topName`, or (undefined) its contents at the top. */
function packSource(
  from: string,
  isDirectory: boolean,
  topName: string | undefined,
  counts: { entries: number; bytes: number },
  keepOwners: boolean,
): Readable {
  const base = path.basename(from);
  const rename = (name: string): string => {
    const rest = name === base ? '' : name.slice(base.length + 1);
    if (topName === undefined) return rest;
    return rest ? `${topName}/${rest}` : topName;
  };
  const owned = (header: PackHeaders): PackHeaders => {
    counts.entries++;
    if (header.type === 'file') counts.bytes += header.size ?? 0;
    return keepOwners ? header : { ...header, uid: 0, gid: 0 };
  };
  // The contents of a folder: every entry, named relative to it.
  if (topName === undefined && isDirectory) return pack(from, { map: owned }) as unknown as Readable;
  return pack(path.dirname(from), {
    entries: [base],
    map: (header: PackHeaders) => ({ ...owned(header), name: rename(header.name) }),
  }) as unknown as Readable;
}

/** Resolves once an entry's stream has been read to its end. */
function ended(stream: Readable): Promise<void> {
  return new Promise((resolve) => stream.on('end', () => resolve()));
}

/** `docker cp CONTAINER:SOURCE TARGET`. */
export async function copyFromContainer(
  engine: Engine,
  id: string,
  source: string,
  target: string,
  options: CopyOptions = {},
): Promise<CopyResult> {
  let containerSource = path.posix.resolve('/', source);
  if (options.followLink) {
    const sourceStat = await engine.statContainerPath(id, containerSource);
    if (sourceStat?.symlink && sourceStat.linkTarget)
      containerSource = path.posix.resolve(path.posix.dirname(containerSource), sourceStat.linkTarget);
  }
  const sourceStat = await engine.statContainerPath(id, containerSource);
  if (!sourceStat) throw new CopyError(`${source} does not exist in the container.`);
  const sourceIsDirectory = sourceStat.directory;

  const wanted = path.resolve(target);
  const existing = await stat(wanted).catch(() => undefined);
  let root: string;
  let topName: string | undefined;
  if (existing?.isDirectory()) {
    // The user chose this directory (through a symlink, if it is one): that is the target.
    root = await realpath(wanted);
    topName = sourceIsDirectory && meansContents(source) ? undefined : path.posix.basename(containerSource) || undefined;
  } else if (existing) {
    if (sourceIsDirectory) throw new CopyError(`Cannot copy the directory ${source} onto the file ${target}.`);
    root = await realpath(path.dirname(wanted));
    topName = path.basename(wanted);
  } else {
    if (endsWithSeparator(target, path.sep) || endsWithSeparator(target, '/'))
      throw new CopyError(`The folder ${target} does not exist on this machine.`);
    const parent = await stat(path.dirname(wanted)).catch(() => undefined);
    if (!parent?.isDirectory()) throw new CopyError(`The folder ${path.dirname(wanted)} does not exist on this machine.`);
    root = await realpath(path.dirname(wanted));
    topName = path.basename(wanted);
  }
  const { archive } = await engine.getContainerArchive(id, containerSource, options.signal);
  const result = await extractUnder(archive, root, topName, options.signal);
  return { written: topName ? path.join(root, topName) : root, ...result };
}

/**
 * Extracts an archive whose entries all sit under one top entry, rebased to `root/topName` (or,
 * when topName is undefined, the top entry's contents straight into root). Refuses everything that
 * would land outside root.
 */
export async function extractUnder(
  archive: Readable,
  root: string,
  topName: string | undefined,
  signal?: AbortSignal,
): Promise<{ entries: number; bytes: number; skipped: string[] }> {
  const result = { entries: 0, bytes: 0, skipped: [] as string[] };
  const safeDirs = new Set<string>([root]);
  const directories: { at: string; mode: number; mtime?: Date }[] = [];

  /**
   * `top/b/c` → the host path under root, or undefined when the name is not safe. The first
   * component is the source's own name, whatever the archive calls it (`data`, `.` for a contents
   * copy, empty for `/`): it is replaced by topName, so nothing can land beside the target.
   */
  const place = (name: string): string | undefined => {
    const [first = '', ...tail] = name.split('/');
    const rest = tail.filter((p) => p !== '' && p !== '.');
    if (first === '..' || rest.some((p) => p === '..' || p.includes('\0'))) return undefined;
    const relative = topName === undefined ? rest : [topName, ...rest];
    const at = path.join(root, ...relative);
    if (at !== root && !at.startsWith(root + path.sep)) return undefined;
    return at;
  };

  /** Every directory between root and `at` exists as a real directory (never a symlink), made if missing. */
  const prepareParents = async (at: string): Promise<void> => {
    const parents: string[] = [];
    for (let dir = path.dirname(at); !safeDirs.has(dir); dir = path.dirname(dir)) {
      if (dir === path.dirname(dir)) throw new CopyError(`${at} is outside ${root}.`);
      parents.unshift(dir);
    }
    for (const dir of parents) {
      const info = await lstat(dir).catch(() => undefined);
      if (!info) await mkdir(dir);
      else if (!info.isDirectory())
        throw new CopyError(`Refusing to write through ${dir}, which is ${info.isSymbolicLink() ? 'a symlink' : 'not a directory'}.`);
      safeDirs.add(dir);
    }
  };

  /** Makes room for a non-directory at `at`: a file or link there goes, a directory stays and is an error. */
  const clear = async (at: string): Promise<void> => {
    const info = await lstat(at).catch(() => undefined);
    if (!info) return;
    if (info.isDirectory()) throw new CopyError(`Cannot replace the directory ${at} with a file.`);
    await unlink(at);
  };

  const tar = extract();
  const done = new Promise<void>((resolve, reject) => {
    tar.on('entry', (header, stream, next) => {
      const fail = (err: unknown) => {
        stream.resume();
        tar.destroy(err instanceof Error ? err : new Error(String(err)));
      };
      const at = place(header.name);
      const skip = (why: string) => {
        result.skipped.push(`${header.name}: ${why}`);
        stream.on('end', () => next());
        stream.resume();
      };
      if (!at) return skip('its name leads outside the target');
      (async () => {
        if (at === root) {
          // The top entry of a contents copy is root itself, which exists: only its mode is not ours to change.
          stream.resume();
          await ended(stream);
          return;
        }
        await prepareParents(at);
        const mode = (header.mode ?? 0o644) & 0o7777;
        switch (header.type) {
          case 'directory': {
            const info = await lstat(at).catch(() => undefined);
            if (info && !info.isDirectory()) await clear(at);
            if (!info?.isDirectory()) await mkdir(at, { mode: 0o700 });
            safeDirs.add(at);
            // Its own mode last, so a read-only directory does not stop its children being written.
            directories.push({ at, mode, mtime: header.mtime });
            stream.resume();
            await ended(stream);
            break;
          }
          case 'file':
          case 'contiguous-file': {
            await clear(at);
            // O_EXCL and O_NOFOLLOW: nothing may have appeared at `at` since it was cleared.
            const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW;
            const file = await open(at, flags, 0o600);
            await pipeline(stream, file.createWriteStream());
            await chmod(at, mode);
            if (header.mtime) await utimes(at, header.mtime, header.mtime).catch(() => undefined);
            result.bytes += header.size ?? 0;
            break;
          }
          case 'symlink': {
            await clear(at);
            await symlink(header.linkname ?? '', at);
            if (header.mtime) await lutimes(at, header.mtime, header.mtime).catch(() => undefined);
            stream.resume();
            await ended(stream);
            break;
          }
          case 'link': {
            const existing = header.linkname ? place(header.linkname) : undefined;
            // Only to a file this copy wrote: anything else is outside the target or not there.
            const linked = existing && safeDirs.has(path.dirname(existing)) ? await lstat(existing).catch(() => undefined) : undefined;
            if (!existing || !linked?.isFile()) {
              result.skipped.push(`${header.name}: a hard link to ${header.linkname}, which is not a file this copy holds`);
              stream.resume();
              await ended(stream);
              return;
            }
            await clear(at);
            await link(existing, at);
            stream.resume();
            await ended(stream);
            break;
          }
          default:
            result.skipped.push(`${header.name}: a ${header.type ?? 'special file'}, which is not copied`);
            stream.resume();
            await ended(stream);
            return;
        }
        result.entries++;
      })().then(() => next(), fail);
    });
    tar.on('finish', resolve);
    tar.on('error', reject);
    archive.on('error', (err) => tar.destroy(err));
    signal?.addEventListener('abort', () => tar.destroy(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })), {
      once: true,
    });
  });
  archive.pipe(tar);
  try {
    await done;
  } finally {
    archive.destroy();
  }
  // Deepest first, so a directory's own mode never stops its children's modes being set.
  for (const dir of directories.reverse()) {
    await chmod(dir.at, dir.mode);
    if (dir.mtime) await utimes(dir.at, dir.mtime, dir.mtime).catch(() => undefined);
  }
  return result;
}
