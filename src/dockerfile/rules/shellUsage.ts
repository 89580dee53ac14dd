/**
 * What RUN commands do: cd, sudo, package managers' prompts and caches, pipes that hide
 * failures, two downloaders, and RUNs that could share a layer. One pass over each stage.
 */
import { positionAt, type Instruction, type Stage } from '../model';
import { commandWords, programName, type SimpleCommand } from '../shell';
import { keyValues } from '../variables';
import type { Finding, RuleContext } from './context';
import { installVerb, pinsWanted, unpinnedPackages } from './pins';
import { discardedTargets, programIndex, runScript, scriptSpan, wordsSpan, type RunScript } from './runScript';

/** A source edit carried in a finding's data; quick fixes apply it as the current lint computed it. */
export interface DataEdit {
  start: number;
  end: number;
  text: string;
}

/** The state a stage hands to the stages built on it (`FROM <stage>`). */
interface ShellState {
  /** The SHELL sets `-o pipefail`. */
  pipefail: boolean;
  /** The SHELL is no POSIX shell (PowerShell, cmd), whose pipes work differently. */
  foreign: boolean;
  /** ENV or ARG sets PIP_NO_CACHE_DIR. */
  pipNoCache: boolean;
  /** A USER came before: removing sudo might leave a step without the root it needs. */
  user: boolean;
}

const APT_PROMPTS = new Set([
  'install',
  'upgrade',
  'dist-upgrade',
  'full-upgrade',
  'build-dep',
  'remove',
  'purge',
  'autoremove',
  'reinstall',
]);
/** apt verbs apt-get runs the same way, so `apt` → `apt-get` changes nothing else. */
const APT_GET_VERBS = new Set([
  'install',
  'update',
  'upgrade',
  'dist-upgrade',
  'full-upgrade',
  'remove',
  'purge',
  'autoremove',
  'clean',
  'autoclean',
  'build-dep',
  'source',
  'download',
  'reinstall',
]);
const INTERESTING = /\bcd\b|sudo|apt|pip|apk|curl|wget|\|/;
const FOREIGN_SHELLS = /^(?:pwsh|powershell|cmd)(?:\.exe)?$/i;

/** The first word after `from` that is not an option, and its index. */
function verbAt(words: string[], from: number): [string | undefined, number] {
  for (let i = from; i < words.length; i++) {
    const w = words[i];
    if (!w.startsWith('-')) return [w, i];
    // `-o Option=value` takes the next word.
    if (w === '-o' || w === '-c' || w === '-t') i++;
  }
  return [undefined, -1];
}

/** apt-get answers yes without asking: -y, --yes, --assume-yes, -qq (which implies -y), or the option. */
function aptAssumesYes(words: string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--yes' || w === '--assume-yes' || w === '--force-yes' || w === '-q=2' || w === '--quiet=2') return true;
    if (/^-[a-zA-Z]+$/.test(w) && (w.includes('y') || /q.*q/.test(w))) return true;
    if ((w === '-o' && /^APT::Get::Assume-Yes=(?:1|true|yes)$/i.test(words[i + 1] ?? '')) || /^-oAPT::Get::Assume-Yes=/i.test(w))
      return true;
  }
  return false;
}

function aptSkipsRecommends(words: string[]): boolean {
  return words.some(
    (w, i) =>
      w === '--no-install-recommends' ||
      /Install-Recommends=(?:0|false|no)$/i.test(w) ||
      (w === '-o' && /Install-Recommends=(?:0|false|no)$/i.test(words[i + 1] ?? '')),
  );
}

/** A command that deletes the apt lists: `rm -rf /var/lib/apt/lists/*` and its variants. */
function removesAptLists(words: string[]): boolean {
  return words.some((w) => w.startsWith('/var/lib/apt/lists') || w === '/var/lib/apt' || w === '/var/lib/apt/');
}

/** `set -o pipefail`, `set -euo pipefail`, `set -eux -o pipefail`. */
function setsPipefail(words: string[]): boolean {
  if (words[0] !== 'set') return false;
  for (let i = 1; i < words.length - 1; i++) if (/^-[a-z]*o$/.test(words[i]) && words[i + 1] === 'pipefail') return true;
  return false;
}

