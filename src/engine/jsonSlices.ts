/**
 * A JSON array parsed and mapped a slice at a time, yielding to the event loop between slices.
 * The engine lists 2,000 containers in 1.3 MB: one JSON.parse of it and the mapping after it
 * hold the extension host's event loop for one long turn (VS Code's own messages wait behind
 * it). Cut at the array's top-level commas, each slice is parsed by JSON.parse itself, so what
 * it accepts is exactly what JSON.parse accepts.
 */

/** How much text one slice parses: a few ms on a loaded machine. */
export const SLICE_BYTES = 96 * 1024;

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

function escaped(body: Buffer, quote: number): boolean {
  let backslashes = 0;
  while (body[quote - 1 - backslashes] === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
}

/** Lets the event loop run what waits (I/O, timers, VS Code's messages) before the next slice. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The elements of the JSON array in `body`, each through `map`, with `pause` awaited between
 * slices of about `sliceBytes`. Undefined when the body is not a well-formed array (the caller
 * says what was wrong with it); a `map` that throws rejects with its error.
 */
export async function mapJsonArray<T>(
  body: Buffer,
  map: (value: unknown) => T,
  options: { sliceBytes?: number; pause?: () => Promise<void> } = {},
): Promise<T[] | undefined> {
  const sliceBytes = options.sliceBytes ?? SLICE_BYTES;
  const pause = options.pause ?? yieldToEventLoop;
  let at = 0;
  while (at < body.length && isSpace(body[at]!)) at++;
  if (body[at] !== OPEN_BRACKET) return undefined;
  const out: T[] = [];
  let start = at + 1;
  let depth = 0;
  const first = start;
  const parseSlice = (end: number): boolean => {
    const text = body.toString('utf8', start, end);
    // Only `[]` has nothing between its commas and brackets.
    if (!text.trim()) return start === first && body[end] === CLOSE_BRACKET;
    let values: unknown;
    try {
      values = JSON.parse(`[${text}]`);
    } catch {
      return false;
    }
    for (const value of values as unknown[]) out.push(map(value));
    return true;
  };
  for (let i = at + 1; i < body.length; i++) {
    const byte = body[i]!;
    if (byte === QUOTE) {
      // Most of a listing is strings: jump to the closing quote (one an odd run of backslashes does not escape).
      let end = body.indexOf(QUOTE, i + 1);
      while (end !== -1 && escaped(body, end)) end = body.indexOf(QUOTE, end + 1);
      if (end === -1) return undefined;
      i = end;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      if (depth === 0) {
        // The array's own end: the rest may only be white space.
        if (byte !== CLOSE_BRACKET || !parseSlice(i)) return undefined;
        for (let j = i + 1; j < body.length; j++) if (!isSpace(body[j]!)) return undefined;
        return out;
      }
      depth--;
    } else if (byte === COMMA && depth === 0 && i - start >= sliceBytes) {
      if (!parseSlice(i)) return undefined;
      start = i + 1;
      await pause();
    }
  }
  return undefined;
}
