/**
 * ssh:// engines the way the docker CLI reaches them: each HTTP connection is an `ssh` child
 * process running `docker system dial-stdio` on the remote, so the user's own ssh client, config,
 * keys, agent and known_hosts all apply (no ssh2 library demanding an agent).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, type AgentOptions } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { EngineError, type Endpoint } from './types';

export interface SshOptions {
  /** The ssh binary; `ssh` on PATH by default. */
  command?: string;
  /** Extra options placed before `--` (tests pass `-F config`). */
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

/** ssh's argv for an endpoint: no shell is involved, and `--` keeps the host from being read as an option. */
export function sshArgs(endpoint: Endpoint, extra: string[] = []): string[] {
  if (endpoint.kind !== 'ssh' || !endpoint.host) throw new Error('sshArgs needs an ssh endpoint');
  return [
    ...(endpoint.port ? ['-p', String(endpoint.port)] : []),
    ...(endpoint.user ? ['-l', endpoint.user] : []),
    '-o',
    'BatchMode=yes', // never prompt: there is no terminal to prompt in
    ...extra,
    '--',
    endpoint.host,
    'docker',
    'system',
    'dial-stdio',
  ];
}

/** One ssh process as a socket for node:http. */
class SshSocket extends Duplex {
  private stderr = '';
  private gotData = false;

  constructor(
    readonly child: ChildProcess,
    private readonly endpoint: Endpoint,
  ) {
    super();
    child.stdout!.on('data', (chunk: Buffer) => {
      this.gotData = true;
      if (!this.push(chunk)) child.stdout!.pause();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 8192) this.stderr += chunk.toString('utf8');
    });
    child.stdin!.on('error', () => {
      /* EPIPE when ssh died: reported through 'exit' below */
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      this.destroy(
        err.code === 'ENOENT'
          ? new EngineError(
              'ssh',
              `Cannot run ssh to reach ${endpoint.display}: the ssh client is not installed.`,
              'Install an OpenSSH client (apt-get install openssh-client) and make sure ssh is on PATH.',
            )
          : new EngineError('ssh', `Cannot run ssh to reach ${endpoint.display}: ${err.message}.`),
      );
    });
    // 'close' rather than stdout's end: the exit code decides between end of stream and failure.
    child.on('close', (code, signal) => {
      if (this.destroyed) return;
      if (code !== 0 && !this.gotData && signal === null) this.destroy(this.failure(code));
      else this.push(null);
    });
  }

  /** Why ssh exited before the engine said anything, from what it wrote to stderr. */
  private failure(code: number | null): EngineError {
    const text = this.stderr.trim();
    const last = text.split('\n').filter(Boolean).pop() ?? `exit code ${code}`;
    const target = this.endpoint.display;
    if (/Permission denied|Too many authentication failures/i.test(text)) {
      return new EngineError(
        'ssh',
        `ssh to ${target} was refused: ${last}`,
        'Make sure ssh -o BatchMode=yes works for this host without a password (a key in ~/.ssh or ssh-agent, and the user in your ssh config).',
      );
    }
    if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(text)) {
      return new EngineError(
        'ssh',
        `ssh to ${target}: ${last}`,
        `Connect once with ssh ${this.endpoint.host} in a terminal to check and accept the host key.`,
      );
    }
    if (/Could not resolve hostname|Connection refused|Connection timed out|No route to host|Network is unreachable/i.test(text)) {
      return new EngineError(
        'unreachable',
        `Cannot reach ${target} over ssh: ${last}`,
        'Check the host name and port, and that sshd runs there.',
      );
    }
    if (code === 127 || /docker: (command )?not found|not found/i.test(text)) {
      return new EngineError(
        'ssh',
        `The docker CLI is not installed on ${target} (ssh ran, but "docker system dial-stdio" failed: ${last}).`,
        'Install the docker CLI on the remote host, and make sure it is on the PATH of non-interactive ssh sessions.',
      );
    }
    if (/Cannot connect to the Docker daemon|permission denied/i.test(text)) {
      return new EngineError(
        'ssh',
        `The remote docker on ${target} cannot reach its engine: ${last}`,
        'On the remote host, start Docker and add the ssh user to the docker group.',
      );
    }
    return new EngineError(
      'ssh',
      `ssh to ${target} failed (exit code ${code}): ${last}`,
      'Try ssh with the same host in a terminal to see what it needs.',
    );
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (!this.child.stdin || this.child.stdin.destroyed) return done(new EngineError('ssh', `ssh to ${this.endpoint.display} has gone.`));
    // A write can fail (EPIPE) before ssh's exit is seen; the 'close' handler then says why
    // ssh ended, which beats node:http's "socket hang up".
    this.child.stdin.write(chunk, () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.child.stdin?.end();
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    done(err);
  }

  // What node:http calls on a net.Socket; nothing to tune on a pipe.
  setTimeout(_ms: number, cb?: () => void): this {
    if (cb) this.once('timeout', cb);
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/** An http.Agent whose connections are ssh processes; `destroy()` ends them all. */
export class SshAgent extends Agent {
  private readonly children = new Set<ChildProcess>();

  constructor(
    private readonly endpoint: Endpoint,
    private readonly ssh: SshOptions = {},
    options: AgentOptions = {},
  ) {
    // Keep connections: each new one costs an ssh handshake.
    super({ keepAlive: true, maxSockets: 8, ...options });
  }

  override createConnection(_options: unknown, _cb?: unknown): Socket {
    const child = spawn(this.ssh.command ?? 'ssh', sshArgs(this.endpoint, this.ssh.extraArgs), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: this.ssh.env ?? process.env,
      windowsHide: true,
    });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    child.on('error', () => this.children.delete(child));
    return new SshSocket(child, this.endpoint) as unknown as Socket;
  }

  override destroy(): void {
    super.destroy();
    for (const child of this.children) child.kill();
    this.children.clear();
  }
}
