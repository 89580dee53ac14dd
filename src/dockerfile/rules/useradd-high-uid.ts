/** useradd with a large UID and without -l: lastlog and faillog grow with the UID. */
import { fixFromData } from './fixer';
import { defineRule } from './rule';
import { wordsSpan } from './shared/runScript';
import { insertAfter } from './shared/shellEdits';

/** useradd's short options that take a value: the rest of the word, or the next word. */
const WITH_VALUE = new Set(['b', 'c', 'd', 'e', 'f', 'g', 'G', 'k', 'K', 'p', 's', 'u', 'Z', 'R', 'P']);
/** Its long options that take a separate value. */
const LONG_WITH_VALUE = new Set([
  '--base-dir',
  '--comment',
  '--home-dir',
  '--expiredate',
  '--inactive',
  '--gid',
  '--groups',
  '--skel',
  '--key',
  '--password',
  '--shell',
  '--selinux-user',
  '--root',
  '--prefix',
]);
/** hadolint's threshold: a UID longer than five digits. */
const HIGH_UID = 99999;

/** The UID useradd is given (`-u N`, `-uN`, `--uid N`, `--uid=N`), or undefined when it has `-l` or no UID. */
function uidWithLog(words: readonly string[]): string | undefined {
  let uid: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    if (word === '--') break;
    if (word === '--no-log-init') return undefined;
    if (word === '--uid') uid = words[++i];
    else if (word.startsWith('--uid=')) uid = word.slice('--uid='.length);
    else if (word.startsWith('--')) {
      // Long options with a separate value: skip it, so a value is never read as an option.
      if (!word.includes('=') && LONG_WITH_VALUE.has(word)) i++;
    } else if (word.length > 1 && word[0] === '-') {
      for (let c = 1; c < word.length; c++) {
        const letter = word[c];
        if (letter === 'l') return undefined;
        if (!WITH_VALUE.has(letter)) continue;
        const value = c + 1 < word.length ? word.slice(c + 1) : words[++i];
        if (letter === 'u') uid = value;
        break;
      }
    }
  }
  return uid;
}

export const useraddHighUid = defineRule({
  code: 'useradd-high-uid',
  severity: 'warning',
  summary: 'useradd with a UID above 99999 and without -l writes lastlog and faillog files sized by the UID.',
  hadolint: 'DL3046',
  check(ctx, report) {
    const source = ctx.doc.text;
    for (const run of ctx.runs('useradd')) {
      const script = run.script();
      for (const { command, words, at, program } of run.commands()) {
        if (program !== 'useradd') continue;
        const uid = uidWithLog(words);
        // A variable's value is not known here; only a literal UID is checked.
        if (uid === undefined || !/^\d+$/.test(uid) || Number(uid) <= HIGH_UID) continue;
        report({
          span: wordsSpan(source, run.instruction, script, command, at),
          message: `useradd records UID ${uid} in /var/log/lastlog and /var/log/faillog, sparse files as large as the UID says; the layer stores them in full, often gigabytes. Add -l (--no-log-init).`,
          data: script.exec ? undefined : insertAfter(source, run.instruction, script, command, at, ' -l'),
        });
      }
    }
  },
  fix: (f) => fixFromData(f, 'Add -l (--no-log-init)'),
});
