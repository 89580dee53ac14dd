/** Set by the build: true in dist/cli.js, whose parts read on first use are bundles beside it. */
declare const BERTH_CLI_BUNDLE: boolean | undefined;

/**
 * A part of the CLI loaded on first use: in dist/cli.js the bundle `bundle` beside it (a path
 * esbuild does not follow, so `berth lint` never reads `berth run`'s code), from source (tests
 * under tsx) the module `source` of this folder itself.
 */
export function loadPart<T>(source: string, bundle: string): T {
  const file = typeof BERTH_CLI_BUNDLE === 'undefined' ? source : `${__dirname}/${bundle}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see above)
  return require(file) as T;
}
