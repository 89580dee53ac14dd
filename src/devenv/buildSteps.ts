/**
 * Where a BuildKit step comes from in the Dockerfile: the Dockerfile frontend names its steps
 * `[stage 2/5] RUN …` (stage name or `stage-N`, sometimes a platform, sometimes no stage at all),
 * counting the stage's instructions with or without its FROM. Read with Berth's own parser.
 */
import { positionAt, sameStageName, type Dockerfile, type Instruction } from '../dockerfile/model';
import { parse } from '../dockerfile/parser';

/** The instructions BuildKit's Dockerfile frontend runs as numbered steps, besides FROM. */
const STEP_KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

/** The Dockerfile line (0-based) of the instruction a step ran, when it can be told. */
export function stepLine(text: string, stepName: string): number | undefined {
  const doc = parse(text);
  const instruction = stepInstruction(doc, stepName);
  return instruction ? positionAt(doc, instruction.span.start).line : undefined;
}

function stepInstruction(doc: Dockerfile, stepName: string): Instruction | undefined {
  const m = /^\[([^\]]*?)\s*(\d+)\/(\d+)\]\s+(.*)$/s.exec(stepName.trim());
  if (!m || !doc.stages.length) return undefined;
  const [, prefix, indexText, totalText, command] = m;
  const index = Number(indexText);
  const total = Number(totalText);
  // A platform (`linux/arm64`) may come before the stage name when several are built.
  const stageName = prefix.split(/\s+/).filter((w) => w && !w.includes('/'))[0];
  const candidates = stageName
    ? doc.stages.filter((s) => (s.name && sameStageName(s.name.value, stageName)) || (!s.name && stageName === `stage-${s.index}`))
    : doc.stages;
  const keyword = command.split(/\s/)[0]?.toUpperCase();
  for (const stage of [...candidates].reverse()) {
    // Only instructions that change the file system are steps; the FROM counts when it pulls an
    // image, not when it names a stage: the total says which.
    const rest = stage.instructions.slice(1).filter((i) => STEP_KEYWORDS.has(i.keyword));
    const list = total === rest.length + 1 ? [stage.from, ...rest] : total === rest.length ? rest : undefined;
    const found = list?.[index - 1];
    if (found && (!keyword || found.keyword === keyword)) return found;
  }
  return undefined;
}
