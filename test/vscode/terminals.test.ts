/**
 * Logs, shell and inspect against the real engine, in the real VS Code.
 *
 * An extension cannot read what a terminal shows on screen (xterm.js lives in the renderer; the
 * extension API offers no access to its buffer). So the terminals are checked through their
 * Pseudoterminals: the tests subscribe to `onDidWrite` (what VS Code would draw) and call
 * `handleInput`/`setDimensions` (what VS Code sends on keystrokes and resizes), either on a
 * Pseudoterminal they open themselves or on the one behind a terminal opened by openLogs/openShell.
 * Containers are busybox:local (built locally by scripts/provision.sh), labelled berth.test=terminals,
 * without a network, and removed at the end of each test.
 *
 * Push and pull go to a real registry (Debian's docker-registry, with htpasswd auth) on a loopback
 * port, which the engine treats as insecure-allowed: credentials come from a temporary HOME's
 * ~/.docker/config.json, and the progress the notification shows is checked on the same events.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Engine } from '../../src/engine/types';
import { INSPECT_SCHEME, openInspect, registerInspectProvider } from '../../src/extension/inspect';
import { ProgressAggregator, withPullProgress } from '../../src/extension/progress';
import { CredentialsError, credentialsForPull, credentialsForPush } from '../../src/extension/registryAuth';
import { ContainerLogsTerminal, openLogs } from '../../src/extension/terminals/logs';
import { ContainerShellTerminal, openShell } from '../../src/extension/terminals/shell';
import { test } from './harness';
import { EXTENSION_ID, api, closeAllEditors, waitFor } from './util';
import { registryMissing, startRegistry, TEST_LOGIN } from '../fixtures/registry';

const IMAGE = 'busybox:local';
const LABEL = 'berth.test=terminals';

function docker(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, (error, stdout, stderr) =>
      error ? reject(new Error(`docker ${args[0]}: ${stderr || error.message}`)) : resolve(stdout.trim()),
    );
  });
}

/** Runs a labelled container with `cmd` (an argv array) and returns its full id. */
async function runContainer(name: string, cmd: string[]): Promise<string> {
  return docker(['run', '-d', '--label', LABEL, '--network', 'none', '--name', name, IMAGE, ...cmd]);
}

async function removeLabelled(): Promise<void> {
  const ids = (await docker(['ps', '-aq', '--filter', `label=${LABEL}`]).catch(() => '')).split('\n').filter(Boolean);
  if (ids.length) await docker(['rm', '-f', ...ids]).catch(() => undefined);
}

const unique = (prefix: string) => `berth-term-${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** Everything a Pseudoterminal writes, with waits that resolve on its writes (no sleeping). */
class Transcript {
  text = '';
  private waiters: (() => void)[] = [];

  constructor(pty: vscode.Pseudoterminal) {
    pty.onDidWrite((data) => {
      this.text += data;
      this.waiters.forEach((check) => check());
    });
  }

  /** Resolves when the transcript (from `from` on) satisfies `test`; rejects at the deadline. */
  waitFor(what: string, test: (text: string) => boolean, timeoutMs = 15_000, from = 0): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!test(this.text.slice(from))) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`waited ${timeoutMs} ms for ${what}; the terminal showed:\n${JSON.stringify(this.text.slice(from).slice(-1500))}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      this.waiters.push(check);
      check();
    });
  }

  waitForText(needle: string, timeoutMs?: number, from = 0): Promise<void> {
    return this.waitFor(JSON.stringify(needle), (text) => text.includes(needle), timeoutMs, from);
  }
}

/**
 * The extension's own engine connection (its engine service, through the API activate returns), so
 * the test drives the same Engine the commands use; undefined (and a note) when no engine answers
 * outside CI.
 */
async function engineOrSkip(name: string): Promise<Engine | undefined> {
  const extension = vscode.extensions.getExtension<{ service?: { engine(): Promise<Engine> } }>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  assert.ok(api?.service, 'the extension API has no engine service');
  try {
    const engine = await api.service.engine();
    await engine.ping();
    await docker(['image', 'inspect', IMAGE]);
    return engine;
  } catch (error) {
    if (process.env.CI === 'true')
      throw new Error(`no Docker engine or no ${IMAGE} (run scripts/provision.sh): ${(error as Error).message}`, { cause: error });
    console.log(`SKIP ${name}: no Docker engine or no ${IMAGE} here (${(error as Error).message})`);
    return undefined;
  }
}

