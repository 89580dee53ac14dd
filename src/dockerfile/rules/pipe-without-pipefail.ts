/** A pipe in RUN whose earlier commands may fail unnoticed, and the SHELL that makes them count. */
import { edits, indentAt, insertLinesAfter, offer, type Fixer } from './fixer';
import { defineRule } from './rule';
import { scriptSpan } from './shared/runScript';

/** `set -o pipefail`, `set -euo pipefail`, `set -eux -o pipefail`. */
function setsPipefail(words: string[]): boolean {
  if (words[0] !== 'set') return false;
  for (let i = 1; i < words.length - 1; i++) if (/^-[a-z]*o$/.test(words[i]) && words[i + 1] === 'pipefail') return true;
  return false;
}

/** Base images known to ship bash, so `SHELL ["/bin/bash", …]` cannot break the build. */
const BASH_IMAGES = new Set([
  'debian',
  'ubuntu',
  'buildpack-deps',
  'node',
  'python',
  'golang',
  'ruby',
  'rust',
  'php',
  'perl',
  'openjdk',
  'eclipse-temurin',
  'amazoncorretto',
  'maven',
  'gradle',
  'fedora',
  'centos',
  'rockylinux',
  'almalinux',
  'amazonlinux',
  'oraclelinux',
  'ubi8',
  'ubi9',
]);

/**
 * A SHELL that fails pipes: bash where the base image certainly has it, busybox ash on Alpine.
 * Not `set -o pipefail` under /bin/sh: Debian's dash accepts it only from 0.5.12-7 (Debian 13).
 */
function pipefailFix(f: Fixer): void {
  const { doc } = f;
  const run = f.instruction;
  // An ONBUILD trigger runs under the SHELL of the image built on this one, not this stage's.
  if (!run || run.stage < 0 || run.keyword === 'ONBUILD') return;
  const stage = doc.stages[run.stage];
  // The SHELL goes after FROM: a SHELL the stage sets before this RUN would override it again.
  const before = stage.instructions.indexOf(run);
  if (stage.instructions.slice(0, before).some((i) => i.keyword === 'SHELL')) return;
  let root = stage;
  const seen = new Set<number>();
  while (root.parent !== undefined && !seen.has(root.index)) {
    seen.add(root.index);
    root = doc.stages[root.parent];
  }
  const base = f.context.bases()[root.index];
  if (!base) return;
  const name = base.ref.repository.split('/').pop() ?? '';
  const tag = base.ref.tag ?? '';
  let shell: string | undefined;
  if (name === 'alpine' || /alpine/.test(tag)) shell = '/bin/ash';
  else if (BASH_IMAGES.has(name) && !/busybox|distroless|windows|nanoserver/.test(tag)) shell = '/bin/bash';
  if (!shell) return;
  const line = `SHELL ["${shell}", "-o", "pipefail", "-c"]`;
  offer(
    f,
    `Add ${line} to the stage`,
    edits(f, [insertLinesAfter(doc, stage.from, `${indentAt(doc, stage.from.span.start)}${line}`)]),
    true,
  );
}

/**
 * The program whose output the pipe reads: inside `$(…)` or backquotes that is the first word
 * after the last opening, not the command the substitution is an argument of.
 */
function pipedProgram(text: string, start: number, end: number, words: string[]): string {
  const segment = text.slice(start, end);
  const dollar = segment.lastIndexOf('$(');
  const tick = segment.lastIndexOf('`');
  // Still open at the pipe: no `)` after `$(`, an odd number of backquotes.
  const openDollar = dollar >= 0 && segment.indexOf(')', dollar) < 0 ? dollar : -1;
  const openTick = tick >= 0 && segment.split('`').length % 2 === 0 ? tick : -1;
  const opening = Math.max(openDollar, openTick);
  if (opening >= 0) {
    const inner = /^(?:\$\(|`)\s*([^\s;|&()`'"]+)/.exec(segment.slice(opening));
    if (inner) return inner[1];
  }
  return words[0] ?? '';
}

export const pipeWithoutPipefail = defineRule({
  code: 'pipe-without-pipefail',
  severity: 'warning',
  summary: 'A pipe in RUN without pipefail: a failure before the last command goes unnoticed.',
  hadolint: 'DL4006',
  check(ctx, report) {
    for (const run of ctx.runs('|')) {
      if (run.state.pipefail || run.state.foreign) continue;
      const script = run.script();
      // An exec form without a shell has no pipes; a shebang script runs under its own interpreter.
      if (script.exec || script.shebang) continue;
      let pipefail = false;
      for (const { command, words } of run.commands()) {
        if (setsPipefail(words)) pipefail = true;
        if (command.next !== '|' || pipefail) continue;
        report({
          span: scriptSpan(ctx.doc.text, run.instruction, script, command.end, command.end + 1),
          message: `Only the last command of a pipe decides whether this RUN fails, so a failing '${pipedProgram(script.text, command.start, command.end, words)}' goes unnoticed. Set SHELL ["/bin/bash", "-o", "pipefail", "-c"] before this RUN, or start it with 'set -o pipefail &&' where /bin/sh supports it.`,
        });
        break;
      }
    }
  },
  fix: pipefailFix,
});
