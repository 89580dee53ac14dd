/** apt and apt-get commands as several rules read them: verbs, options, and where `update` stands. */
import type { Instruction, Span } from '../../model';
import { commandWords, programName, splitCommands, type SimpleCommand } from '../../shell';
import { shellSpan, shellText } from './source';

/** apt verbs that ask for confirmation unless told yes. */
export const APT_PROMPTS: ReadonlySet<string> = new Set([
  'install',
  'upgrade',
  'dist-upgrade',
  'full-upgrade',
  'build-dep',
  'remove',
  'purge',
  'autoremove',
  'reinstall',
]);

/** `-s`, `--simulate` and its other names: apt only prints what it would do. */
const SIMULATE = new Set(['-s', '--simulate', '--just-print', '--dry-run', '--recon', '--no-act']);

/** The command only simulates (`apt-get install -s`): nothing is installed or asked. */
export function aptSimulates(words: string[]): boolean {
  for (const w of words) if (SIMULATE.has(w) || (/^-[a-zA-Z]+$/.test(w) && w.includes('s'))) return true;
  return false;
}

/** The index of the first word after `from` that is not an option (the verb), or -1. */
export function verbIndex(words: string[], from: number): number {
  for (let i = from; i < words.length; i++) {
    const w = words[i];
    if (!w.startsWith('-')) return i;
    // `-o Option=value` takes the next word.
    if (w === '-o' || w === '-c' || w === '-t') i++;
  }
  return -1;
}

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

/** Programs that read the apt lists an update fetched: they make the update worth its RUN. */
const LIST_READERS = new Set(['apt-cache', 'mk-build-deps', 'aptitude']);
/** apt verbs besides the installing ones that read the lists. */
const LIST_VERBS = new Set(['download', 'source', 'satisfy', 'changelog', 'search', 'show', 'policy', 'list', 'depends']);

/** A command that installs or otherwise reads the lists `apt-get update` fetched. */
export function usesAptLists(command: SimpleCommand): boolean {
  if (isAptInstall(command)) return true;
  const words = commandWords(command);
  if (LIST_READERS.has(programName(words[0]))) return true;
  const verb = aptVerb(command);
  return verb !== undefined && LIST_VERBS.has(verb);
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

/** A command that deletes the apt lists: `rm -rf /var/lib/apt/lists/*` and its variants. */
export function removesAptLists(words: string[]): boolean {
  return words.some((w) => w.startsWith('/var/lib/apt/lists') || w === '/var/lib/apt' || w === '/var/lib/apt/');
}
