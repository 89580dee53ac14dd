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
    while (buf.length) {
      if (this.frameLeft > 0) {
        const take = Math.min(this.frameLeft, buf.length);
        this.push(buf.subarray(0, take));
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
        this.push(buf);
        break;
      }
      this.frameLeft = buf.readUInt32BE(4);
      buf = buf.subarray(8);
    }
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
  constructor(readonly line: string) {}
}

/**
 * Splits newline-delimited JSON into values. A line that does not parse comes out as a BadLine in
 * its place, so the values before it are still delivered and the consumer decides what to do.
 */
export class JsonLines {
  private rest = '';
  private readonly decoder = new TextDecoder('utf-8');

  /** Values completed by this chunk. */
  push(chunk: Buffer | string): unknown[] {
    this.rest += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: unknown[] = [];
    let nl: number;
    while ((nl = this.rest.indexOf('\n')) >= 0) {
      const line = this.rest.slice(0, nl).trim();
      this.rest = this.rest.slice(nl + 1);
      if (line) this.parse(line, out);
    }
    return out;
  }

  /** What is left at the end of the stream: a last line without a newline, or a truncated one. */
  end(): unknown[] {
    const line = (this.rest + this.decoder.decode()).trim();
    this.rest = '';
    const out: unknown[] = [];
    if (line) this.parse(line, out);
    return out;
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
