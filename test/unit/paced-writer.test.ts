/** The terminal writer's pacing (src/extension/terminals/paced.ts): frames, waiting readers, drops. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PacedWriter } from '../../src/extension/terminals/paced';
import { waitFor } from '../fixtures/waitFor';

function recorder() {
  const frames: string[] = [];
  return { frames, text: () => frames.join(''), send: (t: string) => frames.push(t) };
}

describe('paced terminal writer', () => {
  it('sends everything in order, at most a frame at a time, and never in the same tick as the write', async () => {
    const r = recorder();
    const w = new PacedWriter(r.send, { frameSize: 1000, frameMs: 1, highWater: 1_000_000 });
    const input = Array.from({ length: 500 }, (_, i) => `line ${i}\r\n`).join('');
    void w.write(input);
    assert.equal(r.frames.length, 0, 'nothing is sent synchronously');
    await waitFor('everything to be sent', () => r.text().length === input.length);
    assert.equal(r.text(), input);
    assert.ok(
      r.frames.every((f) => f.length <= 1000),
      `frames ${r.frames.map((f) => f.length).join(',')}`,
    );
  });

  it('asks a reader to wait above high water and lets it go once half has drained', async () => {
    const r = recorder();
    const w = new PacedWriter(r.send, { frameSize: 100, frameMs: 1, highWater: 1000 });
    assert.equal(w.write('x'.repeat(900)), undefined, 'below high water: no wait');
    const wait = w.write('y'.repeat(200));
    assert.ok(wait instanceof Promise, 'above high water: a promise');
    await wait;
    assert.ok(w.waiting <= 500, `drained to half before letting the reader go: ${w.waiting} waiting`);
    await waitFor('the rest to be sent', () => w.waiting === 0);
    assert.equal(r.text(), 'x'.repeat(900) + 'y'.repeat(200));
  });

  it('drops the oldest text beyond its limit when the writer does not wait, and says how much', async () => {
    const r = recorder();
    const w = new PacedWriter(r.send, {
      frameSize: 100,
      frameMs: 1,
      highWater: 1000,
      limit: 2000,
      skippedNote: (n) => `[${n} skipped]`,
    });
    for (let i = 0; i < 50; i++) void w.write(String(i % 10).repeat(100));
    assert.ok(w.peakQueued <= 2100, `memory stayed bounded: ${w.peakQueued}`);
    await waitFor('the rest to be sent', () => w.waiting === 0);
    const text = r.text();
    assert.match(text, /^\[\d+ skipped\]/, 'the terminal says text was skipped, before what follows it');
    assert.ok(text.endsWith('9'.repeat(100)), 'the newest text is kept');
    const skipped = Number(/^\[(\d+) skipped\]/.exec(text)![1]);
    assert.equal(skipped + text.replace(/^\[\d+ skipped\]/, '').length, 5000, 'every character is either shown or counted');
  });

  it('does not split a surrogate pair between frames', async () => {
    const r = recorder();
    const w = new PacedWriter(r.send, { frameSize: 3, frameMs: 1 });
    void w.write('ab😀cd');
    await waitFor('everything to be sent', () => w.waiting === 0);
    assert.equal(r.text(), 'ab😀cd');
    for (const f of r.frames) assert.ok(!/[\ud800-\udbff]$/.test(f), `frame ${JSON.stringify(f)} ends inside a pair`);
  });

  it('keeps at most its in-flight limit sent but not acknowledged by the window, and goes on as answers come', async () => {
    const r = recorder();
    const answers: (() => void)[] = [];
    const w = new PacedWriter(r.send, {
      frameSize: 100,
      frameMs: 1,
      highWater: 1_000_000,
      inFlight: 500,
      acknowledge: () => new Promise<void>((resolve) => answers.push(resolve)),
    });
    const input = Array.from({ length: 300 }, (_, i) => `${i}`.padStart(9, '.') + '\n').join('');
    void w.write(input);
    await waitFor('a question to the window', () => answers.length === 1);
    await waitFor('the in-flight limit to be reached', () => r.text().length >= 500);
    // Frames keep ticking meanwhile; none may go out until the window answers.
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(r.text().length, 500, 'nothing sent past the limit without an answer');
    let answered = 0;
    await waitFor('everything to be sent as the window answers', () => {
      answers.splice(0).forEach((answer) => {
        answered++;
        answer();
      });
      return r.text().length === input.length;
    });
    assert.equal(r.text(), input, 'in order, whole');
    assert.ok(w.peakInFlight <= 500, `at most the limit in flight: ${w.peakInFlight}`);
    assert.ok(answered >= input.length / 500, `the window was asked as it went: ${answered} answers`);
  });

  it('counts a failed round trip as taken, so the terminal never stalls on it', async () => {
    const r = recorder();
    const w = new PacedWriter(r.send, {
      frameSize: 100,
      frameMs: 1,
      inFlight: 200,
      acknowledge: () => Promise.reject(new Error('window gone')),
    });
    void w.write('q'.repeat(2000));
    await waitFor('everything to be sent', () => r.text().length === 2000);
  });

  it('sends nothing after dispose and lets a waiting reader go', async () => {
    const r = recorder();
    const w = new PacedWriter(r.send, { frameSize: 10, frameMs: 1, highWater: 10 });
    const wait = w.write('z'.repeat(100));
    w.dispose();
    await wait;
    assert.equal(r.frames.length, 0);
    assert.equal(w.write('more'), undefined);
  });
});
