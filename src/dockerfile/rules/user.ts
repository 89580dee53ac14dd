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

/**
 * USER's value with ENV and ARG values substituted, following the stages it builds on;
 * undefined when a variable has no known value.
 */
function userName(doc: Dockerfile, user: Instruction, globals: Map<string, string | undefined>): string | undefined {
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

export function checkUser(ctx: RuleContext): void {
  const { doc } = ctx;
  const final = doc.stages.length - 1;
  if (final < 0) return;
  const user = effectiveUser(doc, final);
  if (user) {
    const name = userName(doc, user, ctx.globalArgs());
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
