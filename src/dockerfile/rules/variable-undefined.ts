/**
 * A variable in an instruction argument that no ARG or ENV in scope defines (BuildKit's
 * UndefinedVar). The shell text of RUN, CMD and ENTRYPOINT is left alone: the shell expands that
 * at run time.
 */
import type { Stage, Word } from '../model';
import type { VariableRef } from '../variables';
import { defineRule, type DataEdit, type Finding } from './rule';
import { didYouMean } from '../../shared/didYouMean';
import { declaredName, hasDollar, nameSpan, PLATFORM, PREDEFINED, refsOf, renameData, renameOrDeclareFix } from './shared/scope';

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

/** Names in scope inside a stage: ARG or ENV, in declaration order. */
type Scope = Map<string, 'arg' | 'env'>;

type Report = (finding: Finding) => void;

function checkRef(
  report: Report,
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
    report({
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
  const suggestion = didYouMean(name, candidates);
  if (!suggestion && !fromScratch) return;
  report({
    span: nameSpan(word, ref),
    message: suggestion
      ? `'${name}' is not defined by any ARG or ENV in scope. Did you mean '${suggestion}'?`
      : `'${name}' is not defined by any ARG or ENV in scope, and this stage starts from scratch, so it expands to an empty string.`,
    data: suggestion ? renameData(word, ref, suggestion) : undefined,
  });
}

export const variableUndefined = defineRule({
  code: 'variable-undefined',
  severity: 'warning',
  summary: 'A variable in an instruction argument that no ARG or ENV in scope defines.',
  buildkit: 'UndefinedVar',
  check(ctx, report) {
    const { doc } = ctx;
    const escape = doc.escape;
    // Global ARGs in order: each default sees the ones before it.
    const globals = new Set<string>();
    for (const arg of doc.globalArgs) {
      for (const word of arg.args) {
        for (const ref of refsOf(word, escape)) {
          if (globals.has(ref.name) || PLATFORM.has(ref.name) || PREDEFINED.has(ref.name) || (ref.modifier && !ref.modifier.endsWith('?')))
            continue;
          const suggestion = didYouMean(ref.name, globals);
          report({
            span: nameSpan(word, ref),
            message: `'${ref.name}' is not declared by an ARG before this one, so it expands to an empty string.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
            data: suggestion ? renameData(word, ref, suggestion) : undefined,
          });
        }
        globals.add(declaredName(word));
      }
    }

    const scopes: Scope[] = [];
    const scratch: boolean[] = [];
    // A stage's last child takes its scope over instead of copying it: nobody reads it after that,
    // and a chain of thousands of stages would otherwise copy a growing scope once per stage.
    const childrenLeft = new Array<number>(doc.stages.length).fill(0);
    for (const stage of doc.stages) if (stage.parent !== undefined) childrenLeft[stage.parent]++;
    for (const stage of doc.stages) {
      const parent = stage.parent !== undefined ? scopes[stage.parent] : undefined;
      const scope: Scope = parent ? (--childrenLeft[stage.parent!] === 0 ? parent : new Map(parent)) : new Map();
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
            for (const ref of refsOf(word, escape)) checkRef(report, stage, word, ref, scope, globals, fromScratch);
            scope.set(declaredName(word), 'arg');
          }
          continue;
        }
        // ENV values see the variables as they were before the instruction (`ENV A=1 B=$A` reads the old A).
        for (const word of instruction.args)
          for (const ref of refsOf(word, escape)) checkRef(report, stage, word, ref, scope, globals, fromScratch);
        if ((k === 'COPY' || k === 'ADD') && instruction.flags.length > 0) {
          for (const flag of instruction.flags) {
            if ((flag.name !== 'chown' && flag.name !== 'chmod') || !flag.valueSpan || !flag.value?.includes('$')) continue;
            const word = { value: flag.value, span: flag.valueSpan };
            for (const ref of refsOf(word, escape)) checkRef(report, stage, word, ref, scope, globals, fromScratch);
          }
        }
        if (k === 'ENV') {
          // `ENV NAME value…` (no `=` in the first word) sets one name, as the builder reads it.
          const words = instruction.args;
          const legacy = words.length > 1 && !words[0].value.includes('=');
          for (let n = 0; n < (legacy ? 1 : words.length); n++) scope.set(declaredName(words[n]), 'env');
        }
      }
    }
  },
  fix: renameOrDeclareFix,
});
