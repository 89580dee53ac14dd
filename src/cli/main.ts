/**
 * Entry point of dist/cli.js, the `berth` command. Exit status: 0 clean, 1 findings, 2 usage or
 * I/O errors. Nothing reaches the user as a stack trace.
 */
import { version } from '../../package.json';
import { MAX_SOURCE_BYTES } from '../shared/regularFile';
import { loadPart } from './bundles';
import { isUsageError, printable, UsageError, type Command, type Io } from './io';
import { lintCommand } from './lint';
import type * as RunModuleType from './run';

type RunModule = typeof RunModuleType;

/**
 * `berth run`, loaded when it is asked for: the engine client, the run specs and BuildKit's
 * protocol are most of the bundle, and `berth lint` in a pre-commit hook should not start them.
 */
const runCommand: Command = {
  name: 'run',
  summary: 'Run a folder in a toolchain container (Go, Hugo, Node, …)',
  get help() {
    return loadRun().help;
  },
  run: (args, io) => loadRun().run(args, io),
};

function loadRun(): Command {
  return loadPart<RunModule>('./run', 'cli-run.js').runCommand;
}

/** Every command, in help order; a new command is one more entry. */
const COMMANDS: Command[] = [lintCommand, runCommand];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  const rows = [...COMMANDS.map((c) => [c.name, c.summary]), ['help', 'Show the help of a command']];
  return `berth ${version}: Dockerfile and Compose linting for the terminal and CI, and your folder in a toolchain container

Usage: berth <command> [options]

Commands:
${rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`).join('\n')}

Options:
  -h, --help     show this help
  -v, --version  show the version

Run 'berth help <command>' for a command's options.
`;
}

function find(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '-h' || first === '--help') {
      (first === undefined ? io.err : io.out)(mainHelp());
      return first === undefined ? 2 : 0;
    }
    if (first === '-v' || first === '--version') {
      io.out(`${version}\n`);
      return 0;
    }
    if (first === 'help') {
      if (rest[0] === undefined) {
        io.out(mainHelp());
        return 0;
      }
      const command = find(rest[0]);
      if (!command) throw new UsageError(`unknown command '${rest[0]}'`);
      io.out(command.help);
      return 0;
    }
    const command = find(first);
    if (!command) {
      throw new UsageError(first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`);
    }
    return await command.run(rest, io);
  } catch (error) {
    if (isUsageError(error)) {
      const prefix = error.command ? `berth ${error.command}` : 'berth';
      const helpHint = error.command ? `berth help ${error.command}` : 'berth --help';
      io.err(`${prefix}: ${printable(error.message)}\nRun '${helpHint}' for usage.\n`);
      return 2;
    }
    // A bug of ours: one line, not a trace, and where to send it.
    io.err(
      `berth: internal error: ${printable(error instanceof Error ? error.message : String(error))}\nPlease report it at https://github.com/berth-dev/berth/issues\n`,
    );
    return 2;
  }
}

/** Standard input, up to the same cap as a file: `berth lint - < /dev/zero` must end. */
function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    process.stdin.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > MAX_SOURCE_BYTES) {
        process.stdin.destroy();
        reject(new Error(`larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MB, too large to be a Dockerfile`));
      } else chunks.push(chunk);
    });
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

if (require.main === module) {
  // `berth lint … | head` closes the pipe early; that is not an error worth a trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const io: Io = {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    readStdin,
    cwd: process.cwd(),
    version,
  };
  main(process.argv.slice(2), io).then(
    (status) => {
      process.exitCode = status;
    },
    () => {
      process.exitCode = 2;
    },
  );
}
