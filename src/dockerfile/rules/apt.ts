/** apt-get update in a layer of its own: the cached index goes stale while later installs reuse it. */
import type { Instruction, Span } from '../model';
import { commandWords, programName, splitCommands, type SimpleCommand } from '../shell';
import { shellSpan, shellText, type RuleContext } from './context';

function aptVerb(command: SimpleCommand): string | undefined {
  const words = commandWords(command);
  const prog = programName(words[0]);
  if (prog !== 'apt-get' && prog !== 'apt') return undefined;
  return words.slice(1).find((w) => !w.startsWith('-'));
}

export function isAptUpdate(command: SimpleCommand): boolean {
  return aptVerb(command) === 'update';
}

export function isAptInstall(command: SimpleCommand): boolean {
  const verb = aptVerb(command);
  return verb === 'install' || verb === 'upgrade' || verb === 'dist-upgrade' || verb === 'full-upgrade' || verb === 'build-dep';
}

export function aptCommands(instruction: Instruction): SimpleCommand[] {
  return instruction.keyword === 'RUN' ? splitCommands(shellText(instruction)) : [];
}

/** Where `apt-get update` / `apt update` stands in the instruction's source, or the keyword. */
export function aptUpdateSpan(source: string, instruction: Instruction): Span {
  const text = shellText(instruction);
  const update = splitCommands(text).find(isAptUpdate);
  if (!update) return instruction.keywordSpan;
  // From the program (past sudo or env) to the last word, without trailing redirections or spaces.
  const program = commandWords(update)[0];
  const found = text.indexOf(program, update.start);
  const start = found >= 0 && found < update.end ? found : update.start;
  const end = update.start + text.slice(update.start, update.end).search(/\s*(?:[0-9]*[<>].*)?$/);
  return shellSpan(source, instruction, start, end);
}

export function checkApt(ctx: RuleContext): void {
  for (const instruction of ctx.doc.instructions) {
    if (instruction.keyword !== 'RUN' || !shellText(instruction).includes('apt')) continue;
    const commands = ctx.commands(instruction);
    if (!commands.some(isAptUpdate) || commands.some(isAptInstall)) continue;
    ctx.report({
      code: 'apt-update-alone',
      span: aptUpdateSpan(ctx.doc.text, instruction),
      message:
        "'apt-get update' runs without an install in the same RUN, so its cached layer goes stale and later installs fetch outdated packages. Run it in the same RUN as 'apt-get install'.",
    });
  }
}
