/** Shared by the LSP and CLI tests: they run the bundles that ship, built fresh when stale. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SERVER = path.join(ROOT, 'dist', 'server.js');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(max, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }, 0);
}

/** Runs `npm run build`'s script when a bundle is missing or older than any source file. */
export function ensureBuilt(): void {
  const sources = Math.max(newest(path.join(ROOT, 'src')), statSync(path.join(ROOT, 'package.json')).mtimeMs);
  if ([SERVER, CLI].every((bundle) => existsSync(bundle) && statSync(bundle).mtimeMs >= sources)) return;
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
}
