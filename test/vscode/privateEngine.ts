/**
 * A dockerd of the test's own, for what acts on a whole engine (prunes, an engine going away), and
 * waiting on the engine service's state as the extension sees it.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { EngineState } from '../../src/extension/engineService';
import type { BerthApi } from '../../src/extension/main';
import { GiveUp, waitFor } from '../fixtures/waitFor';

const run = promisify(execFile);

/** Resolves once the engine service's state satisfies `accept` (now or on a change); rejects at the deadline. */
export function waitState(
  service: BerthApi['service'],
  accept: (state: EngineState) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (accept(service.state)) return resolve();
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`waited ${timeoutMs} ms for ${what}; state is ${JSON.stringify(service.state)}`));
    }, timeoutMs);
    const subscription = service.onDidChangeState((state) => {
      if (!accept(state)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
}

/**
 * A dockerd of its own (data root, exec root, containerd namespace, and network namespace, as
 * test/engine/helpers.ts's PrivateDaemon does; that module pulls dockerode's native addons into
 * this bundle, hence the copy), so stopping it leaves the shared engine alone.
 */
export class PrivateEngine {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-'));
  readonly socket = path.join(this.dir, 'd.sock');
  private child: ReturnType<typeof spawn> | undefined;

  get host(): string {
    return `unix://${this.socket}`;
  }

  async start(): Promise<void> {
    const args = [
      '--net',
      '--',
      'dockerd',
      '-H',
      this.host,
      '--data-root',
      path.join(this.dir, 'data'),
      '--exec-root',
      path.join(this.dir, 'exec'),
      '--pidfile',
      path.join(this.dir, 'd.pid'),
      '--bridge=none',
      '--iptables=false',
      '--ip-masq=false',
      '--containerd-namespace',
      `berthvt-${process.pid}`,
      '--containerd-plugins-namespace',
      `berthvt-${process.pid}-plugins`,
    ];
    const child = spawn('unshare', args, { stdio: 'ignore' });
    this.child = child;
    await waitFor(
      'the private dockerd to answer',
      async () => {
        if (child.exitCode !== null) throw new GiveUp(`it exited (code ${child.exitCode})`);
        await run('docker', ['-H', this.host, 'version', '--format', '{{.Server.Version}}'], { timeout: 5000 });
        return true;
      },
      30_000,
      100,
    );
  }

  /** `docker` against this engine, its output trimmed. */
  docker(...args: string[]): Promise<string> {
    return run('docker', ['-H', this.host, ...args], { timeout: 60_000 }).then((r) => r.stdout.trim());
  }

  /** What a prune takes: an unused volume and network, and a dangling image (an empty tar imported without a name). */
  async seedUnused(): Promise<{ imageId: string }> {
    await this.docker('volume', 'create', 'unused-volume');
    await this.docker('network', 'create', 'unused-network');
    const tarball = path.join(this.dir, 'empty.tar');
    await run('tar', ['-cf', tarball, '-T', '/dev/null']);
    return { imageId: await this.docker('import', tarball) };
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  }

  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}
