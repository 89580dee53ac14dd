/**
 * The shared per-RUN analysis: every RUN with the shell state its stage gives it (SHELL, USER,
 * ENV), its script split into commands once, and each command's program past `sudo`/`env`
 * wrappers. Computed once per lint, on first use, for all the rules that read RUN commands.
 */
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

/** One RUN as the rules read it. */
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
    private readonly split: (i: Instruction) => SimpleCommand[],
  ) {}

  /** Whether the RUN's text (arguments or heredoc bodies) contains `word`: a cheap filter before splitting. */
  mentions(word: string): boolean {
    const instruction = this.instruction;
    if (instruction.argsText.includes(word)) return true;
    for (let h = 0; h < instruction.heredocs.length; h++) if (instruction.heredocs[h].body.includes(word)) return true;
    return false;
  }

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

/** Every RUN of every stage, in source order. `split` shares command splits with the other rules. */
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
      } else if (k === 'RUN') runs.push(new Run(instruction, stage, state, shipped.has(stage.index), split));
    }
    states[stage.index] = state;
  }
  return runs;
}
