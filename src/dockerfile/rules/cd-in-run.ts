/** cd in RUN, where WORKDIR would change the directory for the instructions after it too. */
import { defineRule } from './rule';
import { wordsSpan } from './shared/runScript';

export const cdInRun = defineRule({
  code: 'cd-in-run',
  severity: 'info',
  summary: 'cd changes directory for one RUN only; WORKDIR changes it for the instructions after it.',
  hadolint: 'DL3003',
  check(ctx, report) {
    const source = ctx.doc.text;
    for (const run of ctx.runs('cd')) {
      const script = run.script();
      const commands = run.commands();
      // A cd inside a subshell or a loop is scoped on purpose: WORKDIR cannot say that.
      let depth = 0;
      let loops = 0;
      const shellVars = new Set<string>();
      const found: { command: (typeof commands)[number]['command']; at: number; target: string; index: number }[] = [];
      for (let c = 0; c < commands.length; c++) {
        const { command, words, at, program } = commands[c];
        // Parentheses between commands open and close subshells; `$(` inside a word is no subshell.
        for (let i = c > 0 ? commands[c - 1].command.end : 0; i < command.start; i++) {
          const ch = script.text.charCodeAt(i);
          if (ch === 40 /* ( */) depth++;
          else if (ch === 41 /* ) */) depth = Math.max(0, depth - 1);
        }
        const first = command.words[0];
        // A function body (`clone() { …; cd "$DEST"; … }`) runs wherever it is called: scoped too.
        if (first !== undefined && /^[A-Za-z_][\w-]*\((\))?$/.test(first)) loops++;
        for (const word of command.words) {
          const assigned = /^([A-Za-z_]\w*)=/.exec(word);
          if (assigned) shellVars.add(assigned[1]);
        }
        if (first === 'for' && command.words[1]) shellVars.add(command.words[1]);
        if (first === 'for' || first === 'while' || first === 'until') loops++;
        if (first === 'done') loops = Math.max(0, loops - 1);
        if (program !== 'cd' || depth > 0 || loops > 0) continue;
        const target = words[1];
        // `cd "$(mktemp -d)"`, `cd -` and `cd` alone have no WORKDIR equivalent, nor has a cd to a
        // variable the script itself sets (`DEST="$4"; cd "$DEST"`): WORKDIR cannot see it.
        if (target === undefined || target === '-' || /[`(]/.test(target)) continue;
        if ([...target.matchAll(/\$\{?([A-Za-z_]\w*)/g)].some((m) => shellVars.has(m[1]))) continue;
        found.push({ command, at, target, index: c });
      }
      // A RUN that changes directory again (`cd /usr/src && … && cd / && rm -rf …`) moves
      // around on purpose: one WORKDIR cannot say that.
      if (found.length !== 1) continue;
      const { command, at, target, index } = found[0];
      // A build folder the RUN deletes before it ends (`cd /usr/src/x && make install && rm -rf
      // /usr/src/x`) is temporary on purpose: a WORKDIR would leave it behind in the image.
      if (commands.slice(index + 1).some((c) => c.program === 'rm' && removes(c.words, target))) continue;
      report({
        span: wordsSpan(source, run.instruction, script, command, at),
        message: `Use WORKDIR ${target} instead of cd: the directory change lasts only for this RUN, so later instructions still run in the old one.`,
      });
    }
  },
});

/** Whether `rm` words delete a folder recursively that is `target` or holds it. */
function removes(words: readonly string[], target: string): boolean {
  const bare = (path: string) => path.replace(/^["']|["']$/g, '').replace(/\/+$/, '');
  const dir = bare(target);
  if (!words.some((w) => /^-[a-zA-Z]*[rR]/.test(w) || w === '--recursive')) return false;
  return words.slice(1).some((w) => {
    const path = bare(w);
    return !path.startsWith('-') && path !== '' && (path === dir || dir.startsWith(`${path}/`));
  });
}
