/**
 * The `--stdio` transport: one write per message, and messages handed on as they are read.
 *
 * The library's writer writes the header and then, once that write is done, the body: two system
 * calls, and two wake-ups of the editor reading the pipe, for every publish. On a keystroke that
 * difference is the reader's, and on a loaded machine each wake-up can cost the writer its time
 * slice. The library's reader decodes each message behind a semaphore that waits a turn of the
 * event loop, and the connection waits another before handling it: on a keystroke after an idle
 * moment the first of those turns cost about as much as reading the message.
 */
import { format } from 'node:util';
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  createConnection,
  Disposable,
  type Connection,
  type DataCallback,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
/** Headers longer than this are not headers: the stream is not speaking the protocol. */
const MAX_HEADER_BYTES = 8192;

/**
 * A reader of `Content-Length`-framed JSON messages that parses each as soon as its last byte
 * arrives and hands it on synchronously, in order. A frame it cannot read is reported as an error
 * and skipped.
 */
export class ImmediateMessageReader extends AbstractMessageReader implements MessageReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private bodyLength = -1;
  private callback: DataCallback | undefined;
  /** Whether a `shutdown` request came: ending the stream after it is a clean exit. */
  shutdownRequested = false;

  constructor(private readonly stream: NodeJS.ReadableStream) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (data: Buffer | string) => this.onData(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    const onError = (error: Error) => this.fireError(error);
    const onClose = () => this.fireClose();
    this.stream.on('data', onData);
    this.stream.on('error', onError);
    this.stream.on('close', onClose);
    return Disposable.create(() => {
      this.callback = undefined;
      this.stream.off('data', onData);
      this.stream.off('error', onError);
      this.stream.off('close', onClose);
    });
  }

  private onData(data: Buffer): void {
    this.pending.push(data);
    this.pendingBytes += data.length;
    while (this.callback) {
      if (this.bodyLength < 0 && !this.readHeader()) return;
      if (this.pendingBytes < this.bodyLength) return;
      const buffer = this.take();
      const body = buffer.toString('utf8', 0, this.bodyLength);
      this.keep(buffer.subarray(this.bodyLength));
      this.bodyLength = -1;
      let message: Message;
      try {
        message = JSON.parse(body) as Message;
      } catch (error) {
        this.fireError(error);
        continue;
      }
      if ((message as { method?: unknown }).method === 'shutdown') this.shutdownRequested = true;
      try {
        this.callback(message);
      } catch (error) {
        this.fireError(error);
      }
    }
  }

  /** Reads a complete header block into `bodyLength`; false while it is still arriving. */
  private readHeader(): boolean {
    const buffer = this.take();
    const end = buffer.indexOf(HEADER_END);
    if (end < 0) {
      if (buffer.length > MAX_HEADER_BYTES) {
        this.fireError(new Error(`No message header in ${buffer.length} bytes: the input is not the Language Server Protocol.`));
        this.keep(buffer.subarray(buffer.length - HEADER_END.length));
      }
      return false;
    }
    const header = buffer.toString('latin1', 0, end);
    this.keep(buffer.subarray(end + HEADER_END.length));
    const match = /(?:^|\r\n)content-length:[ \t]*(\d+)[ \t]*(?:\r\n|$)/i.exec(header);
    if (!match) {
      this.fireError(new Error(`A message header without Content-Length: ${JSON.stringify(header)}`));
      return this.pendingBytes > 0 && this.readHeader();
    }
    this.bodyLength = Number(match[1]);
    return true;
  }

  /** Everything pending as one buffer (joined once when a message spans several reads). */
  private take(): Buffer {
    if (this.pending.length !== 1) this.pending = [Buffer.concat(this.pending, this.pendingBytes)];
    return this.pending[0];
  }

  private keep(rest: Buffer): void {
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
  }
}

/** A writer that sends each message as one buffer: `Content-Length` header and JSON body together. */
export class SingleWriteMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    const body = JSON.stringify(message);
    // A string goes to the pipe encoded by the write itself: no buffer to fill first.
    const frame = `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
    return new Promise((resolve, reject) => {
      this.stream.write(frame, 'utf8', (error?: Error | null) => {
        if (!error) {
          this.errors = 0;
          return resolve();
        }
        this.fireError(error, message, ++this.errors);
        reject(error);
      });
    });
  }

  end(): void {
    this.stream.end();
  }
}

/**
 * The connection over this process's stdin and stdout. As the library does for `--stdio`, the
 * process exits when stdin ends, and console output goes to the client's log: a stray
 * `console.log` on stdout would corrupt the protocol.
 */
export function createStdioConnection(): Connection {
  const reader = new ImmediateMessageReader(process.stdin);
  const connection = createConnection(reader, new SingleWriteMessageWriter(process.stdout));
  // The library wires this for a stream input only: with stdin gone no request can come.
  const exit = () => {
    connection.dispose();
    process.exit(reader.shutdownRequested ? 0 : 1);
  };
  process.stdin.on('end', exit);
  process.stdin.on('close', exit);
  const log =
    (method: 'log' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) =>
      connection.console[method](format(...args));
  console.log = log('log');
  console.info = log('info');
  console.debug = log('log');
  console.warn = log('warn');
  console.error = log('error');
  return connection;
}
