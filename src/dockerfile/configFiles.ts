import { readFile } from 'node:fs/promises';
import { configSearchPaths, parseConfig, type ConfigResult } from './config';

export interface FoundConfig {
  path: string;
  result: ConfigResult;
}

/**
 * Finds and reads `.hadolint.yaml` files, caching every candidate path (found or not) until
 * `clear()`: the server clears it when the client reports a config file changed.
 */
export class ConfigFiles {
  private readonly cache = new Map<string, Promise<ConfigResult | undefined>>();

  /** The nearest config for a file in `dir`, looking up to `stopAt` or the file system root. */
  async find(dir: string, stopAt?: string): Promise<FoundConfig | undefined> {
    for (const candidate of configSearchPaths(dir, stopAt)) {
      const result = await this.read(candidate);
      if (result) return { path: candidate, result };
    }
    return undefined;
  }

  clear(): void {
    this.cache.clear();
  }

  private read(file: string): Promise<ConfigResult | undefined> {
    let pending = this.cache.get(file);
    if (!pending) {
      pending = readConfigFile(file);
      this.cache.set(file, pending);
    }
    return pending;
  }
}

/** undefined when there is no such file; a result with a problem when it exists but cannot be read. */
export async function readConfigFile(file: string): Promise<ConfigResult | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return { settings: {}, problems: [`${file}: cannot read it (${code ?? String(error)})`] };
  }
  return parseConfig(text, { source: file });
}
