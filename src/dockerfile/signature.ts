/**
 * Signature help: how the instruction under the cursor is written, with the part being typed
 * highlighted; inside a flag, how the flag is written (for `--mount`, the options of its type).
 */
import type { ParameterInformation, Position, SignatureHelp, SignatureInformation } from 'vscode-languageserver-types';
import { FLAG_DOCS, INSTRUCTION_DOCS, MOUNT_OPTIONS, MOUNT_TYPE_DOCS } from './docs';
import type { Dockerfile, Flag, Instruction } from './model';
import { instructionAt, offsetAt } from './model';

/**
 * Roles say which words a parameter takes: `f` the flags, `1` one word, `*` words up to a
 * following `L` (the last word), `R` every remaining word, `j0`/`j*` the first/other entries of
 * a JSON array.
 */
interface Form {
  label: string;
  params: [text: string, role: string][];
  exec?: boolean;
  none?: boolean;
}

const FLAGS = '[--flags]';
const form = (label: string, params: [string, string][], extra: Partial<Form> = {}): Form => ({ label, params, ...extra });
const execForm = (keyword: string, flags: boolean, first: string, rest: string): Form =>
  form(
    `${keyword} ${flags ? FLAGS + ' ' : ''}["${first}", "${rest}", ...]`,
    [...(flags ? ([[FLAGS, 'f']] as [string, string][]) : []), [`"${first}"`, 'j0'], [`"${rest}", ...`, 'j*']],
    { exec: true },
  );

/** `COPY ["<src>", ..., "<dest>"]`: every entry but the last is a source. */
const copyExec = (keyword: string): Form =>
  form(
    `${keyword} [--flags] ["<src>", ..., "<dest>"]`,
    [
      [FLAGS, 'f'],
      ['"<src>", ...,', 'j0'],
      ['"<dest>"', 'j*'],
    ],
    { exec: true },
  );

const FORMS: Record<string, Form[]> = {
  ADD: [
    form('ADD [--flags] <src>... <dest>', [
      [FLAGS, 'f'],
      ['<src>...', '*'],
      ['<dest>', 'L'],
    ]),
    copyExec('ADD'),
  ],
  COPY: [
    form('COPY [--flags] <src>... <dest>', [
      [FLAGS, 'f'],
      ['<src>...', '*'],
      ['<dest>', 'L'],
    ]),
    copyExec('COPY'),
  ],
  ARG: [form('ARG <name>[=<default>] ...', [['<name>[=<default>] ...', 'R']])],
  CMD: [
    form('CMD <command> <param>...', [
      ['<command>', '1'],
      ['<param>...', 'R'],
    ]),
    execForm('CMD', false, '<executable>', '<param>'),
  ],
  ENTRYPOINT: [
    form('ENTRYPOINT <command> <param>...', [
      ['<command>', '1'],
      ['<param>...', 'R'],
    ]),
    execForm('ENTRYPOINT', false, '<executable>', '<param>'),
  ],
  ENV: [form('ENV <key>=<value> ...', [['<key>=<value> ...', 'R']])],
  EXPOSE: [form('EXPOSE <port>[/<protocol>] ...', [['<port>[/<protocol>] ...', 'R']])],
  FROM: [
    form('FROM [--platform=<platform>] <image>[:<tag>][@<digest>] [AS <name>]', [
      ['[--platform=<platform>]', 'f'],
      ['<image>[:<tag>][@<digest>]', '1'],
      ['[AS <name>]', 'R'],
    ]),
  ],
  HEALTHCHECK: [
    form('HEALTHCHECK [--flags] CMD <command>', [
      [FLAGS, 'f'],
      ['CMD', '1'],
      ['<command>', 'R'],
    ]),
    form('HEALTHCHECK NONE', [['NONE', '1']], { none: true }),
  ],
  LABEL: [form('LABEL <key>=<value> ...', [['<key>=<value> ...', 'R']])],
  MAINTAINER: [form('MAINTAINER <name>', [['<name>', 'R']])],
  ONBUILD: [form('ONBUILD <instruction>', [['<instruction>', 'R']])],
  RUN: [
    form('RUN [--flags] <command>', [
      [FLAGS, 'f'],
      ['<command>', 'R'],
    ]),
    execForm('RUN', true, '<executable>', '<param>'),
  ],
  SHELL: [execForm('SHELL', false, '<executable>', '<param>')],
  STOPSIGNAL: [form('STOPSIGNAL <signal>', [['<signal>', '1']])],
  USER: [form('USER <user>[:<group>]', [['<user>[:<group>]', '1']])],
  VOLUME: [form('VOLUME <path> ...', [['<path> ...', 'R']]), execForm('VOLUME', false, '<path>', '<path>')],
  WORKDIR: [form('WORKDIR <path>', [['<path>', '1']])],
};

