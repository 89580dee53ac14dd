import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { SingleWriteMessageWriter } from '../../src/server/stdio';

/** A stream that keeps every write as it came, as a pipe's reader would see them unsplit. */
function recorder(): { stream: Writable; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, chunks };
}

test('each message goes out as one write: header and body together', async () => {
  const { stream, chunks } = recorder();
  const writer = new SingleWriteMessageWriter(stream);
  await writer.write({ jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'first' } } as never);
  await writer.write({ jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'second' } } as never);
  assert.equal(chunks.length, 2);
  assert.match(chunks[0].toString('utf8'), /^Content-Length: \d+\r\n\r\n\{.*"first".*\}$/);
});

test('Content-Length counts bytes, not characters, so a non-ASCII message frames right', async () => {
  const { stream, chunks } = recorder();
  const writer = new SingleWriteMessageWriter(stream);
  const message = 'Räksmörgås ✓ 🐳';
  await writer.write({ jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message } } as never);
  const frame = chunks[0];
  const headerEnd = frame.indexOf('\r\n\r\n');
  const length = Number(/Content-Length: (\d+)/.exec(frame.subarray(0, headerEnd).toString('latin1'))?.[1]);
  const body = frame.subarray(headerEnd + 4);
  assert.equal(body.length, length);
  assert.equal(JSON.parse(body.toString('utf8')).params.message, message);
});

test('a failed write rejects and is reported to the connection', async () => {
  const stream = new Writable({
    write(_chunk, _encoding, done) {
      done(new Error('EPIPE'));
    },
  });
  stream.on('error', () => undefined);
  const writer = new SingleWriteMessageWriter(stream);
  const reported: Error[] = [];
  writer.onError(([error]) => reported.push(error));
  await assert.rejects(writer.write({ jsonrpc: '2.0', method: 'exit' } as never), /EPIPE/);
  assert.ok(reported.some((error) => /EPIPE/.test(error.message)));
});
