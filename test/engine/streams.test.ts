/** The pure parts of the engine module: stream framing and answer mapping (no engine needed). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as map from '../../src/engine/mappers';
import { BadLine, Demuxer, JsonLines } from '../../src/engine/streams';

const frame = (type: number, text: string) => {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

async function demux(chunks: Buffer[]): Promise<string> {
  const d = new Demuxer();
  const out: Buffer[] = [];
  d.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise((r) => d.on('end', r));
  for (const c of chunks) d.write(c);
  d.end();
  await ended;
  return Buffer.concat(out).toString();
}

describe('Demuxer', () => {
  it('merges stdout and stderr frames, whatever the chunk boundaries', async () => {
    const all = Buffer.concat([frame(1, 'out-1\n'), frame(2, 'err-é\n'), frame(1, 'out-2\n')]);
    assert.equal(await demux([all]), 'out-1\nerr-é\nout-2\n');
    // One byte at a time: headers and a multi-byte letter split everywhere.
    assert.equal(await demux([...all].map((b) => Buffer.from([b]))), 'out-1\nerr-é\nout-2\n');
  });

  it('passes a stream that is not multiplexed (a TTY) through unchanged', async () => {
    assert.equal(await demux([Buffer.from('plain text from a tty\n'), Buffer.from('more\n')]), 'plain text from a tty\nmore\n');
  });

  it('keeps a short tail instead of losing it', async () => {
    assert.equal(await demux([Buffer.from('ab')]), 'ab');
  });
});

describe('JsonLines', () => {
  it('yields values across chunk boundaries and marks bad lines in place', () => {
    const lines = new JsonLines();
    assert.deepEqual(lines.push('{"a":1}\n{"b"'), [{ a: 1 }]);
    const next = lines.push(':2}\nnope\n{"c":3}{"d":4}\n');
    assert.deepEqual(next.slice(0, 1), [{ b: 2 }]);
    assert.ok(next[1] instanceof BadLine && next[1].line === 'nope');
    assert.deepEqual(next.slice(2), [{ c: 3 }, { d: 4 }]);
    assert.deepEqual(lines.push('{"e":5}'), []);
    assert.deepEqual(lines.end(), [{ e: 5 }]);
  });
});

describe('JsonLines: a line that never ends', () => {
  it('is cut at the cap, kept from growing, and the stream goes on after its newline', () => {
    const lines = new JsonLines(100);
    assert.deepEqual(lines.push('{"a":1}\n{"b":'), [{ a: 1 }]);
    // 150 characters without a newline, in pieces: past the cap, one BadLine, nothing kept.
    const cut = [...lines.push('x'.repeat(60)), ...lines.push('y'.repeat(90))];
    assert.equal(cut.length, 1);
    assert.ok(cut[0] instanceof BadLine && cut[0].tooLong);
    assert.equal((cut[0] as BadLine).line, `{"b":${'x'.repeat(60)}${'y'.repeat(15)}`, 'its start, for the message');
    assert.deepEqual(lines.push('z'.repeat(500)), [], 'the rest of the long line is skipped, not kept');
    assert.deepEqual(lines.push('zz\n{"c":3}\n'), [{ c: 3 }], 'the next line reads again');
    assert.deepEqual(lines.end(), []);
  });

  it('a long line ending in the same chunk is cut too', () => {
    const lines = new JsonLines(10);
    const out = lines.push(`{"a":"${'x'.repeat(20)}"}\n{"b":2}\n`);
    assert.ok(out[0] instanceof BadLine && out[0].tooLong);
    assert.deepEqual(out.slice(1), [{ b: 2 }]);
  });
});

describe('mappers', () => {
  it('maps a container, deduplicating IPv4/IPv6 twins of a published port and reading health', () => {
    const c = map.container({
      Id: 'a'.repeat(64),
      Names: ['/other/alias', '/web'],
      Image: 'nginx',
      ImageID: 'sha256:x',
      Command: 'nginx -g',
      Created: 1700000000,
      State: 'running',
      Status: 'Up 2 hours (healthy)',
      Ports: [
        { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { PrivatePort: 443, Type: 'tcp' },
      ],
      Labels: { 'com.docker.compose.project': 'shop', n: 1 },
      NetworkSettings: { Networks: { shop_default: {}, bridge: {} } },
      Mounts: [{ Type: 'volume', Name: 'data', Source: '/var/lib/docker/volumes/data/_data', Destination: '/data', RW: true }],
    });
    assert.equal(c.name, 'web');
    assert.equal(c.health, 'healthy');
    assert.deepEqual(c.ports, [
      { privatePort: 80, publicPort: 8080, hostIp: '0.0.0.0', type: 'tcp' },
      { privatePort: 443, type: 'tcp' },
    ]);
    assert.deepEqual(c.labels, { 'com.docker.compose.project': 'shop' }, 'non-string label values are dropped');
    assert.equal(c.composeProject, 'shop');
    assert.deepEqual(c.networks, ['bridge', 'shop_default']);
    assert.deepEqual(c.mounts, [
      { type: 'volume', name: 'data', source: '/var/lib/docker/volumes/data/_data', destination: '/data', readOnly: false },
    ]);
  });

  it('marks dangling images and built-in networks', () => {
    assert.equal(map.image({ Id: 'sha256:1', RepoTags: ['<none>:<none>'], RepoDigests: null, Labels: null }).dangling, true);
    assert.equal(map.image({ Id: 'sha256:1', RepoTags: null }).dangling, true);
    const bridge = map.network({ Name: 'bridge', Id: 'n1', Driver: 'bridge', IPAM: { Config: [{ Subnet: '172.17.0.0/16' }] } });
    assert.deepEqual([bridge.builtIn, bridge.subnets], [true, ['172.17.0.0/16']]);
    assert.equal(
      map.network({ Name: 'bridge', Id: 'n2', Driver: 'overlay' }).builtIn,
      false,
      'a user network named like a built-in one in swarm',
    );
  });

  it('throws Malformed on the wrong shapes', () => {
    assert.throws(() => map.container({ Names: [] }), map.Malformed);
    assert.throws(() => map.asArray(Buffer.from('<html>'), 'x'), /text "<html>"/);
    assert.throws(() => map.event({}), map.Malformed);
  });
});
