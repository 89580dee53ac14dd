/**
 * Shared pieces of the engine tests: the engine under test, the docker CLI (argv arrays only),
 * polling with a deadline (test/fixtures/waitFor.ts, re-exported for them), and cleanup of
 * everything labelled berth.test=1.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createEngine } from '../../src/engine/httpEngine';
import { resolveEndpoint } from '../../src/engine/endpoint';
import type { Endpoint, Engine } from '../../src/engine/types';
import { BUSYBOX_IMAGE } from '../fixtures/testImages';
import { waitFor } from '../fixtures/waitFor';

export { waitFor };

const execFileP = promisify(execFile);

export const LABEL = 'berth.test';
export const IMAGE = BUSYBOX_IMAGE;

/** The shared engine this machine's tests use (DOCKER_HOST or the default socket). */
export function sharedEngine(): Engine {
  return createEngine(resolveEndpoint());
}

/** Runs the docker CLI against `host` (or the shared engine); resolves with stdout. */
export async function docker(args: string[], host?: string): Promise<string> {
  const env = { ...process.env, ...(host ? { DOCKER_HOST: host } : {}) };
  const { stdout } = await execFileP('docker', args, { env, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** A unique name for something this test creates. */
export function uniqueName(prefix: string): string {
  return `berth-test-${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Creates (not starts) a labelled busybox container; returns its id. */
export async function createContainer(
  name: string,
  extra: string[] = [],
  cmd: string[] = ['sleep', '3600'],
  host?: string,
): Promise<string> {
  return docker(['create', '--label', `${LABEL}=1`, '--name', name, ...extra, IMAGE, ...cmd], host);
}

/** Removes every container, volume and network labelled berth.test=1, and dangling test images. */
export async function cleanupLabelled(host?: string): Promise<void> {
  const ids = (await docker(['ps', '-aq', '--filter', `label=${LABEL}=1`], host)).split('\n').filter(Boolean);
  if (ids.length) await docker(['rm', '-f', '-v', ...ids], host).catch(() => undefined);
  const vols = (await docker(['volume', 'ls', '-q', '--filter', `label=${LABEL}=1`], host)).split('\n').filter(Boolean);
  if (vols.length) await docker(['volume', 'rm', '-f', ...vols], host).catch(() => undefined);
  const nets = (await docker(['network', 'ls', '-q', '--filter', `label=${LABEL}=1`], host)).split('\n').filter(Boolean);
  if (nets.length) await docker(['network', 'rm', ...nets], host).catch(() => undefined);
  const imgs = (await docker(['image', 'ls', '-q', '--filter', `label=${LABEL}=1`], host)).split('\n').filter(Boolean);
  if (imgs.length) await docker(['image', 'rm', '-f', ...new Set(imgs)], host).catch(() => undefined);
}

/**
 * A private dockerd for tests that stop and start an engine: its own socket, data root, exec root,
 * pidfile, containerd namespace and network namespace, no bridge and no iptables, so the shared
 * engine other work uses is never touched.
 */
export class PrivateDaemon {
  readonly dir: string;
  readonly socket: string;
  private child?: ChildProcess;

  constructor(name: string) {
    // Short path: unix socket paths are limited to about 100 bytes.
    this.dir = mkdtempSync(join(tmpdir(), `bd-${name}-`));
    this.socket = join(this.dir, 'd.sock');
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    mkdirSync(join(this.dir, 'exec'), { recursive: true });
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  get endpoint(): Endpoint {
    return { kind: 'unix', socketPath: this.socket, display: this.host, source: 'setting' };
  }

  /** Starts dockerd and waits until it answers. */
  async start(timeoutMs = 30_000, extraArgs: string[] = []): Promise<void> {
    const args = [
      '-H',
      this.host,
      '--data-root',
      join(this.dir, 'data'),
      '--exec-root',
      join(this.dir, 'exec'),
      '--pidfile',
      join(this.dir, 'd.pid'),
      '--bridge=none',
      '--iptables=false',
      '--ip-masq=false',
      // Its own managed containerd (state under the exec and data roots) in its own namespace,
      // so nothing it does can touch the shared engine's containers.
      '--containerd-namespace',
      `berth-${process.pid}`,
      '--containerd-plugins-namespace',
      `berth-${process.pid}-plugins`,
      ...extraArgs,
    ];
    // Its own network namespace: a dockerd started with --bridge=none deletes the host's docker0
    // at startup, which would break the shared engine's bridge network.
    const child = spawn('unshare', ['--net', '--', 'dockerd', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let log = '';
    child.stderr!.on('data', (c: Buffer) => {
      log = (log + c.toString()).slice(-4000);
    });
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`private dockerd exited (code ${code}):\n${log}`))),
    );
    await Promise.race([
      waitFor(
        'private dockerd to answer',
        () => docker(['version', '--format', '{{.Server.Version}}'], this.host).then(Boolean),
        timeoutMs,
        100,
      ),
      exited,
    ]);
    exited.catch(() => undefined);
  }

  /** Stops dockerd (SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  }

  /**
   * Kills dockerd outright (SIGKILL), as a crash or an OOM kill would: it cannot stop its
   * containers or close its connections cleanly. start() afterwards brings it back.
   */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // unshare execs dockerd, so the child is dockerd itself.
    child.kill('SIGKILL');
    await gone;
    // Its containerd and the containers' shims live on, as they do when the machine's engine
    // crashes; the next start finds them again.
  }

  /** Processes of this daemon (its folder is in their command line) whose argv passes `match`. */
  private processes(match: (argv: string[]) => boolean): number[] {
    const out: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (cmdline.includes(this.dir) && match(cmdline.split('\0'))) out.push(Number(entry));
    }
    return out;
  }

  async destroy(): Promise<void> {
    await this.stop();
    // After kill(), the engine's container processes (containerd shims) outlive it, holding mounts
    // under this folder: end those processes (found by this folder in their command line) and
    // detach what they mounted. Nothing outside this daemon's own folder is touched.
    for (const pid of this.processes(() => true)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1])
      .filter((target): target is string => !!target && target.startsWith(`${this.dir}/`))
      .sort((a, b) => b.length - a.length);
    for (const target of mounts) await execFileP('umount', ['-l', target]).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}
