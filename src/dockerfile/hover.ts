/**
 * Hover: documentation for instructions, flags and parser directives; a variable's value at the
 * point of use; what the local engine knows of a FROM image. Pure: the engine's image list comes
 * in as a parameter.
 */
import type { Hover, Position } from 'vscode-languageserver-types';
import { directiveMarkdown, flagMarkdown, instructionMarkdown, MOUNT_TYPE_DOCS, PLATFORM_ARGS, PROXY_ARGS } from './docs';
import { formatSize, shortId } from '../shared/format';
import { canonicalName, parseImageRef } from '../shared/imageRef';
import type { Dockerfile, Instruction, Span, Stage } from './model';
import { instructionAt, offsetAt, positionAt, rangeOf, sameStageName } from './model';
import { inlineCode } from '../shared/markdown';
import { expandVariables, findVariables, keyValues } from './variables';

/** An image of the local engine; `size` and `created` when the engine said. */
export interface EngineImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  /** Bytes. */
  size?: number;
  /** Seconds since the epoch, as the Engine API reports it. */
  created?: number;
}

export interface HoverOptions {
  /** The local engine's images; undefined when no engine answered. */
  localImages?: EngineImage[];
}

/** A variable as the builder sees it at some point of the file. */
export interface Binding {
  name: string;
  kind: 'ARG' | 'ENV';
  /** The value with variables expanded; undefined for an ARG without a default. */
  value: string | undefined;
  /** A variable without a value was met while expanding. */
  unresolved: boolean;
  /** The instruction that set it. */
  declared: Instruction;
  /** A global ARG (before the first FROM). */
  global: boolean;
}

export type Scope = Map<string, Binding>;

// ───────────────────────────── locating ─────────────────────────────

const within = (span: Span, offset: number) => offset >= span.start && offset <= span.end;

/** The stage named `name` declared before `before` (by offset), the latest one, as BuildKit resolves it. */
export function stageNamed(doc: Dockerfile, name: string, before = Infinity): Stage | undefined {
  let found: Stage | undefined;
  for (const stage of doc.stages) {
    if (stage.from.span.start >= before) break;
    if (stage.name && sameStageName(stage.name.value, name)) found = stage;
  }
  if (!found && /^\d+$/.test(name)) {
    const stage = doc.stages[Number(name)];
    if (stage && stage.from.span.start < before) found = stage;
  }
  return found;
}

// ───────────────────────────── scope ─────────────────────────────

function declare(scope: Scope, instruction: Instruction, escape: string, globals: Scope | undefined): void {
  const words = instruction.args.map((w) => w.value);
  const isEnv = instruction.keyword === 'ENV';
  for (const kv of keyValues(words, escape, isEnv)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(kv.name)) continue;
    const lookup = (name: string) => scope.get(name)?.value;
    if (isEnv) {
      const expanded = expandVariables(kv.value ?? '', lookup, escape);
      scope.set(kv.name, {
        name: kv.name,
        kind: 'ENV',
        value: expanded.value,
        unresolved: expanded.unresolved,
        declared: instruction,
        global: false,
      });
      continue;
    }
    // An ENV of the same name wins over an ARG, whichever comes first.
    if (scope.get(kv.name)?.kind === 'ENV') continue;
    let value: string | undefined;
    let unresolved = false;
    if (kv.value !== undefined) {
      const expanded = expandVariables(kv.value, lookup, escape);
      value = expanded.value;
      unresolved = expanded.unresolved;
    } else if (globals?.has(kv.name)) {
      // `ARG NAME` in a stage takes the global ARG's default.
      const global = globals.get(kv.name)!;
      value = global.value;
      unresolved = global.unresolved;
    }
    scope.set(kv.name, { name: kv.name, kind: 'ARG', value, unresolved, declared: instruction, global: globals === undefined });
  }
}

/** The global ARGs declared before `before` (all of them by default). */
export function globalScope(doc: Dockerfile, before = Infinity): Scope {
  const scope: Scope = new Map();
  for (const arg of doc.globalArgs) {
    if (arg.span.start >= before) break;
    declare(scope, arg, doc.escape, undefined);
  }
  return scope;
}

/** ENV a stage passes on to stages built FROM it. */
function envAtEnd(doc: Dockerfile, stage: Stage, globals: Scope, depth: number): Scope {
  const scope: Scope = new Map();
  if (stage.parent !== undefined && depth < 64) {
    for (const [name, binding] of envAtEnd(doc, doc.stages[stage.parent], globals, depth + 1)) scope.set(name, binding);
  }
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') declare(scope, instruction, doc.escape, globals);
  }
  for (const [name, binding] of scope) if (binding.kind !== 'ENV') scope.delete(name);
  return scope;
}

