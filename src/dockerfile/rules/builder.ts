/**
 * The builder's own parse checks, reported while typing instead of at build time. One family
 * because they share one pass: each instruction, and the trigger of each ONBUILD, is checked the
 * way the builder parses it, and an unknown keyword or a missing argument ends the checks of that
 * instruction (the builder stops there too). Checks that read more than one instruction at a
 * time, or that are lint rather than parse errors, are rules of their own.
 */
import type { Flag, Instruction, Span } from '../model';
import type { RuleContext } from './context';
import { dataString, edits, offer, replaceKeyword, replaceSpan, type Fixer } from './fixer';
import { defineFamily, type Finding, type RuleInfo } from './rule';

/** The rules of this family, as the catalog lists them. */
const RULES = [
  {
    code: 'unknown-instruction',
    severity: 'error',
    summary: 'Not a Dockerfile instruction.',
    fix: (f) => {
      const suggestion = dataString(f, 'suggestion');
      replaceKeyword(f, suggestion, `Change to ${suggestion}`);
    },
  },
  { code: 'from-missing', severity: 'error', summary: 'No FROM, or an instruction other than ARG before the first FROM.' },
  { code: 'flag-unknown', severity: 'error', summary: 'A flag the instruction does not accept.' },
  { code: 'flag-value-invalid', severity: 'error', summary: 'A flag value the builder rejects.' },
  { code: 'args-missing', severity: 'error', summary: 'An instruction without the arguments it needs.' },
  { code: 'heredoc-unterminated', severity: 'error', summary: 'A heredoc without its closing delimiter.' },
  {
    code: 'json-args-invalid',
    severity: 'warning',
    summary: 'Looks like exec form but is not valid JSON, so it runs as a shell command.',
    fix: jsonQuotesFix,
  },
  {
    code: 'expose-invalid',
    severity: 'error',
    summary: 'An EXPOSE port or protocol the builder rejects.',
    hadolint: 'DL3011',
    buildkit: 'ExposeInvalidFormat',
  },
  { code: 'onbuild-invalid', severity: 'error', summary: 'An ONBUILD trigger the builder rejects.' },
] as const satisfies readonly RuleInfo[];

type BuilderCode = (typeof RULES)[number]['code'];
type Report = (code: BuilderCode, finding: Finding) => void;

export const INSTRUCTIONS = [
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
] as const;
const KNOWN = new Set<string>(INSTRUCTIONS);

type FlagKind = 'string' | 'bool' | 'duration' | 'int' | 'chmod' | 'mount' | readonly string[];

/** The flags each instruction accepts (BuildKit, Dockerfile frontend 1.x). */
export const FLAGS: Record<string, Record<string, FlagKind>> = {
  FROM: { platform: 'string' },
  RUN: { mount: 'mount', network: ['default', 'none', 'host'], security: ['sandbox', 'insecure'], device: 'string' },
  COPY: { from: 'string', chown: 'string', chmod: 'chmod', link: 'bool', parents: 'bool', exclude: 'string' },
  ADD: { chown: 'string', chmod: 'chmod', link: 'bool', 'keep-git-dir': 'bool', checksum: 'string', exclude: 'string', unpack: 'bool' },
  HEALTHCHECK: { interval: 'duration', timeout: 'duration', 'start-period': 'duration', 'start-interval': 'duration', retries: 'int' },
};

/** How each instruction is written, for messages. */
const USAGE: Record<string, string> = {
  ADD: 'ADD [--flags] <src>... <dest>',
  ARG: 'ARG <name>[=<default>]',
  CMD: 'CMD ["executable", "arg"]',
  COPY: 'COPY [--flags] <src>... <dest>',
  ENTRYPOINT: 'ENTRYPOINT ["executable", "arg"]',
  ENV: 'ENV <key>=<value>',
  EXPOSE: 'EXPOSE <port>[/<protocol>]',
  FROM: 'FROM <image>[:<tag>] [AS <name>]',
  HEALTHCHECK: 'HEALTHCHECK [--flags] CMD <command>, or HEALTHCHECK NONE',
  LABEL: 'LABEL <key>=<value>',
  MAINTAINER: 'MAINTAINER <name>',
  ONBUILD: 'ONBUILD <instruction>',
  RUN: 'RUN <command>',
  SHELL: 'SHELL ["executable", "parameters"]',
  STOPSIGNAL: 'STOPSIGNAL <signal>',
  USER: 'USER <user>[:<group>]',
  VOLUME: 'VOLUME ["/path"]',
  WORKDIR: 'WORKDIR /path',
};

