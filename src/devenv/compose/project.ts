/**
 * Where a Compose project is and what it declares: its name as Compose derives it, the files and
 * folder its containers' labels name (so a project started anywhere can be acted on), the `-f`
 * files a clicked compose file needs, and its services and profiles read with the Compose core.
 */
import * as path from 'node:path';
import { ComposeWorkspace, type ComposeHost } from '../../compose';
import { parseDotEnv } from '../../compose/host';
import { servicePairs } from '../../compose/model';
import { asMap, asScalar, asSeq, stringValue, valueOf } from '../../compose/tree';
import type { ContainerSummary } from '../../engine/types';
import type { ComposeTarget } from './argv';

/** The labels Compose puts on every container of a project. */
export const COMPOSE_LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  oneoff: 'com.docker.compose.oneoff',
} as const;

/** The files Compose looks for in a folder when no `-f` is given, in its order of preference. */
export const DEFAULT_COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/**
 * A project name as Compose makes one from a folder name: lower case, only `a-z 0-9 _ -`; v2 also
 * drops leading `_` and `-`.
 */
export function normalizeProjectName(name: string, major: 1 | 2 = 2): string {
  const kept = name.toLowerCase().replace(/[^-_a-z0-9]/g, '');
  return major === 2 ? kept.replace(/^[-_]+/, '') : kept;
}

/**
 * The project's name as Compose decides it without `-p`: COMPOSE_PROJECT_NAME (environment, then
 * the project's `.env`), then (v2) the file's top-level `name:`, then the folder's name.
 */
export function composeProjectName(
  directory: string,
  options: { env?: Readonly<Record<string, string | undefined>>; dotenv?: string; nameField?: string; major?: 1 | 2 } = {},
): string {
  const fromEnv =
    options.env?.COMPOSE_PROJECT_NAME ?? (options.dotenv ? parseDotEnv(options.dotenv).get('COMPOSE_PROJECT_NAME') : undefined);
  if (fromEnv?.trim()) return normalizeProjectName(fromEnv.trim(), options.major);
  if ((options.major ?? 2) === 2 && options.nameField?.trim() && !options.nameField.includes('$'))
    return normalizeProjectName(options.nameField.trim(), 2);
  return normalizeProjectName(path.basename(directory), options.major);
}

/** A project as its containers' labels name it. */
export interface LabelledProject {
  project: string;
  /** The folder Compose ran in, on the engine's machine. */
  workingDir?: string;
  /** Absolute paths of its files (1.x records them relative to the folder, v2 absolute). */
  configFiles: string[];
}

/** The project a container belongs to, from its labels; undefined for a container outside Compose. */
export function projectFromLabels(labels: Readonly<Record<string, string>>): LabelledProject | undefined {
  const project = labels[COMPOSE_LABELS.project];
  if (!project) return undefined;
  const workingDir = labels[COMPOSE_LABELS.workingDir] || undefined;
  const configFiles = (labels[COMPOSE_LABELS.configFiles] ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f && f !== '-')
    .map((f) => (path.isAbsolute(f) || !workingDir ? f : path.resolve(workingDir, f)));
  return { project, ...(workingDir ? { workingDir } : {}), configFiles };
}

/**
 * The target for acting on a labelled project with its own files: `-p`, `--project-directory` and
 * `-f` for each file. Undefined when a file is not on this machine (a remote engine, or the files
 * are gone): Compose cannot read the project, and the caller acts through the engine instead.
 */
export function targetFromLabels(project: LabelledProject, isFile: (p: string) => boolean): ComposeTarget | undefined {
  if (!project.workingDir || !project.configFiles.length || !project.configFiles.every(isFile)) return undefined;
  return { directory: project.workingDir, files: project.configFiles, project: project.project, profiles: [], projectDirectory: true };
}

/**
 * The target for a compose file the user chose. A file Compose finds by itself (compose.yaml,
 * docker-compose.yml, their overrides) is not passed with `-f`, so Compose also loads the override
 * and honours COMPOSE_FILE as in a terminal; any other file (`compose.dev.yaml`, `stack.yml`) is,
 * after compose.yaml when it is a `compose.<env>.yaml`.
 */
