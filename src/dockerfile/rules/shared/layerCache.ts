/** Layer-cache ordering: copies of the whole build context and the dependency installs after them. */
import type { Instruction, Stage, Word } from '../../model';
import { detectInstall, mentionsInstaller, type Install } from '../../installers';
import { splitCommands, type SimpleCommand } from '../../shell';
import { unquote } from '../../variables';
import { activeLintMemo, type FirstInstall } from '../../lintMemo';
import { shellText } from './source';

const WHOLE_CONTEXT = new Set(['.', './', '*', './*', './.', '.\\', '/.']);

/** The source of a COPY/ADD that copies the whole build context, if it does. */
export function broadCopySource(instruction: Instruction, escape: string, text?: string): Word | undefined {
  if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') return undefined;
  if (instruction.heredocs.length > 0) return undefined;
  for (let k = 0; k < instruction.flags.length; k++) if (instruction.flags[k].name === 'from') return undefined;
  if (instruction.json) {
    const source = instruction.json.values.slice(0, -1).find((v) => WHOLE_CONTEXT.has(v));
    if (source === undefined) return undefined;
    // Underline the quoted source inside the array when the text is at hand.
    const quoted = JSON.stringify(source);
    const at = text ? text.slice(instruction.argsSpan.start, instruction.argsSpan.end).indexOf(quoted) : -1;
    const span =
      at >= 0 ? { start: instruction.argsSpan.start + at, end: instruction.argsSpan.start + at + quoted.length } : instruction.argsSpan;
    return { value: quoted, span };
  }
  // Every COPY of every lint comes here: no copies of the word list.
  const args = instruction.args;
  for (let k = 0; k < args.length - 1; k++) if (WHOLE_CONTEXT.has(unquote(args[k].value, escape))) return args[k];
  return undefined;
}

export interface InstallStep {
  instruction: Instruction;
  commands: SimpleCommand[];
  /** Index into `commands` of the first install. */
  at: number;
  install: Install;
}

/** The first dependency install in a RUN, if any. */
export function findInstall(instruction: Instruction): InstallStep | undefined {
  if (instruction.keyword !== 'RUN') return undefined;
  const text = shellText(instruction);
  const memo = activeLintMemo();
  const found = memo ? memo.installs.answer(text, firstInstall) : firstInstall(text);
  return found ? { instruction, ...found } : undefined;
}

/** The first install in a script, by text: a lint asks this of every RUN, and a keystroke changes one. */
function firstInstall(text: string): FirstInstall | null {
  if (!mentionsInstaller(text)) return null;
  const commands = splitCommands(text);
  for (let at = 0; at < commands.length; at++) {
    const install = detectInstall(commands[at]);
    if (install) return { commands, at, install };
  }
  return null;
}

/** Broad copies in a stage, each with the first install after it. */
export function copiesBeforeInstalls(
  stage: Stage,
  escape: string,
  text?: string,
): { copy: Instruction; source: Word; step: InstallStep }[] {
  const out: { copy: Instruction; source: Word; step: InstallStep }[] = [];
  const open: { copy: Instruction; source: Word }[] = [];
  // Ecosystems whose dependencies were installed before any broad copy.
  const installedEarly = new Set<string>();
  for (const instruction of stage.instructions) {
    const source = broadCopySource(instruction, escape, text);
    if (source) {
      open.push({ copy: instruction, source });
      continue;
    }
    if (instruction.keyword !== 'RUN') continue;
    const step = findInstall(instruction);
    if (!step) continue;
    if (open.length === 0) {
      installedEarly.add(step.install.ecosystem);
      continue;
    }
    // `poetry install` / `uv sync` after the sources only adds the project itself once the
    // dependencies were installed from the manifests: that is the layout the fix writes. So does
    // `pip install .` (or `-e ./app`), which cannot run without the sources, after a requirements install.
    if ((step.install.early?.again || !step.install.reorderable) && installedEarly.has(step.install.ecosystem)) continue;
    for (const o of open) out.push({ ...o, step });
    open.length = 0;
  }
  return out;
}
