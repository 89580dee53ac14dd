/**
 * The shared per-RUN analysis: every RUN with the shell state its stage gives it (SHELL, USER,
 * ENV), its script split into commands once, and each command's program past `sudo`/`env`
 * wrappers. Computed once per lint, on first use, for all the rules that read RUN commands.
 */
import { activeLintMemo } from '../../lintMemo';
import type { Instruction, Stage } from '../../model';
import { commandWords, programName, type SimpleCommand } from '../../shell';
import { keyValues } from '../../variables';
import { runScript, type RunScript } from './runScript';

/** What the stage has set up by the time a RUN runs; a stage built on another inherits it. */
export interface ShellState {
  /** The SHELL sets `-o pipefail`. */
  pipefail: boolean;
  /** The SHELL is no POSIX shell (PowerShell, cmd), whose pipes work differently. */
  foreign: boolean;
  /** ENV or ARG sets PIP_NO_CACHE_DIR. */
  pipNoCache: boolean;
  /** A USER came before: removing sudo might leave a step without the root it needs. */
  user: boolean;
}

/** One simple command of a RUN, with the program it runs. */
export interface RunCommand {
  command: SimpleCommand;
  /** The words past wrappers (`sudo`, `env X=1`, assignments): `words[0]` is the program. */
  words: string[];
  /** Index in `command.words` where `words` starts. */
  at: number;
  /** The program without its directory (`/usr/bin/apt-get` → `apt-get`). */
  program: string;
}

/**
 * The words RUN rules select RUNs by (`ctx.runs('apt')`), found in one scan per RUN: most RUNs
 * mention none, so most are never split or even given a Run. A rule that needs another word
 * adds it here.
 */
const HINTS = ['sudo', 'cd', 'apt', 'pip', 'apk', 'curl', 'wget', 'npm', 'gem', 'useradd', '|', 'yum', 'dnf', 'zypper'] as const;
export type RunHint = (typeof HINTS)[number];
const HINT_BITS = new Map<string, number>(HINTS.map((word, i) => [word, 1 << i]));
const ANY_HINT = new RegExp(HINTS.map((w) => w.replace('|', '\\|')).join('|'));

/** The bits of `words`. */
export function hintMask(words: readonly RunHint[]): number {
  let mask = 0;
  for (const word of words) mask |= HINT_BITS.get(word)!;
  return mask;
}

/** The bits of the hint words in `text`, remembered by the lint's memo. */
function hintsIn(text: string): number {
  const memo = activeLintMemo();
  return memo ? memo.hints.answer(text, scanHints) : scanHints(text);
}

function scanHints(text: string): number {
  if (!ANY_HINT.test(text)) return 0;
  let mask = 0;
  for (let i = 0; i < HINTS.length; i++) if (text.includes(HINTS[i])) mask |= 1 << i;
  return mask;
}

/** One RUN that mentions a hint word, as the rules read it. */
export class Run {
  private splitScript: RunScript | undefined;
  private programs: RunCommand[] | undefined;

  constructor(
    readonly instruction: Instruction,
    readonly stage: Stage,
    /** The stage's state as this RUN sees it (a snapshot). */
    readonly state: Readonly<ShellState>,
    /** The stage is part of the final image (the last stage or one it is built on). */
    readonly shipped: boolean,
    /** The bits of the hint words the RUN's text (arguments or heredoc bodies) contains. */
    readonly hints: number,
    private readonly split: (i: Instruction) => SimpleCommand[],
  ) {}

  /** The script the RUN hands to a shell, split once. */
  script(): RunScript {
    return (this.splitScript ??= runScript(this.instruction, this.split)!);
  }

  /** The script's commands with their programs, computed once. */
  commands(): readonly RunCommand[] {
    return (this.programs ??= this.script().commands.map((command) => {
      const words = commandWords(command);
      return { command, words, at: command.words.length - words.length, program: programName(words[0]) };
    }));
  }
}

const FOREIGN_SHELLS = /^(?:pwsh|powershell|cmd)(?:\.exe)?$/i;

/** The stages the final image is made of: the last one and the stages it is built on. */
export function finalChain(stages: Stage[]): Set<number> {
  const out = new Set<number>();
  for (let s: number | undefined = stages.length - 1; s !== undefined && s >= 0 && !out.has(s); s = stages[s].parent) out.add(s);
  return out;
}

/** Every RUN of every stage that mentions a hint word, in source order. `split` shares command splits with the other rules. */
export function collectRuns(stages: Stage[], escape: string, split: (i: Instruction) => SimpleCommand[]): Run[] {
  const runs: Run[] = [];
  const states: ShellState[] = [];
  const shipped = finalChain(stages);
  for (const stage of stages) {
    const inherited = stage.parent !== undefined ? states[stage.parent] : undefined;
    let state: ShellState = inherited ? { ...inherited } : { pipefail: false, foreign: false, pipNoCache: false, user: false };
    for (const instruction of stage.instructions) {
      const k = instruction.keyword;
      if (k === 'SHELL' && instruction.json) {
        const values = instruction.json.values;
        state = { ...state, pipefail: values.includes('pipefail'), foreign: FOREIGN_SHELLS.test(programName(values[0])) };
      } else if (k === 'USER') {
        if (!state.user) state = { ...state, user: true };
      } else if ((k === 'ENV' || k === 'ARG') && instruction.argsText.includes('PIP_NO_CACHE_DIR')) {
        for (const { name, value } of keyValues(
          instruction.args.map((a) => a.value),
          escape,
          k === 'ENV',
        )) {
          if (name === 'PIP_NO_CACHE_DIR' && value !== undefined && !/^(?:0|false|no|off)?$/i.test(value))
            state = { ...state, pipNoCache: true };
        }
      } else if (k === 'RUN' || (k === 'ONBUILD' && instruction.trigger?.keyword === 'RUN')) {
        // An ONBUILD RUN runs in the image built on this one: the same script, read the same way.
        const run = k === 'RUN' ? instruction : instruction.trigger!;
        let hints = hintsIn(run.argsText);
        for (let h = 0; h < run.heredocs.length; h++) hints |= hintsIn(run.heredocs[h].body);
        if (hints !== 0) runs.push(new Run(run, stage, state, k === 'ONBUILD' || shipped.has(stage.index), hints, split));
      }
    }
    states[stage.index] = state;
  }
  return runs;
}
