/** Just enough of the shell to see which commands a RUN executes. */

export interface SimpleCommand {
  /** Words with quotes removed. */
  words: string[];
  /** Offsets of the command in the scanned text. */
  start: number;
  end: number;
  /** The operator that follows it: `&&`, `||`, `;`, `|`, `&`, `\n` or '' at the end. */
  next: string;
}

/**
 * Splits remembered from one lint of a document to the next, so a keystroke re-splits only
 * the RUN it changed. Only a caller that keeps the document (the language server) holds one:
 * a one-off lint splits afresh. Splits are shared between rules and lints, so read-only.
 */
export class SplitMemo {
  private used = new Map<string, SimpleCommand[]>();
  private older = new Map<string, SimpleCommand[]>();

  get(text: string): SimpleCommand[] | undefined {
    let commands = this.used.get(text);
    if (commands === undefined) {
      commands = this.older.get(text);
      if (commands !== undefined) this.used.set(text, commands);
    }
    return commands;
  }

  set(text: string, commands: SimpleCommand[]): void {
    this.used.set(text, commands);
  }

  /** Drops the splits the last lint did not ask for: what it held, and no more, stays. */
  age(): void {
    this.older = this.used;
    this.used = new Map();
  }
}

let activeMemo: SplitMemo | undefined;

/** Runs `fn` (a lint) with `splitCommands` reading and filling `memo`. */
export function withSplitMemo<T>(memo: SplitMemo, fn: () => T): T {
  const outer = activeMemo;
  activeMemo = memo;
  try {
    return fn();
  } finally {
    activeMemo = outer;
    memo.age();
  }
}

/**
 * Runs `fn` (one lint) so that rules asking for the same RUN's split share one: with the
 * caller's memo if one is in place, else with one that lives for this call only.
 */
export function sharingSplits<T>(fn: () => T): T {
  return activeMemo ? fn() : withSplitMemo(new SplitMemo(), fn);
}

/** Splits shell text into simple commands at top-level operators and newlines, outside quotes. */
export function splitCommands(text: string): SimpleCommand[] {
  const memo = activeMemo;
  if (memo === undefined) return split(text);
  let commands = memo.get(text);
  if (commands === undefined) memo.set(text, (commands = split(text)));
  return commands;
}

function split(text: string): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  // A word without quotes or escapes is taken as one slice of the text instead of char by char.
  let wordStart = -1;
  let quote = '';
  let start = -1;
  // A redirection's target (`> /dev/null`) is not an argument of the command.
  let dropNext = false;
  const endWord = (at = -1) => {
    if (inWord) {
      const value = wordStart >= 0 && at >= 0 ? text.slice(wordStart, at) : word;
      if (dropNext) dropNext = false;
      else words.push(value);
    }
    word = '';
    inWord = false;
    wordStart = -1;
  };
  /** From here on the word is built char by char: copy what the slice held so far. */
  const materialize = (at: number) => {
    if (wordStart >= 0) {
      word = text.slice(wordStart, at);
      wordStart = -1;
    }
  };
  const endCommand = (end: number, next: string) => {
    endWord();
    dropNext = false;
    if (words.length > 0) out.push({ words, start, end, next });
    words = [];
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
      continue;
    }
    if (c === '\\' && i + 1 < text.length) {
      const n = text[++i];
      if (n === '\n' || n === '\r') {
        endWord(i - 1);
        continue;
      }
      if (start < 0) start = i - 1;
      if (inWord) materialize(i - 1);
      word += n;
      inWord = true;
      continue;
    }
    if (c === '#' && !inWord && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord(i);
      continue;
    }
    if (c === '>' || c === '<') {
      // `2>&1`, `>/dev/null`, `&>log`, `<<<word`: the fd number before it is no word either.
      const current = inWord ? (wordStart >= 0 ? text.slice(wordStart, i) : word) : '';
      if (inWord && /^\d+$/.test(current)) {
        word = '';
        inWord = false;
        wordStart = -1;
      } else endWord(i);
      while (text[i + 1] === '>' || text[i + 1] === '<') i++;
      if (text[i + 1] === '&') {
        i++;
        let k = i;
        while (/[0-9-]/.test(text[k + 1] ?? '')) k++;
        // `>&2` names a descriptor; `>& file` still names a file.
        if (k > i) {
          i = k;
          continue;
        }
      }
      dropNext = true;
      continue;
    }
    if (c === '\n' || c === ';') {
      endWord(i);
      endCommand(i, c);
      continue;
    }
    if (c === '&' || c === '|') {
      if (c === '&' && text[i + 1] === '>') {
        endWord(i);
        i++;
        dropNext = true;
        continue;
      }
      const op = text[i + 1] === c ? c + c : c;
      endWord(i);
      endCommand(i, op);
      i += op.length - 1;
      continue;
    }
    if ((c === '(' && !inWord) || c === ')' || ((c === '{' || c === '}') && !inWord)) {
      endWord(i);
      endCommand(i, ';');
      continue;
    }
    if (start < 0) start = i;
    if (c === '"' || c === "'") {
      if (inWord) materialize(i);
      quote = c;
      inWord = true;
      continue;
    }
    if (!inWord) {
      wordStart = i;
      inWord = true;
    } else if (wordStart < 0) word += c;
  }
  endWord(text.length);
  endCommand(text.length, '');
  return out;
}

/** Words that precede a command without being it. */
const PREFIX_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'while', 'until', 'do', '!', 'time', 'exec', 'nice', 'nohup', 'command']);
/** sudo options that take a value. */
const SUDO_VALUE_OPTIONS = new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T']);

/** The command's words past wrappers such as `sudo`, `env X=1` and leading assignments. */
export function commandWords(command: SimpleCommand): string[] {
  const w = command.words;
  let i = 0;
  while (i < w.length) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w[i]) || PREFIX_KEYWORDS.has(w[i])) i++;
    else if (w[i] === 'sudo' || w[i] === 'env') {
      const wrapper = w[i++];
      while (i < w.length && w[i].startsWith('-')) {
        i += wrapper === 'sudo' && SUDO_VALUE_OPTIONS.has(w[i]) ? 2 : 1;
      }
    } else break;
  }
  return i === 0 ? w : w.slice(i);
}

/** The program name without its directory (`/usr/bin/apt-get` → `apt-get`). */
export function programName(word: string | undefined): string {
  if (!word) return '';
  const slash = word.lastIndexOf('/');
  return slash >= 0 ? word.slice(slash + 1) : word;
}
