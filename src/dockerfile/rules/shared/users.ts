/** Which user the final image runs as, and the fix that adds an unprivileged USER. */
import { positionAt, type Dockerfile, type Instruction, type Stage } from '../../model';
import { expandVariables, keyValues } from '../../variables';
import { edits, indentAt, insertLinesAfter, insertLinesBefore, offer, snippet, type Fixer } from '../fixer';

/** The last USER that applies to a stage, following `FROM <stage>` to the stages it builds on. */
export function effectiveUser(doc: Dockerfile, stageIndex: number): Instruction | undefined {
  const visited = new Set<number>();
  let index: number | undefined = stageIndex;
  while (index !== undefined && !visited.has(index)) {
    visited.add(index);
    const stage: Stage = doc.stages[index];
    for (let i = stage.instructions.length - 1; i >= 0; i--) {
      if (stage.instructions[i].keyword === 'USER') return stage.instructions[i];
    }
    index = stage.parent;
  }
  return undefined;
}

/**
 * USER's value with ENV and ARG values substituted, following the stages it builds on;
 * undefined when a variable has no known value.
 */
export function userName(doc: Dockerfile, user: Instruction, globals: Map<string, string | undefined>): string | undefined {
  const raw = user.args[0]?.value;
  if (raw === undefined) return undefined;
  if (!raw.includes('$')) return raw;
  const chain: Stage[] = [];
  for (let s: number | undefined = user.stage; s !== undefined && s >= 0 && !chain.includes(doc.stages[s]); s = doc.stages[s].parent) {
    chain.unshift(doc.stages[s]);
  }
  const values = new Map<string, string | undefined>();
  for (const stage of chain) {
    for (const instruction of stage.instructions) {
      if (instruction === user) break;
      if (instruction.keyword !== 'ENV' && instruction.keyword !== 'ARG') continue;
      const words = instruction.args.map((a) => a.value);
      for (const { name, value } of keyValues(words, doc.escape, instruction.keyword === 'ENV')) {
        // `ARG NAME` inside a stage brings the global default into scope.
        const resolved = value === undefined ? (instruction.keyword === 'ARG' ? globals.get(name) : undefined) : value;
        values.set(name, resolved === undefined ? undefined : expandVariables(resolved, (n) => values.get(n), doc.escape).value);
      }
    }
  }
  const expanded = expandVariables(raw, (n) => values.get(n), doc.escape);
  return expanded.unresolved ? undefined : expanded.value;
}

export function isRootUser(name: string): boolean {
  const user = name.split(':')[0];
  return user === 'root' || user === '0';
}

/** Adds `USER <unprivileged>` to the final stage, before the command it runs. */
export function userFix(f: Fixer): void {
  const { doc } = f;
  const final = doc.stages[doc.stages.length - 1];
  if (!final) return;
  const base = final.base?.value ?? '';
  const name = /(^|\/)node(:|@|$)/.test(base) ? 'node' : '10001';
  const root = effectiveUser(doc, final.index);
  // Before the command the image runs, after every build step that may still need root.
  const start = root && root.stage === final.index ? final.instructions.indexOf(root) : 0;
  const runTarget = final.instructions.slice(start).find((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
  const anchor = runTarget ?? final.instructions[final.instructions.length - 1];
  const line = (value: string) => `${indentAt(doc, anchor.span.start)}USER ${value}`;
  const title = runTarget ? `Add 'USER ${name}' before ${runTarget.keyword}` : `Add 'USER ${name}' at the end of the final stage`;
  if (runTarget) {
    const at = runTarget.span.start;
    if (f.ctx.snippetSupport && name !== 'node') {
      const pos = { line: positionAt(doc, at).line, character: 0 };
      offer(f, title, snippet(f, { start: pos, end: pos }, line('${1:' + name + '}') + '\n'), true);
    } else offer(f, title, edits(f, [insertLinesBefore(doc, at, line(name))]), true);
  } else {
    const last = final.instructions[final.instructions.length - 1];
    offer(f, title, edits(f, [insertLinesAfter(doc, last, line(name))]), true);
  }
}
