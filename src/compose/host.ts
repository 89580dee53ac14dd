/** What the Compose core needs from the world, supplied by the language server, the CLI or a test. */
import type { LocalImage } from '../shared/localImage';

/** The world as the core sees it: files, folders, the environment and the engine's images. */
export interface ComposeHost {
  /**
   * The text of a file: for a file open in the editor its current text, otherwise what is on
   * disk; undefined when there is no such file. Called on every edit for the project's other
   * files, so it should answer from a cache the host keeps fresh.
   */
  readFile(path: string): string | undefined;
  /** Whether a path is a file, a folder, or nothing. */
  stat(path: string): 'file' | 'directory' | undefined;
  /** The environment Compose would run in (variables for interpolation, `COMPOSE_FILE`). */
  env: Readonly<Record<string, string | undefined>>;
  /** The local engine's images when it answered; undefined when unknown. */
  localImages?: readonly LocalImage[];
  /** The URI of a path; `file://` URIs when not given. */
  uri?(path: string): string;
}

/**
 * Reads a `.env` file as Compose does: `KEY=VALUE` lines, an optional `export`, quotes
 * stripped (escapes in double quotes), `#` comments on their own line or after a blank.
 */
export function parseDotEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n|\r/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.indexOf(quote, 1) > 0) {
      value = value.slice(1, value.indexOf(quote, 1));
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    } else {
      const comment = value.search(/\s#/);
      if (comment >= 0) value = value.slice(0, comment);
      value = value.trim();
    }
    out.set(m[1], value);
  }
  return out;
}
