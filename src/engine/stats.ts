/**
 * A container's resource use from one message of the Engine API's stats stream, computed as the
 * docker CLI computes `docker stats`: CPU % from the container's and the host's CPU time since the
 * engine's previous reading, scaled by the online CPUs (a busy loop on one core reads about 100 %);
 * memory without the page cache the kernel can drop; network and block I/O summed over interfaces
 * and devices. Pure: no I/O.
 */
import type { ContainerStats } from './types';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * The figures of one stats message. `cpuPercent` is undefined when the message carries no earlier
 * reading to compare with (the first message of a stream, or a container that is not running).
 */
export function statsFromEngine(message: unknown): ContainerStats {
  const m = obj(message);
  const read = typeof m.read === 'string' ? Date.parse(m.read) : Number.NaN;
  return {
    time: Number.isFinite(read) && read > 0 ? read : Date.now(),
    cpuPercent: cpuPercent(obj(m.cpu_stats), obj(m.precpu_stats)),
    memoryBytes: memoryUsed(obj(m.memory_stats)),
    memoryLimitBytes: num(obj(m.memory_stats).limit),
    ...network(obj(m.networks)),
    ...blockIo(obj(m.blkio_stats)),
    pids: num(obj(m.pids_stats).current),
  };
}

function cpuPercent(cpu: Obj, previous: Obj): number | undefined {
  const systemNow = num(cpu.system_cpu_usage);
  const systemBefore = num(previous.system_cpu_usage);
  // No earlier reading (the engine sends zeros for it): nothing to compare with yet.
  if (!systemBefore || !systemNow) return undefined;
  const usage = obj(cpu.cpu_usage);
  const containerDelta = num(usage.total_usage) - num(obj(previous.cpu_usage).total_usage);
  const systemDelta = systemNow - systemBefore;
  if (systemDelta <= 0) return undefined;
  // Older engines leave online_cpus out; the per-CPU list then counts them.
  const perCpu = Array.isArray(usage.percpu_usage) ? usage.percpu_usage.length : 0;
  const cpus = num(cpu.online_cpus) || perCpu || 1;
  return Math.max(0, (containerDelta / systemDelta) * cpus * 100);
}

/**
 * Usage minus the inactive page cache, as the CLI shows it: `total_inactive_file` under cgroup v1,
 * `inactive_file` under v2, whichever the engine reports and is below the usage.
 */
function memoryUsed(memory: Obj): number {
  const usage = num(memory.usage);
  const stats = obj(memory.stats);
  for (const key of ['total_inactive_file', 'inactive_file']) {
    const inactive = num(stats[key]);
    if (key in stats && inactive < usage) return usage - inactive;
  }
  return usage;
}

function network(networks: Obj): { networkRxBytes: number; networkTxBytes: number } {
  let rx = 0;
  let tx = 0;
  for (const value of Object.values(networks)) {
    rx += num(obj(value).rx_bytes);
    tx += num(obj(value).tx_bytes);
  }
  return { networkRxBytes: rx, networkTxBytes: tx };
}

function blockIo(blkio: Obj): { blockReadBytes: number; blockWriteBytes: number } {
  let read = 0;
  let write = 0;
  const entries = Array.isArray(blkio.io_service_bytes_recursive) ? blkio.io_service_bytes_recursive : [];
  for (const entry of entries) {
    const e = obj(entry);
    // cgroup v1 says `Read`/`Write`, v2 `read`/`write`; `Total` and the rest are not added.
    const op = typeof e.op === 'string' ? e.op.toLowerCase() : '';
    if (op === 'read') read += num(e.value);
    else if (op === 'write') write += num(e.value);
  }
  return { blockReadBytes: read, blockWriteBytes: write };
}