/**
 * The variables the builder knows when it reaches `instruction` (an instruction's own ARG/ENV
 * do not count for itself: every reference in one line sees the values from before it).
 */
export function scopeAt(doc: Dockerfile, instruction: Instruction): Scope {
  if (instruction.stage < 0) return globalScope(doc, instruction.span.start);
  const stage = doc.stages[instruction.stage];
  const globals = globalScope(doc);
  if (stage.from === instruction) return globals;
  const scope: Scope = stage.parent !== undefined ? envAtEnd(doc, doc.stages[stage.parent], globals, 0) : new Map();
  for (const other of stage.instructions) {
    if (other.span.start >= instruction.span.start) break;
    if (other.keyword === 'ARG' || other.keyword === 'ENV') declare(scope, other, doc.escape, globals);
  }
  return scope;
}

// ───────────────────────────── hover ─────────────────────────────

export function hover(doc: Dockerfile, position: Position, options: HoverOptions = {}): Hover | null {
  const offset = offsetAt(doc, position);
  for (const directive of doc.directives) {
    if (within(directive.span, offset)) {
      const md = directiveMarkdown(directive.name);
      return md ? markdown(md, rangeOf(doc, directive.nameSpan)) : null;
    }
  }
  const top = instructionAt(doc, offset);
  if (!top) return null;
  const instruction = top.trigger && offset >= top.trigger.keywordSpan.start ? top.trigger : top;

  if (within(top.keywordSpan, offset)) return keywordHover(doc, top);
  if (instruction !== top && within(instruction.keywordSpan, offset)) return keywordHover(doc, instruction);

  for (const flag of instruction.flags) {
    if (!within(flag.span, offset)) continue;
    if (flag.name === 'from' && instruction.keyword === 'COPY' && flag.valueSpan && within(flag.valueSpan, offset) && flag.value) {
      const ref = copyFromHover(doc, top, flag.value, flag.valueSpan, options);
      if (ref) return ref;
    }
    const variable = variableHover(doc, top, offset);
    if (variable) return variable;
    if (flag.name === 'mount' && flag.value) {
      const type = /(?:^|,)type=([^,]*)/.exec(flag.value)?.[1] ?? 'bind';
      const md = flagMarkdown(instruction.keyword, flag.name);
      const typeDoc = Object.hasOwn(MOUNT_TYPE_DOCS, type) ? MOUNT_TYPE_DOCS[type] : undefined;
      if (md) return markdown(typeDoc ? `${md}\n\n**type=${type}** — ${typeDoc}` : md, rangeOf(doc, flag.span));
    }
    const md = flagMarkdown(instruction.keyword, flag.name);
    return md ? markdown(md, rangeOf(doc, flag.nameSpan)) : null;
  }

  const variable = variableHover(doc, top, offset);
  if (variable) return variable;

  if (instruction.keyword === 'FROM') {
    const stage = doc.stages[instruction.stage];
    if (stage?.base && within(stage.base.span, offset)) return fromHover(doc, stage, options);
    if (stage?.name && within(stage.name.span, offset)) {
      const name = stage.name.value;
      return markdown(
        `**Stage ${code(name)}** (stage ${stage.index}). Later stages use it with ${code(`FROM ${name}`)} or ${code(`COPY --from=${name}`)}; ${code(`docker build --target ${name}`)} stops there.`,
        rangeOf(doc, stage.name.span),
      );
    }
  }
  if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') return declarationHover(doc, top, instruction, offset);
  return null;
}

function markdown(value: string, range: Hover['range']): Hover {
  return { contents: { kind: 'markdown', value }, range };
}

function keywordHover(doc: Dockerfile, instruction: Instruction): Hover | null {
  const md = instructionMarkdown(instruction.keyword);
  return md ? markdown(md, rangeOf(doc, instruction.keywordSpan)) : null;
}

/** Own keys only: `$constructor` is not a platform argument. */
const platformArg = (name: string) => (Object.hasOwn(PLATFORM_ARGS, name) ? PLATFORM_ARGS[name] : undefined);
/** Anything from the file or the engine in a hover is shown as code, exactly as written (shared/markdown.ts). */
const code = (text: string) => inlineCode(text);
const lineOf = (doc: Dockerfile, instruction: Instruction) => positionAt(doc, instruction.span.start).line + 1;