async function withEngine(name: string, body: (engine: Engine) => Promise<void>): Promise<void> {
  const engine = await engineOrSkip(name);
  if (!engine) return;
  try {
    await body(engine);
  } finally {
    // The engine is the extension's: it stays open for the other tests.
    await removeLabelled();
  }
}

/** Resolves once the Pseudoterminal behind `terminal` is closed by VS Code (the terminal was disposed). */
function whenClosed(terminal: vscode.Terminal): Promise<void> {
  return new Promise((resolve) => {
    const sub = vscode.window.onDidCloseTerminal((closed) => {
      if (closed === terminal) {
        sub.dispose();
        resolve();
      }
    });
  });
}

const ptyOf = (terminal: vscode.Terminal) => (terminal.creationOptions as vscode.ExtensionTerminalOptions).pty;

test('logs: a container flooding its log reaches the terminal whole and in order, while what waits in the extension host stays bounded', async () => {
  await withEngine('logs-flood', async (engine) => {
    const name = unique('flood');
    const LINES = 150_000;
    // It floods only once told to, so the terminal follows from before the first line.
    const id = await runContainer(name, [
      'sh',
      '-c',
      `while [ ! -e /tmp/go ]; do sleep 0.1; done; i=0; while [ $i -lt ${LINES} ]; do echo "flood $i ................................................"; i=$((i+1)); done; echo flood-end; sleep 600`,
    ]);
    const pty = new ContainerLogsTerminal(engine, { id, name }, { tail: 10 });
    const out = new Transcript(pty);
    pty.open();
    try {
      await out.waitForText(`Logs of ${name}`);
      await docker(['exec', name, 'touch', '/tmp/go']);
      await out.waitFor('the last line', (text) => text.slice(-300).includes('flood-end\r\n'), 120_000);
      const numbers = [...out.text.matchAll(/^flood (\d+) \./gm)].map((m) => Number(m[1]));
      assert.equal(numbers.length, LINES, 'every line arrived');
      assert.ok(
        numbers.every((n, i) => n === i),
        'in order',
      );
      assert.ok(!out.text.includes('skipped'), 'nothing was dropped: the log waited in the engine');
      // A high-water mark of 1 Mi characters plus what one read adds.
      assert.ok(pty.output.peakQueued <= 1024 * 1024 + 256 * 1024, `at most ${pty.output.peakQueued} characters waited at once`);
    } finally {
      pty.close();
    }
  });
}, 180_000);

test("logs: a container's lines arrive live, a stop is announced, a start resumes without repeats", async () => {
  await withEngine('logs', async (engine) => {
    const name = unique('logs');
    const id = await runContainer(name, [
      'sh',
      '-c',
      'echo berth-ready; trap "exit 0" TERM; i=0; while :; do echo tick-$i; i=$((i+1)); sleep 0.2; done',
    ]);
    const pty = new ContainerLogsTerminal(engine, { id, name }, { tail: 100 });
    const out = new Transcript(pty);
    pty.open();
    try {
      await out.waitForText(`Logs of ${name}`);
      await out.waitForText('berth-ready\r\n');
      // Lines printed after we attached arrive as they are written.
      await out.waitForText('tick-3\r\n');
      assert.ok(!/[^\r]\n/.test(out.text), 'every newline reaches the terminal as CRLF');

      await docker(['stop', '-t', '5', id]);
      // The script exits 0 on TERM: the code is part of the message.
      await out.waitForText(`${name} stopped (exit code 0)`);
      assert.equal(pty.status, 'waiting');

      const before = out.text.length;
      await docker(['start', id]);
      await out.waitForText(`${name} started again`, undefined, before);
      await out.waitForText('tick-2\r\n', undefined, before);
      // The first run's lines were not shown again: berth-ready once per run.
      assert.equal(out.text.split('berth-ready').length - 1, 2, 'berth-ready once for each start');
    } finally {
      pty.close();
    }
    assert.equal(pty.status, 'closed');
  });
}, 60_000);

