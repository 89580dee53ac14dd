/** The checks the builder itself makes, reported while typing instead of at build time. */
import type { Flag, Instruction, Span } from '../model';
import { positionAt } from '../model';
import type { RuleContext } from './context';

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
const STAGE_NAME = /^[a-z][a-z0-9_.-]*$/i;
/** Instructions that cannot be empty. CMD and ENTRYPOINT may be `[]`, which still has arguments. */
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

function checkFlags(ctx: RuleContext, instruction: Instruction): void {
  if (instruction.flags.length === 0) return;
  const accepted = FLAGS[instruction.keyword] ?? NO_FLAGS_ACCEPTED;
  for (const flag of instruction.flags) {
    const kind = accepted[flag.name];
    if (kind === undefined) {
      const names = Object.keys(accepted);
      ctx.report({
        code: 'flag-unknown',
        span: flag.span,
        message: names.length
          ? `${instruction.keyword} has no flag --${flag.name}. It accepts ${names.map((n) => '--' + n).join(', ')}.`
          : `${instruction.keyword} takes no flags; remove --${flag.name}.`,
      });
      continue;
    }
    const problem = flagProblem(kind, flag);
    if (problem) ctx.report({ code: 'flag-value-invalid', span: problemSpan(kind, flag), message: problem });
  }
}

function needsArguments(instruction: Instruction): boolean {
  // argsText rather than args: splitting every RUN into words just to count them is waste.
  return instruction.argsText === '' && instruction.heredocs.length === 0;
}