/** The `$NAME` / `${NAME…}` under the cursor in the instruction's source, with its value there. */
function variableHover(doc: Dockerfile, top: Instruction, offset: number): Hover | null {
  // Scan the physical line only: cheap, and a reference never spans a line break.
  const start = doc.lineStarts[positionAt(doc, offset).line];
  let end = doc.text.indexOf('\n', start);
  if (end < 0) end = doc.text.length;
  const line = doc.text.slice(start, end);
  if (!line.includes('$')) return null;
  const ref = findVariables(line, doc.escape).find((r) => offset >= start + r.start && offset <= start + r.end);
  if (!ref) return null;
  const range = rangeOf(doc, { start: start + ref.start, end: start + ref.end });
  // A heredoc body or RUN sees the stage's variables as its environment, like any other part.
  const scope = scopeAt(doc, top);
  return markdown(describeVariable(doc, ref.name, scope.get(ref.name), top, ref.modifier, ref.operand), range);
}

function describeVariable(
  doc: Dockerfile,
  name: string,
  binding: Binding | undefined,
  at: Instruction,
  modifier = '',
  operand = '',
): string {
  const lines: string[] = [];
  if (binding) {
    const where = `line ${lineOf(doc, binding.declared)}`;
    if (binding.kind === 'ENV') {
      lines.push(
        `**ENV** ${code(name)} = ${code(binding.value ?? '')}`,
        `Set on ${where}${binding.declared.stage !== at.stage ? ' (inherited from the base stage)' : ''}.`,
      );
    } else if (binding.value !== undefined) {
      lines.push(
        `**ARG** ${code(name)} = ${code(binding.value)}`,
        `Default from ${binding.global ? 'the global ARG on ' : ''}${where}; ${code(`--build-arg ${name}=…`)} can override it.`,
      );
    } else if (platformArg(name)) {
      lines.push(`**ARG** ${code(name)}`, `Set by BuildKit: ${platformArg(name)}.`);
    } else {
      lines.push(
        `**ARG** ${code(name)} (no default, ${where})`,
        `Its value comes from ${code(`--build-arg ${name}=…`)} at build time; without one it is empty.`,
      );
    }
    if (binding.unresolved) lines.push('Part of the value depends on build arguments not known here.');
  } else if (platformArg(name)) {
    lines.push(
      `**${code(name)}** — set by BuildKit: ${platformArg(name)}.`,
      at.keyword === 'FROM' || at.stage < 0 ? '' : `Declare ${code(`ARG ${name}`)} in this stage to use it here; until then it is empty.`,
    );
  } else if (PROXY_ARGS.includes(name)) {
    lines.push(
      `**${code(name)}** — a predefined proxy build argument: set with ${code(`--build-arg ${name}=…`)}, not recorded in the image history.`,
    );
  } else {
    lines.push(
      `**${code(name)}** is not set by this Dockerfile at this point.`,
      at.keyword === 'RUN'
        ? "The command may still find it in the base image's environment."
        : 'The builder expands it to an empty string.',
    );
  }
  if (modifier) {
    const meaning: Record<string, string> = {
      ':-': 'when it is unset or empty, the reference reads',
      '-': 'when it is unset, the reference reads',
      ':+': 'when it is set and not empty, the reference reads',
      '+': 'when it is set, the reference reads',
      ':?': 'when it is unset or empty, the build fails with',
      '?': 'when it is unset, the build fails with',
    };
    lines.push(`\`${modifier}\`: ${meaning[modifier]} ${code(operand)}.`);
  }
  return lines.filter(Boolean).join('\n\n');
}

function declarationHover(doc: Dockerfile, top: Instruction, instruction: Instruction, offset: number): Hover | null {
  const word = instruction.args.find((w) => within(w.span, offset));
  if (!word) return null;
  const legacy = instruction.keyword === 'ENV' && !instruction.args[0]?.value.includes('=') && instruction.args.length > 1;
  if (legacy && word !== instruction.args[0]) return null;
  const eq = word.value.indexOf('=');
  const name = eq > 0 ? word.value.slice(0, eq) : word.value;
  // Only the name part: a value is text, not a declaration.
  if (eq > 0 && offset > word.span.start + eq) return null;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return null;
  const after = new Map(scopeAt(doc, top));
  declare(after, instruction, doc.escape, instruction.stage >= 0 ? globalScope(doc) : undefined);
  const binding = after.get(name);
  const range = rangeOf(doc, { start: word.span.start, end: word.span.start + name.length });
  return markdown(describeVariable(doc, name, binding, top), range);
}

