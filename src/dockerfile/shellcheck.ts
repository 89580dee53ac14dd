/**
 * ShellCheck inside RUN, the pure part: the script ShellCheck reads for each RUN (or each heredoc
 * the shell runs), in its stage's SHELL dialect, and ShellCheck's findings mapped back onto the
 * exact Dockerfile text. Running the program is the shells' business (src/shared/shellcheck.ts).
 *
 * A script keeps the RUN's lines as they are in the file, continuation escapes included (the
 * shell reads `\` + newline as the builder does), so a finding's line and column land on the
 * text the user wrote. Two lines go first: `# shellcheck shell=<dialect>`, and the ARG and ENV
 * names in scope exported, so ShellCheck does not call them unassigned (SC2154), as hadolint does
 * (but without a value, which would hide SC2086 on them).
 */
import type { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { ShellCheckComment } from '../shared/shellcheck';
import { positionAt, type Dockerfile, type Instruction } from './model';
import { PREDEFINED } from './rules/shared/scope';
import { SHELLCHECK_CODE, type LintSettings, type SeverityLevel, type ShellCheckCode } from './settings';
import { programName } from './shell';
import { readSuppressions } from './suppressions';
import { keyValues } from './variables';

/** The shells ShellCheck knows. */
export type ShellDialect = 'sh' | 'bash' | 'dash' | 'ksh';

/**
 * Checks that make no sense on a RUN: the files a script sources are in the image, not beside the
 * Dockerfile (SC1090, SC1091), and ash is checked as dash on purpose (SC2187).
 */
export const EXCLUDED_CHECKS: readonly ShellCheckCode[] = ['SC1090', 'SC1091', 'SC2187'];

/** Each check's page: `https://www.shellcheck.net/wiki/SC2086`. */
export const SHELLCHECK_WIKI = 'https://www.shellcheck.net/wiki/';

/** One script for ShellCheck: a RUN's shell form, or one heredoc body its shell runs. */
export interface ShellCheckScript {
  /** What ShellCheck reads; also the key its findings are remembered by. */
  text: string;
  /** The RUN it came from (suppressions are per instruction and stage). */
  instruction: Instruction;
  /** Where each line of `text` starts, from the start of the instruction (the RUN may move), or -1 for the lines Berth wrote. */
  lineStarts: readonly number[];
}

/** A RUN's scripts as the last lint made them, for a RUN whose text, dialect and names in scope are the same. */
interface Remembered {
  dialect: ShellDialect;
  exported: string;
  escape: string;
  /** The RUN's distinct words that could name a variable, in order: what the exported line is chosen from. */
  words: readonly string[];
  scripts: { text: string; lineStarts: readonly number[] }[];
}

/**
 * Scripts remembered from one lint of a document to the next, so a keystroke rebuilds only the
 * RUN it changed (as LintMemo does for shell splits). Only the language server keeps one.
 */
export class ShellCheckScriptMemo {
  private used = new Map<string, Remembered>();
  private older = new Map<string, Remembered>();

  get(source: string): Remembered | undefined {
    const found = this.used.get(source) ?? this.older.get(source);
    if (found) this.used.set(source, found);
    return found;
  }

  set(source: string, remembered: Remembered): void {
    this.used.set(source, remembered);
  }

  /** Drops what the last lint did not ask for. */
  age(): void {
    this.older = this.used;
    this.used = new Map();
  }
}

/** Programs SHELL may name, as ShellCheck dialects; anything else (PowerShell, cmd, zsh, fish) is not checked. */
const DIALECTS: Readonly<Record<string, ShellDialect>> = {
  sh: 'sh',
  bash: 'bash',
  dash: 'dash',
  // ShellCheck has no ash; BusyBox's ash is closest to dash.
  ash: 'dash',
  busybox: 'dash',
  ksh: 'ksh',
  ksh93: 'ksh',
  mksh: 'ksh',
  pdksh: 'ksh',
};

const HEREDOC_OPENER = /<<-?\s*(["']?)[A-Za-z0-9_.-]+\1/g;
/** A RUN whose words besides its heredocs name only a shell (`RUN <<EOF`, `RUN bash -e <<EOF`) runs the body as its script. */
const SHELL_COMMAND = /^(?:\S*\/)?[a-z0-9]*sh(?:\s+-[a-z]+)*$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The dialect of a shell program (`/bin/bash`, `sh.exe`), or undefined for one ShellCheck cannot read. */
export function dialectOf(program: string | undefined): ShellDialect | undefined {
  return DIALECTS[
    programName(program)
      .replace(/\.exe$/i, '')
      .toLowerCase()
  ];
}

/**
 * The scripts of every RUN a shell runs, in source order. Exec form runs no shell of the
 * Dockerfile's (skipped), nor does a stage whose SHELL ShellCheck cannot read, nor an ONBUILD
 * trigger (it runs in another build, under that build's SHELL).
 *
 * Each script exports the names in scope that its RUN mentions, not every name in scope: in a
 * chain of thousands of stages each adding an ENV, the whole scope on every RUN made text (and
 * ShellCheck input) that grew with the square of the file. For the same reason the stages are
 * walked depth first, with the ENV names visible counted, instead of each stage copying its
 * base's.
 */
export function shellCheckScripts(doc: Dockerfile, memo?: ShellCheckScriptMemo): ShellCheckScript[] {
  const byStage: ShellCheckScript[][] = [];
  const finalDialect: (ShellDialect | undefined)[] = [];
  // How many stages on the way down from the root declare each ENV name.
  const visibleEnv = new Map<string, number>();
  const children: number[][] = doc.stages.map(() => []);
  const roots: number[] = [];
  for (const stage of doc.stages) {
    if (stage.parent !== undefined && stage.parent < stage.index) children[stage.parent].push(stage.index);
    else roots.push(stage.index);
  }
  // The walk's order is free: each stage's scripts go in its own slot, and the slots are in source order.
  const work: { stage: number; leave?: Set<string> }[] = roots.map((stage) => ({ stage }));
  while (work.length) {
    const { stage: index, leave } = work.pop()!;
    if (leave) {
      for (const name of leave) {
        const count = visibleEnv.get(name)! - 1;
        if (count) visibleEnv.set(name, count);
        else visibleEnv.delete(name);
      }
      continue;
    }
    const stage = doc.stages[index];
    const parent = stage.parent !== undefined && stage.parent < index ? stage.parent : undefined;
    const out: ShellCheckScript[] = (byStage[index] = []);
    let dialect = parent === undefined ? 'sh' : finalDialect[parent];
    // ENV lives in the image, so a stage built on another has it; ARGs end with their stage.
    const ownEnv = new Set<string>();
    const ownArgs = new Set<string>();
    const inScope = (name: string) => PREDEFINED.has(name) || ownArgs.has(name) || visibleEnv.has(name);
    for (const instruction of stage.instructions) {
      const keyword = instruction.keyword;
      if (keyword === 'SHELL') {
        if (instruction.json) dialect = dialectOf(instruction.json.values[0]);
      } else if (keyword === 'ENV' || keyword === 'ARG') {
        const words = instruction.args.map((a) => a.value);
        for (const { name } of keyValues(words, doc.escape, keyword === 'ENV')) {
          if (!NAME.test(name)) continue;
          if (keyword === 'ARG') ownArgs.add(name);
          else if (!ownEnv.has(name)) {
            ownEnv.add(name);
            visibleEnv.set(name, (visibleEnv.get(name) ?? 0) + 1);
          }
        }
      } else if (keyword === 'RUN' && !instruction.json && dialect) {
        const source = doc.text.slice(instruction.span.start, instruction.span.end);
        let known = memo?.get(source);
        const words = known?.words ?? wordsOf(source);
        const exported = `export ${words.filter(inScope).join(' ')}`.trimEnd();
        if (!known || known.dialect !== dialect || known.exported !== exported || known.escape !== doc.escape) {
          known = { dialect, exported, escape: doc.escape, words, scripts: [] };
          scriptsOf(doc, instruction, dialect, exported, known.scripts);
          memo?.set(source, known);
        }
        for (const made of known.scripts) out.push({ text: made.text, instruction, lineStarts: made.lineStarts });
      }
    }
    finalDialect[index] = dialect;
    work.push({ stage: index, leave: ownEnv });
    for (const child of children[index]) work.push({ stage: child });
  }
  memo?.age();
  return byStage.flat();
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;

/** The distinct words of `text` that could name a variable, in the order first written. */
function wordsOf(text: string): string[] {
  return [...new Set(text.match(WORD))];
}

interface Line {
  /** Source offset of the line's first character, -1 for a line Berth wrote. */
  start: number;
  text: string;
}

type Made = Remembered['scripts'][number];

function scriptsOf(doc: Dockerfile, instruction: Instruction, dialect: ShellDialect, exported: string, out: Made[]): void {
  const { argsSpan, heredocs } = instruction;
  if (heredocs.length === 0) {
    if (instruction.argsText.trim() === '') return;
    out.push(script(instruction, dialect, exported, instructionLines(doc, argsSpan.start, argsSpan.end)));
    return;
  }
  const rest = instruction.argsText.replace(HEREDOC_OPENER, '').trim();
  if (rest === '' || SHELL_COMMAND.test(rest)) {
    // The body is the script; a shell named on the RUN line or by a `#!` line decides its dialect.
    const named = rest === '' ? dialect : dialectOf(rest.split(/\s+/)[0]);
    for (const heredoc of heredocs) {
      const lines = verbatimLines(doc.text, heredoc.bodySpan.start, heredoc.bodySpan.end);
      let bodyDialect = named;
      if (heredoc.body.startsWith('#!')) {
        const words = heredoc.body
          .slice(2, heredoc.body.indexOf('\n') >>> 0)
          .trim()
          .split(/\s+/);
        bodyDialect = dialectOf(programName(words[0]) === 'env' ? words.find((w, i) => i > 0 && !w.startsWith('-')) : words[0]);
        // The dialect line takes the `#!` line's place: ShellCheck reads only one of them.
        lines.shift();
      }
      if (bodyDialect && lines.some((line) => line.text.trim() !== '')) out.push(script(instruction, bodyDialect, exported, lines));
    }
    return;
  }
  // A command that reads heredocs as data (`RUN cat <<EOF > file`): the shell gets the lines and
  // the heredocs as written, which is shell text as it stands.
  const lines = instructionLines(doc, argsSpan.start, argsSpan.end);
  const after = doc.text.indexOf('\n', argsSpan.end);
  if (after >= 0 && after < instruction.span.end) lines.push(...verbatimLines(doc.text, after + 1, instruction.span.end));
  out.push(script(instruction, dialect, exported, lines));
}

function script(instruction: Instruction, dialect: ShellDialect, exported: string, lines: Line[]): Made {
  const all: Line[] = [{ start: -1, text: `# shellcheck shell=${dialect}` }, { start: -1, text: exported }, ...lines];
  const from = instruction.span.start;
  return { text: `${all.map((line) => line.text).join('\n')}\n`, lineStarts: all.map((line) => (line.start < 0 ? -1 : line.start - from)) };
}

/** The lines of [from, to) as they are (heredoc bodies), a CR before a newline dropped. */
function verbatimLines(text: string, from: number, to: number): Line[] {
  const lines: Line[] = [];
  let start = from;
  while (start < to) {
    let end = text.indexOf('\n', start);
    if (end < 0 || end > to) end = to;
    const line = text.slice(start, end);
    lines.push({ start, text: line.endsWith('\r') ? line.slice(0, -1) : line });
    start = end + 1;
  }
  return lines;
}

/**
 * The instruction's own lines from `from` (its arguments) to `to`, as the shell should read them:
 * the builder drops comment and empty lines inside an instruction, so they become a bare
 * continuation here (the line count stays, and the command goes on past them); a continuation
 * written with a `` ` `` escape or with blanks after the escape becomes the shell's `\`.
 */
function instructionLines(doc: Dockerfile, from: number, to: number): Line[] {
  const lines = verbatimLines(doc.text, from, to);
  const escape = doc.escape;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const last = i === lines.length - 1;
    if (i > 0 && /^\s*(?:#|$)/.test(line.text)) {
      line.text = last ? '' : '\\';
      continue;
    }
    if (last) continue;
    let end = line.text.length;
    while (end > 0 && (line.text[end - 1] === ' ' || line.text[end - 1] === '\t')) end--;
    if (end > 0 && line.text[end - 1] === escape) line.text = `${line.text.slice(0, end - 1)}\\`;
  }
  return lines;
}

const LSP_SEVERITY: Record<Exclude<SeverityLevel, 'off'>, DiagnosticSeverity> = { error: 1, warning: 2, info: 3, hint: 4 };
/** ShellCheck's levels as Berth's: its `style` is what editors show as a hint. */
const LEVELS: Readonly<Record<string, Exclude<SeverityLevel, 'off'>>> = { error: 'error', warning: 'warning', info: 'info', style: 'hint' };

/** The level `berth.rules.shellcheck` (or `.hadolint.yaml`) sets for every ShellCheck finding: off, one level, or undefined for ShellCheck's own. */
export function shellCheckLevel(settings: LintSettings): SeverityLevel | undefined {
  if (settings.ignored?.includes(SHELLCHECK_CODE)) return 'off';
  return settings.severities?.[SHELLCHECK_CODE];
}

/**
 * ShellCheck's comments on the scripts (by script text; a script without an entry was not
 * checked) as diagnostics on the Dockerfile: code `SC<nnnn>` linking to its wiki page, source
 * `shellcheck`, suppressed by Berth's and hadolint's pragmas and settings as Berth's own rules are.
 */
export function shellCheckDiagnostics(
  doc: Dockerfile,
  scripts: readonly ShellCheckScript[],
  comments: (script: string) => readonly ShellCheckComment[] | undefined,
  settings: LintSettings,
): Diagnostic[] {
  const all = shellCheckLevel(settings);
  if (all === 'off') return [];
  const out: Diagnostic[] = [];
  let suppressions: ReturnType<typeof readSuppressions> | undefined;
  for (const script of scripts) {
    const found = comments(script.text);
    if (!found?.length) continue;
    const instruction = script.instruction;
    for (const comment of found) {
      const code = `SC${comment.code}` as ShellCheckCode;
      if (EXCLUDED_CHECKS.includes(code) || settings.ignored?.includes(code)) continue;
      const level = settings.severities?.[code] ?? all ?? LEVELS[comment.level] ?? 'warning';
      if (level === 'off') continue;
      suppressions ??= readSuppressions(doc);
      if (
        suppressions.global.has(code) ||
        suppressions.byInstruction.get(instruction.span.start)?.has(code) ||
        suppressions.byStage.get(instruction.stage)?.has(code)
      )
        continue;
      const start = sourceOffset(doc.text, script, comment.line, comment.column);
      if (start === undefined) continue;
      let end = sourceOffset(doc.text, script, comment.endLine, comment.endColumn);
      if (end === undefined || end <= start) end = Math.min(start + 1, instruction.span.end);
      out.push({
        range: { start: positionAt(doc, start), end: positionAt(doc, end) },
        severity: LSP_SEVERITY[level],
        code,
        codeDescription: { href: `${SHELLCHECK_WIKI}${code}` },
        source: 'shellcheck',
        message: comment.message,
      });
    }
  }
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return out;
}

/** The Dockerfile offset of ShellCheck's 1-based line and column (characters, a tab as one), or undefined on a line Berth wrote. */
function sourceOffset(text: string, script: ShellCheckScript, line: number, column: number): number | undefined {
  const relative = script.lineStarts[line - 1];
  if (relative === undefined || relative < 0) return undefined;
  const start = script.instruction.span.start + relative;
  let at = start;
  for (let c = 1; c < column && at < text.length && text[at] !== '\n' && text[at] !== '\r'; c++) {
    const unit = text.charCodeAt(at);
    at += unit >= 0xd800 && unit <= 0xdbff ? 2 : 1;
  }
  return at;
}
