import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createEngine } from '../../src/engine/httpEngine';
import { HINTS } from '../../src/engine/errors';
import { EngineError, type Endpoint } from '../../src/engine/types';
import { bundleForOtherUsers, worldReadableDir } from '../fixtures/otherUser';

const execFileP = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');

const unix = (socketPath: string, source = 'setting'): Endpoint => ({ kind: 'unix', socketPath, display: `unix://${socketPath}`, source });

function isKind(kind: string, pattern?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof EngineError, `an EngineError, not ${err}`);
    assert.equal(err.kind, kind, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

describe('engine failures say what is wrong', () => {
  let dir: string;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-fail-'));
    process.on('uncaughtException', onUncaught);
  });
  after(() => {
    process.off('uncaughtException', onUncaught);
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(uncaught, [], 'no failure escaped as an uncaught exception');
  });

  it('permission denied on the socket, for a user outside the docker group, with the fix', async () => {
    // Root bypasses file modes, so the client runs as nobody against the real socket (root:docker
    // 0660): a bundled copy of the probe, since nobody may not read the checkout or node_modules.
    const shared = worldReadableDir('berth-fail-probe-');
    const probe = bundleForOtherUsers(join(ROOT, 'test/fixtures/engine/probe.ts'), shared);
    const { stdout } = await execFileP(
      'setpriv',
      ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', process.execPath, probe, '/var/run/docker.sock'],
      { cwd: shared, env: { PATH: process.env.PATH, HOME: shared } },
    ).finally(() => rmSync(shared, { recursive: true, force: true }));
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    assert.equal(result.uid, 65534);
    assert.equal(result.isEngineError, true);
    assert.equal(result.kind, 'permission-denied');
    assert.match(result.message, /Permission denied on the engine socket unix:\/\/\/var\/run\/docker\.sock/);
    assert.equal(result.hint, HINTS.permission);
    assert.match(result.hint, /usermod -aG docker \$USER/);
  });

  it('not installed when the default socket does not exist', async () => {
    const engine = createEngine(unix(join(dir, 'nothing', 'docker.sock'), 'default'));
    await assert.rejects(engine.ping(), isKind('not-installed', /Docker does not seem to be installed/));
    engine.dispose();
  });

  it('not running when the socket exists but nobody listens', async () => {
    const stale = join(dir, 'stale.sock');
    // A socket file left behind by a process that died: listen, then get killed before unlinking.
    try {
      execFileSync(
        process.execPath,
        ['-e', "require('net').createServer().listen(process.argv[1], () => process.kill(process.pid, 'SIGKILL'))", stale],
        { stdio: 'ignore' },
      );
    } catch {
      /* killed, as intended */
    }
    assert.ok(existsSync(stale), 'the stale socket file is there');
    const engine = createEngine(unix(stale, 'default'));
    await assert.rejects(engine.listContainers(), (err: unknown) => {
      isKind('not-running', /not running/)(err);
      assert.equal((err as EngineError).hint, HINTS.notRunning);
      return true;
    });
    engine.dispose();
  });

  it('unreachable for a tcp host that refuses', async () => {
    const engine = createEngine({ kind: 'tcp', host: '127.0.0.1', port: 1, display: 'tcp://127.0.0.1:1', source: 'DOCKER_HOST' });
    await assert.rejects(engine.version(), isKind('unreachable', /127\.0\.0\.1:1/));
    engine.dispose();
  });

  describe('a server that is not a well-behaved engine (a stand-in: a real engine cannot be made to answer garbage)', () => {
    let server: Server;
    let socket: string;
    const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
    before(async () => {
      socket = join(dir, 'fake.sock');
      server = createServer((req, res) => {
        const path = (req.url ?? '').replace(/\?.*/, '');
        const route = routes.get(path);
        if (route) route(req, res);
        else res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"page not found"}');
      });
      await new Promise<void>((r) => server.listen(socket, r));
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });
    const json =
      (body: string, status = 200) =>
      (_: IncomingMessage, res: ServerResponse) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(body);

    it('garbage, wrong shapes and HTML are bad-response', async () => {
      const engine = createEngine(unix(socket));
      routes.set('/containers/json', json('{"Id": [1,2,'));
      await assert.rejects(engine.listContainers(), isKind('bad-response', /list containers.*expected a JSON array/));
      routes.set('/containers/json', json('[{"Names":["/x"]}]'));
      await assert.rejects(engine.listContainers(), isKind('bad-response', /"Id"/));
      routes.set('/images/json', json('{"not":"a list"}'));
      await assert.rejects(engine.listImages(), isKind('bad-response', /got object/));
      routes.set('/version', (_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>'));
      await assert.rejects(engine.version(), isKind('bad-response', /proxy login/));
      routes.set('/_ping', json('NOPE'));
      await assert.rejects(engine.ping(), isKind('bad-response', /expected OK/));
      routes.set('/volumes', json('{"Volumes": null}'));
      assert.deepEqual(await engine.listVolumes(), [], 'null lists are empty, as engines send them');
      engine.dispose();
    });

    it('a truncated answer is an error, not a crash', async () => {
      const engine = createEngine(unix(socket));
      routes.set('/networks', (_, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('[{"Name":"bridge","Id":"ab');
        setImmediate(() => res.socket?.destroy());
      });
      await assert.rejects(engine.listNetworks(), isKind('bad-response', /cut short/));
      engine.dispose();
    });

    it('an error answer with a non-JSON body keeps the engine text', async () => {
      const engine = createEngine(unix(socket));
      routes.set('/containers/x/stop', (_, res) => res.writeHead(500).end('boom from the engine'));
      await assert.rejects(engine.stopContainer('x'), isKind('api', /boom from the engine/));
      engine.dispose();
    });

    it('a silent engine is a timeout', async () => {
      const engine = createEngine(unix(socket), { timeoutMs: 200 });
      routes.set('/info', () => undefined);
      routes.set('/containers/json', () => undefined);
      await assert.rejects(engine.listContainers(), isKind('timeout', /within/));
      engine.dispose();
    });

    it('a garbled event stream ends the iteration with bad-response', async () => {
      const engine = createEngine(unix(socket));
      routes.set('/events', (_, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"x"}},"timeNano":1}\n{"Type":"cont');
        res.write('ainer","Action":"die","Actor":{"ID":"abc"},"timeNano":2}\n');
        res.end('this is not json\n');
      });
      const seen: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const e of engine.events(new AbortController().signal)) seen.push(`${e.action}:${e.id}`);
        })(),
        isKind('bad-response', /not JSON: this is not json/),
      );
      assert.deepEqual(seen, ['start:abc', 'die:abc'], 'events split across chunks are whole');
      engine.dispose();
    });
  });
});
