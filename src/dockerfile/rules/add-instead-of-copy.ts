/** ADD of local files and folders only, which COPY does the same way without surprises. */
import type { Instruction } from '../model';
import { unquote } from '../variables';
import { fixFromData } from './fixer';
import { defineRule } from './rule';

/** ADD's own flags: with any of them ADD does something COPY cannot. */
const ADD_ONLY_FLAGS = new Set(['keep-git-dir', 'checksum', 'unpack']);
/** Names ADD unpacks (tar, compressed or not) or fetches (URLs, git). */
const ARCHIVE = /\.(?:tar|tgz|taz|tbz2?|tb2|txz|tzst|tlz|tz|gz|bz2|xz|zst|lz|lzma|lz4|z)$/i;
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)|\.git(?:#.*)?$/i;
const WILDCARD = /[*?[]/;

function sourcesOf(instruction: Instruction, escape: string): string[] {
  if (instruction.json) return instruction.json.values.slice(0, -1);
  return instruction.args.slice(0, -1).map((w) => unquote(w.value, escape));
}

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

export const addInsteadOfCopy = defineRule({
  code: 'add-instead-of-copy',
  severity: 'info',
  summary: 'ADD of local files or folders, which COPY does without unpacking or fetching.',
  hadolint: 'DL3020',
  check(ctx, report) {
    const { doc } = ctx;
    for (const instruction of doc.instructions) {
      if (instruction.keyword !== 'ADD' || instruction.stage < 0 || !copyWouldDo(instruction, doc.escape)) continue;
      const written = doc.text.slice(instruction.keywordSpan.start, instruction.keywordSpan.end);
      report({
        span: instruction.keywordSpan,
        message:
          'Use COPY to copy local files: ADD also unpacks tar archives and fetches URLs, so a reader has to check which it does here, and a later archive among the sources would be unpacked.',
        data: { edits: [{ ...instruction.keywordSpan, text: written === written.toLowerCase() ? 'copy' : 'COPY' }] },
      });
    }
  },
  fix: (f) => fixFromData(f, 'Use COPY'),
});
