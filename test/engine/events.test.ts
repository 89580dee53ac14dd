import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEngine } from '../../src/engine/httpEngine';
import { EventWatcher } from '../../src/engine/eventWatcher';
import type { EngineError, EngineEvent } from '../../src/engine/types';
import { PrivateDaemon, cleanupLabelled, createContainer, docker, sharedEngine, uniqueName, waitFor } from './helpers';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

// busybox:local checked by what it holds, not trusted by its tag (scripts/test-images.sh).
before(() => requireTestImage(BUSYBOX_IMAGE));

describe('engine events', () => {
  after(() => cleanupLabelled());

  it('delivers the events of an external docker stop, parsed', async () => {
    const engine = sharedEngine();
    const controller = new AbortController();
    const name = uniqueName('ev');
    const id = await createContainer(name, [], ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait']);
    await docker(['start', id]);
    const seen: EngineEvent[] = [];
    const reading = (async () => {
      for await (const e of engine.events(controller.signal)) {
        if (e.id === id) seen.push(e);
      }
    })();
    // Pause and unpause until the stream shows it: from then on it is surely subscribed.
    await waitFor('the stream to be live', async () => {
      await docker(['pause', id]);
      await docker(['unpause', id]);
      return seen.some((e) => e.action === 'unpause');
    });
    await docker(['stop', name]);
    await waitFor('the stop and die events', () => seen.some((e) => e.action === 'stop') && seen.some((e) => e.action === 'die'));
    const die = seen.find((e) => e.action === 'die')!;
    assert.equal(die.type, 'container');
    assert.equal(die.attributes.name, name);
    assert.equal(die.attributes.exitCode, '0');
    assert.ok(die.timeNano > 1.6e18);
    controller.abort();
    await reading; // ends quietly on abort
    engine.dispose();
  });

  it('the watcher reconnects after the engine goes away and comes back, and asks for a re-list', async () => {
    const daemon = new PrivateDaemon('ev');
    await daemon.start();
    const engine = createEngine(daemon.endpoint);
    const events: EngineEvent[] = [];
    const disconnects: EngineError[] = [];
    let resyncs = 0;
    const watcher = new EventWatcher(engine, {
      onEvent: (e) => events.push(e),
      onResync: () => resyncs++,
      onDisconnect: (err) => disconnects.push(err),
      initialDelayMs: 50,
      maxDelayMs: 500,
    });
    try {
      await waitFor('the first connection', () => watcher.state === 'connected');
      assert.equal(resyncs, 0, 'no re-list for the first connection: the views list anyway');
      await docker(['volume', 'create', 'before'], daemon.host);
      await waitFor('an event before the outage', () => events.some((e) => e.type === 'volume' && e.id === 'before'));

      await daemon.stop();
      await waitFor('the watcher to notice', () => disconnects.length > 0);
      assert.match(disconnects[0].kind, /not-running|not-installed/);
      assert.ok(disconnects[0].hint, 'the disconnect says what to do');
      assert.equal(watcher.state === 'connected', false);

      // Something changes while we are not listening: the re-list must catch it.
      await daemon.start();
      await waitFor('reconnection', () => watcher.connects >= 2 && watcher.state === 'connected', 15_000);
      assert.equal(resyncs, 1, 'one re-list after the gap');
      await docker(['volume', 'create', 'after'], daemon.host);
      await waitFor('events after the reconnection', () => events.some((e) => e.type === 'volume' && e.id === 'after'));
    } finally {
      watcher.dispose();
      await watcher.done;
      assert.equal(watcher.state, 'stopped');
      engine.dispose();
      await daemon.destroy();
    }
  });

  it('backs off while the engine stays away, up to the cap', async () => {
    const daemon = new PrivateDaemon('bo');
    // Never started: every attempt fails at once.
    const engine = createEngine(daemon.endpoint);
    const attempts: number[] = [];
    const realPing = engine.ping.bind(engine);
    engine.ping = (signal?: AbortSignal) => {
      attempts.push(Date.now());
      return realPing(signal);
    };
    const watcher = new EventWatcher(engine, { onEvent: () => undefined, initialDelayMs: 20, maxDelayMs: 160 });
    try {
      await waitFor('seven attempts', () => attempts.length >= 7, 10_000);
      const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
      // 20, 40, 80, 160, 160, 160: doubling, then capped (timers only ever fire late).
      assert.ok(gaps[2] >= 75, `gaps grow: ${gaps}`);
      assert.ok(gaps[5] >= 155 && gaps[5] < 1000, `gaps are capped: ${gaps}`);
    } finally {
      watcher.dispose();
      await watcher.done;
      engine.dispose();
      await daemon.destroy();
    }
  });
});
