/**
 * Which configuration a run uses: `.berth.yaml` when the workspace has one, else the simple
 * subset of `.devcontainer/devcontainer.json`, else the detected toolchain's preset; explicit
 * arguments win over all three. The file system is passed in, so this stays testable.
 */
import { CONFIG_FILES, dockerfileConfig, mergeConfig, parseRunConfig, presetConfig, type RunConfig, type RunConfigInput } from './config';
import { readDevcontainer } from './devcontainer';
import { findDockerfile } from './dockerfileRun';
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

export function resolveRunConfig(
  files: WorkspaceFiles,
  workspaceName: string,
  overrides: RunConfigInput = {},
): ResolvedConfig | { error: string; detected: ToolchainId[] } {
  const detected = detectToolchains(files.entries);
  const notes: string[] = [];
  const toolchain = overrides.toolchain ?? (overrides.build ? 'dockerfile' : undefined);
  const read = (name: string) => files.read(name);
  // A build's EXPOSEd ports depend on which file, stage and arguments it builds.
  const base = (id: ToolchainId, ...inputs: RunConfigInput[]) =>
    id === 'dockerfile' ? dockerfileConfig(read, Object.assign({}, ...inputs.map((i) => i.build))) : presetConfig(id, read);
  const withoutBuild = (config: RunConfig) => (config.toolchain === 'dockerfile' ? config : { ...config, build: undefined });

  for (const name of CONFIG_FILES) {
    const text = files.read(name);
    if (text === undefined) continue;
    const { config, problems, unreadable } = parseRunConfig(text);
    // A file the user wrote that cannot be read is an error, never a reason to run the defaults.
    if (unreadable)
      return { error: `${name} cannot be read (${unreadable}). Fix it, or remove it to run the detected toolchain.`, detected };
    notes.push(...problems.map((p) => `${name}: ${p}`));
    const id = toolchain ?? config.toolchain ?? (config.build ? 'dockerfile' : (detected[0] ?? 'go'));
    const merged = withoutBuild(mergeConfig(mergeConfig(base(id, config, overrides), config), overrides));
    if (!config.toolchain && !toolchain && !config.build && !detected.length) merged.toolchain = undefined;
    return { config: merged, source: name, detected, notes };
  }

  const devcontainerDir = files.read('.devcontainer/devcontainer.json') !== undefined ? '.devcontainer' : '.';
  const devcontainer = files.read('.devcontainer/devcontainer.json') ?? files.read('.devcontainer.json');
  if (devcontainer !== undefined && !toolchain) {
    const read = readDevcontainer(devcontainer, workspaceName, devcontainerDir);
    if (read.config.image || read.config.build || read.config.compose) {
      notes.push(...read.problems, ...read.ignored.map((i) => `devcontainer.json ${i}`));
      const base = {
        ...presetConfig(detected.find((d) => d !== 'dockerfile') ?? 'go', files.read),
        toolchain: undefined,
        ports: [],
        command: ['sh'],
      };
      return { config: mergeConfig(mergeConfig(base, read.config), overrides), source: '.devcontainer/devcontainer.json', detected, notes };
    }
    notes.push(...read.problems);
  }

  // A Go module that ships a Dockerfile is still run as Go; only a Dockerfile alone is built.
  const chosen = toolchain ?? (overrides.image ? detected.find((d) => d !== 'dockerfile') : detected[0]);
  if (!chosen) {
    if (overrides.image)
      return {
        config: mergeConfig({ ...presetConfig('go', read), toolchain: undefined, ports: [], command: ['sh'] }, overrides),
        source: 'arguments',
        detected,
        notes,
      };
    return {
      error:
        'No toolchain recognised here (go.mod, hugo.toml, package.json, Cargo.toml, pyproject.toml, Gemfile, Dockerfile). Pass --toolchain or --image, or add a .berth.yaml.',
      detected,
    };
  }
  if (chosen === 'dockerfile' && !findDockerfile(read) && !overrides.build?.dockerfile) {
    return {
      error:
        "The dockerfile toolchain builds the folder's Dockerfile, and this folder has none (Dockerfile, Containerfile). Add one, or set build.dockerfile.",
      detected,
    };
  }
  return { config: withoutBuild(mergeConfig(base(chosen, overrides), overrides)), source: `preset ${chosen}`, detected, notes };
}
