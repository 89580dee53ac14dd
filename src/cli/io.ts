import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What a command may touch, so the table of commands stays free of process globals. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<Buffer>;
  cwd: string;
  version: string;
}

/** One entry of the CLI's command table; `berth run` and later commands add theirs. */
export interface Command {
  name: string;
  /** One line for `berth --help`. */
  summary: string;
  /** Full text for `berth help <name>` and `berth <name> --help`. */
  help: string;
  /** Resolves to the exit status; throws UsageError for bad arguments. */
  run(args: string[], io: Io): Promise<number>;
}

/** Bad arguments: reported in one line with a pointer to the help, exit status 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A UsageError from this bundle or from a command's own (dist/cli-run.js has its own copy of the class). */
export function isUsageError(error: unknown): error is UsageError {
  return error instanceof Error && error.name === 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with its errors rewritten as short UsageErrors. */
export function parseOptions<O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    const option = /'(-[^']*)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown option '${option ?? message}' (to lint a file whose name starts with -, put it after --)`, command);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = /--[\w-]+/.exec(message)?.[0] ?? option ?? 'an option';
      if (message.includes('ambiguous'))
        throw new UsageError(`${name} needs a value (use ${name}=VALUE for a value starting with -)`, command);
      if (message.includes('missing')) throw new UsageError(`${name} needs a value`, command);
      throw new UsageError(`${name} takes no value`, command);
    }
    throw new UsageError(message.split('\n')[0], command);
  }
}

/**
 * Text from a file or a file name made safe for a terminal: control characters (C0, DEL, C1), the
 * bidirectional overrides that reorder what is shown, and lone surrogates are written as `\xNN` /
 * `\uNNNN`. Raw, an OSC 52 in a Dockerfile would write the reader's clipboard, OSC 0 retitle the
 * window and CSI 2J clear the screen; a newline in a file name would split one record in two.
 */
export function printable(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    if (options.keepNewlines && (c === '\n' || c === '\r')) return c;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

const UNPRINTABLE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
