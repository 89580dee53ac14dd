/**
 * The engine's two stream framings: multiplexed stdout/stderr (logs and exec without a TTY) and
 * newline-delimited JSON (events, pull and push progress). Both tolerate chunks cut anywhere.
 */
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Merges a multiplexed stream (8-byte headers: stream type 0/1/2, three zero bytes, big-endian
 * length) into one byte stream. If a header is not valid the stream was not multiplexed after all
 * (a TTY), so the rest passes through unchanged rather than being lost.
 */
export class Demuxer extends Transform {
  private pending = Buffer.alloc(0);
  private frameLeft = 0;
  private raw = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.raw) {
      this.push(chunk);
      return done();
    }
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    // Every log line is a frame of its own: a chunk's payloads go on as one buffer, not one push a line.
    const payloads: Buffer[] = [];
    while (buf.length) {
      if (this.frameLeft > 0) {
        const take = Math.min(this.frameLeft, buf.length);
        payloads.push(buf.subarray(0, take));
        this.frameLeft -= take;
        buf = buf.subarray(take);
        continue;
      }
      if (buf.length < 8) {
        this.pending = Buffer.from(buf);
        break;
      }
      if (buf[0] > 2 || buf[1] !== 0 || buf[2] !== 0 || buf[3] !== 0) {
        this.raw = true;
        payloads.push(buf);
        break;
      }
      this.frameLeft = buf.readUInt32BE(4);
      buf = buf.subarray(8);
    }
    if (payloads.length) this.push(payloads.length === 1 ? payloads[0] : Buffer.concat(payloads));
    done();
  }

  override _flush(done: TransformCallback): void {
    // A header cut short by the end of the stream: its bytes were probably text, keep them.
    if (this.pending.length) this.push(this.pending);
    done();
  }
}

/** A line of a JSON stream that does not parse, kept in order among the values around it. */
export class BadLine {
  constructor(
    /** The line, or its first part when it was too long to keep. */
    readonly line: string,
    /** Set when the line grew past the cap before its newline came. */
    readonly tooLong = false,
  ) {}
}

/**
 * The longest line Berth reads from a JSON stream. Real lines (an event, a progress update, a
 * chunk of build output) are a few kB; a line that never ends is an engine gone wrong, and
 * collecting it would grow without bound.
 */
export const MAX_JSON_LINE = 1024 * 1024;

/**
 * Splits newline-delimited JSON into values. A line that does not parse comes out as a BadLine in
 * its place, so the values before it are still delivered and the consumer decides what to do; so
 * does a line longer than `maxLine`, whose rest is skipped up to its newline without being kept.
 */
export class JsonLines {
  /** The start of the current line, in pieces: a long line is joined once, not on every chunk. */
  private parts: string[] = [];
  private partLength = 0;
  private skipping = false;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly maxLine = MAX_JSON_LINE) {}

  /** Values completed by this chunk. */
  push(chunk: Buffer | string): unknown[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: unknown[] = [];
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
      const piece = text.slice(0, nl);
      text = text.slice(nl + 1);
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      if (this.partLength + piece.length > this.maxLine) {
        out.push(this.tooLong(piece));
        continue;
      }
      const line = (this.parts.length ? this.parts.join('') + piece : piece).trim();
      this.parts = [];
      this.partLength = 0;
      if (line) this.parse(line, out);
    }
    if (text && !this.skipping) {
      if (this.partLength + text.length > this.maxLine) {
        out.push(this.tooLong(text));
        this.skipping = true;
      } else {
        this.parts.push(text);
        this.partLength += text.length;
      }
    }
    return out;
  }

  /** What is left at the end of the stream: a last line without a newline, or a truncated one. */
  end(): unknown[] {
    const rest = this.decoder.decode();
    const line = this.skipping ? '' : (this.parts.join('') + rest).trim();
    this.parts = [];
    this.partLength = 0;
    this.skipping = false;
    const out: unknown[] = [];
    if (line) this.parse(line, out);
    return out;
  }

  private tooLong(piece: string): BadLine {
    const start = (this.parts.join('') + piece).slice(0, 80);
    this.parts = [];
    this.partLength = 0;
    return new BadLine(start, true);
  }

  private parse(line: string, out: unknown[]): void {
    try {
      out.push(JSON.parse(line));
    } catch {
      // Some engines and proxies put several objects on one line with no separator.
      const parts = line.replace(/}\s*{/g, '}\n{').split('\n');
      if (parts.length > 1) {
        for (const part of parts) this.parse(part, out);
      } else out.push(new BadLine(line));
    }
  }
}

/** What to say about a BadLine in an error message. */
export function describeBadLine(bad: BadLine): string {
  return bad.tooLong
    ? `a line longer than ${MAX_JSON_LINE >> 20} MB without a newline, starting ${JSON.stringify(bad.line)}`
    : `not JSON: ${bad.line.slice(0, 80)}`;
}
