/**
 * Engines that misbehave: silent, redirecting, streaming a line that never ends, sending junk
 * events. A real engine cannot be made to do any of this, so these run against the stand-in of
 * test/fixtures/fakeEngine.ts (a node http server on a unix socket); no real engine is touched.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, afterEach, before, describe, it } from 'node:test';
import { EventWatcher } from '../../src/engine/eventWatcher';
import { createEngine } from '../../src/engine/httpEngine';
import { EngineError, type Endpoint, type Engine } from '../../src/engine/types';
import { asEngine, endlessLine, FakeEngine, json, junkEvents, redirect, silent, stalled } from '../fixtures/fakeEngine';
import { waitFor } from './helpers';

const endpointOf = (fake: FakeEngine): Endpoint => ({ kind: 'unix', socketPath: fake.socket, display: fake.host, source: 'setting' });

function isKind(kind: string, pattern?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof EngineError, `an EngineError, not ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

/** Rejects if `promise` has not settled within `ms`: a call that hangs fails the test instead of the run. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms).unref()),
  ]);
}

const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);
before(() => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
});
after(() => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  assert.deepEqual(uncaught, [], 'nothing escaped as an uncaught exception or unhandled rejection');
});

describe('an engine that accepts the connection and never answers', () => {
  let fake: FakeEngine;
  let engine: Engine;
  before(async () => {
    fake = asEngine(await FakeEngine.start());
    // Every route: accepted, never answered; a stream's headers come, then nothing.
    fake
      .on('GET', /^\/containers\/json$/, silent())
      .on('POST', /\/wait$/, silent())
      .on('POST', '/images/create', silent())
      .on('GET', /\/logs$/, silent())
      .on('GET', '/events', silent())
      .on('GET', /\/archive$/, stalled())
      .on('GET', /\/containers\/[^/]+\/json$/, json({ Config: { Tty: true } }))
      .on('POST', /\/exec$/, silent())
      .on('POST', '/containers/create', silent())
      .onUpgrade(/\/attach$/, () => undefined);
    engine = createEngine(endpointOf(fake), { timeoutMs: 300 });
  });
  after(async () => {
    engine.dispose();
    await fake.stop();
  });

  it('every kind of call ends with a timeout that says what it waited for', async () => {
    const timeout = isKind('timeout', /within|went silent/);
    await within(5000, assert.rejects(engine.listContainers(), isKind('timeout', /"list containers" within 1 s/)));
    await within(5000, assert.rejects(engine.createContainer('x', {} as never), timeout));
    await within(5000, assert.rejects(engine.waitContainer('c1'), isKind('timeout', /wait for c1 to exit/)));
    await within(5000, assert.rejects(engine.attachContainer('c1', { tty: true }), isKind('timeout', /attach to c1/)));
    await within(5000, assert.rejects(engine.containerLogs('c1', { follow: true }), timeout));
    await within(5000, assert.rejects(engine.listContainerDirectory('c1', '/'), timeout));
    // Headers, then silence: the archive's idle rule ends it.
    await within(
      5000,
      assert.rejects(engine.readContainerFile('c1', '/etc/hosts', 1024), isKind('timeout', /went silent.*read \/etc\/hosts/)),
    );
    // A pull waits longer for the registry (six deadlines), but not for ever.
    await within(
      8000,
      assert.rejects(
        engine.pullImage('busybox:1', () => undefined),
        isKind('timeout', /pull busybox:1/),
      ),
    );
    const events = (async () => {
      for await (const _ of engine.events(new AbortController().signal)) break;
    })();
    await within(5000, assert.rejects(events, isKind('timeout', /follow engine events/)));
  });

  it('a slow engine that does answer within the deadline is fine', async () => {
    fake.on('GET', '/images/json', (_req, res) => {
      setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]'), 100);
    });
    assert.deepEqual(await engine.listImages(), []);
  });
});

describe('an engine that answers with a redirect', () => {
  let fake: FakeEngine;
  let elsewhere: Server;
  let visits = 0;
  let engine: Engine;
  before(async () => {
    // Where the redirect points: it must never be asked anything.
    elsewhere = createServer((_req, res) => {
      visits++;
      res.end('[]');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(elsewhere.address() as { port: number }).port}/containers/json`;
    fake = asEngine(await FakeEngine.start());
    for (const method of ['GET', 'POST', 'DELETE']) fake.on(method, /^\/(?!_ping|version)/, redirect(target));
    fake.onUpgrade(/\/attach$/, (_req, socket) => socket.end(`HTTP/1.1 302 Found\r\nLocation: ${target}\r\nContent-Length: 0\r\n\r\n`));
    engine = createEngine(endpointOf(fake), { timeoutMs: 2000 });
  });
  after(async () => {
    engine.dispose();
    await fake.stop();
    await new Promise((resolve) => elsewhere.close(resolve));
  });

  it('is a bad answer, never followed: lists, pulls, waits, attaches and events', async () => {
    const bad = isKind('bad-response', /redirect \(HTTP 302 to http:\/\/127\.0\.0\.1:\d+\/containers\/json\).*does not follow/);
    await assert.rejects(engine.listContainers(), bad);
    await assert.rejects(
      engine.pullImage('busybox:1', () => undefined),
      bad,
    );
    await assert.rejects(engine.waitContainer('c1'), bad);
    await assert.rejects(engine.attachContainer('c1', { tty: true }), isKind('bad-response'));
    await assert.rejects(
      (async () => {
        for await (const _ of engine.events(new AbortController().signal)) break;
      })(),
      bad,
    );
    assert.equal(visits, 0, 'the address the engine chose was never fetched');
  });

  it('the event watcher reports it as a disconnect, without an uncaught exception', async () => {
    const disconnects: EngineError[] = [];
    const watcher = new EventWatcher(engine, { onEvent: () => undefined, onDisconnect: (e) => disconnects.push(e), initialDelayMs: 20 });
    try {
      await waitFor('a disconnect', () => disconnects.length > 0, 5000);
      assert.equal(disconnects[0].kind, 'bad-response');
      assert.notEqual(watcher.state, 'connected');
    } finally {
      watcher.dispose();
      await watcher.done;
    }
    assert.equal(visits, 0);
  });
});

describe('an event stream that never sends a newline', () => {
  let fake: FakeEngine;
  let engine: Engine;
  const endless = endlessLine();
  before(async () => {
    fake = asEngine(await FakeEngine.start()).on('GET', '/events', endless);
    engine = createEngine(endpointOf(fake));
  });
  after(async () => {
    engine.dispose();
    await fake.stop();
  });

  it('ends with a bad-response after the line cap, reading a bounded amount', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    await within(
      10_000,
      assert.rejects(
        (async () => {
          for await (const _ of engine.events(new AbortController().signal)) break;
        })(),
        isKind('bad-response', /a line longer than 1 MB without a newline, starting "\{\\"Type\\":\\"container\\"/),
      ),
    );
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(grown < 64 * 1024 * 1024, `the heap grew by ${Math.round(grown / 2 ** 20)} MB`);
    // Socket buffers let the server write ahead of what was read; far less than an unbounded read.
    assert.ok(endless.sent() < 32 * 1024 * 1024, `the client read ${Math.round(endless.sent() / 2 ** 20)} MB`);
  });

  it('the watcher does not stay "connected" while the line grows', async () => {
    const disconnects: EngineError[] = [];
    const watcher = new EventWatcher(engine, { onEvent: () => undefined, onDisconnect: (e) => disconnects.push(e), initialDelayMs: 50 });
    try {
      await waitFor('a disconnect', () => disconnects.length > 0, 10_000);
      assert.equal(disconnects[0].kind, 'bad-response');
      assert.match(disconnects[0].message, /longer than 1 MB/);
    } finally {
      watcher.dispose();
      await watcher.done;
    }
  });
});

describe('an engine that sends junk events', () => {
  let fake: FakeEngine;
  let engine: Engine;
  afterEach(async () => {
    engine?.dispose();
    await fake?.stop();
  });

  it('is retried with a growing backoff, and the views are not asked to re-list on every attempt', async () => {
    fake = asEngine(await FakeEngine.start()).on('GET', '/events', junkEvents());
    engine = createEngine(endpointOf(fake));
    let resyncs = 0;
    const disconnects: EngineError[] = [];
    const watcher = new EventWatcher(engine, {
      onEvent: () => undefined,
      onResync: () => resyncs++,
      onDisconnect: (e) => disconnects.push(e),
      resyncOnFirstConnect: true,
      initialDelayMs: 20,
      maxDelayMs: 100,
      maxGarbledDelayMs: 2000,
    });
    try {
      await waitFor('six attempts', () => fake.calls('/events').length >= 6, 10_000);
    } finally {
      watcher.dispose();
      await watcher.done;
    }
    // The first connection lists as always (the junk comes after it); no reconnection re-lists.
    assert.equal(resyncs, 1, 'one list, not one per attempt');
    assert.equal(disconnects.length, 1, 'one disconnect reported for the whole outage');
    assert.equal(disconnects[0].kind, 'bad-response');
    // 20, 40, 80, 160, 320 ms: doubling past the ordinary cap of 100 (timers only ever fire late).
    const times = fake.calls('/events').map((c) => c.at);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    assert.ok(gaps[4] >= 300, `the gaps keep growing past the ordinary cap: ${gaps}`);
  });

  it('once the engine sends real events again, the views re-list once', async () => {
    let junk = true;
    fake = asEngine(await FakeEngine.start()).on('GET', '/events', (req, res) => {
      if (junk) return junkEvents()(req, res, Buffer.alloc(0));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{}},"timeNano":1}\n');
    });
    engine = createEngine(endpointOf(fake));
    let resyncs = 0;
    const events: string[] = [];
    const watcher = new EventWatcher(engine, {
      onEvent: (e) => events.push(e.action),
      onResync: () => resyncs++,
      initialDelayMs: 20,
      maxDelayMs: 100,
      maxGarbledDelayMs: 200,
    });
    try {
      await waitFor('three junk attempts', () => fake.calls('/events').length >= 3, 10_000);
      assert.equal(resyncs, 0);
      junk = false;
      await waitFor('a real event', () => events.length > 0, 10_000);
      await waitFor('the re-list', () => resyncs > 0, 5000);
      assert.equal(resyncs, 1);
      assert.equal(watcher.state, 'connected');
    } finally {
      watcher.dispose();
      await watcher.done;
    }
  });
});
