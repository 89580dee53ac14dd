/** COPY and ADD: what they copy from, where it lands, and ADD where COPY says the same. */
import type { Instruction, Span } from '../model';
import { unquote } from '../variables';
import type { RuleContext } from './context';
import type { DataEdit } from './shellUsage';

/** ADD's own flags: with any of them ADD does something COPY cannot. */
const ADD_ONLY_FLAGS = new Set(['keep-git-dir', 'checksum', 'unpack']);
/** Names ADD unpacks (tar, compressed or not) or fetches (URLs, git). */
const ARCHIVE = /\.(?:tar|tgz|taz|tbz2?|tb2|txz|tzst|tlz|tz|gz|bz2|xz|zst|lz|lzma|lz4|z)$/i;
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)|\.git(?:#.*)?$/i;
const WILDCARD = /[*?[]/;
const MAX_SUGGESTION_STAGES = 64;

/** Damerau-Levenshtein distance, giving up above `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0][j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
      best = Math.min(best, d);
    }
    if (i > 0 && best > max) return max + 1;
  }
  return rows[a.length][b.length];
}

/** The candidate closest to `name` within edit distance 2 (a case-only difference counts as 1), if any. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = candidate.toLowerCase() === name.toLowerCase() ? 1 : editDistance(name, candidate);
    // One- and two-letter names are all two edits apart: only a case difference says typo there.
    if (d < bestDistance && (d < name.length || candidate.toLowerCase() === name.toLowerCase())) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function sourcesOf(instruction: Instruction, escape: string): string[] {
  if (instruction.json) return instruction.json.values.slice(0, -1);
  return instruction.args.slice(0, -1).map((w) => unquote(w.value, escape));
}

/** ADD of local files and folders only, which COPY does the same way without surprises. */
function copyWouldDo(instruction: Instruction, escape: string): boolean {
  if (instruction.heredocs.length > 0 || instruction.flags.some((f) => ADD_ONLY_FLAGS.has(f.name))) return false;
  const sources = sourcesOf(instruction, escape);
  if (sources.length === 0) return false;
  for (const source of sources) {
    if (source.includes('$') || REMOTE.test(source) || ARCHIVE.test(source)) return false;
    // `ADD *.tar.gz` unpacks whatever matches; a wildcard is plain only with a plain extension.
    if (WILDCARD.test(source) && !/\.[A-Za-z0-9]+$/.test(source)) return false;
  }
  return true;
}

export function checkStageRefs(ctx: RuleContext): void {
  const { doc } = ctx;
  const workdirs = new Set<number>();
  for (const stage of doc.stages) {
    // A stage built on another inherits its WORKDIR.
    let hasWorkdir = stage.parent !== undefined && workdirs.has(stage.parent);
    for (const instruction of stage.instructions) {
      const k = instruction.keyword;
      if (k === 'WORKDIR') {
        hasWorkdir = true;
        workdirs.add(stage.index);
        continue;
      }
      if (k !== 'COPY' && k !== 'ADD') continue;
      if (k === 'ADD' && copyWouldDo(instruction, doc.escape)) {
        const written = doc.text.slice(instruction.keywordSpan.start, instruction.keywordSpan.end);
        const replacement = written === written.toLowerCase() ? 'copy' : 'COPY';
        const edits: DataEdit[] = [{ ...instruction.keywordSpan, text: replacement }];
        ctx.report({
          code: 'add-instead-of-copy',
          span: instruction.keywordSpan,
          message:
            'Use COPY to copy local files: ADD also unpacks tar archives and fetches URLs, so a reader has to check which it does here, and a later archive among the sources would be unpacked.',
          data: { edits },
        });
      }
      if (k === 'COPY') checkFrom(ctx, instruction, stage.index);
      if (!hasWorkdir) checkDestination(ctx, instruction);
    }
  }
}

function checkFrom(ctx: RuleContext, copy: Instruction, own: number): void {
  const flag = copy.flags.find((f) => f.name === 'from');
  if (!flag || !flag.value || flag.value.includes('$')) return;
  const value = unquote(flag.value, ctx.doc.escape);
  const span: Span = flag.valueSpan ?? flag.span;
  const names = ctx.stageNames();
  const stage = ctx.doc.stages[own];
  const index = /^\d+$/.test(value) ? Number(value) : names.get(value.toLowerCase());
  if (index === own) {
    ctx.report({
      code: 'copy-from-self',
      span,
      message: `COPY --from=${value} names the stage it is in${stage.name ? ` ('${stage.name.value}')` : ''}: a stage cannot copy from itself. Name an earlier stage or an image.`,
    });
    return;
  }
  if (index !== undefined) {
    if (index >= ctx.doc.stages.length) {
      ctx.report({
        code: 'copy-from-unknown',
        span,
        message: `COPY --from=${value}: there is no stage ${value}; stages are numbered from 0 to ${ctx.doc.stages.length - 1}.`,
      });
    }
    return;
  }
  // An image reference has a tag, digest, registry or path; a bare word is most likely a stage name.
  if (/[:/@.]/.test(value)) return;
  // Suggestions come from the nearest earlier stages only, so a file of thousands of stages
  // stays linear; a misspelt name rarely refers that far back.
  const earlier: string[] = [];
  for (let s = own - 1; s >= 0 && s >= own - MAX_SUGGESTION_STAGES; s--) {
    const name = ctx.doc.stages[s].name;
    if (name) earlier.push(name.value);
  }
  const suggestion = closest(value, earlier);
  const hint = suggestion ? ` Did you mean '${suggestion}'?` : '';
  ctx.report({
    code: 'copy-from-unknown',
    span,
    message: `COPY --from=${value} names no stage of this file, so the builder pulls an image called '${value}' instead.${hint} For an image, write its tag (${value}:<tag>); for a named build context (--build-context ${value}=…), ignore this.`,
    data: suggestion ? { suggestion, edits: [{ ...span, text: suggestion }] } : undefined,
  });
}

function checkDestination(ctx: RuleContext, copy: Instruction): void {
  const json = copy.json;
  const raw = json ? json.values[json.values.length - 1] : copy.args[copy.args.length - 1]?.value;
  if (raw === undefined || (json ? json.values.length : copy.args.length) < 2) return;
  const dest = json ? raw : unquote(raw, ctx.doc.escape);
  if (dest.startsWith('/') || dest.startsWith('$') || dest.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(dest)) return;
  ctx.report({
    code: 'copy-relative-dest',
    span: json ? copy.argsSpan : copy.args[copy.args.length - 1].span,
    message: `${copy.keyword} to '${dest}' lands relative to the base image's working directory, since no WORKDIR is set in this stage. Set WORKDIR first, or use an absolute destination.`,
  });
}
