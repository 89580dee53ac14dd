/**
 * compose-file-missing and compose-build-target-unknown: the files and folders a Compose file
 * points to exist, and `build.target` is a stage of the Dockerfile the service builds.
 */
import * as path from 'node:path';
import { didYouMean } from '../../shared/didYouMean';
import type { Node, PairNode, ScalarNode } from '../document';
import { interpolate } from '../interpolation';
import { valueSpan } from '../model';
import type { ComposeProject } from '../project';
import { asMap, asScalar, asSeq, entries, stringValue, valueOf } from '../tree';
import type { ComposeRuleContext } from './context';
import { checkEachService } from './perService';

/** A build context or path that names something remote: a URL or a git repository. */
export function isRemote(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^git@/.test(text) || /\.git(?:#.*)?$/.test(text);
}

/** Where a service's build reads from: its context folder, its Dockerfile (path or inline text), and the nodes that say so. */
export interface BuildInfo {
  /** Absolute context folder; undefined for remote or unresolved contexts. */
  context: string | undefined;
  contextNode: ScalarNode | undefined;
  /** Absolute Dockerfile path; undefined for inline or unresolved. */
  dockerfile: string | undefined;
  dockerfileNode: ScalarNode | undefined;
  inline: string | undefined;
  target: ScalarNode | undefined;
}

/**
 * A service's build as Compose merges it across the project's files: the first file in merge
 * order that sets context or Dockerfile wins unless a later one sets them again.
 */
export function buildInfo(project: ComposeProject, service: string, fileDir: string, build: Node | null): BuildInfo | undefined {
  const { file } = project;
  const doc = file.doc;
  const lookup = (name: string) => project.variable(name);
  let contextText: string | undefined;
  let contextDir = fileDir;
  let contextNode: ScalarNode | undefined;
  let dockerfileText: string | undefined;
  let dockerfileNode: ScalarNode | undefined;
  let inline: string | undefined;
  // Earlier files first, then this file's own settings over them.
  for (const f of project.files) {
    if (f === file) continue;
    const pair = f.model.declarations.service.find((p) => p.name === service);
    const other = pair ? resolveBuild(f.doc, valueOf(f.doc, asMap(f.doc, pair.value), 'build')) : undefined;
    if (!other) continue;
    if (other.context) {
      contextText = stringValue(f.doc, other.context);
      contextDir = f.dir;
    }
    if (other.dockerfile) dockerfileText = stringValue(f.doc, other.dockerfile);
    if (other.inline) inline = stringValue(f.doc, other.inline);
  }
  const own = resolveBuild(doc, build);
  if (!own) return undefined;
  if (own.context) {
    contextNode = asScalar(doc, own.context);
    contextText = stringValue(doc, own.context);
    contextDir = fileDir;
  }
  if (own.dockerfile) {
    dockerfileNode = asScalar(doc, own.dockerfile);
    dockerfileText = stringValue(doc, own.dockerfile);
  }
  if (own.inline) inline = stringValue(doc, own.inline);
  const contextValue = contextText === undefined ? '.' : interpolate(contextText, lookup);
  const context = contextValue === undefined || isRemote(contextValue) ? undefined : path.resolve(contextDir, contextValue);
  let dockerfile: string | undefined;
  if (context && inline === undefined) {
    const name = dockerfileText === undefined ? undefined : interpolate(dockerfileText, lookup);
    if (dockerfileText === undefined) dockerfile = path.join(context, 'Dockerfile');
    else if (name !== undefined) dockerfile = path.resolve(context, name);
  }
  return { context, contextNode, dockerfile, dockerfileNode, inline, target: own.target };
}

function resolveBuild(
  doc: ComposeProject['file']['doc'],
  build: Node | null,
): { context?: Node; dockerfile?: Node; inline?: Node; target?: ScalarNode } | undefined {
  const scalar = asScalar(doc, build);
  if (scalar && scalar.value !== null) return { context: scalar };
  const map = asMap(doc, build);
  if (!map) return undefined;
  return {
    context: valueOf(doc, map, 'context') ?? undefined,
    dockerfile: valueOf(doc, map, 'dockerfile') ?? undefined,
    inline: valueOf(doc, map, 'dockerfile_inline') ?? undefined,
    target: asScalar(doc, valueOf(doc, map, 'target')),
  };
}

type Check = (node: Node | null, base: string, what: string, expect: 'file' | 'directory') => void;

/** Reports a path that does not exist or is not the kind of thing `expect` says. */
function pathChecker(ctx: ComposeRuleContext): Check {
  const { doc, project } = ctx;
  const lookup = (name: string) => project.variable(name);
  return (node, base, what, expect) => {
    const scalar = asScalar(doc, node);
    if (!scalar || scalar.value === null || typeof scalar.value !== 'string') return;
    const text = interpolate(scalar.value, lookup);
    if (text === undefined || text === '' || isRemote(text) || text.startsWith('~')) return;
    const resolved = path.resolve(base, text);
    const found = project.host.stat(resolved);
    if (found === expect || (found && expect === 'file' && what === 'include')) return;
    const message =
      found === undefined
        ? `${what} '${scalar.value}' does not exist (looked for ${resolved}).`
        : `${what} '${scalar.value}' is a ${found === 'file' ? 'file' : 'folder'}, not a ${expect === 'file' ? 'file' : 'folder'}.`;
    ctx.report({ code: 'compose-file-missing', span: valueSpan(doc, scalar), message, data: { path: resolved } });
  };
}

export function checkFiles(ctx: ComposeRuleContext): void {
  const { doc, file } = ctx;
  checkEachService(ctx, serviceFiles);
  const check = pathChecker(ctx);
  const root = doc.root ?? undefined;
  for (const section of ['configs', 'secrets'] as const) {
    for (const pair of entries(doc, asMap(doc, valueOf(doc, root, section)))) {
      check(valueOf(doc, asMap(doc, pair.value), 'file'), file.dir, `${section === 'configs' ? 'Config' : 'Secret'} file`, 'file');
    }
  }
  for (const item of asSeq(doc, valueOf(doc, root, 'include'))?.items ?? []) {
    const long = asMap(doc, item);
    for (const p of listOf(doc, long ? valueOf(doc, long, 'path') : item)) check(p, file.dir, 'include', 'file');
    if (long) for (const p of listOf(doc, valueOf(doc, long, 'env_file'))) check(p, file.dir, 'include env_file', 'file');
  }
}

/** The files and folders one service names: its build, env_file, label_file and extends file. */
function serviceFiles(ctx: ComposeRuleContext, service: PairNode): void {
  const { doc, file } = ctx;
  const map = asMap(doc, service.value);
  if (!map) return;
  const check = pathChecker(ctx);
  const build = valueOf(doc, map, 'build');
  if (build) buildFiles(ctx, service.name, build, check);
  for (const item of listOf(doc, valueOf(doc, map, 'env_file'))) {
    const long = asMap(doc, item);
    if (long) {
      const required = stringValue(doc, valueOf(doc, long, 'required'));
      if (required === 'false') continue;
      check(valueOf(doc, long, 'path'), file.dir, 'env_file', 'file');
    } else check(item, file.dir, 'env_file', 'file');
  }
  for (const item of listOf(doc, valueOf(doc, map, 'label_file'))) check(item, file.dir, 'label_file', 'file');
  const ext = asMap(doc, valueOf(doc, map, 'extends'));
  if (ext) check(valueOf(doc, ext, 'file'), file.dir, 'extends file', 'file');
}

function listOf(doc: ComposeRuleContext['doc'], node: Node | null): (Node | null)[] {
  const seq = asSeq(doc, node);
  return seq ? seq.items : node ? [node] : [];
}

function buildFiles(ctx: ComposeRuleContext, service: string, build: Node, check: Check): void {
  const { doc, file, project } = ctx;
  const info = buildInfo(project, service, file.dir, build);
  if (!info) return;
  if (info.contextNode) check(info.contextNode, file.dir, 'Build context', 'directory');
  const contextExists = info.context !== undefined && project.host.stat(info.context) === 'directory';
  if (info.dockerfileNode && info.context && contextExists) check(info.dockerfileNode, info.context, 'Dockerfile', 'file');
  const target = info.target;
  if (!target || typeof target.value !== 'string' || target.value.includes('$')) return;
  let stages: string[] | undefined;
  let source: string;
  if (info.inline !== undefined) {
    stages = project.inlineStages(info.inline);
    source = 'dockerfile_inline';
  } else {
    if (!info.dockerfile || !contextExists) return;
    stages = project.dockerfileStages(info.dockerfile);
    if (stages === undefined && !info.dockerfileNode) stages = project.dockerfileStages(path.join(info.context!, 'Containerfile'));
    source = path.relative(file.dir, info.dockerfile) || info.dockerfile;
  }
  if (stages === undefined) return;
  const wanted = target.value;
  if (stages.some((s) => s.toLowerCase() === wanted.toLowerCase())) return;
  const suggestion = didYouMean(wanted, stages, { abbreviations: true });
  const message =
    stages.length === 0
      ? `build.target '${wanted}': ${source} has no named stages (FROM … AS <name>).`
      : `build.target '${wanted}' is not a stage of ${source} (its stages: ${stages.join(', ')}).${suggestion ? ` Did you mean '${suggestion}'?` : ''}`;
  ctx.report({
    code: 'compose-build-target-unknown',
    span: valueSpan(doc, target),
    message,
    data: { stages, ...(suggestion ? { replacement: suggestion } : {}) },
  });
}
