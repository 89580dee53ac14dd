/**
 * The `--stdio` transport with one write per message. The library's writer writes the header and
 * then, once that write is done, the body: two system calls, and two wake-ups of the editor
 * reading the pipe, for every publish. On a keystroke that difference is the reader's, and on a
 * loaded machine each wake-up can cost the writer its time slice.
 */
import { format } from 'node:util';
import {
  AbstractMessageWriter,
  createConnection,
  type Connection,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';

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
    const length = Buffer.byteLength(body, 'utf8');
    const header = `Content-Length: ${length}\r\n\r\n`;
    const frame = Buffer.allocUnsafe(header.length + length);
    frame.write(header, 0, 'latin1');
    frame.write(body, header.length, 'utf8');
    return new Promise((resolve, reject) => {
      this.stream.write(frame, (error?: Error | null) => {
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
  // The library takes a stream on one side and a writer on the other (each side is wrapped
  // independently), and only a stream input gets the exit-on-end wiring; its types only know pairs.
  const input = process.stdin as unknown as MessageReader;
  const connection = createConnection(input, new SingleWriteMessageWriter(process.stdout));
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
