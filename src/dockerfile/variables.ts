/** Variable references and their expansion, the way BuildKit's shell lexer reads them. */
import { activeLintMemo } from './lintMemo';

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

/** A reference found at any depth: inside another's operand (`${A:-$B}`) as well as at the top. */
export interface NestedVariableRef extends VariableRef {
  /** Where `operand` starts in the scanned string. */
  operandStart: number;
  /** How many references enclose this one: 0 at the top. */
  depth: number;
}

/** Finds `$NAME` and `${NAME…}` references, skipping escaped `$` and single-quoted text. Inside a lint the list is shared: read-only. */
export function findVariables(text: string, escape = '\\'): VariableRef[] {
  const memo = escape === '\\' ? activeLintMemo() : undefined;
  return memo ? memo.variables.answer(text, scanPlain) : scan(text, escape, false);
}

function scanPlain(text: string): VariableRef[] {
  return scan(text, '\\', false);
}

/**
 * Every reference, the ones in operands too, in order of their start: each operand is read as if
 * it stood alone (its own quotes), as the shell reads it once the outer default applies. One pass
 * with an explicit stack, so `${a:-${a:-…}}` nested any depth costs its length, no more.
 */
export function findAllVariables(text: string, escape = '\\'): NestedVariableRef[] {
  return scan(text, escape, true) as NestedVariableRef[];
}

function scan(text: string, escape: string, nested: boolean): VariableRef[] {
  const refs: VariableRef[] = [];
  if (!text.includes('$')) return refs;
  let closes: Int32Array | undefined;
  // Each open operand: where it ends (its `}`) and the quote state outside it.
  const frames: { end: number; quote: string }[] = [];
  let end = text.length;
  let quote = '';
  for (let i = 0; ; i++) {
    while (i >= end && frames.length) {
      i = end + 1;
      ({ end, quote } = frames.pop()!);
    }
    if (i >= end) break;
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
      closes ??= matchingBraces(text, escape);
      const close = closes[i + 1];
      // A close past the enclosing operand's cannot happen for aligned scans; guard anyway.
      if (close < 0 || close >= end || !NAME_START.test(text[i + 2] ?? '')) continue;
      let k = i + 3;
      while (k < close && NAME_CHAR.test(text[k])) k++;
      let modifier = '';
      if (text[k] === ':' && '-+?'.includes(text[k + 1]) && k + 1 < close) modifier = text.slice(k, k + 2);
      else if ('-+?'.includes(text[k]) && k < close) modifier = text[k];
      const operandStart = modifier ? k + modifier.length : close;
      refs.push(
        reference(nested, text.slice(i + 2, k), i, close + 1, modifier, text.slice(operandStart, close), operandStart, frames.length),
      );
      if (nested && modifier && operandStart < close) {
        frames.push({ end, quote });
        end = close;
        quote = '';
        i = operandStart - 1;
      } else i = close;
    } else if (NAME_START.test(text[i + 1] ?? '')) {
      let k = i + 2;
      while (k < end && NAME_CHAR.test(text[k])) k++;
      refs.push(reference(nested, text.slice(i + 1, k), i, k, '', '', k, frames.length));
      i = k - 1;
    }
  }
  return refs;
}

function reference(
  nested: boolean,
  name: string,
  start: number,
  end: number,
  modifier: string,
  operand: string,
  operandStart: number,
  depth: number,
): VariableRef | NestedVariableRef {
  return nested ? { name, start, end, modifier, operand, operandStart, depth } : { name, start, end, modifier, operand };
}

/**
 * For every `{`, the `}` closing it (counting nested braces, skipping escaped characters), or -1.
 * One pass for the whole string: a scan per `${` would be quadratic in `${${${…` left open. A scan
 * starting at any `{` that follows a `$` lines up with this one from there on, so the answers agree.
 */
function matchingBraces(text: string, escape: string): Int32Array {
  const closes = new Int32Array(text.length + 1).fill(-1);
  const open: number[] = [];
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (c === escape) k++;
    else if (c === '{') open.push(k);
    else if (c === '}' && open.length) closes[open.pop()!] = k;
  }
  return closes;
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
  // indexOf rather than a regular expression: this runs for most words of every lint, and a test allocates.
  if (word.indexOf('"') < 0 && word.indexOf("'") < 0 && word.indexOf(escape) < 0) return word;
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
