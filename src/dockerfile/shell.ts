/** Just enough of the shell to see which commands a RUN executes. */
import { activeLintMemo } from './lintMemo';

export interface SimpleCommand {
  /** Words with quotes removed. */
  words: string[];
  /** Offsets of the command in the scanned text. */
  start: number;
  end: number;
  /** The operator that follows it: `&&`, `||`, `;`, `|`, `&`, `\n` or '' at the end. */
  next: string;
}

/** Splits shell text into simple commands at top-level operators and newlines, outside quotes. */
export function splitCommands(text: string): SimpleCommand[] {
  const memo = activeLintMemo();
  return memo ? memo.splits.answer(text, split) : split(text);
}

function split(text: string): SimpleCommand[] {
  return new Splitter(text).run();
}

/**
 * The scanner behind split(), its state in fields: helpers as closures would be allocated on
 * every call, and split() runs for every RUN a lint reads.
 */
class Splitter {
  private readonly out: SimpleCommand[] = [];
  private words: string[] = [];
  private word = '';
  private inWord = false;
  /** A word without quotes or escapes is taken as one slice of the text instead of char by char. */
  private wordStart = -1;
  private quote = '';
  private start = -1;
  /** A redirection's target (`> /dev/null`) is not an argument of the command. */
  private dropNext = false;
  /** `case` statements open around this point: `;;` goes back to reading patterns. */
  private cases = 0;
  /** Reading a case pattern (`x86_64|aarch64)`), where `|` separates alternatives, not commands. */
  private pattern = false;

  constructor(private readonly text: string) {}

  run(): SimpleCommand[] {
    const text = this.text;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (this.quote) {
        if (c === this.quote) this.quote = '';
        else if (c === '\\' && this.quote === '"' && i + 1 < text.length) this.word += text[++i];
        else this.word += c;
        continue;
      }
      if (c === '\\' && i + 1 < text.length) {
        const n = text[++i];
        if (n === '\n' || n === '\r') {
          this.endWord(i - 1);
          continue;
        }
        if (this.start < 0) this.start = i - 1;
        if (this.inWord) this.materialize(i - 1);
        this.word += n;
        this.inWord = true;
        continue;
      }
      if (this.pattern && (c === '|' || c === ')' || c === '(' || c === '\n')) {
        this.endWord(i);
        if (c === ')') {
          // The pattern is no command: what follows it is.
          this.pattern = false;
          this.words = [];
          this.start = -1;
        }
        continue;
      }
      // `case $(uname -m) in`: the subject's command substitution is one word, so `in` still opens the patterns.
      if (((c === '$' && text[i + 1] === '(') || c === '`') && this.words.length === 1 && this.words[0] === 'case') {
        const end = substitutionEnd(text, i);
        if (this.start < 0) this.start = i;
        this.materialize(i);
        this.word += text.slice(i, end + 1);
        this.inWord = true;
        i = end;
        continue;
      }
      if (c === '#' && !this.inWord && (i === 0 || /\s/.test(text[i - 1]))) {
        while (i + 1 < text.length && text[i + 1] !== '\n') i++;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') {
        this.endWord(i);
        continue;
      }
      if (c === '>' || c === '<') {
        // `2>&1`, `>/dev/null`, `&>log`, `<<<word`: the fd number before it is no word either.
        const current = this.inWord ? (this.wordStart >= 0 ? text.slice(this.wordStart, i) : this.word) : '';
        if (this.inWord && /^\d+$/.test(current)) {
          this.word = '';
          this.inWord = false;
          this.wordStart = -1;
        } else this.endWord(i);
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
        this.dropNext = true;
        continue;
      }
      if (c === '\n' || c === ';') {
        this.endWord(i);
        this.endCommand(i, c);
        // `;;`, `;&` and `;;&` end a case branch: the next pattern follows.
        if (c === ';' && this.cases > 0 && (text[i + 1] === ';' || text[i + 1] === '&')) {
          while (text[i + 1] === ';' || text[i + 1] === '&') i++;
          this.pattern = true;
        }
        continue;
      }
      if (c === '&' || c === '|') {
        if (c === '&' && text[i + 1] === '>') {
          this.endWord(i);
          i++;
          this.dropNext = true;
          continue;
        }
        const op = text[i + 1] === c ? c + c : c;
        this.endWord(i);
        this.endCommand(i, op);
        i += op.length - 1;
        continue;
      }
      // `{` and `}` group commands only as words of their own: `{}` is find's argument.
      if ((c === '(' && !this.inWord) || c === ')' || ((c === '{' || c === '}') && !this.inWord && /^[\s;]?$/.test(text[i + 1] ?? ''))) {
        this.endWord(i);
        this.endCommand(i, ';');
        continue;
      }
      if (this.start < 0) this.start = i;
      if (c === '"' || c === "'") {
        if (this.inWord) this.materialize(i);
        this.quote = c;
        this.inWord = true;
        continue;
      }
      if (!this.inWord) {
        this.wordStart = i;
        this.inWord = true;
      } else if (this.wordStart < 0) this.word += c;
    }
    this.endWord(text.length);
    this.endCommand(text.length, '');
    return this.out;
  }

  private endWord(at = -1): void {
    if (this.inWord) {
      const value = this.wordStart >= 0 && at >= 0 ? this.text.slice(this.wordStart, at) : this.word;
      if (this.dropNext) this.dropNext = false;
      else if (value === 'esac' && this.cases > 0 && (this.pattern || this.words.length === 0)) {
        this.cases--;
        this.pattern = false;
        this.words = [];
        this.start = -1;
      } else if (!this.pattern) {
        this.words.push(value);
        // `case WORD in` opens the patterns.
        if (value === 'in' && this.words.length === 3 && this.words[0] === 'case') {
          this.cases++;
          this.pattern = true;
        }
      }
    }
    this.word = '';
    this.inWord = false;
    this.wordStart = -1;
  }

  /** From here on the word is built char by char: copy what the slice held so far. */
  private materialize(at: number): void {
    if (this.wordStart >= 0) {
      this.word = this.text.slice(this.wordStart, at);
      this.wordStart = -1;
    }
  }

  private endCommand(end: number, next: string): void {
    this.endWord();
    this.dropNext = false;
    if (this.words.length > 0) this.out.push({ words: this.words, start: this.start, end, next });
    this.words = [];
    this.start = -1;
  }
}

/** Where the command substitution opening at `at` (`$(` or a backquote) closes, or the text's last index. */
function substitutionEnd(text: string, at: number): number {
  if (text[at] === '`') {
    const close = text.indexOf('`', at + 1);
    return close < 0 ? text.length - 1 : close;
  }
  let depth = 0;
  let quote = '';
  for (let j = at + 1; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') j++;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\') j++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j;
  }
  return text.length - 1;
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
