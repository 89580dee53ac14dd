/**
 * A failed image build in the user's terms: which step failed, on which Dockerfile line, the
 * last lines it printed, the builder's own reason, and what to do for the causes seen most.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { BuildError, EngineError, type ImageBuild } from '../engine/types';
import { stepLine } from './buildSteps';
import { buildxCommand, shellLine } from './dockerCommands';

/** How many of the failed step's last output lines the message carries. */
const OUTPUT_LINES = 6;

export interface BuildFailure {
  /** The whole story, for a terminal or an error message. */
  message: string;
  /** The builder's own reason. */
  why: string;
  /** The Dockerfile and the line (0-based) of the step that failed, when known. */
  location?: { file: string; line: number };
}

export async function buildFailure(error: unknown, build: ImageBuild): Promise<BuildFailure> {
  const why = (error instanceof Error ? error.message : String(error)).trim();
  const file = path.join(build.context, build.dockerfile);
  const step = error instanceof BuildError ? error.step : undefined;
  let location: BuildFailure['location'];
  if (step) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    const line = text === undefined ? undefined : stepLine(text, step.name);
    if (line !== undefined) location = { file, line };
  }
  // The classic builder's message repeats its last line; BuildKit's step output stands apart.
  const output = step
    ? step.output.filter((l) => l.trim())
    : (error instanceof BuildError ? error.output : []).filter((l) => l.trim() && !why.includes(l.trim()));
  const lines = output.slice(-OUTPUT_LINES).map((l) => `  ${l}`);
  const where = step ? ` at ${step.name}${location ? ` (${build.dockerfile}:${location.line + 1})` : ''}` : '';
  const hint = hintFor(error, why + output.join('\n'), build);
  return {
    message: `Building ${build.dockerfile} failed${where}: ${why}${lines.length ? `\n${lines.join('\n')}` : ''}${hint ? `\n${hint}` : ''}`,
    why,
    ...(location ? { location } : {}),
  };
}

function hintFor(error: unknown, text: string, build: ImageBuild): string | undefined {
  if (error instanceof EngineError && error.hint) return error.hint;
  const classic = error instanceof BuildError && error.builder === 'classic';
  if (classic && /requires BuildKit|--mount|unknown flag: (mount|chmod|link|parents|exclude|checksum)|heredoc/i.test(text))
    return `This Dockerfile needs BuildKit, and the classic builder built it (berth.build.builder, or an engine without BuildKit): build it with \`${shellLine(buildxCommand(build, '.'))}\` in ${build.context} and run the image (image: ${build.tag}).`;
  if (
    /pull access denied|manifest unknown|not found: manifest|failed to resolve source metadata|dial tcp|lookup .* (no such host|server misbehaving)|connection refused|i\/o timeout/i.test(
      text,
    )
  )
    return 'A base image in FROM could not be pulled: build or pull it on this engine first, or point FROM at a local image.';
  if (/Cannot locate specified Dockerfile|no such file or directory.*Dockerfile|failed to read dockerfile/i.test(text))
    return `Check build.dockerfile (${build.dockerfile}) and build.context (${build.context}).`;
  return undefined;
}