const MOUNT_TYPES = new Set(['bind', 'cache', 'tmpfs', 'secret', 'ssh']);
const DURATION = /^(?:0|(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/;
/** Instructions ONBUILD cannot trigger. */
const ONBUILD_FORBIDDEN = new Set(['ONBUILD', 'FROM', 'MAINTAINER']);

function flagProblem(kind: FlagKind, flag: Flag): string | undefined {
  const value = flag.value;
  if (value !== undefined && value.includes('$')) return undefined; // Decided at build time.
  if (kind === 'bool') {
    return value === undefined || value === 'true' || value === 'false' ? undefined : `--${flag.name} takes true or false, not '${value}'.`;
  }
  if (value === undefined || value === '') return `--${flag.name} needs a value: --${flag.name}=<value>.`;
  if (Array.isArray(kind)) {
    return kind.includes(value) ? undefined : `--${flag.name} must be one of ${kind.join(', ')}; got '${value}'.`;
  }
  switch (kind) {
    case 'duration':
      return DURATION.test(value) ? undefined : `--${flag.name} takes a duration such as 30s, 1m30s or 500ms; got '${value}'.`;
    case 'int':
      return /^\d+$/.test(value) ? undefined : `--${flag.name} takes a whole number; got '${value}'.`;
    case 'chmod':
      return /^[0-7]{3,4}$/.test(value) || /^[ugoa]*[+=-][rwxXst]*(,[ugoa]*[+=-][rwxXst]*)*$/.test(value)
        ? undefined
        : `--chmod takes octal permissions such as 755 or 0644; got '${value}'.`;
    case 'mount': {
      const type = /(?:^|,)type=([^,]*)/.exec(value)?.[1] ?? 'bind';
      return MOUNT_TYPES.has(type) ? undefined : `--mount type must be one of bind, cache, tmpfs, secret, ssh; got '${type}'.`;
    }
    default:
      return undefined;
  }
}

/** The part of a flag to underline: the bad mount type, the value, or the whole flag when the value is empty. */
function problemSpan(kind: FlagKind, flag: Flag): Span {
  const value = flag.valueSpan;
  if (!value || value.end === value.start || flag.value === undefined) return flag.span;
  if (kind === 'mount' && value.end - value.start === flag.value.length) {
    const m = /(?:^|,)type=([^,]*)/.exec(flag.value);
    if (m) {
      const start = value.start + m.index + m[0].length - m[1].length;
      return { start, end: start + m[1].length };
    }
  }
  return value;
}

const NO_FLAGS_ACCEPTED: Record<string, FlagKind> = {};
const EXEC_FORM = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'COPY', 'ADD', 'VOLUME']);

function checkFlags(report: Report, instruction: Instruction): void {
  if (instruction.flags.length === 0) return;
  const accepted = FLAGS[instruction.keyword] ?? NO_FLAGS_ACCEPTED;
  for (const flag of instruction.flags) {
    const kind = accepted[flag.name];
    if (kind === undefined) {
      const names = Object.keys(accepted);
      report('flag-unknown', {
        span: flag.span,
        message: names.length
          ? `${instruction.keyword} has no flag --${flag.name}. It accepts ${names.map((n) => '--' + n).join(', ')}.`
          : `${instruction.keyword} takes no flags; remove --${flag.name}.`,
      });
      continue;
    }
    const problem = flagProblem(kind, flag);
    if (problem) report('flag-value-invalid', { span: problemSpan(kind, flag), message: problem });
  }
}

function needsArguments(instruction: Instruction): boolean {
  // argsText rather than args: splitting every RUN into words just to count them is waste.
  return instruction.argsText === '' && instruction.heredocs.length === 0;
}

