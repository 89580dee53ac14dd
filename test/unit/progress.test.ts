/** Pull/push progress folded per layer into one percentage and one line, from event sequences shaped like the engine's. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProgressAggregator, describeProgress, formatBytes } from '../../src/extension/progress';
import type { ProgressEvent } from '../../src/engine/types';

function feed(aggregator: ProgressAggregator, events: ProgressEvent[]): number[] {
  return events.map((event) => {
    aggregator.add(event);
    return aggregator.summary().percent;
  });
}

describe('ProgressAggregator: pull', () => {
  it('two layers from announcement to completion, never going back', () => {
    const pull = new ProgressAggregator('pull');
    const percents = feed(pull, [
      { status: 'Pulling from library/node', id: '20' },
      { status: 'Pulling fs layer', id: 'a' },
      { status: 'Pulling fs layer', id: 'b' },
      { status: 'Waiting', id: 'b' },
      { status: 'Downloading', id: 'a', current: 50, total: 100 },
      { status: 'Downloading', id: 'a', current: 100, total: 100 },
      { status: 'Verifying Checksum', id: 'a' },
      { status: 'Download complete', id: 'a' },
      { status: 'Extracting', id: 'a', current: 50, total: 100 },
      { status: 'Pull complete', id: 'a' },
      { status: 'Downloading', id: 'b', current: 300, total: 300 },
      { status: 'Extracting', id: 'b', current: 300, total: 300 },
      { status: 'Pull complete', id: 'b' },
      { status: 'Digest: sha256:abc' },
      { status: 'Status: Downloaded newer image for node:20' },
    ]);
    assert.deepEqual(percents, [0, 0, 0, 0, 17, 35, 35, 35, 42, 50, 85, 100, 100, 100, 100]);
    for (let i = 1; i < percents.length; i++) assert.ok(percents[i]! >= percents[i - 1]!, `step ${i} went back`);
    const summary = pull.summary();
    assert.equal(summary.layers, 2);
    assert.equal(summary.layersDone, 2);
    assert.equal(summary.status, 'Status: Downloaded newer image for node:20');
  });

  it('layers that already exist count as done once the others move; the tag line is not a layer', () => {
    const pull = new ProgressAggregator('pull');
    const percents = feed(pull, [
      { status: 'Pulling from me/app', id: 'latest' },
      { status: 'Already exists', id: 'a' },
      { status: 'Pulling fs layer', id: 'b' },
      { status: 'Downloading', id: 'b', current: 50, total: 100 },
    ]);
    // Not 100 after the first line: the engine announces all layers before any moves.
    assert.deepEqual(percents, [0, 0, 0, 67]);
    const summary = pull.summary();
    assert.equal(summary.layers, 2);
    assert.equal(summary.layersDone, 1);
    assert.equal(summary.status, 'latest: Pulling from me/app');
  });

  it('a layer announced late does not move the bar backwards', () => {
    const pull = new ProgressAggregator('pull');
    const percents = feed(pull, [
      { status: 'Pull complete', id: 'a' },
      { status: 'Pulling fs layer', id: 'b' },
      { status: 'Pulling fs layer', id: 'c' },
    ]);
    assert.deepEqual(percents, [100, 100, 100]);
  });

  it('an error event is kept and becomes the message', () => {
    const pull = new ProgressAggregator('pull');
    pull.add({ status: 'Pulling fs layer', id: 'a' });
    pull.add({ status: '', error: 'toomanyrequests: rate limit' });
    assert.equal(pull.summary().error, 'toomanyrequests: rate limit');
    assert.equal(describeProgress(pull.summary()), 'toomanyrequests: rate limit');
  });

  it('bytes over the layers whose size is known', () => {
    const pull = new ProgressAggregator('pull');
    feed(pull, [
      { status: 'Pulling fs layer', id: 'a' },
      { status: 'Pulling fs layer', id: 'b' },
      { status: 'Downloading', id: 'a', current: 1_500_000, total: 3_000_000 },
      { status: 'Downloading', id: 'b', current: 500_000, total: 40_000_000 },
    ]);
    const summary = pull.summary();
    assert.equal(summary.bytes, 2_000_000);
    assert.equal(summary.totalBytes, 43_000_000);
    assert.equal(describeProgress(summary, 'pull'), '0 of 2 layers · 2.0 MB of 43 MB downloaded');
  });
});

describe('ProgressAggregator: push', () => {
  it('pushed and already-present layers; Pushing never reads as done', () => {
    const push = new ProgressAggregator('push');
    const percents = feed(push, [
      { status: 'The push refers to repository [localhost:5000/app]' },
      { status: 'Preparing', id: 'a' },
      { status: 'Preparing', id: 'b' },
      { status: 'Layer already exists', id: 'a' },
      { status: 'Pushing', id: 'b', current: 500, total: 400 },
      { status: 'Pushed', id: 'b' },
      { status: 'latest: digest: sha256:abc size: 528' },
    ]);
    assert.deepEqual(percents, [0, 0, 0, 0, 99, 100, 100]);
    assert.equal(push.summary().status, 'latest: digest: sha256:abc size: 528');
  });

  it('describes pushes in their own words', () => {
    const push = new ProgressAggregator('push');
    feed(push, [
      { status: 'Preparing', id: 'a' },
      { status: 'Pushing', id: 'a', current: 1000, total: 4000 },
      { status: 'Pushing', id: 'a', current: 999, total: 4000 },
    ]);
    assert.equal(describeProgress(push.summary(), 'push'), '0 of 1 layers · 999 B of 4.0 KB pushed');
  });
});

describe('describeProgress', () => {
  it('before any layer: the engine status', () => {
    const pull = new ProgressAggregator();
    pull.add({ status: 'Pulling from library/busybox', id: 'latest' });
    assert.equal(describeProgress(pull.summary()), 'latest: Pulling from library/busybox');
  });

  it('goes through the translator it is given', () => {
    const pull = new ProgressAggregator();
    pull.add({ status: 'Pull complete', id: 'a' });
    const seen: string[] = [];
    const text = describeProgress(pull.summary(), 'pull', (message, ...args) => {
      seen.push(message);
      return `T(${message}|${args.join(',')})`;
    });
    assert.deepEqual(seen, ['{0} of {1} layers']);
    assert.equal(text, 'T({0} of {1} layers|1,1)');
  });

  it('formatBytes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1500), '1.5 KB');
    assert.equal(formatBytes(123_456_789), '123 MB');
    assert.equal(formatBytes(2_500_000_000), '2.5 GB');
  });
});