test('logs: a container not started yet is announced as such, and its first lines arrive once it starts', async () => {
  await withEngine('logs-created', async (engine) => {
    const name = unique('created');
    const id = await docker([
      'create',
      '--label',
      LABEL,
      '--network',
      'none',
      '--name',
      name,
      IMAGE,
      'sh',
      '-c',
      'echo first-run; exec sleep 3600',
    ]);
    const pty = new ContainerLogsTerminal(engine, { id, name });
    const out = new Transcript(pty);
    pty.open();
    try {
      await out.waitForText(`${name} has not been started yet`);
      await docker(['start', id]);
      await out.waitForText('first-run\r\n');
    } finally {
      pty.close();
    }
  });
}, 60_000);

test('logs: openLogs opens a terminal fed by the log stream; closing it stops the stream', async () => {
  await withEngine('openLogs', async (engine) => {
    const name = unique('openlogs');
    const id = await runContainer(name, ['sh', '-c', 'echo berth-open-logs; exec sleep 3600']);
    const terminal = openLogs(engine, { id, name });
    const pty = ptyOf(terminal) as ContainerLogsTerminal;
    assert.ok(pty instanceof ContainerLogsTerminal);
    assert.equal(terminal.name, `Logs: ${name}`);
    // Subscribed before VS Code calls open(), which happens after a round trip to the window.
    const out = new Transcript(pty);
    await out.waitForText('berth-open-logs\r\n');
    assert.equal(pty.status, 'streaming');
    const closed = whenClosed(terminal);
    terminal.dispose();
    await closed;
    assert.equal(pty.status, 'closed');
  });
}, 60_000);

test("logs: the command's terminal keeps its engine connection when Berth moves to another engine, until it closes", async () => {
  await withEngine('logs across an engine switch', async () => {
    const { service } = await api();
    const name = unique('held');
    const id = await runContainer(name, ['sh', '-c', 'i=0; while :; do echo tick-$i; i=$((i+1)); sleep 0.2; done']);
    const [terminal] = (await vscode.commands.executeCommand<vscode.Terminal[]>('berth.containers.logs', { id })) ?? [];
    assert.ok(terminal, 'the logs command opened a terminal');
    const pty = ptyOf(terminal) as ContainerLogsTerminal;
    const out = new Transcript(pty);
    const settings = vscode.workspace.getConfiguration('berth');
    try {
      await out.waitForText('tick-');
      // The views move to an address where nothing answers: the connection they had is let go.
      await settings.update('docker.host', `unix:///tmp/${name}-missing.sock`, vscode.ConfigurationTarget.Global);
      await waitFor('the engine service to move', async () => service.state.kind === 'failed');
      const mark = out.text.length;
      await out.waitFor('ticks after the move', (text) => /tick-\d+\r\n/.test(text), 10_000, mark);
      assert.equal(pty.status, 'streaming');
    } finally {
      await settings.update('docker.host', undefined, vscode.ConfigurationTarget.Global);
      await waitFor(
        'connected again',
        async () =>
          await service.engine().then(
            () => true,
            () => false,
          ),
      );
      const closed = whenClosed(terminal);
      terminal.dispose();
      await closed;
    }
  });
}, 60_000);

test('shell: echo comes back through the Pseudoterminal; resize, Ctrl+C and the exit code work', async () => {
  await withEngine('shell', async (engine) => {
    const name = unique('shell');
    const id = await runContainer(name, ['sleep', '3600']);
    const pty = new ContainerShellTerminal(engine, { id, name });
    const out = new Transcript(pty);
    const exitCode = new Promise<number | undefined>((resolve) => pty.onDidExit(resolve));
    const closed = new Promise<void>((resolve) => pty.onDidClose(() => resolve()));
    pty.open({ columns: 91, rows: 27 });
    try {
      // Typed before the exec runs: kept and sent once it does.
      pty.handleInput('echo $((6*7))-berth\r');
      await out.waitForText('42-berth');
      assert.deepEqual(pty.command, ['sh'], 'busybox has no bash: sh');

      let mark = out.text.length;
      pty.handleInput('stty size\r');
      await out.waitForText('27 91', undefined, mark);
      pty.setDimensions({ columns: 100, rows: 40 });
      // The resize is a request to the engine: a `stty size` typed at once can run before it lands
      // (it did on a loaded CI run, answering 27 91). Ask again until the TTY has the new size.
      mark = out.text.length;
      await waitFor(
        'stty to report the new size, 40 100',
        () => {
          if (out.text.includes('40 100', mark)) return true;
          pty.handleInput('stty size\r');
          return false;
        },
        15_000,
        500,
      );

      // Ctrl+C is a raw byte to the container's TTY, which interrupts the foreground sleep. It is
      // sent once sleep runs: before that the shell's line editor has the TTY in raw mode, where
      // 0x03 is just a character, as it would be for a user typing ahead.
      mark = out.text.length;
      pty.handleInput('sleep 600\r');
      await waitFor('sleep 600 to run in the container', async () =>
        (await docker(['exec', id, 'ps', '-o', 'args'])).includes('sleep 600'),
      );
      pty.handleInput('\x03');
      pty.handleInput('echo after-$((1+1))\r');
      await out.waitForText('after-2', 10_000, mark);

      pty.handleInput('exit 7\r');
      assert.equal(await exitCode, 7);
      await out.waitForText('exited with code 7');
      assert.equal(pty.status, 'exited');
      pty.handleInput('x'); // "press any key to close"
      await closed;
    } finally {
      pty.close();
    }
  });
}, 60_000);

