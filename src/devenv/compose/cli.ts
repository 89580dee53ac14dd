/**
 * Which Compose the user has: `docker compose` (the v2 plugin) when `docker compose version`
 * answers, else the standalone `docker-compose`; a `berth.compose.command` setting overrides
 * both. Processes are started through an injected `exec`, so detection is unit-tested with
 * recorded answers and runs for real in the engine tests.
 */

/** A Compose command line as argv words, and what it is. */
export interface ComposeCli {
  /** The words before Compose's own arguments: `['docker', 'compose']`, `['docker-compose']`, … */
  argv: string[];
  /** `2.24.5`, `1.29.2`. */
  version: string;
  /** The command-line shape: 1 for docker-compose 1.x (Python), 2 for Compose v2 (Go, also standalone). */
  major: 1 | 2;
  /** How it was chosen. */
  source: 'setting' | 'plugin' | 'standalone';
}

/** What a finished process gave back. `missing`: the program itself does not exist (ENOENT). */
export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  missing?: boolean;
}

/** Runs argv (no shell) with the environment and folder given; never rejects. */
export type Exec = (argv: string[], options?: { env?: Record<string, string | undefined>; cwd?: string }) => Promise<ExecResult>;

/** Why no Compose could be used, in words that name the fix. */
export interface ComposeMissing {
  missing: true;
  message: string;
}

/**
 * The version in `docker compose version` / `docker-compose version` output: `Docker Compose
 * version v2.24.5`, `docker-compose version 1.29.2, build unknown`, a bare `2.27.0` (`--short`),
 * `podman-compose version 1.0.6`. Undefined when the text names none.
 */
export function parseComposeVersion(output: string): { version: string; major: 1 | 2 } | undefined {
  const line = output.split(/\r?\n/).find((l) => /compose/i.test(l) && /\d+\.\d+/.test(l)) ?? output.trim().split(/\r?\n/)[0] ?? '';
  const m = /v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.-]+)?/.exec(line);
  if (!m) return undefined;
  const version = m[0].replace(/^v/, '');
  // podman-compose and other 1.x tools take v1's flags; everything from 2 on takes v2's.
  return { version, major: Number(m[1]) >= 2 ? 2 : 1 };
}

/**
 * The `berth.compose.command` setting as argv: a list of words as written, or a string split on
 * blanks (no quoting, no variables: it is never given to a shell). Undefined when unset.
 */
export function composeCommandFromSetting(value: unknown): string[] | undefined {
  if (Array.isArray(value)) {
    const words = value.filter((w): w is string => typeof w === 'string' && w.trim() !== '').map((w) => w.trim());
    return words.length ? words : undefined;
  }
  if (typeof value === 'string' && value.trim()) return value.trim().split(/\s+/);
  return undefined;
}

/** One line of a process's output for a message: its last non-empty line, without noise. */
function lastLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? ''
  );
}

/**
 * Finds the Compose to run: the setting's command when given (and only it: a setting that does not
 * work is an error, not a reason to run another Compose), else `docker compose`, else
 * `docker-compose`. `env` is the environment Compose runs in (the plugin is found through
 * DOCKER_CONFIG).
 */
export async function detectCompose(
  exec: Exec,
  setting?: string[],
  env?: Record<string, string | undefined>,
): Promise<ComposeCli | ComposeMissing> {
  const probe = async (argv: string[]) => {
    const result = await exec([...argv, 'version'], { env });
    const parsed = result.code === 0 ? parseComposeVersion(result.stdout || result.stderr) : undefined;
    return { result, parsed };
  };
  if (setting?.length) {
    const { result, parsed } = await probe(setting);
    if (parsed) return { argv: setting, ...parsed, source: 'setting' };
    const why = result.missing
      ? `${setting[0]} was not found`
      : lastLine(result.stderr || result.stdout) || `it exited with ${result.code}`;
    return {
      missing: true,
      message: `The berth.compose.command setting (${setting.join(' ')}) does not run Compose: ${why}. Fix the setting, or clear it to use docker compose or docker-compose.`,
    };
  }
  const plugin = await probe(['docker', 'compose']);
  if (plugin.parsed) return { argv: ['docker', 'compose'], ...plugin.parsed, source: 'plugin' };
  const standalone = await probe(['docker-compose']);
  if (standalone.parsed) return { argv: ['docker-compose'], ...standalone.parsed, source: 'standalone' };
  return {
    missing: true,
    message:
      'Compose is not installed: neither `docker compose` nor `docker-compose` answers. Install the Docker Compose plugin (docker-compose-plugin, or Docker Desktop), or docker-compose, or set berth.compose.command.',
  };
}
