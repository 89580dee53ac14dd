import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapJsonArray } from '../../src/engine/jsonSlices';

const identity = (v: unknown) => v;
/** Counts the pauses instead of yielding: the slicing is what is under test. */
function counting() {
  let pauses = 0;
  return { pause: async () => void pauses++, pauses: () => pauses };
}

describe('mapJsonArray', () => {
  it('gives what JSON.parse gives, whatever the slice size', async () => {
    const values = [
      { Id: 'a', Names: ['/one'], Labels: { 'x,y': '[{"nested"}]' }, Ports: [] },
      { Id: 'b\\"c', Command: 'sh -c "echo ]}, {"', Status: 'Up' },
      [1, [2, [3]], { k: [] }],
      'plain, string',
      42,
      null,
      { Names: ['/ünïcødé ✓'], Empty: {} },
    ];
    const text = `  ${JSON.stringify(values, null, 1)}\n`;
    for (const sliceBytes of [0, 1, 7, 40, 1_000_000]) {
      const { pause } = counting();
      assert.deepEqual(await mapJsonArray(Buffer.from(text), identity, { sliceBytes, pause }), values, `slices of ${sliceBytes}`);
    }
  });

  it('yields between slices of about the size asked', async () => {
    const values = Array.from({ length: 2000 }, (_, i) => ({ Id: i.toString(16).padStart(64, '0'), Names: [`/c-${i}`] }));
    const body = Buffer.from(JSON.stringify(values));
    const { pause, pauses } = counting();
    const mapped = await mapJsonArray(body, (v) => (v as { Id: string }).Id, { sliceBytes: 16 * 1024, pause });
    assert.equal(mapped?.length, 2000);
    assert.equal(mapped?.[1999], values[1999]!.Id);
    assert.ok(Math.abs(pauses() - Math.floor(body.length / (16 * 1024))) <= 1, `${pauses()} pauses over ${body.length} bytes`);
  });

  it('reads empty arrays, and says undefined for what is not a well-formed array', async () => {
    assert.deepEqual(await mapJsonArray(Buffer.from(' [ ] '), identity), []);
    for (const text of ['', '{"message":"no"}', '[1,2', '[1,2]x', '[1,,2]', '[{"a":1}}]', 'null', '[1]]', '[1,]', '[,1]', '[,]']) {
      for (const sliceBytes of [0, 1, 100])
        assert.equal(
          await mapJsonArray(Buffer.from(text), identity, { sliceBytes }),
          undefined,
          `${JSON.stringify(text)} in slices of ${sliceBytes}`,
        );
    }
  });

  it("rejects with the mapper's error", async () => {
    await assert.rejects(
      mapJsonArray(Buffer.from('[1,2,3]'), (v) => {
        if (v === 2) throw new Error('two');
        return v;
      }),
      /two/,
    );
  });
});