/** An apt option written to an apt.conf file (echo … > /etc/apt/apt.conf.d/…, or a heredoc). */
function configures(text: string, option: string): boolean {
  if (!text.includes(option)) return false;
  return new RegExp(`apt\\.conf[\\s\\S]{0,300}APT::(?:Get::)?${option}|APT::(?:Get::)?${option}[^\\n]*apt\\.conf`, 'i').test(text);
}

/** The stages the final image is made of: the last one and the stages it is built on. */
function finalChain(stages: Stage[]): Set<number> {
  const out = new Set<number>();
  for (let s: number | undefined = stages.length - 1; s !== undefined && s >= 0 && !out.has(s); s = stages[s].parent) out.add(s);
  return out;
}

export function checkShellUsage(ctx: RuleContext): void {
  const { doc } = ctx;
  const states: ShellState[] = [];
  const shipped = finalChain(doc.stages);
  const pins = pinsWanted(ctx.settings);
  // An apt.conf.d file written anywhere in the file may answer the prompt for every RUN;
  // looked for only once an apt command without the option turns up.
  const configured = new Map<string, boolean>();
  const aptConfigured = (option: string) =>
    configured.get(option) ?? (configured.set(option, configures(doc.text, option)), configured.get(option)!);
  for (const stage of doc.stages) {
    const inherited = stage.parent !== undefined ? states[stage.parent] : undefined;
    const state: ShellState = inherited ? { ...inherited } : { pipefail: false, foreign: false, pipNoCache: false, user: false };
    states[stage.index] = state;
    const downloaders = new Map<string, Instruction>();
    let previousRun: Instruction | undefined;
    // Lists findings wait for the end of the stage: a later RUN may still install from those lists.
    const pendingLists: { finding: Finding; neededAt?: number }[] = [];
    for (const instruction of stage.instructions) {
      const k = instruction.keyword;
      if (k === 'SHELL' && instruction.json) {
        const values = instruction.json.values;
        state.pipefail = values.includes('pipefail');
        state.foreign = FOREIGN_SHELLS.test(programName(values[0]));
      } else if (k === 'USER') {
        state.user = true;
      } else if (k === 'ENV' || k === 'ARG') {
        if (instruction.argsText.includes('PIP_NO_CACHE_DIR')) {
          for (const { name, value } of keyValues(
            instruction.args.map((a) => a.value),
            doc.escape,
            k === 'ENV',
          )) {
            if (name === 'PIP_NO_CACHE_DIR' && value !== undefined && !/^(?:0|false|no|off)?$/i.test(value)) state.pipNoCache = true;
          }
        }
      }
      if (k !== 'RUN') {
        previousRun = undefined;
        continue;
      }
      if (previousRun) checkConsecutive(ctx, previousRun, instruction);
      previousRun = instruction;
      // Most RUNs mention none of the commands checked here: they are never split into commands.
      if (!pins && !interesting(instruction)) continue;
      const script = runScript(instruction, ctx.commands);
      if (!script) continue;
      const { listsKept, needsLists } = checkRun(ctx, instruction, script, state, shipped.has(stage.index), aptConfigured, pins);
      if (needsLists) for (const p of pendingLists) p.neededAt ??= instruction.span.start;
      if (listsKept) pendingLists.push({ finding: listsKept });
      checkDownloaders(ctx, instruction, script, downloaders);
    }
    for (const { finding, neededAt } of pendingLists) {
      // Deleting the lists would break the later install, so that case gets advice, not a fix.
      ctx.report(
        neededAt === undefined
          ? finding
          : {
              ...finding,
              data: undefined,
              message: `${finding.message} The RUN on line ${positionAt(doc, neededAt).line + 1} installs from these lists, so move that install into this RUN first.`,
            },
      );
    }
  }
}

/**
 * Checks one RUN. Returns its apt-lists finding, held back by the caller until the stage shows
 * whether a later RUN still installs from these lists, and whether this RUN is such a one.
 */
