/** Which user the final image runs as. */
import type { Dockerfile, Instruction, Stage } from '../model';
import { expandVariables, keyValues } from '../variables';
import type { RuleContext } from './context';

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

/** USER's value with the stage's ENV and ARG values substituted; undefined when a variable has no known value. */
function userName(doc: Dockerfile, user: Instruction): string | undefined {
  const raw = user.args[0]?.value;
  if (raw === undefined) return undefined;
  if (!raw.includes('$')) return raw;
  const values = new Map<string, string | undefined>();
  for (const instruction of doc.stages[user.stage]?.instructions ?? []) {
    if (instruction === user) break;
    if (instruction.keyword === 'ENV' || instruction.keyword === 'ARG') {
      for (const { name, value } of keyValues(instruction.args.map((a) => a.value), doc.escape)) values.set(name, value);
    }
  }
  const expanded = expandVariables(raw, (n) => values.get(n), doc.escape);
  return expanded.unresolved ? undefined : expanded.value;
}

export function isRootUser(name: string): boolean {
  const user = name.split(':')[0];
  return user === 'root' || user === '0';
}

export function checkUser(ctx: RuleContext): void {
  const { doc } = ctx;
  const final = doc.stages.length - 1;
  if (final < 0) return;
  const user = effectiveUser(doc, final);
  if (user) {
    const name = userName(doc, user);
    if (name !== undefined && isRootUser(name)) {
      ctx.report({
        code: 'user-root',
        span: user.args[0]?.span ?? user.keywordSpan,
        message: `The final image runs as '${name}'. Switch to an unprivileged user with USER after the steps that need root.`,
        data: { stage: final },
      });
    }
    return;
  }
  const from = doc.stages[final].from;
  const base = doc.stages[final].base?.value ?? '';
  // Images built to run unprivileged say so in their tag (distroless :nonroot and the like).
  if (/non-?root/i.test(base)) return;
  ctx.report({
    code: 'user-missing',
    span: { start: from.keywordSpan.start, end: from.argsSpan.end },
    message: 'No USER applies to the final image, so it runs as the base image user, often root. Add USER with an unprivileged user.',
    data: { stage: final },
  });
}