function information(form: Form, documentation: string): SignatureInformation {
  const parameters: ParameterInformation[] = [];
  let from = 0;
  for (const [text] of form.params) {
    const at = form.label.indexOf(text, from);
    parameters.push({ label: [at, at + text.length] });
    from = at + text.length;
  }
  return { label: form.label, documentation: { kind: 'markdown', value: documentation }, parameters };
}

export function signatureHelp(doc: Dockerfile, position: Position): SignatureHelp | null {
  const offset = offsetAt(doc, position);
  const top = instructionAt(doc, offset);
  if (!top || offset <= top.keywordSpan.end) return null;
  let instruction = top;
  if (top.trigger && offset > top.trigger.keywordSpan.end) instruction = top.trigger;
  else if (top.trigger && offset >= top.trigger.keywordSpan.start) return null;
  // Heredoc bodies are scripts, not arguments.
  if (instruction.heredocs.some((h) => offset >= h.bodySpan.start && h.bodySpan.end > h.bodySpan.start)) return null;
  const flag = instruction.flags.find((f) => offset >= f.span.start && offset <= f.span.end);
  if (flag) return flagSignature(instruction.keyword, flag, offset);
  const forms = FORMS[instruction.keyword];
  if (!forms) return null;
  const info = INSTRUCTION_DOCS[instruction.keyword];
  const exec = instruction.argsText.startsWith('[');
  const none = instruction.args[0]?.value.toUpperCase() === 'NONE';
  let active = forms.findIndex((f) => (f.exec ?? false) === exec && (f.none ?? false) === none);
  if (active < 0) active = 0;
  return {
    signatures: forms.map((f) => information(f, info.summary)),
    activeSignature: active,
    activeParameter: activeParameter(forms[active], instruction, offset),
  };
}

function activeParameter(form: Form, instruction: Instruction, offset: number): number {
  const roles = form.params.map(([, role]) => role);
  // Flags end where the last one does; with none yet, the blank right after the keyword is theirs.
  const flagsEnd = instruction.flags.length ? instruction.flags[instruction.flags.length - 1].span.end : instruction.keywordSpan.end + 1;
  if (roles[0] === 'f' && offset <= flagsEnd && instruction.args.every((w) => w.span.start >= offset)) {
    // Right after the keyword, or typing `--`: the flags.
    return 0;
  }
  if (form.exec) {
    const before = instruction.argsText.slice(0, Math.max(0, offset - instruction.argsSpan.start));
    return roles.indexOf((before.match(/,/g)?.length ?? 0) === 0 ? 'j0' : 'j*');
  }
  const words = instruction.args;
  let index = words.findIndex((w) => offset <= w.span.end);
  if (index < 0) index = words.length;
  // A cursor in the blank before a word starts a new word only when it is right after a word.
  let k = index;
  let p = 0;
  for (; p < roles.length; p++) {
    const role = roles[p];
    if (role === 'f') continue;
    if (role === 'R') return p;
    if (role === '1') {
      if (k === 0) return p;
      k--;
      continue;
    }
    if (role === '*') {
      const last = roles[p + 1] === 'L';
      const total = Math.max(words.length, index + 1);
      if (!last || index === 0 || index < total - 1) return p;
      return p + 1;
    }
    if (role === 'L') return p;
  }
  return Math.max(0, roles.length - 1);
}

function flagSignature(keyword: string, flag: Flag, offset: number): SignatureHelp | null {
  const info = FLAG_DOCS[keyword]?.[flag.name];
  if (!info) return null;
  if (keyword === 'RUN' && flag.name === 'mount' && flag.value !== undefined && flag.valueSpan) {
    const written = /(?:^|,)type=([a-z]*)/.exec(flag.value)?.[1] ?? 'bind';
    const type = MOUNT_OPTIONS[written] ? written : '<bind|cache|tmpfs|secret|ssh>';
    const options = Object.keys(MOUNT_OPTIONS[type] ?? {});
    const parts = [`type=${type}`, ...options.map((o) => `[,${o}=<${o}>]`)];
    const label = `--mount=${parts.join('')}`;
    const typed = flag.value.slice(0, Math.max(0, offset - flag.valueSpan.start));
    const segment = typed.slice(typed.lastIndexOf(',') + 1);
    const key = segment.split('=')[0];
    const active = key === 'type' || !typed.includes(',') ? 0 : options.indexOf(key) + 1;
    const parameters: ParameterInformation[] = [];
    let from = 0;
    for (const part of parts) {
      const at = label.indexOf(part, from);
      parameters.push({ label: [at, at + part.length] });
      from = at + part.length;
    }
    return {
      signatures: [{ label, documentation: { kind: 'markdown', value: `${MOUNT_TYPE_DOCS[type] ?? info.summary}` }, parameters }],
      activeSignature: 0,
      activeParameter: active > 0 ? active : 0,
    };
  }
  return {
    signatures: [
      { label: info.syntax, documentation: { kind: 'markdown', value: info.summary }, parameters: [{ label: [0, info.syntax.length] }] },
    ],
    activeSignature: 0,
    activeParameter: 0,
  };
}