/** Markdown lines on a parsed image and, when an engine answered, its local copy. */
function imageLines(written: string, expanded: string, unresolved: boolean, options: HoverOptions): string[] {
  const ref = parseImageRef(expanded);
  const registry = ref.registry && ref.registry !== 'docker.io' && ref.registry !== 'index.docker.io' ? ref.registry : undefined;
  const hub = !registry;
  const repository = hub && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  const lines = [`**Image** ${code(expanded)}${written !== expanded ? ` (written ${code(written)})` : ''}`];
  const parts = [`Registry: ${registry ? code(registry) : 'Docker Hub'}`, `repository: ${code(repository)}`];
  parts.push(ref.tag ? `tag: ${code(ref.tag)}` : ref.digest ? '' : 'tag: `latest` (implied)');
  if (ref.digest) parts.push(`digest: ${code(ref.digest)}`);
  lines.push(parts.filter(Boolean).join(' · '));
  if (unresolved) {
    lines.push('Part of the reference comes from build arguments without a default here.');
    return lines;
  }
  if (!options.localImages) return lines;
  const local = findLocalImage(expanded, options.localImages);
  if (!local) {
    lines.push('Not in the local engine: the first build pulls it.');
    return lines;
  }
  const facts = [`id ${code(shortId(local.id))}`];
  if (local.size !== undefined) facts.push(formatSize(local.size));
  if (local.created !== undefined) facts.push(`created ${new Date(local.created * 1000).toISOString().slice(0, 10)}`);
  lines.push(`**Local engine:** ${facts.join(' · ')}`);
  const name = canonicalName(ref);
  const digests = local.repoDigests.filter((d) => d.startsWith(name + '@'));
  if (digests.length) lines.push(`Digest: ${code(digests[0].slice(name.length + 1))}`);
  const otherTags = local.repoTags.filter((t) => t !== `${name}:${ref.tag ?? 'latest'}`);
  if (otherTags.length) lines.push(`Also tagged: ${otherTags.slice(0, 5).map(code).join(', ')}${otherTags.length > 5 ? ', …' : ''}`);
  return lines;
}

/** The local image an image reference names: by digest when it has one, else by tag (`latest` implied). */
export function findLocalImage(reference: string, images: EngineImage[]): EngineImage | undefined {
  const ref = parseImageRef(reference);
  const name = canonicalName(ref);
  if (ref.digest) {
    const wanted = `${name}@${ref.digest}`;
    return images.find((image) => image.repoDigests.includes(wanted));
  }
  const wanted = `${name}:${ref.tag ?? 'latest'}`;
  // By canonical name: Podman lists `docker.io/library/node:20` where Docker lists `node:20`.
  const canonical = (tag: string) => {
    const r = parseImageRef(tag);
    return `${canonicalName(r)}:${r.tag ?? 'latest'}`;
  };
  return images.find((image) => image.repoTags.some((t) => canonical(t) === wanted));
}

function stageLines(doc: Dockerfile, stage: Stage): string {
  const label = stage.name ? `Stage ${code(stage.name.value)}` : `Stage ${stage.index}`;
  return `**${label}** (stage ${stage.index}, line ${lineOf(doc, stage.from)}), built ${stage.base ? `FROM ${code(stage.base.value)}` : 'from nothing yet'}.`;
}

function fromHover(doc: Dockerfile, stage: Stage, options: HoverOptions): Hover | null {
  const base = stage.base!;
  const range = rangeOf(doc, base.span);
  if (stage.parent !== undefined) return markdown(stageLines(doc, doc.stages[stage.parent]), range);
  if (base.value.toLowerCase() === 'scratch')
    return markdown('**scratch** — an empty image: the stage starts with no files at all.', range);
  const globals = globalScope(doc);
  const expanded = expandVariables(base.value, (name) => globals.get(name)?.value, doc.escape);
  return markdown(imageLines(base.value, expanded.value, expanded.unresolved, options).join('\n\n'), range);
}

function copyFromHover(doc: Dockerfile, top: Instruction, value: string, span: Span, options: HoverOptions): Hover | null {
  if (value.includes('$')) return null;
  const range = rangeOf(doc, span);
  const stage = stageNamed(doc, value, top.span.start);
  if (stage) return markdown(stageLines(doc, stage), range);
  return markdown(imageLines(value, value, false, options).join('\n\n'), range);
}

/**
 * Whether a hover at `position` would show a FROM (or `COPY --from`) image, so the server asks
 * the engine only then.
 */
export function hoversImage(doc: Dockerfile, position: Position): boolean {
  const offset = offsetAt(doc, position);
  const top = instructionAt(doc, offset);
  if (!top) return false;
  if (top.keyword === 'FROM') {
    const stage = doc.stages[top.stage];
    return !!stage?.base && within(stage.base.span, offset) && stage.parent === undefined;
  }
  return top.keyword === 'COPY' && top.flags.some((f) => f.name === 'from' && f.valueSpan !== undefined && within(f.valueSpan, offset));
}