function checkInstruction(report: Report, instruction: Instruction, inOnbuild: boolean): void {
  const { keyword } = instruction;
  if (!KNOWN.has(keyword)) {
    const near = INSTRUCTIONS.find((k) => oneEditApart(k, keyword));
    report('unknown-instruction', {
      span: instruction.keywordSpan,
      message: near ? `Unknown instruction '${keyword}'. Did you mean ${near}?` : `Unknown instruction '${keyword}'.`,
      data: near ? { suggestion: near } : undefined,
    });
    return;
  }
  checkFlags(report, instruction);
  if (needsArguments(instruction)) {
    report('args-missing', { span: instruction.keywordSpan, message: `${keyword} needs arguments: ${USAGE[keyword]}.` });
    return;
  }
  if ((keyword === 'COPY' || keyword === 'ADD') && (instruction.json ? instruction.json.values.length : instruction.args.length) < 2) {
    report('args-missing', { span: instruction.argsSpan, message: `${keyword} needs a source and a destination: ${USAGE[keyword]}.` });
  }
  // An index loop: for-of over the shared frozen empty list made an iterator per instruction.
  for (let h = 0; h < instruction.heredocs.length; h++) {
    const heredoc = instruction.heredocs[h];
    if (!heredoc.closeSpan) {
      report('heredoc-unterminated', {
        span: heredoc.openSpan,
        message: `The heredoc is never closed: add a line holding only '${heredoc.delimiter}'.`,
      });
    }
  }
  const badJson = !instruction.json && EXEC_FORM.has(keyword) && looksLikeJson(instruction.argsText);
  if (badJson) {
    const hint = instruction.argsText.includes("'") ? ' Use double quotes: JSON has no single-quoted strings.' : '';
    report('json-args-invalid', {
      span: instruction.argsSpan,
      message: `This is not a valid JSON array, so ${keyword} runs it as a shell command.${hint}`,
    });
  }
  switch (keyword) {
    case 'FROM':
      checkFromArgs(report, instruction);
      break;
    case 'ONBUILD':
      if (inOnbuild) break;
      if (instruction.trigger) {
        if (ONBUILD_FORBIDDEN.has(instruction.trigger.keyword)) {
          report('onbuild-invalid', {
            span: instruction.trigger.keywordSpan,
            message: `ONBUILD cannot trigger ${instruction.trigger.keyword}.`,
          });
        } else checkInstruction(report, instruction.trigger, true);
      }
      break;
    case 'EXPOSE':
      checkExpose(report, instruction);
      break;
    case 'ENV':
      // `ENV PATH` alone sets nothing: the builder wants `ENV PATH=<value>` (or the legacy `ENV PATH <value>`).
      if (instruction.args.length === 1 && !instruction.args[0].value.includes('=')) {
        report('args-missing', { span: instruction.args[0].span, message: `ENV ${instruction.args[0].value} has no value: ${USAGE.ENV}.` });
      }
      break;
    case 'HEALTHCHECK':
      checkHealthcheck(report, instruction);
      break;
  }
  if (!badJson && !instruction.json && EXEC_FORM.has(keyword)) checkNestedJson(report, instruction);
}

/** The type after HEALTHCHECK's flags must be CMD with a command, or NONE. */
function checkHealthcheck(report: Report, healthcheck: Instruction): void {
  const type = healthcheck.args[0];
  if (!type) return;
  const name = type.value.toUpperCase();
  if (name === 'CMD') {
    const rest = healthcheck.args.length > 1 || (healthcheck.json?.values.length ?? 0) > 0;
    if (!rest) report('args-missing', { span: type.span, message: `HEALTHCHECK CMD needs a command to run: ${USAGE.HEALTHCHECK}.` });
  } else if (name !== 'NONE') {
    report('args-missing', { span: type.span, message: `Unknown HEALTHCHECK type '${type.value}': ${USAGE.HEALTHCHECK}.` });
  }
}