test('shell: a chosen user, an unknown user, a stopped container: each says what happened', async () => {
  await withEngine('shell-users', async (engine) => {
    const name = unique('users');
    const id = await runContainer(name, ['sleep', '3600']);

    const asNobody = new ContainerShellTerminal(engine, { id, name }, { user: 'nobody' });
    const nobody = new Transcript(asNobody);
    asNobody.open(undefined);
    asNobody.handleInput('echo uid=$(id -u)\r');
    await nobody.waitForText('uid=65534');
    asNobody.close();

    const asGhost = new ContainerShellTerminal(engine, { id, name }, { user: 'ghost' });
    const ghost = new Transcript(asGhost);
    asGhost.open(undefined);
    await ghost.waitForText('There is no user "ghost"');
    assert.equal(asGhost.status, 'failed');
    asGhost.close();

    await docker(['stop', '-t', '0', id]);
    const stopped = new ContainerShellTerminal(engine, { id, name });
    const text = new Transcript(stopped);
    stopped.open(undefined);
    await text.waitForText(`${name} is not running`);
    stopped.close();
  });
}, 60_000);

test('shell: openShell opens a named terminal whose Pseudoterminal runs the shell', async () => {
  await withEngine('openShell', async (engine) => {
    const name = unique('openshell');
    const id = await runContainer(name, ['sleep', '3600']);
    const terminal = openShell(engine, { id, name }, { user: 'root' });
    assert.equal(terminal.name, `Shell: ${name} (root)`);
    const pty = ptyOf(terminal) as ContainerShellTerminal;
    assert.ok(pty instanceof ContainerShellTerminal);
    const out = new Transcript(pty);
    // Drives the same Pseudoterminal VS Code opened: what a keystroke in the terminal would send.
    pty.handleInput('echo via-$((2*21))\r');
    await out.waitForText('via-42');
    // Closing the terminal hangs up the shell and its foreground job, as closing a real terminal
    // does; the engine alone would leave both running in the container.
    pty.handleInput('sleep 4321\r');
    const running = async () =>
      / sleep 4321/.test(
        await docker(['exec', id, 'ps', '-o', 'stat,args']).then((ps) =>
          ps
            .split('\n')
            .filter((l) => !/^\s*Z/.test(l))
            .join('\n'),
        ),
      );
    await waitFor('sleep 4321 to run', running);
    const closed = whenClosed(terminal);
    terminal.dispose();
    await closed;
    assert.equal(pty.status, 'closed');
    await waitFor('the shell and its job to be hung up', async () => !(await running()));
  });
}, 60_000);

