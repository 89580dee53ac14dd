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

/** Splits shell text into simple commands at top-level operators and newlines, outside quotes. */
export function splitCommands(text: string): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  let start = -1;
  // A redirection's target (`> /dev/null`) is not an argument of the command.
  let dropNext = false;
  const endWord = () => {
    if (inWord) {
      if (dropNext) dropNext = false;
      else words.push(word);
    }
    word = '';
    inWord = false;
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
        endWord();
        continue;
      }
      if (start < 0) start = i - 1;
      word += n;
      inWord = true;
      continue;
    }
    if (c === '#' && !inWord && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      continue;
    }
    if (c === '>' || c === '<') {
      // `2>&1`, `>/dev/null`, `&>log`, `<<<word`: the fd number before it is no word either.
      if (inWord && /^\d+$/.test(word)) {
        word = '';
        inWord = false;
      } else endWord();
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
      endCommand(i, c);
      continue;
    }
    if (c === '&' || c === '|') {
      if (c === '&' && text[i + 1] === '>') {
        endWord();
        i++;
        dropNext = true;
        continue;
      }
      const op = text[i + 1] === c ? c + c : c;
      endCommand(i, op);
      i += op.length - 1;
      continue;
    }
    if ((c === '(' && !inWord) || c === ')' || ((c === '{' || c === '}') && !inWord)) {
      endCommand(i, ';');
      continue;
    }
    if (start < 0) start = i;
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
      continue;
    }
    word += c;
    inWord = true;
  }
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
