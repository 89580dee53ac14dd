/** Berth's engine access: resolve an endpoint, create an Engine for it, follow its events. */
export * from './types';
export { resolveEndpoint, listContexts, parseHost, type ContextInfo, type EndpointDeps } from './endpoint';
export { createEngine, type EngineOptions } from './httpEngine';
export { EventWatcher, type EventWatcherOptions, type WatcherState } from './eventWatcher';
export { HINTS } from './errors';
export { watchDockerContexts, type ContextWatcherOptions } from './contextWatcher';
