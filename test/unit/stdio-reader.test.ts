/**
 * The `--stdio` reader: Content-Length frames cut anywhere by the pipe, bytes that are not
 * characters, frames it cannot read. Fed through an emitter, so "handed on as soon as its last
 * byte arrives" is checked synchronously, write by write.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { Message } from 'vscode-languageserver/node';
import { ImmediateMessageReader } from '../../src/server/stdio';

function frame(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
}

function listening(): { input: EventEmitter; reader: ImmediateMessageReader; got: Message[]; errors: string[] } {
  const input = new EventEmitter();
  const reader = new ImmediateMessageReader(input as unknown as NodeJS.ReadableStream);
  const got: Message[] = [];
  const errors: string[] = [];
  reader.onError((error) => errors.push(error.message));
  reader.listen((message) => got.push(message));
  return { input, reader, got, errors };
}

const MESSAGES = [
  { jsonrpc: '2.0', method: 'textDocument/didChange', params: { text: 'Räksmörgås ✓ 🐳' } },
  { jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: { position: { line: 0, character: 4 } } },
  { jsonrpc: '2.0', method: 'initialized', params: {} },
];
const STREAM = Buffer.concat(MESSAGES.map(frame));

test('each message is handed on in the write that completes it, wherever the pipe cut the stream', () => {
  // The ends of each message: where the count of messages handed on must go up.
  const ends: number[] = [];
  for (let i = 0, at = 0; i < MESSAGES.length; i++) ends.push((at += frame(MESSAGES[i]).length));
  for (let cut = 1; cut < STREAM.length; cut++) {
    const { input, got, errors } = listening();
    input.emit('data', STREAM.subarray(0, cut));
    assert.equal(got.length, ends.filter((end) => end <= cut).length, `cut at ${cut}`);
    input.emit('data', STREAM.subarray(cut));
    assert.deepEqual(got, MESSAGES, `cut at ${cut}`);
    assert.deepEqual(errors, []);
  }
});

test('a stream fed a byte at a time reads the same, multi-byte characters split across reads', () => {
  const { input, got } = listening();
  for (let i = 0; i < STREAM.length; i++) input.emit('data', STREAM.subarray(i, i + 1));
  assert.deepEqual(got, MESSAGES);
});

test('a frame without Content-Length or with a body that is not JSON is reported and skipped', () => {
  const { input, got, errors } = listening();
  input.emit(
    'data',
    Buffer.concat([
      Buffer.from('Content-Type: application/json\r\n\r\n', 'latin1'),
      Buffer.from('Content-Length: 5\r\n\r\n{nope', 'latin1'),
      frame(MESSAGES[1]),
      // Header names are case-insensitive and other headers may come first.
      Buffer.from(
        `content-type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(JSON.stringify(MESSAGES[2]))}\r\n\r\n`,
        'latin1',
      ),
      Buffer.from(JSON.stringify(MESSAGES[2]), 'utf8'),
    ]),
  );
  assert.deepEqual(got, [MESSAGES[1], MESSAGES[2]]);
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0], /without Content-Length/);
});

test('bytes that never make a header are reported once past the limit, and a message after them still reads', () => {
  const { input, got, errors } = listening();
  input.emit('data', Buffer.alloc(10_000, 'x'));
  assert.equal(errors.length, 1);
  assert.match(errors[0], /not the Language Server Protocol/);
  input.emit('data', Buffer.from('\r\n\r\n', 'latin1'));
  input.emit('data', frame(MESSAGES[2]));
  assert.deepEqual(got, [MESSAGES[2]]);
});

test('a shutdown request is noted, so the end of input after it is a clean exit', () => {
  const { input, reader } = listening();
  input.emit('data', frame(MESSAGES[1]));
  assert.equal(reader.shutdownRequested, false);
  input.emit('data', frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' }));
  assert.equal(reader.shutdownRequested, true);
});

test('a handler that throws is reported, and the messages after it are still handed on', () => {
  const input = new EventEmitter();
  const reader = new ImmediateMessageReader(input as unknown as NodeJS.ReadableStream);
  const errors: string[] = [];
  const got: Message[] = [];
  reader.onError((error) => errors.push(error.message));
  reader.listen((message) => {
    if (got.push(message) === 1) throw new Error('handler failed');
  });
  input.emit('data', STREAM);
  assert.deepEqual(got, MESSAGES);
  assert.deepEqual(errors, ['handler failed']);
});
