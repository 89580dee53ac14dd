/**
 * What the language server thread reports of its own memory when the extension asks (the
 * memory bench reads it; nothing else does). A worker's heap is its own isolate's, which the
 * extension host's `process.memoryUsage()` does not show.
 */

/** The message the extension posts to the server thread, and the kind of its answer. */
export const SERVER_MEMORY_MESSAGE = 'berth/serverMemory';

export interface ServerMemory {
  kind: typeof SERVER_MEMORY_MESSAGE;
  /** `v8.getHeapStatistics()` of the server's isolate. */
  heap: Record<string, number>;
  /** `v8.getHeapSpaceStatistics()`: bytes used and reserved per space (new, old, code, large objects). */
  spaces: { name: string; size: number; used: number }[];
  /** `process.memoryUsage()` inside the thread: heap fields are the thread's, rss the whole process's. */
  usage: Record<string, number>;
}