function checkInstruction(ctx: RuleContext, instruction: Instruction, inOnbuild: boolean): void {
  const { keyword } = instruction;
  if (!KNOWN.has(keyword)) {
    const near = INSTRUCTIONS.find((k) => oneEditApart(k, keyword));
    ctx.report({
      code: 'unknown-instruction',
      span: instruction.keywordSpan,
      message: near ? `Unknown instruction '${keyword}'. Did you mean ${near}?` : `Unknown instruction '${keyword}'.`,
      data: near ? { suggestion: near } : undefined,
    });
    return;
  }
  checkFlags(ctx, instruction);
  if (needsArguments(instruction)) {
    ctx.report({ code: 'args-missing', span: instruction.keywordSpan, message: `${keyword} needs arguments: ${USAGE[keyword]}.` });
    return;
  }
  if ((keyword === 'COPY' || keyword === 'ADD') && (instruction.json ? instruction.json.values.length : instruction.args.length) < 2) {
    ctx.report({
      code: 'args-missing',
      span: instruction.argsSpan,
      message: `${keyword} needs a source and a destination: ${USAGE[keyword]}.`,
    });
  }
  // An index loop: for-of over the shared frozen empty list made an iterator per instruction.
  for (let h = 0; h < instruction.heredocs.length; h++) {
    const heredoc = instruction.heredocs[h];
    if (!heredoc.closeSpan) {
      ctx.report({
        code: 'heredoc-unterminated',
        span: heredoc.openSpan,
        message: `The heredoc is never closed: add a line holding only '${heredoc.delimiter}'.`,
      });
    }
  }
  if (!instruction.json && EXEC_FORM.has(keyword) && looksLikeJson(instruction.argsText)) {
    const hint = instruction.argsText.includes("'") ? ' Use double quotes: JSON has no single-quoted strings.' : '';
    ctx.report({
      code: 'json-args-invalid',
      span: instruction.argsSpan,
      message: `This is not a valid JSON array, so ${keyword} runs it as a shell command.${hint}`,
    });
  }
  switch (keyword) {
    case 'FROM':
      checkFrom(ctx, instruction);
      break;
    case 'ONBUILD':
      if (inOnbuild) break;
      if (instruction.trigger) {
        if (ONBUILD_FORBIDDEN.has(instruction.trigger.keyword)) {
          ctx.report({
            code: 'onbuild-invalid',
            span: instruction.trigger.keywordSpan,
            message: `ONBUILD cannot trigger ${instruction.trigger.keyword}.`,
          });
        } else checkInstruction(ctx, instruction.trigger, true);
      }
      break;
    case 'MAINTAINER':
      ctx.report({
        code: 'maintainer-deprecated',
        span: instruction.keywordSpan,
        message: 'MAINTAINER is deprecated. Use LABEL org.opencontainers.image.authors="…" instead.',
      });
      break;
    case 'EXPOSE':
      checkExpose(ctx, instruction);
      break;
    case 'ENV':
    case 'LABEL': {
      const first = instruction.args[0];
      if (first && !first.value.includes('=')) {
        ctx.report({
          code: 'legacy-key-value',
          span: instruction.argsSpan,
          message: `Use ${keyword} ${first.value}=<value>: the '${keyword} key value' form is legacy and cannot set several keys.`,
        });
      }
      break;
    }
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

function checkFrom(ctx: RuleContext, from: Instruction): void {
  const args = from.args;
  if (args.length === 2 || args.length > 3 || (args.length === 3 && args[1].value.toLowerCase() !== 'as')) {
    ctx.report({
      code: 'args-missing',
      span: from.argsSpan,
      message: 'FROM takes an image and optionally AS <name>: FROM <image> [AS <name>].',
    });
  }
}

function checkExpose(ctx: RuleContext, expose: Instruction): void {
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
    if (problem) ctx.report({ code: 'expose-invalid', span: word.span, message: problem });
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

export function checkBuilder(ctx: RuleContext): void {
  const { doc } = ctx;
  for (const directive of doc.directives) {
    if (directive.name === 'escape' && directive.value !== '\\' && directive.value !== '`') {
      ctx.report({
        code: 'escape-invalid',
        span: directive.valueSpan,
        message: `The escape directive takes \\ or \`, not '${directive.value}'.`,
      });
    }
  }
  if (doc.instructions.length > 0 && doc.stages.length === 0) {
    const first = doc.instructions.find((i) => i.keyword !== 'ARG') ?? doc.instructions[0];
    // A misspelt FROM already gets its own error on the same word.
    if (KNOWN.has(first.keyword))
      ctx.report({
        code: 'from-missing',
        span: first.keywordSpan,
        message: 'A Dockerfile must start with FROM (only ARG may come before it).',
      });
  }
  for (const instruction of doc.instructions) {
    if (
      instruction.stage < 0 &&
      instruction.keyword !== 'ARG' &&
      instruction.keyword !== 'FROM' &&
      doc.stages.length > 0 &&
      KNOWN.has(instruction.keyword)
    ) {
      ctx.report({
        code: 'from-missing',
        span: instruction.keywordSpan,
        message: `${instruction.keyword} comes before the first FROM; only ARG may.`,
      });
    }
    checkInstruction(ctx, instruction, false);
  }
  checkStages(ctx);
  checkCasing(ctx);
}

function checkStages(ctx: RuleContext): void {
  const absoluteWorkdir = new Set<number>();
  for (const stage of ctx.doc.stages) {
    const name = stage.name;
    if (name) {
      if (!STAGE_NAME.test(name.value) && !name.value.includes('$')) {
        ctx.report({
          code: 'stage-name-invalid',
          span: name.span,
          message: `Stage name '${name.value}' is invalid: start with a letter, then use letters, digits, '_', '-' or '.'.`,
        });
      } else if (ctx.stageNames().get(name.value.toLowerCase()) !== stage.index) {
        ctx.report({
          code: 'stage-name-duplicate',
          span: name.span,
          message: `Another stage is already named '${name.value}' (names ignore case).`,
        });
      }
    }
    let shellSeen = false;
    const last = new Map<string, Instruction>();
    for (const instruction of stage.instructions) {
      const k = instruction.keyword;
      if (k === 'SHELL') shellSeen = true;
      if (k === 'CMD' || k === 'ENTRYPOINT' || k === 'HEALTHCHECK') {
        const previous = last.get(k);
        if (previous) {
          ctx.report({
            code: 'instruction-repeated',
            span: previous.keywordSpan,
            message: `This ${k} is overridden by a later ${k} in the same stage (line ${positionAt(ctx.doc, instruction.span.start).line + 1}); only the last one applies.`,
          });
        }
        last.set(k, instruction);
      }
      if (
        (k === 'CMD' || k === 'ENTRYPOINT') &&
        !instruction.json &&
        !shellSeen &&
        instruction.args.length > 0 &&
        !instruction.argsText.startsWith('[')
      ) {
        ctx.report({
          code: 'json-args-recommended',
          span: instruction.argsSpan,
          message: `${k} in shell form runs under /bin/sh -c, so the process does not receive SIGTERM. Use exec form: ${k} ["executable", "arg"].`,
        });
      }
      if (k === 'WORKDIR') checkWorkdir(ctx, instruction, absoluteWorkdir);
    }
  }
}

/** `stages` collects the stages that set an absolute WORKDIR so far. */
function checkWorkdir(ctx: RuleContext, workdir: Instruction, stages: Set<number>): void {
  const path = workdir.args[0]?.value ?? '';
  const absolute =
    path.startsWith('/') || path.startsWith('$') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('"/') || path.startsWith("'/");
  if (absolute) {
    stages.add(workdir.stage);
    return;
  }
  // A stage built on an earlier one inherits its working directory.
  let s: number | undefined = workdir.stage;
  while (s !== undefined && s >= 0) {
    if (stages.has(s)) return;
    s = ctx.doc.stages[s].parent;
  }
  ctx.report({
    code: 'workdir-relative',
    span: workdir.args[0]?.span ?? workdir.keywordSpan,
    message: `WORKDIR '${path}' is relative to the base image's working directory, which may change. Use an absolute path.`,
  });
}

/** 1 when every letter in [start, end) is upper case, -1 when all are lower, 0 when mixed. */
function letterCase(text: string, start: number, end: number): number {
  let upper = false;
  let lower = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
  }
  return upper && lower ? 0 : lower ? -1 : 1;
}

function checkCasing(ctx: RuleContext): void {
  let upper = 0;
  let lower = 0;
  const source = ctx.doc.text;
  for (const instruction of ctx.doc.instructions) {
    const c = letterCase(source, instruction.keywordSpan.start, instruction.keywordSpan.end);
    if (c > 0) upper++;
    else if (c < 0) lower++;
  }
  const want = lower > upper ? -1 : 1;
  for (const instruction of ctx.doc.instructions) {
    const { start, end } = instruction.keywordSpan;
    if (letterCase(source, start, end) === want || !KNOWN.has(instruction.keyword)) continue;
    const written = source.slice(start, end);
    const expected = want < 0 ? written.toLowerCase() : written.toUpperCase();
    ctx.report({
      code: 'keyword-casing',
      span: instruction.keywordSpan,
      message: `Write '${expected}' to match the casing of the other instructions in this file.`,
      data: { replacement: expected },
    });
  }
}