function checkRun(
  ctx: RuleContext,
  run: Instruction,
  script: RunScript,
  state: ShellState,
  shipped: boolean,
  aptConfigured: (option: string) => boolean,
  pins: boolean,
): { listsKept?: Finding; needsLists: boolean } {
  const source = ctx.doc.text;
  const { commands } = script;
  const discarded = discardedTargets(run.flags);
  // Fixes edit shell form and heredoc scripts; an exec form array is left alone.
  const editable = !script.exec;
  let depth = 0;
  let loops = 0;
  let lastAptInstall: { command: SimpleCommand; at: number; verb: number } | undefined;
  let listsRemoved = false;
  let aptUpdated = false;
  // An install before any update in this RUN works from lists an earlier RUN left.
  let needsLists = false;
  let pipefailSet = false;
  let pipeReported = false;
  let apkCacheRemoved = false;
  const apkAdds: { command: SimpleCommand; at: number; verb: number }[] = [];
  let pipNoCache = state.pipNoCache;
  for (let c = 0; c < commands.length; c++) {
    const command = commands[c];
    // Parentheses between commands open and close subshells; `$(` inside a word is no subshell.
    const text = script.text;
    for (let i = c > 0 ? commands[c - 1].end : 0; i < command.start; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 40 /* ( */) depth++;
      else if (ch === 41 /* ) */) depth = Math.max(0, depth - 1);
    }
    const raw = command.words;
    if (raw[0] === 'for' || raw[0] === 'while' || raw[0] === 'until') loops++;
    if (raw[0] === 'done') loops = Math.max(0, loops - 1);
    const words = commandWords(command);
    const at = raw.length - words.length;
    const prog = programName(words[0]);
    if (at > 0 && setsPipNoCache(raw, at)) pipNoCache = true;
    else if (prog === 'export' && setsPipNoCache(words, words.length)) pipNoCache = true;
    if (setsPipefail(words)) pipefailSet = true;
    if (pins) {
      const verb = installVerb(words);
      if (verb > 0) {
        for (const { code, index, example } of unpinnedPackages(words, verb)) {
          ctx.report({
            code,
            span: wordsSpan(source, run, script, command, at + index),
            message: `'${words[index]}' has no version, so each build installs whatever is newest that day. Pin it (${example}) to rebuild the same image.`,
          });
        }
      }
    }

    // sudo, wherever it stands in the command's wrappers.
    const sudo = raw.indexOf('sudo');
    if (sudo >= 0 && sudo <= at) {
      const options = at - sudo - 1;
      const span = wordsSpan(source, run, script, command, sudo);
      const removal =
        editable && options === 0 && !state.user && source.slice(span.start, span.end) === 'sudo' ? trailingSpace(source, span.end) : -1;
      ctx.report({
        code: 'sudo-in-run',
        span,
        message:
          "Don't use sudo in RUN: build steps already run as root unless USER says otherwise, and sudo prompts, logs and keeps the environment in ways a build does not expect. Run the step before USER instead.",
        data: removal >= 0 ? { edits: [{ start: span.start, end: removal, text: '' }] } : undefined,
      });
    }

    if (prog === 'cd' && depth === 0 && loops === 0) {
      const target = words[1];
      // `cd "$(mktemp -d)"`, `cd -` and `cd` alone have no WORKDIR equivalent.
      if (target !== undefined && target !== '-' && !/[`(]/.test(target)) {
        ctx.report({
          code: 'cd-in-run',
          span: wordsSpan(source, run, script, command, at),
          message: `Use WORKDIR ${target} instead of cd: the directory change lasts only for this RUN, so later instructions still run in the old one.`,
        });
      }
    }

    if (prog === 'apt' || prog === 'apt-get') {
      const [verb, v] = verbAt(words, 1);
      if (prog === 'apt' && verb !== undefined) {
        const span = wordsSpan(source, run, script, command, at);
        const fixable = editable && APT_GET_VERBS.has(verb) && source.slice(span.start, span.end) === 'apt';
        ctx.report({
          code: 'apt-instead-of-apt-get',
          span,
          message: `Use apt-get ${verb} in scripts: apt is meant for people at a terminal, its output and options may change between releases, and it warns that it has no stable command line interface.`,
          data: fixable ? { edits: [{ start: span.end, end: span.end, text: '-get' }] } : undefined,
        });
      }
      if (verb !== undefined && APT_PROMPTS.has(verb) && !aptAssumesYes(words) && !aptConfigured('Assume-Yes')) {
        // `yes | apt-get install` answers the prompt through the pipe.
        const piped = c > 0 && commands[c - 1].next === '|';
        if (!piped) {
          ctx.report({
            code: 'apt-missing-yes',
            span: wordsSpan(source, run, script, command, at, at + v),
            message: `'${prog} ${verb}' without -y asks for confirmation, which a build cannot give: the step aborts as soon as more than the named packages are involved. Add -y.`,
            data: editable ? insertAfter(source, run, script, command, at + v, ' -y') : undefined,
          });
        }
      }
      if (verb === 'install') {
        if (!aptSkipsRecommends(words) && !aptConfigured('Install-Recommends')) {
          ctx.report({
            code: 'apt-install-recommends',
            span: wordsSpan(source, run, script, command, at, at + v),
            message: `'${prog} install' also installs every recommended package, often tens of megabytes nobody asked for. Add --no-install-recommends and name what you need.`,
            data: editable ? insertAfter(source, run, script, command, at + v, ' --no-install-recommends') : undefined,
          });
        }
        lastAptInstall = { command, at, verb: at + v };
      }
      if (verb === 'update') aptUpdated = true;
      else if (verb !== undefined && APT_PROMPTS.has(verb) && !aptUpdated) needsLists = true;
    }
    if ((prog === 'rm' || prog === 'find') && removesAptLists(words)) listsRemoved = true;

    if (/^pip[0-9.]*$/.test(prog) || (/^python[0-9.]*$/.test(prog) && words[1] === '-m' && /^pip[0-9.]*$/.test(words[2] ?? ''))) {
      const first = prog.startsWith('pip') ? 1 : 3;
      const [verb, v] = verbAt(words, first);
      if (
        verb === 'install' &&
        !pipNoCache &&
        !words.some((w) => w === '--no-cache-dir' || w.startsWith('--no-cache-dir=')) &&
        !discarded.some((t) => /pip|\/\.cache$/.test(t))
      ) {
        ctx.report({
          code: 'pip-cache-kept',
          span: wordsSpan(source, run, script, command, at, at + v),
          message:
            "'pip install' keeps its download cache in the layer, adding the size of every wheel to the image. Add --no-cache-dir, or use a cache mount (RUN --mount=type=cache,target=/root/.cache/pip).",
          data: editable ? insertAfter(source, run, script, command, at + v, ' --no-cache-dir') : undefined,
        });
      }
    }

    if (prog === 'apk') {
      const [verb, v] = verbAt(words, 1);
      if (verb === 'add' && !words.includes('--no-cache')) apkAdds.push({ command, at, verb: at + v });
    }
    if (prog === 'rm' && words.some((w) => w.startsWith('/var/cache/apk'))) apkCacheRemoved = true;

    if (command.next === '|' && !pipeReported && !script.exec && !script.shebang && !state.pipefail && !state.foreign && !pipefailSet) {
      pipeReported = true;
      ctx.report({
        code: 'pipe-without-pipefail',
        span: scriptSpan(source, run, script, command.end, command.end + 1),
        message: `Only the last command of a pipe decides whether this RUN fails, so a failing '${words[0] ?? command.words[0]}' goes unnoticed. Set SHELL ["/bin/bash", "-o", "pipefail", "-c"] before this RUN, or start it with 'set -o pipefail &&' where /bin/sh supports it.`,
      });
    }
  }

  // Only the RUN that ran `apt-get update` holds the lists in its layer; deleting them later saves nothing.
  let listsKept: Finding | undefined;
  if (lastAptInstall && aptUpdated && shipped && !listsRemoved && !covers(discarded, '/var/lib/apt/lists')) {
    const { command, at, verb } = lastAptInstall;
    const end = run.heredocs.length === 0 && !script.exec ? trimmedEnd(source, run.argsSpan.end) : -1;
    listsKept = {
      code: 'apt-lists-kept',
      span: wordsSpan(source, run, script, command, at, verb),
      message:
        "The apt package lists stay in this layer, tens of megabytes the image never uses. End the RUN with '&& rm -rf /var/lib/apt/lists/*', or mount a cache on /var/lib/apt/lists.",
      data: end >= 0 ? { edits: [{ start: end, end, text: ' && rm -rf /var/lib/apt/lists/*' }] } : undefined,
    };
  }

  if (apkAdds.length > 0 && !apkCacheRemoved && !covers(discarded, '/var/cache/apk') && !covers(discarded, '/etc/apk/cache')) {
    for (const { command, at, verb } of apkAdds) {
      ctx.report({
        code: 'apk-cache-kept',
        span: wordsSpan(source, run, script, command, at, verb),
        message: "'apk add' keeps the package index in /var/cache/apk, which ends up in the layer. Add --no-cache.",
        data: editable ? insertAfter(source, run, script, command, verb, ' --no-cache') : undefined,
      });
    }
  }
  return { listsKept, needsLists };
}

/** An edit inserting `text` after word `index`, when the word stands verbatim on one line of the source. */
function insertAfter(
  source: string,
  run: Instruction,
  script: RunScript,
  command: SimpleCommand,
  index: number,
  text: string,
): { edits: DataEdit[] } | undefined {
  const span = wordsSpan(source, run, script, command, index);
  return source.slice(span.start, span.end) === command.words[index] ? { edits: [{ start: span.end, end: span.end, text }] } : undefined;
}

/** The RUN mentions a command some check here reads. */
function interesting(run: Instruction): boolean {
  if (INTERESTING.test(run.argsText)) return true;
  for (const heredoc of run.heredocs) if (INTERESTING.test(heredoc.body)) return true;
  return false;
}

/** `PIP_NO_CACHE_DIR=1` among the first `count` words (assignments before a command, or export's). */
function setsPipNoCache(words: string[], count: number): boolean {
  for (let i = 0; i < count; i++) if (words[i].startsWith('PIP_NO_CACHE_DIR=') && !/=(?:0|false|no|off)?$/i.test(words[i])) return true;
  return false;
}

/** A mount target that holds `path`: the path itself or a folder above it. */
function covers(targets: string[], path: string): boolean {
  for (const t of targets) if (t === path || path.startsWith(t + '/')) return true;
  return false;
}

/** The end of the whitespace after `at` on the same line, or -1 when a line break follows. */
function trailingSpace(source: string, at: number): number {
  let end = at;
  while (source[end] === ' ' || source[end] === '\t') end++;
  return end > at && source[end] !== '\n' && source[end] !== '\r' ? end : -1;
}

/** `at` moved back over trailing whitespace. */
function trimmedEnd(source: string, at: number): number {
  while (at > 0 && /\s/.test(source[at - 1])) at--;
  return at;
}

/** curl and wget in one stage: two tools for one job, both installed. */
function checkDownloaders(ctx: RuleContext, run: Instruction, script: RunScript, seen: Map<string, Instruction>): void {
  if (seen.size === 2 || (!script.text.includes('curl') && !script.text.includes('wget'))) return;
  for (const command of script.commands) {
    const at = programIndex(command);
    const prog = programName(command.words[at]);
    if ((prog !== 'curl' && prog !== 'wget') || seen.has(prog)) continue;
    const other = prog === 'curl' ? 'wget' : 'curl';
    seen.set(prog, run);
    if (!seen.has(other)) continue;
    ctx.report({
      code: 'curl-and-wget',
      span: wordsSpan(ctx.doc.text, run, script, command, at),
      message: `This stage uses both ${other} and ${prog}. Pick one: each is another package to install, patch and ship.`,
    });
    return;
  }
}

/** A RUN right after a RUN with the same flags could be one layer. */
function checkConsecutive(ctx: RuleContext, previous: Instruction, run: Instruction): void {
  if (previous.json || run.json) return;
  if (previous.flags.length !== run.flags.length) return;
  for (let i = 0; i < run.flags.length; i++)
    if (run.flags[i].name !== previous.flags[i].name || run.flags[i].value !== previous.flags[i].value) return;
  ctx.report({
    code: 'run-consecutive',
    span: run.keywordSpan,
    message: "This RUN follows another RUN: joining them with '&&' makes one layer instead of two.",
    data: joinEdit(ctx.doc.text, ctx.doc.escape, previous, run),
  });
}

/**
 * The edit that makes `run` a continuation of `previous`: `a` + `b` → `a && \` + `    b`. Not
 * offered where joining could change meaning or drop text: heredocs, a comment or blank line
 * between them, or a previous RUN ending in an operator (`;`, `&`, `|`).
 */
function joinEdit(text: string, escape: string, previous: Instruction, run: Instruction): { edits: DataEdit[] } | undefined {
  if (previous.heredocs.length || run.heredocs.length || !run.argsText.trim()) return undefined;
  let end = previous.span.end;
  while (end > previous.argsSpan.start && /[ \t\r\n]/.test(text[end - 1])) end--;
  if (end <= previous.argsSpan.start || /[;&|]/.test(text[end - 1]) || text[end - 1] === escape) return undefined;
  const between = text.slice(end, run.span.start);
  if (!/^[ \t]*\r?\n[ \t]*$/.test(between)) return undefined;
  const eol = between.includes('\r\n') ? '\r\n' : '\n';
  return { edits: [{ start: end, end: run.argsSpan.start, text: ` && ${escape}${eol}    ` }] };
}
