/**
 * The byte streams of containers: a multiplexed connection as one merged duplex, and the first
 * file of a tar archive (the archive API's answer).
 */
import type { Socket } from 'node:net';
import { Duplex, type Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { Demuxer } from './streams';

/** A switched connection without a TTY: stdin goes in as is, stdout and stderr come out merged. */
export function demuxedDuplex(socket: Duplex): Duplex {
  const demux = socket.pipe(new Demuxer());
  const duplex = new Duplex({
    read() {
      demux.resume();
    },
    write(chunk, encoding, done) {
      socket.write(chunk, encoding, done);
    },
    final(done) {
      // Half-close so the process sees end of input but we still read its output.
      (socket as Socket).end?.();
      done();
    },
    destroy(err, done) {
      socket.destroy();
      done(err);
    },
  });
  demux.on('data', (chunk) => {
    if (!duplex.push(chunk)) demux.pause();
  });
  demux.on('end', () => duplex.push(null));
  socket.on('error', (err) => duplex.destroy(err));
  return duplex;
}

export interface TarEntry {
  type: string;
  linkname: string;
  data: Uint8Array;
  tooBig: boolean;
}

/**
 * The first entry of a tar stream, its bytes up to `maxBytes`; the rest is not read. `onChunk`
 * hears every chunk of the archive, for an idle rule.
 */
export function firstTarEntry(archive: Readable, maxBytes: number, onChunk: () => void = () => undefined): Promise<TarEntry> {
  return new Promise((resolve, reject) => {
    const tar = extract();
    let settled = false;
    const finish = (err: Error | null, value?: TarEntry) => {
      if (settled) return;
      settled = true;
      archive.destroy();
      tar.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    tar.on('entry', (header, stream) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const tooBig = (header.size ?? 0) > maxBytes;
      if (tooBig || header.type !== 'file') {
        finish(null, { type: header.type ?? 'file', linkname: header.linkname ?? '', data: new Uint8Array(), tooBig });
        return;
      }
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        chunks.push(chunk);
      });
      stream.on('end', () =>
        finish(null, { type: 'file', linkname: '', data: new Uint8Array(Buffer.concat(chunks, size)), tooBig: false }),
      );
      stream.on('error', (err: Error) => finish(err));
    });
    tar.on('finish', () => finish(new Error('the archive was empty')));
    tar.on('error', (err: Error) => finish(err));
    archive.on('error', (err: Error) => finish(err));
    archive.on('data', onChunk);
    archive.pipe(tar);
  });
}
