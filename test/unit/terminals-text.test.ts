/** The terminals' pure text handling: line endings, timestamped log lines across a reconnect, the shell probe. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LogLines,
  SHELL_WRAPPER,
  asEngineError,
  crlf,
  errorText,
  readShellProbe,
  shortId,
  skippedNote,
  takePidReport,
  timestampKey,
} from '../../src/extension/terminals/text';
import { EngineError } from '../../src/engine/types';

describe('crlf', () => {
  it('gives bare newlines a carriage return and leaves CRLF alone', () => {
    assert.equal(crlf('a\nb\r\nc\n'), 'a\r\nb\r\nc\r\n');
    assert.equal(crlf('no newline'), 'no newline');
  });
});

describe('timestampKey', () => {
  it('sorts timestamps whose fractions have different lengths in time order', () => {
    // RFC 3339 with nanoseconds drops trailing zeros: as plain strings, .1234Z sorts after .12345Z.
    const a = timestampKey('2026-11-22T08:20:01.1234Z')!;
    const b = timestampKey('2026-11-22T08:20:01.12345Z')!;
    const c = timestampKey('2026-11-22T08:20:01Z')!;
    assert.ok(a < b);
    assert.ok(c < a);
  });

  it('is undefined for anything else', () => {
    assert.equal(timestampKey('hello'), undefined);
    assert.equal(timestampKey('2026-11-22 08:20:01Z'), undefined);
  });
});

describe('LogLines', () => {
  it('strips timestamps, ends lines with CRLF and waits for whole lines across chunks', () => {
    const lines = new LogLines();
    assert.equal(lines.push('2026-11-22T08:00:00.1Z hel'), '');
    assert.equal(lines.push('lo\n2026-11-22T08:00:00.2Z world\n2026-11-22T08:00:00.3Z par'), 'hello\r\nworld\r\n');
    assert.equal(lines.flush(), 'par\r\n');
  });

  it('keeps timestamps when asked', () => {
    const lines = new LogLines(true);
    assert.equal(lines.push('2026-11-22T08:00:00.1Z x\n'), '2026-11-22T08:00:00.1Z x\r\n');
  });

  it('decodes UTF-8 split between chunks', () => {
    const lines = new LogLines();
    const bytes = Buffer.from('2026-11-22T08:00:00.1Z héllo ✓\n');
    const cut = bytes.indexOf(0xa9); // inside é
    assert.equal(lines.push(bytes.subarray(0, cut)) + lines.push(bytes.subarray(cut)), 'héllo ✓\r\n');
  });

  it('after resume(), lines already shown are skipped and new ones shown', () => {
    const lines = new LogLines();
    lines.push('2026-11-22T08:00:00.1Z one\n2026-11-22T08:00:00.25Z two\n');
    lines.resume();
    const again = lines.push('2026-11-22T08:00:00.1Z one\n2026-11-22T08:00:00.25Z two\n2026-11-22T08:00:00.251Z three\n');
    assert.equal(again, 'three\r\n');
  });

  it('shows progress redraws (pieces ended by a lone CR) as they come, each without its timestamp', () => {
    const lines = new LogLines();
    assert.equal(lines.push('2026-11-22T08:00:00.1Z 10%\r'), '10%\r');
    assert.equal(lines.push('2026-11-22T08:00:00.2Z 50%\r2026-11-22T08:00:00.3Z 100%\r'), '50%\r100%\r');
    // The \n that ends it, arriving in a chunk of its own, ends the line once.
    assert.equal(lines.push('\n2026-11-22T08:00:00.4Z done\n'), '\ndone\r\n');
  });

  it('a CRLF cut between chunks gives one line end', () => {
    const lines = new LogLines();
    assert.equal(lines.push('2026-11-22T08:00:00.1Z tty line\r') + lines.push('\n'), 'tty line\r\n');
  });

  it('skipped lines leave no blank lines behind, even with CRLF cut between chunks', () => {
    const lines = new LogLines();
    lines.push('2026-11-22T08:00:00.1Z old\r\n');
    lines.resume();
    assert.equal(lines.push('2026-11-22T08:00:00.1Z old\r') + lines.push('\n2026-11-22T08:00:00.2Z new\r\n'), 'new\r\n');
  });

  it('a line without a timestamp passes through', () => {
    const lines = new LogLines();
    assert.equal(lines.push('plain\r\n'), 'plain\r\n');
  });
});

describe('skippedNote', () => {
  it("says how much was skipped in the CLI's units and where all of it is, dimmed on a line of its own", () => {
    const translate = (message: string, ...args: (string | number)[]) =>
      message.replace(/\{(\d)\}/g, (_, i: string) => String(args[Number(i)]));
    const note = skippedNote(12_345_678, 'docker logs web', translate);
    assert.equal(note, '\r\n\x1b[2m[berth: skipped 12.3 MB of output to keep up with it; docker logs web shows all of it]\x1b[0m\r\n');
  });
});

describe('readShellProbe', () => {
  it('bash when command -v finds it', () => {
    assert.deepEqual(readShellProbe(0, '/usr/bin/bash\n'), { kind: 'shell', command: ['bash'] });
    // Multiplexed output keeps its 8-byte frame header in front of the text.
    assert.deepEqual(readShellProbe(0, '\x01\x00\x00\x00\x00\x00\x00\x0a/bin/bash\n'), { kind: 'shell', command: ['bash'] });
  });

  it('sh when bash is absent (busybox answers 127, others 1)', () => {
    assert.deepEqual(readShellProbe(127, ''), { kind: 'shell', command: ['sh'] });
    assert.deepEqual(readShellProbe(1, ''), { kind: 'shell', command: ['sh'] });
  });

  it('no shell when sh itself cannot be executed', () => {
    const output =
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in $PATH: unknown\r\n';
    assert.deepEqual(readShellProbe(126, output), { kind: 'no-shell' });
  });

  it('an unknown user is reported as such', () => {
    const probe = readShellProbe(126, 'unable to find user ghost: no matching entries in passwd file\n');
    assert.equal(probe.kind, 'no-user');
  });
});

describe("the shell's pid report", () => {
  it('is taken off the front of the output', () => {
    assert.deepEqual(takePidReport('\x1b]berth-pid;42\x07/ # '), { done: true, pid: 42, rest: '/ # ' });
  });

  it('waits while the report may still be arriving', () => {
    assert.deepEqual(takePidReport('\x1b]ber'), { done: false, rest: '\x1b]ber' });
    assert.deepEqual(takePidReport('\x1b]berth-pid;4'), { done: false, rest: '\x1b]berth-pid;4' });
  });

  it('gives up on other output, which passes untouched', () => {
    assert.deepEqual(takePidReport('/ # '), { done: true, rest: '/ # ' });
    assert.deepEqual(takePidReport('\x1b[0m'), { done: true, rest: '\x1b[0m' });
  });

  it('the wrapper script is constant and takes the shell as $0', () => {
    assert.equal(SHELL_WRAPPER, 'printf "\\033]berth-pid;%s\\007" "$$"; exec "$0"');
  });
});

describe('errorText and shortId', () => {
  it('engine errors carry their hint', () => {
    assert.equal(
      errorText(new EngineError('conflict', 'Container x is not running', 'Start it first.')),
      'Container x is not running. Start it first.',
    );
    assert.equal(errorText(new Error('boom')), 'boom');
  });

  it('recognises an EngineError from another copy of the module by its shape', () => {
    const foreign = Object.assign(new Error('Container x is not running'), { name: 'EngineError', kind: 'conflict' });
    assert.equal(asEngineError(foreign)?.kind, 'conflict');
    assert.equal(asEngineError(new Error('plain')), undefined);
    assert.equal(asEngineError('text'), undefined);
  });

  it('shortens full ids only', () => {
    assert.equal(shortId('a'.repeat(64)), 'aaaaaaaaaaaa');
    assert.equal(shortId('sha256:' + 'b'.repeat(64)), 'bbbbbbbbbbbb');
    assert.equal(shortId('web-1'), 'web-1');
  });
});
