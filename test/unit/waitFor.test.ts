/** The shared poll-with-deadline helper every test tier waits with (test/fixtures/waitFor.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GiveUp, waitFor } from '../fixtures/waitFor';

describe('waitFor', () => {
  it('resolves with the first truthy answer, asking again after falsy ones and errors', async () => {
    const answers: Array<() => unknown> = [
      () => undefined,
      () => false,
      () => null,
      () => {
        throw new Error('not yet');
      },
      () => 0,
      () => '',
      () => 'ready',
      () => 'too late',
    ];
    let asked = 0;
    const value = await waitFor('the answer', () => answers[asked++]() as string | undefined, 5000, 1);
    assert.equal(value, 'ready');
    assert.equal(asked, 7);
  });

  it('awaits an async probe', async () => {
    let asked = 0;
    assert.deepEqual(await waitFor('three asks', async () => (++asked === 3 ? { asked } : undefined), 5000, 1), { asked: 3 });
  });

  it('rejects at the deadline, naming what it waited for and the last error', async () => {
    await assert.rejects(
      waitFor(
        'the impossible',
        () => {
          throw new Error('still closed');
        },
        30,
        5,
      ),
      /timed out after 30 ms waiting for the impossible \(last error: still closed\)/,
    );
  });

  it('stops at once when the probe gives up', async () => {
    let asked = 0;
    await assert.rejects(
      waitFor(
        'a process that died',
        () => {
          asked++;
          throw new GiveUp('it exited (code 1)');
        },
        60_000,
      ),
      /gave up waiting for a process that died: it exited \(code 1\)/,
    );
    assert.equal(asked, 1);
  });
});
