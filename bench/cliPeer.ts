/**
 * The peer of `berth lint <folder>` in the CLI bench: dockerfile-utils has no command line, so this
 * is the smallest one a user could write around it. It walks the folder as `berth lint` does
 * (node_modules and .git skipped, the same Dockerfile names), reads each file and runs `validate`
 * with docker-langserver's default settings, then prints how many files and findings there were.
 * bench/cli.ts bundles it with esbuild, as dist/cli.js is bundled, and runs it as a process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { validate } from 'dockerfile-utils';
import { PEER_SETTINGS } from './peerSettings';

/** The names bench/cli.ts generates, all of which `berth lint` takes as Dockerfiles. */
const DOCKERFILE = /^(?:(?:docker|container)file(?:\.[\w-]+)?|[\w.-]+\.(?:docker|container)file)$/i;

function walk(dir: string, found: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '.git') walk(full, found);
    } else if (entry.isFile() && DOCKERFILE.test(entry.name)) found.push(full);
  }
}

const files: string[] = [];
walk(process.argv[2], files);
let findings = 0;
for (const file of files.sort()) findings += validate(readFileSync(file, 'utf8'), PEER_SETTINGS).length;
process.stdout.write(`${JSON.stringify({ files: files.length, findings })}\n`);
