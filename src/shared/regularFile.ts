/**
 * Reading a file named by a user or found in a folder, safely: only a regular file, and only up to
 * a size cap. A FIFO would block the reader until someone writes to it, and `/dev/zero` (or a link
 * to it) never ends; both used to hang or flood the server and the CLI. Everything that reads
 * Dockerfiles or configuration from disk goes through here.
 */
import { closeSync, constants, fstatSync, openSync, promises as fs, readSync } from 'node:fs';

/** Why a file was not read; `message` completes "<file> …" for the user ("is a folder, not a file"). */
export type ReadProblem =
  | { kind: 'missing'; message: string }
  | { kind: 'not-a-file'; message: string }
  | { kind: 'too-large'; message: string }
  | { kind: 'unreadable'; message: string };

export type ReadResult = { bytes: Buffer } | { problem: ReadProblem };

/** Dockerfiles and compose files: far above any real one, far below what would hurt. */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
/** Configuration files such as `.hadolint.yaml`. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

// Opening a FIFO for reading blocks until a writer comes, unless non-blocking; a regular file ignores it.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * The bytes of `file` when it is a regular file (a symbolic link to one counts) of at most
 * `maxBytes`; otherwise a problem. The kind is checked on the opened descriptor, so a file
 * swapped for a FIFO between a check and the read is still refused. Never throws.
 */
export async function readRegularFile(file: string, maxBytes: number): Promise<ReadResult> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, OPEN_FLAGS);
  } catch (error) {
    return { problem: openProblem(error) };
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return { problem: { kind: 'not-a-file', message: 'is a folder, not a file' } };
    if (!info.isFile()) return { problem: { kind: 'not-a-file', message: `is ${specialKind(info)}, not a regular file` } };
    if (info.size > maxBytes) return { problem: tooLarge(maxBytes) };
    // Up to one byte past the cap, whatever fstat said: a file that grows while it is read is caught too.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte more than fstat's size, so a file read whole comes back short, which for a regular
      // file is its end: no second read (and no second buffer) to learn it.
      const chunk = Buffer.alloc(Math.min(Math.max(info.size - total + 1, 4096), maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return { problem: tooLarge(maxBytes) };
      if (bytesRead < chunk.length) break;
    }
    return { bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total) };
  } catch (error) {
    return { problem: { kind: 'unreadable', message: `cannot read it (${codeOf(error)})` } };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * {@link readRegularFile} for callers that cannot wait (a pure core asking its host for a file in
 * the middle of a computation): the same checks on the opened descriptor, the same cap.
 */
export function readRegularFileSync(file: string, maxBytes: number): ReadResult {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    return { problem: openProblem(error) };
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) return { problem: { kind: 'not-a-file', message: 'is a folder, not a file' } };
    if (!info.isFile()) return { problem: { kind: 'not-a-file', message: `is ${specialKind(info)}, not a regular file` } };
    if (info.size > maxBytes) return { problem: tooLarge(maxBytes) };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(Math.max(info.size - total + 1, 4096), maxBytes + 1 - total));
      const bytesRead = readSync(fd, chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return { problem: tooLarge(maxBytes) };
      if (bytesRead < chunk.length) break;
    }
    return { bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total) };
  } catch (error) {
    return { problem: { kind: 'unreadable', message: `cannot read it (${codeOf(error)})` } };
  } finally {
    closeSync(fd);
  }
}

function tooLarge(maxBytes: number): ReadProblem {
  return { kind: 'too-large', message: `is larger than ${Math.round(maxBytes / 1024 / 1024) || 1} MB, too large to be what it should be` };
}

function specialKind(info: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.message : String(error));
}

function openProblem(error: unknown): ReadProblem {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return { kind: 'missing', message: 'no such file or folder' };
    case 'ENOTDIR':
      return { kind: 'missing', message: 'a part of the path is not a folder' };
    case 'EISDIR':
      return { kind: 'not-a-file', message: 'is a folder, not a file' };
    case 'EACCES':
    case 'EPERM':
      return { kind: 'unreadable', message: 'permission denied' };
    case 'ELOOP':
      return { kind: 'unreadable', message: 'too many symbolic links' };
    case 'ENXIO':
      // A socket, or a FIFO opened for writing with no reader.
      return { kind: 'not-a-file', message: 'is a socket or a device, not a regular file' };
    case 'EMFILE':
    case 'ENFILE':
      return { kind: 'unreadable', message: 'too many open files' };
    default:
      return { kind: 'unreadable', message: `cannot read it (${codeOf(error)})` };
  }
}
