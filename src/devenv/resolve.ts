/**
 * Which configuration a run uses: `.berth.yaml` when the workspace has one, else the simple
 * subset of `.devcontainer/devcontainer.json`, else the detected toolchain's preset; explicit
 * arguments win over all three. The file system is passed in, so this stays testable.
 */
import { CONFIG_FILES, mergeConfig, parseRunConfig, presetConfig, type RunConfig } from './config';
import { readDevcontainer } from './devcontainer';
import { detectToolchains, type ToolchainId } from './presets';

export interface WorkspaceFiles {
  /** Names at the top of the workspace folder. */
  entries: string[];
  /** A file's text by path relative to the folder, or undefined. */
  read(relative: string): string | undefined;
}

export interface ResolvedConfig {
  config: RunConfig;
  /** Where it came from, for messages: `.berth.yaml`, `.devcontainer/devcontainer.json`, `preset go`. */
  source: string;
  detected: ToolchainId[];
  /** Things the user should know: bad fields, devcontainer keys Berth ignores. */
  notes: string[];
}

export function resolveRunConfig(files: WorkspaceFiles, workspaceName: string, overrides: Partial<RunConfig> = {}): ResolvedConfig | { error: string; detected: ToolchainId[] } {
  const detected = detectToolchains(files.entries);
  const notes: string[] = [];
  const toolchain = overrides.toolchain;
  const read = (name: string) => files.read(name);

  for (const name of CONFIG_FILES) {
    const text = files.read(name);
    if (text === undefined) continue;
    const { config, problems } = parseRunConfig(text);
    notes.push(...problems.map((p) => `${name}: ${p}`));
    const base = presetConfig(toolchain ?? config.toolchain ?? detected[0] ?? 'go', read);
    const merged = mergeConfig(mergeConfig(base, config), overrides);
    if (!config.toolchain && !toolchain && !detected.length) merged.toolchain = undefined;
    return { config: merged, source: name, detected, notes };
  }

  const devcontainer = files.read('.devcontainer/devcontainer.json') ?? files.read('.devcontainer.json');
  if (devcontainer !== undefined && !toolchain) {
    const read = readDevcontainer(devcontainer, workspaceName);
    if (read.config.image) {
      notes.push(...read.problems, ...read.ignored.map((i) => `devcontainer.json ${i}`));
      const base = { ...presetConfig(detected[0] ?? 'go', files.read), toolchain: undefined, ports: [], command: ['sh'] };
      return { config: mergeConfig(mergeConfig(base, read.config), overrides), source: '.devcontainer/devcontainer.json', detected, notes };
    }
    notes.push(...read.problems);
  }

  const chosen = toolchain ?? detected.find((d) => d !== 'dockerfile');
  if (!chosen) {
    if (overrides.image) return { config: mergeConfig({ ...presetConfig('go', read), toolchain: undefined, ports: [], command: ['sh'] }, overrides), source: 'arguments', detected, notes };
    return {
      error: detected.includes('dockerfile')
        ? 'This folder has a Dockerfile but no toolchain Berth knows; building and running the Dockerfile comes later. Pass an image (--image) or add a .berth.yaml.'
        : 'No toolchain recognised here (go.mod, hugo.toml, package.json, Cargo.toml, pyproject.toml, Gemfile). Pass --toolchain or --image, or add a .berth.yaml.',
      detected,
    };
  }
  return { config: mergeConfig(presetConfig(chosen, read), overrides), source: `preset ${chosen}`, detected, notes };
}