export function targetForFile(file: string, isFile: (p: string) => boolean, profiles: string[] = []): ComposeTarget {
  const directory = path.dirname(file);
  const chosen = DEFAULT_COMPOSE_FILES.map((f) => path.join(directory, f)).find(isFile);
  const overrides = chosen ? ['yaml', 'yml'].map((ext) => chosen.replace(/\.ya?ml$/, `.override.${ext}`)) : [];
  if (chosen && (file === chosen || overrides.includes(file))) return { directory, files: [], profiles };
  const base = path.basename(file);
  const m = /^(compose|docker-compose)\.(.+)\.(ya?ml)$/.exec(base);
  if (m && m[2] !== 'override') {
    const main = ['yaml', 'yml'].map((ext) => path.join(directory, `${m[1]}.${ext}`)).find(isFile);
    if (main) return { directory, files: [main, file], profiles };
  }
  return { directory, files: [file], profiles };
}

/** A service as the project's files declare it. */
export interface DeclaredService {
  name: string;
  /** Its `profiles:`; empty: it always runs. */
  profiles: string[];
  image?: string;
  /** Whether it has a `build:` section. */
  builds: boolean;
  /** Whether it declares a healthcheck that is not disabled. */
  healthcheck: boolean;
}

/** What a project declares: its services (merged over every file, in order) and their profiles. */
export interface DeclaredProject {
  /** The files read, in merge order. */
  files: string[];
  services: DeclaredService[];
  profiles: string[];
  /** The top-level `name:`, when set. */
  name?: string;
}

/**
 * Reads a project's services through the Compose core: `files` named (in merge order), or the
 * files Compose would load for `file`, with `include:`d files too. Services declared in several
 * files merge (profiles and healthchecks from the last file that sets them).
 */
export function declaredProject(host: ComposeHost, file: string, files?: readonly string[]): DeclaredProject | undefined {
  const first = files?.[0] ?? file;
  const text = host.readFile(first);
  if (text === undefined) return undefined;
  const workspace = new ComposeWorkspace(host);
  const project = workspace.project(first, workspace.document(first, text));
  const loaded = files
    ? files.map((f) => (f === first ? project.file : project.composeFile(f))).filter((f) => f !== undefined)
    : project.files.filter((f) => f.role !== 'extends');
  const byName = new Map<string, DeclaredService>();
  let name: string | undefined;
  for (const f of [...loaded, ...(files ? project.files.filter((g) => g.role === 'include') : [])]) {
    const { doc } = f;
    name ??= stringValue(doc, valueOf(doc, doc.root ?? undefined, 'name'));
    for (const pair of servicePairs(doc)) {
      const map = asMap(doc, pair.value);
      const current = byName.get(pair.name) ?? { name: pair.name, profiles: [], builds: false, healthcheck: false };
      if (map) {
        const profiles = asSeq(doc, valueOf(doc, map, 'profiles'))
          ?.items.map((item) => stringValue(doc, item))
          .filter((p): p is string => !!p);
        if (profiles) current.profiles = profiles;
        const image = stringValue(doc, valueOf(doc, map, 'image'));
        if (image) current.image = image;
        if (valueOf(doc, map, 'build')) current.builds = true;
        const health = asMap(doc, valueOf(doc, map, 'healthcheck'));
        if (health) {
          const disabled = asScalar(doc, valueOf(doc, health, 'disable'))?.value === true;
          const test = valueOf(doc, health, 'test');
          const none = asSeq(doc, test)?.items.map((i) => stringValue(doc, i))[0] === 'NONE';
          current.healthcheck = !disabled && !none;
        }
      }
      byName.set(pair.name, current);
    }
  }
  const services = [...byName.values()];
  const profiles = [...new Set(services.flatMap((s) => s.profiles))].sort();
  return { files: loaded.map((f) => f.path), services, profiles, ...(name ? { name } : {}) };
}

/** Services to show for a project: those outside profiles, and those of profiles its running services use. */
export function servicesToShow(declared: DeclaredProject, members: readonly Pick<ContainerSummary, 'composeService'>[]): string[] {
  const present = new Set(members.map((c) => c.composeService).filter(Boolean));
  const activeProfiles = new Set(declared.services.filter((s) => present.has(s.name)).flatMap((s) => s.profiles));
  return declared.services.filter((s) => !s.profiles.length || s.profiles.some((p) => activeProfiles.has(p))).map((s) => s.name);
}
