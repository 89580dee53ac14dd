/** Variable references and their expansion, the way BuildKit's shell lexer reads them. */

export interface VariableRef {
  name: string;
  /** Offsets within the scanned string: the whole `$V` / `${V:-d}`. */
  start: number;
  end: number;
  /** `:-`, `-`, `:+`, `+`, `:?`, `?`, or '' for none. */
  modifier: string;
  /** The word after the modifier, unexpanded. */
  operand: string;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Finds `$NAME` and `${NAME…}` references, skipping escaped `$` and single-quoted text. */
export function findVariables(text: string, escape = '\\'): VariableRef[] {
  const refs: VariableRef[] = [];
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === escape && quote !== "'") {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      if (!quote) quote = c;
      else if (quote === c) quote = '';
    }
    if (c !== '$' || quote === "'") continue;
    if (text[i + 1] === '{') {
      const close = matchingBrace(text, i + 1, escape);
      if (close < 0) continue;
      const inner = text.slice(i + 2, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-+?])?([\s\S]*)$/.exec(inner);
      if (!m) continue;
      refs.push({ name: m[1], start: i, end: close + 1, modifier: m[2] ?? '', operand: m[2] ? m[3] : '' });
      i = close;
    } else if (NAME_START.test(text[i + 1] ?? '')) {
      let k = i + 2;
      while (k < text.length && NAME_CHAR.test(text[k])) k++;
      refs.push({ name: text.slice(i + 1, k), start: i, end: k, modifier: '', operand: '' });
      i = k - 1;
    }
  }
  return refs;
}

/** The `}` closing the `{` at `open`, counting nested `${…}`; -1 when there is none. */
function matchingBrace(text: string, open: number, escape: string): number {
  let depth = 0;
  for (let k = open; k < text.length; k++) {
    const c = text[k];
    if (c === escape) k++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return k;
  }
  return -1;
}

export interface Expansion {
  value: string;
  /** True when a variable without a value was met; `value` then holds '' in its place. */
  unresolved: boolean;
}

/** Nesting deeper than this (`${A:-${B:-…}}`) is left unresolved rather than followed. */
const MAX_DEPTH = 16;

/** Expands variables; `lookup` answers undefined for a variable that has no value. */
export function expandVariables(text: string, lookup: (name: string) => string | undefined, escape = '\\', depth = 0): Expansion {
  if (!text.includes('$')) return { value: text, unresolved: false };
  if (depth > MAX_DEPTH) return { value: '', unresolved: true };
  let unresolved = false;
  let out = '';
  let last = 0;
  for (const ref of findVariables(text, escape)) {
    out += text.slice(last, ref.start);
    last = ref.end;
    const value = lookup(ref.name);
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    switch (ref.modifier) {
      case ':-':
        out += nonEmpty ? value : expandVariables(ref.operand, lookup, escape, depth + 1).value;
        break;
      case '-':
        out += set ? value : expandVariables(ref.operand, lookup, escape, depth + 1).value;
        break;
      case ':+':
        out += nonEmpty ? expandVariables(ref.operand, lookup, escape, depth + 1).value : '';
        break;
      case '+':
        out += set ? expandVariables(ref.operand, lookup, escape, depth + 1).value : '';
        break;
      default:
        if (!set) unresolved = true;
        out += value ?? '';
    }
  }
  return { value: out + text.slice(last), unresolved };
}

/** Removes shell quoting: quotes are dropped and the escape character keeps the next character. */
export function unquote(word: string, escape = '\\'): string {
  if (!/["']/.test(word) && !word.includes(escape)) return word;
  let out = '';
  let quote = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === escape && quote === '"' && i + 1 < word.length && '"$`\\'.includes(word[i + 1])) out += word[++i];
      else out += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === escape && i + 1 < word.length) out += word[++i];
    else out += c;
  }
  return out;
}

/**
 * The `NAME=value` pairs (or a bare `NAME`) of an ARG or ENV instruction's words. With
 * `legacy`, `ENV NAME value…` (no `=` in the first word) reads as one pair, as the builder does.
 */
export function keyValues(words: string[], escape = '\\', legacy = false): { name: string; value: string | undefined }[] {
  const out: { name: string; value: string | undefined }[] = [];
  if (legacy && words.length > 1 && !words[0].includes('=')) {
    return [
      {
        name: words[0],
        value: words
          .slice(1)
          .map((w) => unquote(w, escape))
          .join(' '),
      },
    ];
  }
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) out.push({ name: word, value: undefined });
    else out.push({ name: word.slice(0, eq), value: unquote(word.slice(eq + 1), escape) });
  }
  return out;
}
