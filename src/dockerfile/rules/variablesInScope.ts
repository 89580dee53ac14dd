/**
 * Variables the builder expands in instruction arguments, checked against the ARGs and ENVs in
 * scope (BuildKit's UndefinedVar and UndefinedArgInFrom), and secrets passed as ARG or ENV.
 * The shell text of RUN, CMD and ENTRYPOINT is left alone: the shell expands that at run time.
 */
import type { Instruction, Span, Stage, Word } from '../model';
import { findVariables, type VariableRef } from '../variables';
import { subSpan, type RuleContext } from './context';
import type { DataEdit } from './shellUsage';
import { closest } from './stageRefs';

/** Usable everywhere without an ARG (BuildKit's predefined proxy args, and the reproducible-build epoch). */
const PREDEFINED = new Set([
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
  'SOURCE_DATE_EPOCH',
]);
/** Set by the builder in the global scope, so FROM sees them; inside a stage they need an ARG. */
const PLATFORM = new Set([
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
]);
/** What base images commonly set in ENV; with the image unknown, never reported as undefined. */
const IMAGE_ENV = new Set([
  'PATH',
  'HOME',
  'USER',
  'HOSTNAME',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'TERM',
  'TZ',
  'SHELL',
  'PWD',
  'JAVA_HOME',
  'GOPATH',
  'GOROOT',
  'CARGO_HOME',
  'RUSTUP_HOME',
  'GEM_HOME',
  'BUNDLE_PATH',
  'PYTHONPATH',
  'VIRTUAL_ENV',
  'NODE_PATH',
  'LD_LIBRARY_PATH',
]);
/** Instructions whose arguments the builder expands (RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK run a shell or a program instead). */
const EXPANDED = new Set(['ADD', 'COPY', 'ENV', 'ARG', 'LABEL', 'WORKDIR', 'EXPOSE', 'USER', 'VOLUME', 'STOPSIGNAL']);
/** Only the nearest names are compared for "did you mean", so a huge scope stays cheap. */
const MAX_CANDIDATES = 200;

/** The words of a name that make it a secret: `GITHUB_TOKEN`, `dbPassword`, `AWS_SECRET_ACCESS_KEY`. */
const SECRET_WORDS = new Set(['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'credential', 'credentials']);
const SECRET_PAIRS = new Set([
  'api key',
  'private key',
  'access key',
  'secret key',
  'auth key',
  'client secret',
  'signing key',
  'encryption key',
]);
const SECRET_HINT = /pass|secret|token|key|credential/i;
/** A last word that makes the variable about a secret rather than the secret: `PASSWORD_FILE`, `TOKEN_URL`. */
const NOT_THE_SECRET = new Set([
  'file',
  'path',
  'dir',
  'name',
  'url',
  'uri',
  'id',
  'ttl',
  'length',
  'len',
  'type',
  'env',
  'header',
  'endpoint',
  'expiry',
  'lifetime',
]);

/** Whether a variable name says it holds a secret, word by word (so `TOKENIZERS_PARALLELISM` does not). */
export function isSecretName(name: string): boolean {
  // Every secret word or pair holds one of these; most names are passed over here.
  if (!SECRET_HINT.test(name)) return false;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_.-]+/)
    .filter(Boolean);
  if (words.length === 0 || NOT_THE_SECRET.has(words[words.length - 1])) return false;
  for (let i = 0; i < words.length; i++) {
    if (SECRET_WORDS.has(words[i])) return true;
    if (i > 0 && SECRET_PAIRS.has(`${words[i - 1]} ${words[i]}`)) return true;
  }
  return false;
}

/** Names in scope inside a stage: ARG or ENV, in declaration order. */
type Scope = Map<string, 'arg' | 'env'>;

