/**
 * Compose command lines as argv arrays, for Compose v2 (`docker compose`) and docker-compose 1.x,
 * never a shell string. Pure: every flag choice is unit-tested for both shapes.
 */
import type { ComposeCli } from './cli';

/** Which project a command acts on, as Compose's global options say it. */
export interface ComposeTarget {
  /** The folder Compose runs in: its project directory. */
  directory: string;
  /** `-f` files in merge order; empty: Compose finds compose.yaml (and its override) in `directory` itself. */
  files: string[];
  /** `-p`: given only when the project is known by name (from its containers' labels, or one Berth names). */
  project?: string;
  /** `--profile` for each. */
  profiles: string[];
  /** `--project-directory`: set when the files were named by labels, so relative paths resolve where they did. */
  projectDirectory?: boolean;
}

/** A Compose subcommand with its own options. */
export type ComposeAction =
  | { verb: 'up'; services: string[]; detach: boolean; build?: boolean; removeOrphans?: boolean }
  | { verb: 'down'; volumes?: boolean; removeOrphans?: boolean }
  | { verb: 'stop' | 'start' | 'restart'; services: string[] }
  | { verb: 'rm'; services: string[] }
  | { verb: 'exec'; service: string; command: string[]; user?: string; workdir?: string; env?: Record<string, string> }
  | { verb: 'logs'; services: string[]; follow: boolean; tail?: number; timestamps?: boolean }
  | { verb: 'pull' | 'build'; services: string[] }
  | { verb: 'config'; list: 'services' | 'profiles' }
  | { verb: 'config'; quiet: true };

/**
 * The global options: files, project, profiles; with `plain`, output without colours or cursor
 * moves, for Berth to read (`--ansi never`, which docker-compose takes since 1.28 and v2 always).
 */
export function globalArgs(target: ComposeTarget, plain = true): string[] {
  return [
    ...(plain ? ['--ansi', 'never'] : []),
    ...target.files.flatMap((f) => ['-f', f]),
    ...(target.project ? ['-p', target.project] : []),
    ...(target.projectDirectory ? ['--project-directory', target.directory] : []),
    ...target.profiles.flatMap((p) => ['--profile', p]),
  ];
}

/**
 * The full argv of one Compose command. Service names are passed after the options, one word each
 * (a name that starts with `-` would read as a flag: callers check names first, see `serviceNameProblem`).
 * `plain: false` leaves out what only Berth's reading of the output needs, for commands shown to people.
 */
export function composeArgv(cli: ComposeCli, target: ComposeTarget, action: ComposeAction, plain = true): string[] {
  const head = [...cli.argv, ...globalArgs(target, plain)];
  switch (action.verb) {
    case 'up':
      return [
        ...head,
        'up',
        ...(action.detach ? ['-d'] : []),
        ...(action.build ? ['--build'] : []),
        ...(action.removeOrphans ? ['--remove-orphans'] : []),
        ...action.services,
      ];
    case 'down':
      return [...head, 'down', ...(action.volumes ? ['--volumes'] : []), ...(action.removeOrphans ? ['--remove-orphans'] : [])];
    case 'stop':
    case 'start':
    case 'restart':
    case 'pull':
    case 'build':
      return [...head, action.verb, ...action.services];
    case 'exec':
      return [
        ...head,
        'exec',
        ...(action.user ? ['--user', action.user] : []),
        ...(action.workdir ? ['--workdir', action.workdir] : []),
        ...Object.entries(action.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
        action.service,
        ...action.command,
      ];
    case 'rm':
      return [...head, 'rm', '--stop', '--force', '-v', ...action.services];
    case 'logs':
      return [
        ...head,
        'logs',
        ...(plain ? ['--no-color'] : []),
        ...(action.follow ? ['--follow'] : []),
        ...(action.tail !== undefined ? [`--tail=${action.tail}`] : []),
        ...(action.timestamps ? ['--timestamps'] : []),
        ...action.services,
      ];
    case 'config':
      return 'quiet' in action ? [...head, 'config', '--quiet'] : [...head, 'config', `--${action.list}`];
  }
}

/** Why a service or profile name cannot be passed on, or undefined when it can (Compose's own pattern). */
export function serviceNameProblem(name: string): string | undefined {
  return /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/.test(name) ? undefined : `'${name}' is not a service or profile name`;
}
