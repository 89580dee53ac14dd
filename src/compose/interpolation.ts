/**
 * Compose's variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, and `$$` for a literal `$`.
 */

export interface VariableUse {
  name: string;
  /** Offsets of the name within the string. */
  start: number;
  end: number;
  /** The operator after the name (`:-`, `-`, `:?`, `?`, `:+`, `+`), or '' for none. */
  operator: string;
}

/** The variables a string interpolates at its top level (defaults are not searched). */
export function variableUses(text: string): VariableUse[] {
  const out: VariableUse[] = [];
  let i = text.indexOf('$');
  while (i >= 0 && i < text.length) {
    const next = text[i + 1];
    if (next === '$') {
      i = text.indexOf('$', i + 2);
      continue;
    }
    if (next === '{') {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 2));
      const close = matchingBrace(text, i + 1);
      if (m) {
        const after = text.slice(i + 2 + m[0].length);
        const op = /^(?::-|-|:\?|\?|:\+|\+)/.exec(after)?.[0] ?? '';
        out.push({ name: m[0], start: i + 2, end: i + 2 + m[0].length, operator: op });
      }
      i = close < 0 ? -1 : text.indexOf('$', close + 1);
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (m) out.push({ name: m[0], start: i + 1, end: i + 1 + m[0].length, operator: '' });
    i = text.indexOf('$', i + 1 + (m?.[0].length ?? 0));
  }
  return out;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Interpolates a string; undefined when a variable it needs has no value and no default, so a
 * check on the result would be guessing.
 */
export function interpolate(text: string, lookup: (name: string) => string | undefined, depth = 0): string | undefined {
  if (!text.includes('$')) return text;
  if (depth > 8) return undefined;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(text, i + 1);
      if (close < 0) return undefined;
      const body = text.slice(i + 2, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)([\s\S]*))?$/.exec(body);
      if (!m) return undefined;
      const value = lookup(m[1]);
      const op = m[2];
      const rest = m[3] ?? '';
      let replaced: string | undefined;
      if (op === ':-') replaced = value !== undefined && value !== '' ? value : interpolate(rest, lookup, depth + 1);
      else if (op === '-') replaced = value !== undefined ? value : interpolate(rest, lookup, depth + 1);
      else if (op === ':+') replaced = value !== undefined && value !== '' ? interpolate(rest, lookup, depth + 1) : '';
      else if (op === '+') replaced = value !== undefined ? interpolate(rest, lookup, depth + 1) : '';
      else replaced = value;
      if (replaced === undefined) return undefined;
      out += replaced;
      i = close + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (!m) {
      out += '$';
      i++;
      continue;
    }
    const value = lookup(m[0]);
    if (value === undefined) return undefined;
    out += value;
    i += 1 + m[0].length;
  }
  return out;
}
