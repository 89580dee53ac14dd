/**
 * What each bundle of the extension weighs, and what each dependency adds to it: the production
 * build of scripts/build.mjs with esbuild's metafile, bytes in the minified output grouped by
 * package (node_modules) or by source folder. Activation loads only dist/extension.js.
 *
 *   node --import tsx bench/bundles.ts
 */
import { resolve } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = resolve(__dirname, '..');

/** The client's three bundles, as scripts/build.mjs makes them. */
export const CLIENT_BUNDLES = {
  'dist/extension.js': 'src/extension/main.ts',
  'dist/workbench.js': 'src/extension/workbench.ts',
  'dist/languageClient.js': 'src/extension/client.ts',
} as const;

export interface BundleWeight {
  bytes: number;
  /** Bytes by package or source folder, largest first. */
  parts: { name: string; bytes: number }[];
}

function groupOf(input: string): string {
  const segments = input.split('/');
  if (segments[0] === 'node_modules') return segments.slice(0, segments[1].startsWith('@') ? 3 : 2).join('/');
  return segments.slice(0, 3).join('/');
}

export async function weighBundles(): Promise<Record<string, BundleWeight>> {
  const { composeValidatorsPlugin } = (await import(resolve(ROOT, 'scripts/composeValidators.mjs'))) as {
    composeValidatorsPlugin: esbuild.Plugin;
  };
  const weights: Record<string, BundleWeight> = {};
  for (const [outfile, entry] of Object.entries(CLIENT_BUNDLES)) {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      write: false,
      metafile: true,
      external: ['vscode'],
      alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
      plugins: [composeValidatorsPlugin],
      logLevel: 'silent',
    });
    const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
    if (!output) continue;
    const groups = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs))
      groups.set(groupOf(input), (groups.get(groupOf(input)) ?? 0) + bytesInOutput);
    weights[outfile] = {
      bytes: output.bytes,
      parts: [...groups].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
    };
  }
  return weights;
}

if (require.main === module) {
  void weighBundles().then((weights) => {
    for (const [bundle, { bytes, parts }] of Object.entries(weights)) {
      console.log(`${bundle}: ${(bytes / 1024).toFixed(1)} KB`);
      for (const part of parts.slice(0, 12)) console.log(`  ${(part.bytes / 1024).toFixed(1).padStart(7)} KB  ${part.name}`);
    }
  });
}
