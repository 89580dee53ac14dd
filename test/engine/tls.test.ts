/**
 * tcp:// with TLS against a private dockerd started with --tlsverify and certificates made here
 * with openssl. The daemon lives in its own network namespace (see PrivateDaemon), so its port is
 * carried to 127.0.0.1 on the host by two byte relays (TLS passes through them untouched).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine } from '../../src/engine/httpEngine';
import { nodeDeps, resolveEndpoint } from '../../src/engine/endpoint';
import { EngineError } from '../../src/engine/types';
import { PrivateDaemon, waitFor } from './helpers';

const INNER_PORT = 2376;

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, as `docker` TLS setups have. */
function makeCerts(dir: string): void {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca-key.pem',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=berth-test-ca',
    ],
    dir,
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    openssl(
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${who}-key.pem`,
        '-out',
        `${who}.csr`,
        '-subj',
        `/CN=${who === 'server' ? '127.0.0.1' : 'berth-client'}`,
      ],
      dir,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${who}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca-key.pem',
        '-CAcreateserial',
        '-out',
        `${who}-cert.pem`,
        '-days',
        '2',
        '-extfile',
        `${who}.ext`,
      ],
      dir,
    );
  }
  // A second, unrelated CA: the client must refuse a server it signed nothing for.
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'other-key.pem',
      '-out',
      'other-ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=other-ca',
    ],
    dir,
  );
}

describe('tcp:// engines with TLS', () => {
  let daemon: PrivateDaemon;
  let relayInside: ChildProcess;
  let relayOutside: Server;
  let port: number;
  let certs: string;

  before(async () => {
    daemon = new PrivateDaemon('tls');
    makeCerts(daemon.dir);
    await daemon.start(30_000, [
      '-H',
      `tcp://127.0.0.1:${INNER_PORT}`,
      '--tlsverify',
      '--tlscacert',
      join(daemon.dir, 'ca.pem'),
      '--tlscert',
      join(daemon.dir, 'server-cert.pem'),
      '--tlskey',
      join(daemon.dir, 'server-key.pem'),
    ]);
    const pid = Number(readFileSync(join(daemon.dir, 'd.pid'), 'utf8').trim());
    // A new network namespace starts with its loopback down.
    execFileSync('nsenter', [`--net=/proc/${pid}/ns/net`, '--', 'ip', 'link', 'set', 'lo', 'up']);
    // Inside the daemon's network namespace: a unix socket (shared file system) → its tcp port.
    const bridge = join(daemon.dir, 'tcp.sock');
    relayInside = spawn(
      'nsenter',
      [
        `--net=/proc/${pid}/ns/net`,
        '--',
        process.execPath,
        '-e',
        "const net=require('net');net.createServer(c=>{const u=net.connect(+process.argv[2],'127.0.0.1');c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy())}).listen(process.argv[1])",
        bridge,
        String(INNER_PORT),
      ],
      { stdio: 'ignore' },
    );
    // On the host: 127.0.0.1:<port> → that unix socket.
    relayOutside = createServer((c) => {
      const u = connect(bridge);
      c.pipe(u).pipe(c);
      c.on('error', () => u.destroy());
      u.on('error', () => c.destroy());
    });
    await new Promise<void>((r) => relayOutside.listen(0, '127.0.0.1', r));
    port = (relayOutside.address() as { port: number }).port;
    await waitFor('the inside relay', () => {
      try {
        readFileSync(bridge);
      } catch (err) {
        return (err as NodeJS.ErrnoException).code !== 'ENOENT';
      }
      return true;
    });
    // DOCKER_CERT_PATH layout: ca.pem, cert.pem, key.pem.
    certs = join(daemon.dir, 'client');
    mkdirSync(certs);
    copyFileSync(join(daemon.dir, 'ca.pem'), join(certs, 'ca.pem'));
    copyFileSync(join(daemon.dir, 'client-cert.pem'), join(certs, 'cert.pem'));
    copyFileSync(join(daemon.dir, 'client-key.pem'), join(certs, 'key.pem'));
  });

  after(async () => {
    relayOutside?.close();
    relayInside?.kill();
    await daemon?.destroy();
  });

  const env = (extra: Record<string, string>) => ({ ...nodeDeps(), env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, ...extra } });

  it('connects with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', async () => {
    const endpoint = resolveEndpoint(undefined, env({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }));
    assert.equal(endpoint.tls?.verify, true);
    const engine = createEngine(endpoint);
    try {
      assert.equal((await engine.version()).apiVersion, '1.41');
      assert.deepEqual(await engine.listContainers(), []);
    } finally {
      engine.dispose();
    }
  });

  it('builds a folder on the remote engine: the context travels over TLS, no mount needed', async () => {
    const endpoint = resolveEndpoint(undefined, env({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }));
    const context = join(daemon.dir, 'build context');
    mkdirSync(context);
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /\n');
    writeFileSync(join(context, 'hello.txt'), 'sent over tls\n');
    const engine = createEngine(endpoint);
    try {
      const lines: string[] = [];
      await engine.buildImage(
        { context, dockerfile: 'Dockerfile', tag: 'berth-tls/built:1', args: {}, labels: {} },
        { onOutput: (l) => lines.push(l) },
      );
      assert.ok(
        lines.some((l) => /Successfully tagged berth-tls\/built:1/.test(l)),
        lines.join('\n'),
      );
      assert.ok((await engine.listImages()).some((i) => i.repoTags.includes('berth-tls/built:1')));
    } finally {
      engine.dispose();
    }
  });

  it('refuses a server its CA did not sign, as a tls error', async () => {
    const endpoint = resolveEndpoint(undefined, env({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }));
    const engine = createEngine({ ...endpoint, tls: { ...endpoint.tls!, ca: readFileSync(join(daemon.dir, 'other-ca.pem'), 'utf8') } });
    try {
      await assert.rejects(engine.ping(), (err: unknown) => {
        assert.ok(err instanceof EngineError);
        assert.equal(err.kind, 'tls', err.message);
        assert.ok(err.hint && /certificates/.test(err.hint));
        return true;
      });
    } finally {
      engine.dispose();
    }
  });

  it('plain http to a TLS port does not pass for an engine', async () => {
    const engine = createEngine({ kind: 'tcp', host: '127.0.0.1', port, display: `tcp://127.0.0.1:${port}`, source: 'DOCKER_HOST' });
    try {
      await assert.rejects(engine.ping(), (err: unknown) => err instanceof EngineError && ['bad-response', 'api'].includes(err.kind));
    } finally {
      engine.dispose();
    }
  });
});