/** `CMD ["echo", ["x"]]` is JSON but not an array of strings, which the builder refuses. */
function checkNestedJson(report: Report, instruction: Instruction): void {
  const text = instruction.argsText;
  if (!text.startsWith('[') || !text.endsWith(']')) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return;
  }
  if (Array.isArray(parsed) && parsed.some((v) => typeof v !== 'string')) {
    report('json-args-invalid', {
      span: instruction.argsSpan,
      message: `${instruction.keyword}'s JSON array may hold only strings: write each argument as a string.`,
    });
  }
}

/**
 * Meant as exec form: `[` right before a quote or letter, or a list of quoted strings.
 * The shell's test command `[ -d x ]` needs a space after the bracket, so it never matches.
 */
function looksLikeJson(args: string): boolean {
  if (!args.startsWith('[')) return false;
  if (/^\[\S/.test(args)) return true;
  return /^\[\s*(["'])[^"']*\1\s*(,\s*(["'])[^"']*\3\s*)*\]$/.test(args);
}

function checkFromArgs(report: Report, from: Instruction): void {
  const args = from.args;
  if (args.length === 2 || args.length > 3 || (args.length === 3 && args[1].value.toLowerCase() !== 'as')) {
    report('args-missing', { span: from.argsSpan, message: 'FROM takes an image and optionally AS <name>: FROM <image> [AS <name>].' });
  }
}

function checkExpose(report: Report, expose: Instruction): void {
  for (const word of expose.args) {
    if (word.value.includes('$')) continue;
    const m = /^(\d+)(?:-(\d+))?(?:\/([A-Za-z]+))?$/.exec(word.value);
    let problem: string | undefined;
    if (word.value.includes(':')) problem = `EXPOSE takes container ports only; publish '${word.value}' with docker run -p instead.`;
    else if (!m) problem = `'${word.value}' is not a port: use <port>[/tcp|udp|sctp], e.g. 8080/tcp.`;
    else {
      const low = Number(m[1]);
      const high = m[2] !== undefined ? Number(m[2]) : low;
      if (low < 1 || high > 65535) problem = `Port '${word.value}' is out of range 1-65535.`;
      else if (high < low) problem = `Port range '${word.value}' runs backwards: write ${high}-${low}.`;
      else if (m[3] && !['tcp', 'udp', 'sctp'].includes(m[3].toLowerCase())) problem = `Unknown protocol '${m[3]}': use tcp, udp or sctp.`;
    }
    if (problem) report('expose-invalid', { span: word.span, message: problem });
  }
}

/** Whether two keywords are one edit apart: a changed, added or dropped letter, or two swapped. */
function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length && diff.length < 3; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return true;
    return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (long.length - short.length !== 1) return false;
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.slice(i) === long.slice(i + 1);
}

function checkBuilder(ctx: RuleContext, report: Report): void {
  const { doc } = ctx;
  if (doc.instructions.length > 0 && doc.stages.length === 0) {
    const first = doc.instructions.find((i) => i.keyword !== 'ARG') ?? doc.instructions[0];
    // A misspelt FROM already gets its own error on the same word.
    if (KNOWN.has(first.keyword))
      report('from-missing', { span: first.keywordSpan, message: 'A Dockerfile must start with FROM (only ARG may come before it).' });
  }
  for (const instruction of doc.instructions) {
    if (
      instruction.stage < 0 &&
      instruction.keyword !== 'ARG' &&
      instruction.keyword !== 'FROM' &&
      doc.stages.length > 0 &&
      KNOWN.has(instruction.keyword)
    ) {
      report('from-missing', {
        span: instruction.keywordSpan,
        message: `${instruction.keyword} comes before the first FROM; only ARG may.`,
      });
    }
    checkInstruction(report, instruction, false);
  }
}

function jsonQuotesFix(f: Fixer): void {
  const i = f.instruction;
  if (!i || !i.argsText.includes("'")) return;
  const fixed = i.argsText.replace(/'([^'"]*)'/g, '"$1"');
  try {
    JSON.parse(fixed);
  } catch {
    return;
  }
  offer(f, 'Use double quotes so it parses as JSON', edits(f, [replaceSpan(f.doc, i.argsSpan, fixed)]), true);
}

export const builder = defineFamily({ rules: RULES, check: checkBuilder });
