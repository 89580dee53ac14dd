/**
 * Pure text handling for the logs and shell terminals: line endings for a terminal, log lines with
 * the engine's timestamps (to resume after a restart without repeating lines), errors in words.
 * No vscode here, so it is unit-tested in plain Node.
 */
import { StringDecoder } from 'node:string_decoder';
import { EngineError } from '../../engine/types';
import { formatSize } from '../../shared/format';

/** ANSI: dim for Berth's own lines, so they stand apart from the container's output. */
export const DIM = '\x1b[2m';
export const RED = '\x1b[31m';
export const RESET = '\x1b[0m';

/**
 * The line a paced terminal writes where it dropped `count` characters, in Berth's dim, naming
 * where all of the output can still be read (`whole`, e.g. `docker logs web`). `translate` is
 * `vscode.l10n.t`, passed in so this file stays free of vscode.
 */
export function skippedNote(count: number, whole: string, translate: (message: string, ...args: (string | number)[]) => string): string {
  // Characters, shown as bytes: log text is almost all ASCII, and sizes read best in the CLI's units.
  const note = translate('[berth: skipped {0} of output to keep up with it; {1} shows all of it]', formatSize(count), whole);
  return `\r\n${DIM}${note}${RESET}\r\n`;
}

/** A terminal moves down on \n but returns to column 0 only on \r: give every bare \n its \r. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** `2026-11-22T08:20:01.5Z` → a string that sorts in time order (the fraction padded to nanoseconds). */
export function timestampKey(timestamp: string): string | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(timestamp);
  if (!match) return undefined;
  return `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}`;
}

/**
 * Turns the bytes of a `docker logs --timestamps` stream into terminal text, one segment at a
 * time: a line, or a piece ended by a lone \r (progress bars redraw that way, and each redraw is
 * its own log message with its own timestamp). Remembers the newest timestamp, so after the
 * container restarts the stream can be requested again (with a tail) and what was shown is skipped.
 */
export class LogLines {
  private decoder = new StringDecoder('utf8');
  private partial = '';
  /** The last segment ended in \r at the end of a chunk: a \n next completes that CRLF. */
  private endedWithCr = false;
  private lastShown = true;
  /** Key of the newest segment shown. */
  newest: string | undefined;
  /** Segments at or before this key were shown already (set before a reconnect). */
  private skipThrough: string | undefined;

  constructor(private readonly showTimestamps = false) {}

  /** Call before reading a new stream of the same container: older lines are not shown again. */
  resume(): void {
    this.skipThrough = this.newest;
    this.decoder = new StringDecoder('utf8');
    this.partial = '';
    this.endedWithCr = false;
  }

  /** Terminal text for the complete segments in this chunk. */
  push(chunk: Buffer | string): string {
    this.partial += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let out = '';
    let from = 0;
    let lastSeparator = '';
    const separators = /\r\n|\n|\r/g;
    for (let match = separators.exec(this.partial); match; match = separators.exec(this.partial)) {
      const segment = this.partial.slice(from, match.index);
      const separator = match[0];
      // A CRLF cut between chunks: the \r already returned the cursor, the \n finishes the line.
      if (this.endedWithCr && match.index === 0 && separator === '\n') {
        if (this.lastShown) out += '\n';
      } else {
        const shown = this.segment(segment);
        this.lastShown = shown !== undefined;
        if (shown !== undefined) out += shown + (separator === '\r' ? '\r' : '\r\n');
      }
      this.endedWithCr = false;
      lastSeparator = separator;
      from = match.index + separator.length;
    }
    this.partial = this.partial.slice(from);
    this.endedWithCr = lastSeparator === '\r' && this.partial === '';
    return out;
  }

  /** What is left when the stream ends: a last line without a newline. */
  flush(): string {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    this.endedWithCr = false;
    return rest ? (this.segment(rest) ?? '') + '\r\n' : '';
  }

  private segment(text: string): string | undefined {
    const space = text.indexOf(' ');
    const key = space > 0 ? timestampKey(text.slice(0, space)) : undefined;
    if (key === undefined) return text;
    if (this.skipThrough !== undefined && key <= this.skipThrough) return undefined;
    if (this.newest === undefined || key > this.newest) this.newest = key;
    return this.showTimestamps ? text : text.slice(space + 1);
  }
}

/**
 * The error as an EngineError, or undefined. Checked by shape as well as by class: an engine made by
 * another bundle (the extension's, seen from the extension-host tests) throws its own copy of the class.
 */
export function asEngineError(error: unknown): EngineError | undefined {
  if (error instanceof EngineError) return error;
  const e = error as { name?: unknown; kind?: unknown; message?: unknown } | null;
  return e && typeof e === 'object' && e.name === 'EngineError' && typeof e.kind === 'string' && typeof e.message === 'string'
    ? (error as EngineError)
    : undefined;
}

/** One line for the terminal from anything thrown: the engine's message and, when it has one, its hint. */
export function errorText(error: unknown): string {
  const engineError = asEngineError(error);
  if (engineError?.hint) return `${engineError.message}${/[.!?]$/.test(engineError.message) ? '' : '.'} ${engineError.hint}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

// The one definition is in src/shared; re-exported for the terminals and their tests.
export { shortId } from '../../shared/format';

/** What the probe for a shell found, from its exit code and output (raw or multiplexed bytes). */
export type ShellProbe = { kind: 'shell'; command: string[] } | { kind: 'no-shell' } | { kind: 'no-user'; detail: string };

/**
 * Reads the answer of `sh -c 'command -v bash'`: a path to bash means bash; `sh` itself missing
 * (the runtime's "executable file not found") means no shell; an unknown user is its own error.
 */
export function readShellProbe(exitCode: number | undefined, output: string): ShellProbe {
  if (/unable to find user|no matching entries in passwd/i.test(output)) {
    return { kind: 'no-user', detail: output.replace(/[\x00-\x08\x0e-\x1f]/g, '').trim() };
  }
  if (exitCode === 0 && /\/bash\s*$/m.test(output)) return { kind: 'shell', command: ['bash'] };
  if (/executable file not found|no such file or directory|OCI runtime exec failed/i.test(output)) return { kind: 'no-shell' };
  return { kind: 'shell', command: ['sh'] };
}

/**
 * The shell is started as `sh -c '<SHELL_WRAPPER>' <shell>`: it reports its own pid (which the
 * exec'd shell keeps) in an OSC sequence before anything else, so closing the terminal can hang
 * it up. A constant script; the shell's name is an argument, never spliced into it.
 */
export const SHELL_WRAPPER = 'printf "\\033]berth-pid;%s\\007" "$$"; exec "$0"';

/**
 * Finds the pid report at the start of the shell's output and removes it. `done` once the report
 * was seen or cannot come any more (other output first); until then, hold the text back.
 */
export function takePidReport(head: string): { done: boolean; pid?: number; rest: string } {
  const prefix = '\x1b]berth-pid;';
  if (head.length < prefix.length && prefix.startsWith(head)) return { done: false, rest: head };
  if (!head.startsWith(prefix)) return { done: true, rest: head };
  const end = head.indexOf('\x07', prefix.length);
  if (end < 0) return head.length > prefix.length + 12 ? { done: true, rest: head } : { done: false, rest: head };
  const pid = Number(head.slice(prefix.length, end));
  return { done: true, pid: Number.isInteger(pid) && pid > 0 ? pid : undefined, rest: head.slice(end + 1) };
}
