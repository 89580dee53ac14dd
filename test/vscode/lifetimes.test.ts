/**
 * Who owns what: the engine service's connection ends with the service, except one a holder
 * (a running workspace, a build, a terminal) still uses, which ends when that holder lets go.
 * The extension disposes its parts synchronously as it goes, so a workspace stopping then still
 * needs its connection to remove its container.
 */
import * as assert from 'node:assert/strict';
import { createEngine, EventWatcher, listContexts, resolveEndpoint, watchDockerContexts } from '../../src/engine';
import { dockerConfigDir, nodeDeps } from '../../src/engine/endpoint';
import { EngineService } from '../../src/extension/engineService';
import { test } from './harness';

/** A service of the test's own, built as activate builds the extension's. */
function newService(): EngineService {
  return new EngineService({
    resolveEndpoint: (host) => resolveEndpoint(host),
    createEngine: (endpoint) => createEngine(endpoint),
    listContexts: () => listContexts(),
    dockerConfigDir: () => dockerConfigDir(nodeDeps()),
    watchContexts: (onChange) => watchDockerContexts(onChange),
    watchEvents: (engine, handlers) => new EventWatcher(engine, handlers),
  });
}

test('lifetimes: a disposed engine service closes its connection, but a held one stays open until it is let go', async () => {
  const plain = newService();
  const closed = await plain.engine();
  plain.dispose();
  await assert.rejects(closed.ping(), /closed/, 'nobody held it: it closed with the service');

  const service = newService();
  let disposed = false;
  try {
    const engine = await service.engine();
    const release = service.hold(engine);
    service.dispose();
    disposed = true;
    await engine.ping();
    const containers = await engine.listContainers();
    assert.ok(Array.isArray(containers), 'the holder can still use it');
    release();
    await assert.rejects(engine.ping(), /closed/, 'let go: it closed');
  } finally {
    if (!disposed) service.dispose();
  }
});
