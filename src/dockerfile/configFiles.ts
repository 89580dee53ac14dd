import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { MAX_CONFIG_BYTES, readRegularFile } from '../shared/regularFile';
import { configSearchPaths, parseConfig, type ConfigResult } from './config';

export interface FoundConfig {
  path: string;
  result: ConfigResult;
}

/** A config file read: parsed, absent, or there but not readable as one (a folder, a FIFO, too large…). */
export type ConfigRead = { result: ConfigResult } | { missing: true } | { unreadable: string };

/**
 * Finds and reads `.hadolint.yaml` files, caching every candidate path (found or not) until
 * `clear()`: the server clears it when the client reports a config file changed.
 */
export class ConfigFiles {
  private readonly cache = new Map<string, Promise<ConfigRead>>();
  /**
   * Each folder's names, lower-cased, listed once: most candidates do not exist, and one listing
   * per folder is cheaper than a failed open per candidate (`berth lint` of a monorepo looks in
   * thousands of folders). undefined when the folder cannot be listed: its candidates are opened.
   */
  private readonly listings = new Map<string, Promise<Set<string> | undefined>>();

  /** `knownCodes`: the rule codes the files may name (by default the Dockerfile rules). */
  constructor(private readonly knownCodes?: readonly string[]) {}

  /**
   * The nearest config for a file in `dir`, looking up to `stopAt` or the file system root. One
   * that is there but cannot be read ends the search as a result with that problem: it is the
   * file the user meant, and a farther one would apply settings they did not expect.
   */
  async find(dir: string, stopAt?: string): Promise<FoundConfig | undefined> {
    for (const candidate of configSearchPaths(dir, stopAt)) {
      const read = await this.read(candidate);
      if ('result' in read) return { path: candidate, result: read.result };
      if ('unreadable' in read) {
        return {
          path: candidate,
          result: { settings: {}, problems: [`${candidate}: ${read.unreadable}, so it is not read; make it a regular file`] },
        };
      }
    }
    return undefined;
  }

  clear(): void {
    this.cache.clear();
    this.listings.clear();
  }

  private read(file: string): Promise<ConfigRead> {
    let pending = this.cache.get(file);
    if (!pending) {
      pending = this.listed(file).then((listed) => (listed ? readConfigFile(file, this.knownCodes) : { missing: true }));
      this.cache.set(file, pending);
    }
    return pending;
  }

  /** Whether the file's folder may hold it (any case, for case-insensitive file systems); true when unknown. */
  private async listed(file: string): Promise<boolean> {
    const dir = path.dirname(file);
    let listing = this.listings.get(dir);
    if (!listing) {
      listing = readdir(dir).then(
        (names) => new Set(names.map((name) => name.toLowerCase())),
        () => undefined,
      );
      this.listings.set(dir, listing);
    }
    return (await listing)?.has(path.basename(file).toLowerCase()) ?? true;
  }
}

/**
 * Reads and parses one config file. Only a regular file of at most 1 MB is read: a FIFO would
 * block the read forever, and a link to a device would never end.
 */
export async function readConfigFile(file: string, knownCodes?: readonly string[]): Promise<ConfigRead> {
  const read = await readRegularFile(file, MAX_CONFIG_BYTES);
  if ('problem' in read) {
    return read.problem.kind === 'missing' ? { missing: true } : { unreadable: read.problem.message };
  }
  return { result: parseConfig(read.bytes.toString('utf8'), { source: file, knownCodes }) };
}
