/**
 * `WWW-Authenticate` as registries send it (RFC 7235): `Basic realm="Registry"`, or
 * `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"`,
 * possibly several challenges in one header. Pure.
 */

export interface Challenge {
  scheme: 'basic' | 'bearer';
  /** Parameter names in lower case; values unquoted. */
  params: Record<string, string>;
}

/**
 * The challenges a header announces that Berth can answer (Basic and Bearer), in the header's
 * order; others (Negotiate, …) are left out.
 */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const text = Array.isArray(header) ? header.join(', ') : (header ?? '');
  const out: Challenge[] = [];
  let current: Challenge | undefined;
  let skipping = false;
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /[\s,]/.test(text[i]!)) i++;
  };
  while (i < text.length) {
    skipSpace();
    const start = i;
    while (i < text.length && /[A-Za-z0-9!#$%&'*+.^_`|~-]/.test(text[i]!)) i++;
    const token = text.slice(start, i);
    if (!token) {
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && text[j] === ' ') j++;
    if (text[j] === '=') {
      // name=value: a parameter of the challenge being read.
      i = j + 1;
      while (i < text.length && text[i] === ' ') i++;
      let value = '';
      if (text[i] === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          value += text[i];
          i++;
        }
        i++;
      } else {
        const vs = i;
        while (i < text.length && text[i] !== ',' && !/\s/.test(text[i]!)) i++;
        value = text.slice(vs, i);
      }
      if (current && !skipping) current.params[token.toLowerCase()] = value;
      continue;
    }
    // A new scheme.
    const scheme = token.toLowerCase();
    if (scheme === 'basic' || scheme === 'bearer') {
      current = { scheme, params: {} };
      out.push(current);
      skipping = false;
    } else {
      current = undefined;
      skipping = true;
    }
    i = j;
  }
  return out;
}