export function checkVariables(ctx: RuleContext): void {
  const { doc } = ctx;
  const escape = doc.escape;
  // Global ARGs in order: each default sees the ones before it.
  const globals = new Set<string>();
  for (const arg of doc.globalArgs) {
    for (const word of arg.args) {
      for (const ref of refsOf(word, escape)) {
        if (globals.has(ref.name) || PLATFORM.has(ref.name) || PREDEFINED.has(ref.name) || (ref.modifier && !ref.modifier.endsWith('?')))
          continue;
        const suggestion = closest(ref.name, globals);
        ctx.report({
          code: 'variable-undefined',
          span: nameSpan(word, ref),
          message: `'${ref.name}' is not declared by an ARG before this one, so it expands to an empty string.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
          data: suggestion ? renameData(word, ref, suggestion) : undefined,
        });
      }
      const eq = word.value.indexOf('=');
      const name = eq < 0 ? word.value : word.value.slice(0, eq);
      globals.add(name);
      checkSecret(ctx, arg, word, name);
    }
  }

  const scopes: Scope[] = [];
  const scratch: boolean[] = [];
  for (const stage of doc.stages) {
    if (stage.from.argsText.includes('$') || stage.from.flags.some(hasDollar)) checkFrom(ctx, stage, globals);
    const parent = stage.parent !== undefined ? scopes[stage.parent] : undefined;
    const scope: Scope = parent ? new Map(parent) : new Map();
    scopes[stage.index] = scope;
    // The image a chain of `FROM <stage>` starts from; a parent always comes before its child.
    const fromScratch = (scratch[stage.index] =
      stage.parent !== undefined ? scratch[stage.parent] === true : stage.base?.value === 'scratch');
    for (const instruction of stage.instructions) {
      const k = instruction.keyword;
      if (!EXPANDED.has(k)) continue;
      // Most instructions expand nothing: their words are not even split.
      if (k !== 'ARG' && k !== 'ENV' && !instruction.argsText.includes('$') && !instruction.flags.some(hasDollar)) continue;
      if (k === 'ARG') {
        for (const word of instruction.args) {
          for (const ref of refsOf(word, escape)) checkRef(ctx, stage, word, ref, scope, globals, fromScratch);
          const eq = word.value.indexOf('=');
          const name = eq < 0 ? word.value : word.value.slice(0, eq);
          scope.set(name, 'arg');
          checkSecret(ctx, instruction, word, name);
        }
        continue;
      }
      // ENV values see the variables as they were before the instruction (`ENV A=1 B=$A` reads the old A).
      for (const word of instruction.args)
        for (const ref of refsOf(word, escape)) checkRef(ctx, stage, word, ref, scope, globals, fromScratch);
      if ((k === 'COPY' || k === 'ADD') && instruction.flags.length > 0) {
        for (const flag of instruction.flags) {
          if ((flag.name !== 'chown' && flag.name !== 'chmod') || !flag.valueSpan || !flag.value?.includes('$')) continue;
          const word = { value: flag.value, span: flag.valueSpan };
          for (const ref of refsOf(word, escape)) checkRef(ctx, stage, word, ref, scope, globals, fromScratch);
        }
      }
      if (k === 'ENV') {
        // `ENV NAME value…` (no `=` in the first word) sets one name, as the builder reads it.
        const words = instruction.args;
        const legacy = words.length > 1 && !words[0].value.includes('=');
        for (let n = 0; n < (legacy ? 1 : words.length); n++) {
          const eq = words[n].value.indexOf('=');
          const name = eq < 0 ? words[n].value : words[n].value.slice(0, eq);
          scope.set(name, 'env');
          checkSecret(ctx, instruction, words[n], name);
        }
      }
    }
  }
}

function hasDollar(flag: { value: string | undefined }): boolean {
  return flag.value !== undefined && flag.value.includes('$');
}

/** Some stage declares `ARG name`, which FROM cannot see. */
function declaredInAStage(ctx: RuleContext, name: string): boolean {
  for (const stage of ctx.doc.stages) {
    for (const i of stage.instructions)
      if (i.keyword === 'ARG' && i.args.some((w) => w.value === name || w.value.startsWith(name + '='))) return true;
  }
  return false;
}

function refsOf(word: Word, escape: string): VariableRef[] {
  return word.value.includes('$') ? findVariables(word.value, escape) : [];
}

/** FROM sees the global ARGs and the platform ARGs only. */
function checkFrom(ctx: RuleContext, stage: Stage, globals: Set<string>): void {
  const from = stage.from;
  const words: Word[] = [];
  if (stage.base) words.push(stage.base);
  for (const flag of from.flags)
    if (flag.name === 'platform' && flag.value && flag.valueSpan) words.push({ value: flag.value, span: flag.valueSpan });
  for (const word of words) {
    for (const ref of refsOf(word, ctx.doc.escape)) {
      if (ref.modifier && ref.modifier !== '?' && ref.modifier !== ':?') continue;
      if (globals.has(ref.name) || PLATFORM.has(ref.name) || PREDEFINED.has(ref.name)) continue;
      const suggestion = closest(ref.name, [...globals, ...PLATFORM]);
      const inStage = declaredInAStage(ctx, ref.name);
      const why = inStage
        ? `ARG ${ref.name} is declared inside a stage, and FROM only sees ARGs declared before the first FROM. Move the ARG above the first FROM`
        : `No ARG ${ref.name} is declared before the first FROM, so it expands to an empty string. Declare 'ARG ${ref.name}=<default>' above the first FROM`;
      ctx.report({
        code: 'from-arg-undefined',
        span: nameSpan(word, ref),
        message: `${why}${suggestion ? `, or did you mean '${suggestion}'?` : '.'}`,
        data: suggestion ? renameData(word, ref, suggestion) : undefined,
      });
    }
  }
}

function checkRef(
  ctx: RuleContext,
  stage: Stage,
  word: Word,
  ref: VariableRef,
  scope: Scope,
  globals: Set<string>,
  fromScratch: boolean,
): void {
  const name = ref.name;
  if (scope.has(name) || PREDEFINED.has(name)) return;
  // `${X:-default}` and `${X:+alt}` say on their own what happens when X is unset.
  if (ref.modifier && ref.modifier !== '?' && ref.modifier !== ':?') return;
  const from = stage.from;
  if (PLATFORM.has(name) || globals.has(name)) {
    const kind = PLATFORM.has(name) ? 'set by the builder in the global scope' : 'a global ARG';
    ctx.report({
      code: 'variable-undefined',
      span: nameSpan(word, ref),
      message: `'${name}' is ${kind}, and a stage does not see it until it says 'ARG ${name}': here it is empty (or the base image's own ${name}). Add 'ARG ${name}' to this stage.`,
      data: { declare: name, edits: [{ start: from.span.end, end: from.span.end, text: `\nARG ${name}` }] satisfies DataEdit[] },
    });
    return;
  }
  if (IMAGE_ENV.has(name)) return;
  // The base image's ENV is not known here: only a near miss of a name in scope, or a stage that
  // starts from scratch, is certain enough to report.
  const candidates = scope.size > MAX_CANDIDATES ? [...scope.keys()].slice(-MAX_CANDIDATES) : scope.keys();
  const suggestion = closest(name, candidates);
  if (!suggestion && !fromScratch) return;
  ctx.report({
    code: 'variable-undefined',
    span: nameSpan(word, ref),
    message: suggestion
      ? `'${name}' is not defined by any ARG or ENV in scope. Did you mean '${suggestion}'?`
      : `'${name}' is not defined by any ARG or ENV in scope, and this stage starts from scratch, so it expands to an empty string.`,
    data: suggestion ? renameData(word, ref, suggestion) : undefined,
  });
}

/** The variable's name inside `$NAME` or `${NAME…}`, when the word maps onto its source. */
function nameSpan(word: Word, ref: VariableRef): Span {
  const at = ref.start + (word.value[ref.start + 1] === '{' ? 2 : 1);
  return subSpan(word, at, at + ref.name.length);
}

function renameData(word: Word, ref: VariableRef, suggestion: string): { suggestion: string; edits?: DataEdit[] } {
  const span = nameSpan(word, ref);
  const exact = span.end - span.start === ref.name.length;
  return exact ? { suggestion, edits: [{ start: span.start, end: span.end, text: suggestion }] } : { suggestion };
}

function checkSecret(ctx: RuleContext, instruction: Instruction, word: Word, name: string): void {
  if (!name || !isSecretName(name)) return;
  const keyword = instruction.keyword;
  ctx.report({
    code: 'secret-in-arg-env',
    span: subSpan(word, 0, Math.min(name.length, word.value.length)),
    message: `${keyword} ${name} looks like a secret: ${keyword === 'ENV' ? 'ENV values are stored in the image for anyone who pulls it' : 'build arguments are recorded in the image history and build cache'}. Pass it with RUN --mount=type=secret,id=${name.toLowerCase()} (docker build --secret id=${name.toLowerCase()},env=${name}) instead.`,
  });
}
