/**
 * A COPY/ADD source the build context's `.dockerignore` excludes (BuildKit's CopyIgnoredFile): the
 * builder never receives it, so the step fails or copies less than it names. The host reads the
 * ignore file; matching is @balena/dockerignore, a port of the engine's own pattern rules.
 */
import dockerignore from '@balena/dockerignore';
import type { Word } from '../model';
import { unquote } from '../variables';
import { defineRule } from './rule';

/** A name no pattern aims at: when it is excluded too, a wildcard excludes the whole context. */
const ANY_NAME = 'berth-any-name';

/** The source as a path inside the context, as the builder cleans it; undefined when it is none to check. */
function contextPath(source: string): string | undefined {
  // Heredocs, variables (decided at build time), URLs and git sources are not context files.
  if (source.startsWith('<<') || source.includes('$') || /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(source)) return undefined;
  const parts: string[] = [];
  for (const part of source.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.length ? parts.join('/') : '.';
}

export const copyIgnoredFile = defineRule({
  code: 'copy-ignored-file',
  severity: 'warning',
  summary: "A COPY or ADD source the build context's .dockerignore excludes.",
  buildkit: 'CopyIgnoredFile',
  check(ctx, report) {
    const ignore = ctx.dockerignore;
    if (!ignore) return;
    const { doc } = ctx;
    let matcher: ReturnType<typeof dockerignore> | undefined;
    let exceptions: string[] | undefined;
    for (const instruction of doc.instructions) {
      if ((instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') || instruction.flags.some((f) => f.name === 'from')) continue;
      const sources: Word[] = instruction.json
        ? instruction.json.values.slice(0, -1).map((value) => ({ value, span: jsonSpan(doc.text, instruction.argsSpan, value) }))
        : instruction.args.slice(0, -1).map((w) => ({ value: unquote(w.value, doc.escape), span: w.span }));
      for (const source of sources) {
        const relative = contextPath(source.value);
        if (relative === undefined) continue;
        matcher ??= dockerignore({ ignorecase: false }).add(ignore.text);
        exceptions ??= ignore.text
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter((line) => line.startsWith('!'))
          .map((line) => contextPath(line.slice(1).trim()) ?? '');
        if (!matcher.ignores(relative)) continue;
        // `.` is excluded only when everything in it is (`*`), not when some names are (`.*`).
        if (relative === '.' && !matcher.ignores(ANY_NAME)) continue;
        // A `!` line may bring back files below an excluded folder: the copy then gets those.
        if (exceptions.some((e) => relative === '.' || e.startsWith(`${relative}/`) || /[*?[]/.test(e))) continue;
        const verb = instruction.keyword === 'ADD' ? 'ADD' : 'COPY';
        report({
          span: source.span,
          message: `'${source.value}' is excluded by ${ignore.name}, so the builder never receives it and ${verb} fails or copies less. Remove the pattern that excludes it (or add '!${relative}'), or copy another path.`,
        });
      }
    }
  },
});

/** The span of a JSON-form source, quotes included, or the whole arguments when not found verbatim. */
function jsonSpan(text: string, args: { start: number; end: number }, value: string): { start: number; end: number } {
  const quoted = JSON.stringify(value);
  const at = text.slice(args.start, args.end).indexOf(quoted);
  return at >= 0 ? { start: args.start + at, end: args.start + at + quoted.length } : args;
}
