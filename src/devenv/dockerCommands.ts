/**
 * A run spec as the docker CLI commands that do the same, for people who want to see, share
 * or script what Berth runs. Pure: argv arrays, quoted for a POSIX shell only when printed.
 */
import type { ImageBuild } from '../engine/types';
import type { RunSpec } from './spec';

/** The options of `docker build` a build sets, for either CLI form. */
function buildOptions(b: ImageBuild): string[] {
  return [
    ...(b.target ? ['--target', b.target] : []),
    ...Object.entries(b.args).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    ...Object.entries(b.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ...(b.platform ? ['--platform', b.platform] : []),
    ...(b.noCache ? ['--no-cache'] : []),
    ...(b.pull ? ['--pull'] : []),
    ...(b.cacheFrom ?? []).flatMap((c) => ['--cache-from', c]),
    ...(b.secrets ?? []).flatMap((s) => ['--secret', csv([`id=${s.id}`, s.env !== undefined ? `env=${s.env}` : `src=${s.file ?? ''}`])]),
    ...(b.ssh ?? []).flatMap((s) => ['--ssh', s.sockets.length ? `${s.id}=${s.sockets.join(',')}` : s.id]),
    ...Object.entries(b.contexts ?? {}).flatMap(([k, v]) => ['--build-context', `${k}=${v}`]),
  ];
}

/**
 * `docker build …` for a build: with Docker 23 and later that is BuildKit, as Berth builds.
 * Named build contexts exist only in buildx, so a build with them gets `docker buildx build`.
 */
export function buildCommand(b: ImageBuild): string[] {
  if (Object.keys(b.contexts ?? {}).length) return buildxCommand(b, b.context);
  return ['docker', 'build', ...tags(b), '-f', `${b.context}/${b.dockerfile}`, ...buildOptions(b), b.context];
}

/** `docker buildx build … --load <context>`: BuildKit from any Docker CLI with buildx. */
export function buildxCommand(b: ImageBuild, context: string): string[] {
  const file = context === b.context ? `${b.context}/${b.dockerfile}` : b.dockerfile;
  const dockerfile = b.dockerfile === 'Dockerfile' && context !== b.context ? [] : ['-f', file];
  return ['docker', 'buildx', 'build', ...tags(b), ...dockerfile, ...buildOptions(b), '--load', context];
}

function tags(b: ImageBuild): string[] {
  return [b.tag, ...(b.extraTags ?? [])].flatMap((t) => ['-t', t]);
}

/** `docker build …` (when the run builds) and `docker run …`, as argv arrays. */
export function dockerCommands(spec: RunSpec, options: { detach?: boolean } = {}): string[][] {
  const commands: string[][] = [];
  if (spec.build) commands.push(buildCommand(spec.build));
  const c = spec.create;
  const h = c.HostConfig;
  const run = [
    'docker',
    'run',
    '--rm',
    ...(options.detach ? ['-d', ...(c.Tty ? ['-t'] : [])] : c.Tty ? ['-it'] : ['-d']),
    '--name',
    spec.name,
  ];
  if (h.Init) run.push('--init');
  if (c.User) run.push('--user', c.User);
  if (h.UsernsMode) run.push(`--userns=${h.UsernsMode}`);
  if (c.WorkingDir) run.push('--workdir', c.WorkingDir);
  for (const e of c.Env) run.push('--env', e);
  for (const m of h.Mounts)
    run.push('--mount', csv([`type=${m.Type}`, `source=${m.Source}`, `target=${m.Target}`, ...(m.ReadOnly ? ['readonly'] : [])]));
  for (const [port, bindings] of Object.entries(h.PortBindings)) {
    for (const b of bindings) run.push('--publish', `${b.HostIp ? `${b.HostIp}:` : ''}${b.HostPort}:${port.replace(/\/tcp$/, '')}`);
  }
  if (h.NetworkMode && h.NetworkMode !== 'bridge' && h.NetworkMode !== 'default') run.push('--network', h.NetworkMode);
  if (h.Memory) run.push('--memory', `${h.Memory}b`);
  if (h.NanoCpus) run.push('--cpus', String(h.NanoCpus / 1e9));
  for (const [k, v] of Object.entries(c.Labels)) run.push('--label', `${k}=${v}`);
  run.push(c.Image, ...(c.Cmd ?? []));
  commands.push(run);
  return commands;
}

/** One `--mount` value: the CLI reads it as CSV, so a field with a comma or quote is quoted. */
function csv(fields: string[]): string {
  return fields.map((f) => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}

/** argv as a line a POSIX shell reads back into the same words. */
export function shellLine(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_/.:=@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
