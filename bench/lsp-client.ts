/**
 * A minimal LSP client over a child's stdio, the same for every server measured: Content-Length
 * framing, our requests, the server's notifications, and answers to the server's own requests
 * (`workspace/configuration` with the defaults an editor would send) so no server stalls on us.
 * Kept minimal on purpose: no client library sits between the server and the clock.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string };
}

/** Settings an editor would return per section; VS Code's Docker extension defaults for the peer. */
const SECTION_DEFAULTS: Record<string, unknown> = {
  berth: {},
  'docker.languageserver.diagnostics': {
    deprecatedMaintainer: 'warning',
    directiveCasing: 'warning',
    emptyContinuationLine: 'warning',
    instructionCasing: 'warning',
    instructionCmdMultiple: 'warning',
    instructionEntrypointMultiple: 'warning',
    instructionHealthcheckMultiple: 'warning',
    instructionJSONInSingleQuotes: 'warning',
    instructionWorkdirRelative: 'warning',
  },
  'docker.languageserver.formatter': { ignoreMultilineInstructions: false },
};

type Listener = (message: Message, at: number) => void;

export class LspClient {
  readonly child: ChildProcessWithoutNullStreams;
  private buffer: Buffer = Buffer.alloc(0);
  private pendingChunks: Buffer[] = [];
  /** Bytes in `buffer` and `pendingChunks` together. */
  private pendingLength = 0;
  /** The buffered length at which the frame being read is complete (0: not known yet). */
  private needed = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<Listener>();
  private stderr = '';
  private exited: string | undefined;
  /** Server-to-client requests seen, by method, for the report. */
  readonly serverRequests = new Map<string, number>();

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    cwd: string,
    /** Answers for `workspace/configuration` sections other than the defaults (say `berth`). */
    private readonly sections: Record<string, unknown> = {},
  ) {
    this.child = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 8000) this.stderr += chunk.toString();
    });
    this.child.on('error', (err) => this.fail(`could not start: ${err.message}`));
    // 'close' rather than 'exit': by then stderr has been read, so the report can say why.
    this.child.on('close', (code, signal) => this.fail(`exited (code ${code}, signal ${signal})`));
    this.child.stdin.on('error', () => undefined); // reported through 'exit'
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private fail(why: string): void {
    if (this.exited) return;
    this.exited = why;
    const err = new Error(`${this.name} ${why}${this.stderr ? `; stderr:\n${this.stderr.trim()}` : ''}`);
    for (const { reject } of this.pending.values()) reject(err);
    this.pending.clear();
  }

  private onData(chunk: Buffer): void {
    // A large answer arrives in many chunks: gather them until the frame is complete, so it is
    // copied once rather than once per chunk (which made the client, not the server, quadratic).
    this.pendingChunks.push(chunk);
    this.pendingLength += chunk.length;
    if (this.pendingLength < this.needed) return;
    this.buffer = Buffer.concat([this.buffer, ...this.pendingChunks]);
    this.pendingChunks = [];
    this.pendingLength = this.buffer.length;
    this.needed = 0;
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const match = /Content-Length:\s*(\d+)/i.exec(header);
      if (!match) throw new Error(`${this.name} sent a frame without Content-Length: ${header}`);
      const start = headerEnd + 4;
      const end = start + Number(match[1]);
      if (this.buffer.length < end) {
        this.needed = end;
        return;
      }
      const message = JSON.parse(this.buffer.subarray(start, end).toString('utf8')) as Message;
      this.buffer = this.buffer.subarray(end);
      this.pendingLength = this.buffer.length;
      this.dispatch(message, performance.now());
    }
  }

  private dispatch(message: Message, at: number): void {
    if (message.method !== undefined && message.id !== undefined) {
      this.serverRequests.set(message.method, (this.serverRequests.get(message.method) ?? 0) + 1);
      this.send({ jsonrpc: '2.0', id: message.id, result: this.answer(message) });
    } else if (message.id !== undefined) {
      const waiter = this.pending.get(Number(message.id));
      this.pending.delete(Number(message.id));
      if (message.error) waiter?.reject(new Error(`${this.name}: ${message.error.message}`));
      else waiter?.resolve(message.result);
    } else {
      for (const listener of this.listeners) listener(message, at);
    }
  }

  private answer(request: Message): unknown {
    if (request.method === 'workspace/configuration') {
      return (request.params?.items ?? []).map(
        (item: { section?: string }) => this.sections[item.section ?? ''] ?? SECTION_DEFAULTS[item.section ?? ''] ?? {},
      );
    }
    return null; // client/registerCapability, window/workDoneProgress/create, …
  }

  private send(message: Message): void {
    if (this.exited) throw new Error(`${this.name} ${this.exited}${this.stderr ? `; stderr:\n${this.stderr.trim()}` : ''}`);
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  request<T = unknown>(method: string, params: unknown, timeoutMs = 15000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name} did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** Sends a notification and returns the time it was handed to the pipe. */
  notify(method: string, params: unknown): number {
    const at = performance.now();
    this.send({ jsonrpc: '2.0', method, params });
    return at;
  }

  /**
   * Arms a wait for the first notification matching `accept` *before* the triggering message is
   * sent, so a fast answer cannot slip past. Resolves with the message and its arrival time.
   */
  expect(accept: (message: Message) => boolean, timeoutMs: number, what: string): Promise<{ message: Message; at: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms${this.exited ? ` (${this.exited})` : ''}`));
      }, timeoutMs);
      const listener: Listener = (message, at) => {
        if (!accept(message)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve({ message, at });
      };
      this.listeners.add(listener);
    });
  }

  /**
   * CPU time the server process has used so far, every thread's (ms): the run times in nanoseconds
   * from /proc/<pid>/task/<tid>/schedstat, not /proc/<pid>/stat's 10 ms ticks. Undefined without /proc.
   */
  cpuMs(): number | undefined {
    try {
      let ns = 0;
      for (const tid of readdirSync(`/proc/${this.pid}/task`)) {
        ns += Number(readFileSync(`/proc/${this.pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      }
      return ns / 1e6;
    } catch {
      return undefined;
    }
  }

  /** Peak resident set (VmHWM) of the server process in bytes, from /proc. */
  peakRss(): number | undefined {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
      return kb ? Number(kb[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** shutdown + exit, then wait for the process to go; kills it (by its pid) past the deadline. */
  async close(deadlineMs = 5000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    try {
      await this.request('shutdown', null, deadlineMs);
      this.notify('exit', null);
    } catch {
      // fall through to the kill below
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), deadlineMs);
    await gone;
    clearTimeout(timer);
  }
}
