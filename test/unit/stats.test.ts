/** `docker stats` figures from the Engine API's stats messages, as the docker CLI computes them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statsFromEngine } from '../../src/engine/stats';

/** A cgroup v1 message from Docker 20.10 (a busy loop on a loaded 2-core machine), trimmed. */
const V1 = {
  read: '2026-12-06T15:23:54.850776511Z',
  pids_stats: { current: 1 },
  blkio_stats: {
    io_service_bytes_recursive: [
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 8192 },
      { major: 8, minor: 0, op: 'Sync', value: 12288 },
      { major: 8, minor: 0, op: 'Total', value: 12288 },
      { major: 8, minor: 16, op: 'Read', value: 100 },
    ],
  },
  cpu_stats: {
    cpu_usage: { total_usage: 1001532260, percpu_usage: [223202, 1001309058] },
    system_cpu_usage: 12704020000000,
    online_cpus: 2,
  },
  precpu_stats: {
    cpu_usage: { total_usage: 755678054, percpu_usage: [223202, 755454852] },
    system_cpu_usage: 12701990000000,
    online_cpus: 2,
  },
  memory_stats: { usage: 40_000_000, stats: { total_inactive_file: 7_000_000, inactive_file: 1_000_000 }, limit: 25276157952 },
  networks: { eth0: { rx_bytes: 736, tx_bytes: 10 }, eth1: { rx_bytes: 64, tx_bytes: 5 } },
};

describe('stats figures', () => {
  it('CPU % is the container’s share of the host’s CPU time, times the online CPUs', () => {
    const s = statsFromEngine(V1);
    // (1001532260 − 755678054) / (12704020000000 − 12701990000000) × 2 × 100
    assert.ok(Math.abs(s.cpuPercent! - 24.2221) < 0.001, String(s.cpuPercent));
    assert.equal(s.time, Date.parse('2026-12-06T15:23:54.850776511Z'));
  });

  it('a busy loop on one core of a quiet machine reads about 100 %', () => {
    // One core's worth of CPU time in the second that two cores gave the host 2 s.
    const s = statsFromEngine({
      cpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 4_000_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 2_000_000_000 },
    });
    assert.equal(s.cpuPercent, 100);
  });

  it('counts CPUs from the per-CPU list when the engine leaves online_cpus out', () => {
    const { online_cpus: _a, ...cpu } = V1.cpu_stats;
    const s = statsFromEngine({ ...V1, cpu_stats: cpu });
    assert.ok(Math.abs(s.cpuPercent! - 24.2221) < 0.001);
  });

  it('the first message of a stream, with no earlier reading, has no CPU figure', () => {
    const s = statsFromEngine({ ...V1, precpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0 } });
    assert.equal(s.cpuPercent, undefined);
  });

  it('memory leaves out the inactive page cache: total_inactive_file under cgroup v1', () => {
    assert.equal(statsFromEngine(V1).memoryBytes, 33_000_000);
    assert.equal(statsFromEngine(V1).memoryLimitBytes, 25276157952);
  });

  it('memory under cgroup v2 leaves out inactive_file; a cache larger than the usage is not subtracted', () => {
    assert.equal(statsFromEngine({ memory_stats: { usage: 10_000, stats: { inactive_file: 4_000 } } }).memoryBytes, 6_000);
    assert.equal(statsFromEngine({ memory_stats: { usage: 10_000, stats: { inactive_file: 40_000 } } }).memoryBytes, 10_000);
  });

  it('network and block I/O are summed over interfaces and devices; only reads and writes count', () => {
    const s = statsFromEngine(V1);
    assert.equal(s.networkRxBytes, 800);
    assert.equal(s.networkTxBytes, 15);
    assert.equal(s.blockReadBytes, 4196);
    assert.equal(s.blockWriteBytes, 8192);
    assert.equal(s.pids, 1);
  });

  it('a stopped container’s message (all zeros and nulls) reads as zeros, not as a failure', () => {
    const s = statsFromEngine({
      read: '0001-01-01T00:00:00Z',
      pids_stats: {},
      blkio_stats: { io_service_bytes_recursive: null },
      cpu_stats: {},
      precpu_stats: {},
      memory_stats: {},
      networks: undefined,
    });
    assert.deepEqual(
      { ...s, time: 0 },
      {
        time: 0,
        cpuPercent: undefined,
        memoryBytes: 0,
        memoryLimitBytes: 0,
        networkRxBytes: 0,
        networkTxBytes: 0,
        blockReadBytes: 0,
        blockWriteBytes: 0,
        pids: 0,
      },
    );
  });
});