test('inspect: a read-only JSON document per object, refreshed when opened again', async () => {
  await withEngine('inspect', async (engine) => {
    const name = unique('inspect');
    const id = await runContainer(name, ['sleep', '3600']);
    // This bundle holds its own copy of inspect.ts, whose provider for the scheme sits beside the
    // extension's; it is removed at the end so later tests see only the extension's.
    const registration = registerInspectProvider();
    try {
      const editor = await openInspect(engine, 'container', id);
      const document = editor.document;
      assert.equal(document.uri.scheme, INSPECT_SCHEME);
      assert.equal(document.uri.path, `/container/${id}.json`);
      assert.equal(document.languageId, 'json');
      const info = JSON.parse(document.getText());
      assert.equal(info.Id, id);
      assert.equal(info.Name, `/${name}`);
      assert.equal(info.Config.Labels['berth.test'], 'terminals');
      assert.equal(info.State.Running, true);
      assert.ok(document.getText().includes('\n  "Id"'), 'pretty-printed');

      await docker(['stop', '-t', '0', id]);
      await openInspect(engine, 'container', id);
      await new Promise<void>((resolve, reject) => {
        const check = () => JSON.parse(document.getText()).State.Running === false;
        if (check()) return resolve();
        const timer = setTimeout(() => {
          sub.dispose();
          reject(new Error('the inspect document did not refresh to the stopped state'));
        }, 10_000);
        const sub = vscode.workspace.onDidChangeTextDocument((event) => {
          if (event.document.uri.toString() === document.uri.toString() && check()) {
            clearTimeout(timer);
            sub.dispose();
            resolve();
          }
        });
      });

      // Image references hold ':' (and often '/'): they survive the round trip through the URI.
      const image = await openInspect(engine, 'image', IMAGE);
      assert.ok(JSON.parse(image.document.getText()).RepoTags.includes(IMAGE));
      await assert.rejects(openInspect(engine, 'volume', 'berth-no-such-volume'), /no such volume|not found/i);
    } finally {
      await closeAllEditors();
      registration.dispose();
    }
  });
}, 60_000);

const HTPASSWD = TEST_LOGIN.htpasswd;

test('push and pull: credentials from ~/.docker/config.json authenticate at a real registry; progress reaches 100%', async () => {
  const missing = registryMissing();
  if (missing) {
    // Not provisioned everywhere yet: say so rather than pass quietly.
    console.log(`SKIP push and pull: ${missing}`);
    return;
  }
  await withEngine('push', async (engine) => {
    const registry = await startRegistry({ htpasswd: HTPASSWD });
    const port = registry.port;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-push-home-'));
    const reference = `127.0.0.1:${port}/berth-test/busybox:${Math.random().toString(36).slice(2, 8)}`;
    const home = path.join(dir, 'home');
    fs.mkdirSync(path.join(home, '.docker'), { recursive: true });
    const env = { HOME: home, PATH: process.env.PATH };
    try {
      await docker(['tag', IMAGE, reference]);

      // Nothing stored: the message says which login to run.
      fs.writeFileSync(path.join(home, '.docker/config.json'), JSON.stringify({ auths: {} }));
      await assert.rejects(credentialsForPush(reference, { env }), (error: unknown) => {
        assert.ok(error instanceof CredentialsError);
        assert.match(
          error.message,
          new RegExp(`No credentials for registry 127\\.0\\.0\\.1:${port}: run docker login 127\\.0\\.0\\.1:${port}`),
        );
        return true;
      });
      await assert.rejects(
        engine.pushImage(reference, undefined, () => undefined),
        /no basic auth credentials|unauthorized|authentication required/i,
      );

      fs.writeFileSync(
        path.join(home, '.docker/config.json'),
        JSON.stringify({ auths: { [`http://127.0.0.1:${port}`]: { auth: Buffer.from('berth-test:s3cret-pass').toString('base64') } } }),
      );
      const auth = await credentialsForPush(reference, { env });
      assert.equal(auth.username, 'berth-test');
      const pushed = new ProgressAggregator('push');
      await withPullProgress(
        `Pushing ${reference}`,
        (onProgress, signal) => engine.pushImage(reference, auth, (event) => (pushed.add(event), onProgress(event)), signal),
        'push',
      );
      const push = pushed.summary();
      assert.ok(push.layers >= 1, 'the push reported its layers');
      assert.equal(push.layersDone, push.layers);
      assert.equal(push.percent, 100);
      assert.match(push.status ?? '', /digest: sha256:/);

      // Pulled back after removing the local tag: the registry wants the credentials for that too.
      await docker(['rmi', reference]);
      await assert.rejects(
        engine.pullImage(reference, () => undefined),
        /no basic auth credentials|unauthorized|authentication required/i,
      );
      const pullAuth = await credentialsForPull(reference, { env });
      const pulled = new ProgressAggregator('pull');
      await withPullProgress(`Pulling ${reference}`, (onProgress, signal) =>
        engine.pullImage(reference, (event) => (pulled.add(event), onProgress(event)), signal, pullAuth),
      );
      assert.match(pulled.summary().status ?? '', /Status: (Downloaded newer image|Image is up to date)/);
      assert.ok(await docker(['image', 'inspect', '--format', '{{.Id}}', reference]));
    } finally {
      await registry.stop();
      await docker(['rmi', reference]).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}, 90_000);
