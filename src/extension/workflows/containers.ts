/**
 * The container workflows the tutorials teach, beyond the Containers view's lifecycle verbs: live
 * stats, `docker commit`, `rename`, `export`, `attach` and `cp` both ways. Each takes a container
 * node, `{ id, … }` from an argument object, or asks; each resolves with what it did.
 */
import * as path from 'node:path';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as vscode from 'vscode';
import { copyFromContainer, copyIntoContainer, CopyError, type CopyResult } from '../../engine/copy';
import type { ContainerStats } from '../../engine/types';
import { readDockerConfig } from '../../engine/registryAuth';
import { CommandError } from '../commands/errors';
import type { CommandContext, HandlerTable, Invocation } from '../commands/invocation';
import type { ArgsOf } from '../commands/table';
import { openAttach, DEFAULT_DETACH_KEYS } from '../terminals/attach';
import { containerTargets, type ContainerRef } from '../views/actions/containers';
import { engineOf, t } from '../views/actions/common';
import { validateReference } from '../views/actions/images';
import { byteProgress, fileToWrite, writingFile } from './progress';

/** One container: the node, `{ id }`, or picked from those `applicable` allows. */
async function oneContainer(
  ctx: CommandContext,
  input: Invocation<{ readonly id?: string | undefined }>,
  placeholder: string,
  applicable?: Parameters<typeof containerTargets>[3],
): Promise<ContainerRef | undefined> {
  const [target] = await containerTargets(ctx, input, placeholder, applicable, false);
  return target;
}

/**
 * Shows the Stats view, for one container or all running ones. With an argument object it also
 * resolves with one reading (`{ cpuPercent, memoryBytes, … }`), so tasks and tests can read it.
 */
async function stats(
  ctx: CommandContext,
  input: Invocation<ArgsOf<'berth.containers.stats'>>,
): Promise<Omit<ContainerStats, 'time'> | boolean | undefined> {
  const target = input.nodes.length || input.args.id ? await oneContainer(ctx, input, '') : undefined;
  ctx.stats.monitor.setTarget(target ? { kind: 'one', id: target.summary?.id ?? target.id, name: target.name } : { kind: 'all' });
  await ctx.stats.view.reveal();
  if (!input.hasArgs || !target) return true;
  const engine = await engineOf(ctx);
  const { time: _time, ...reading } = await engine.containerStatsOnce(target.summary?.id ?? target.id);
  return reading;
}

/** Validates Dockerfile instructions as `docker commit --change` accepts them. */
const COMMIT_INSTRUCTIONS = /^(CMD|ENTRYPOINT|ENV|EXPOSE|LABEL|ONBUILD|USER|VOLUME|WORKDIR|STOPSIGNAL|HEALTHCHECK|SHELL)\s/i;

/** A new image from a container's changes; resolves with the image id. */
async function commit(ctx: CommandContext, input: Invocation<ArgsOf<'berth.containers.commit'>>): Promise<string | undefined> {
  const target = await oneContainer(ctx, input, t('Container to commit into an image'));
  if (!target) return undefined;
  const args = input.args;
  const bad = (args.changes ?? []).find((c) => !COMMIT_INSTRUCTIONS.test(c.trim()));
  if (bad !== undefined)
    throw new CommandError(
      t('"{0}" is not a change docker commit takes.', bad),
      t('Use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR, STOPSIGNAL, HEALTHCHECK or SHELL, as in a Dockerfile.'),
    );
  let reference = args.reference;
  let message = args.message;
  if (!input.hasArgs) {
    reference = await vscode.window.showInputBox({
      title: t('Commit {0}', target.name),
      prompt: t('Name of the new image (repository:tag); leave empty for an untagged image'),
      placeHolder: `${target.name.replace(/[^a-z0-9._-]/g, '-').toLowerCase()}:snapshot`,
      validateInput: (v) => (v.trim() ? validateReference(v) : undefined),
    });
    if (reference === undefined) return undefined;
    message = await vscode.window.showInputBox({ title: t('Commit {0}', target.name), prompt: t('A message for the image (optional)') });
    if (message === undefined) return undefined;
  }
  if (reference?.trim()) {
    const invalid = validateReference(reference);
    if (invalid) throw new CommandError(invalid);
  }
  const engine = await engineOf(ctx);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: t('Committing {0}', target.name) }, () =>
    engine.commitContainer(target.summary?.id ?? target.id, {
      ...(reference?.trim() ? { reference: reference.trim() } : {}),
      ...(message ? { message } : {}),
      ...(args.author ? { author: args.author } : {}),
      ...(args.changes?.length ? { changes: [...args.changes] } : {}),
      ...(args.pause === false ? { pause: false } : {}),
    }),
  );
}

/** Docker's container names. */
function validateContainerName(value: string): string | undefined {
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(value.trim())
    ? undefined
    : t('Use letters, digits, _ . and -, starting with a letter or digit.');
}

/** Renames a container; resolves with the new name. In `{ id, name }`, `name` is the new one. */
async function rename(ctx: CommandContext, input: Invocation<ArgsOf<'berth.containers.rename'>>): Promise<string | undefined> {
  // `name` is the new name here, so only `id` (or the node) says which container.
  const target = await oneContainer(ctx, { ...input, args: { id: input.args.id } }, t('Container to rename'));
  if (!target) return undefined;
  const name =
    input.args.name ??
    (await vscode.window.showInputBox({ title: t('Rename {0}', target.name), value: target.name, validateInput: validateContainerName }));
  if (!name) return undefined;
  const invalid = validateContainerName(name);
  if (invalid) throw new CommandError(invalid);
  const engine = await engineOf(ctx);
  await engine.renameContainer(target.summary?.id ?? target.id, name.trim());
  return name.trim();
}

/** `docker export`: the container's file system into a tar file; resolves with the file. */
async function exportContainer(ctx: CommandContext, input: Invocation<ArgsOf<'berth.containers.export'>>): Promise<string | undefined> {
  const target = await oneContainer(ctx, input, t('Container to export'));
  if (!target) return undefined;
  const file = await fileToWrite(input.args.file, `${target.name}.tar`, t('Export {0} to', target.name));
  if (!file) return undefined;
  const engine = await engineOf(ctx);
  await writingFile(file, () =>
    byteProgress(t('Exporting {0}', target.name), undefined, async (counter, signal) => {
      await pipeline(await engine.exportContainer(target.summary?.id ?? target.id, signal), counter, createWriteStream(file), { signal });
    }),
  );
  return file;
}

/** The docker CLI's own detach keys, when its config sets them. */
function detachKeys(): string {
  try {
    const value = (readDockerConfig() as { detachKeys?: unknown }).detachKeys;
    return typeof value === 'string' && value ? value : DEFAULT_DETACH_KEYS;
  } catch {
    return DEFAULT_DETACH_KEYS;
  }
}

/** A terminal attached to a running container's main process; resolves with the terminal's name. */
async function attach(ctx: CommandContext, input: Invocation<ArgsOf<'berth.containers.attach'>>): Promise<string | undefined> {
  const target = await oneContainer(ctx, input, t('Container to attach to'), (c) => c.state === 'running');
  if (!target) return undefined;
  const engine = await engineOf(ctx);
  const info = (await engine.inspectContainer(target.summary?.id ?? target.id)) as {
    Id?: string;
    State?: { Running?: boolean };
    Config?: { Tty?: boolean; OpenStdin?: boolean };
  };
  if (!info.State?.Running) throw new CommandError(t('{0} is not running.', target.name), t('Start it, then attach.'));
  // The terminal keeps this connection until it closes, even if the views reconnect elsewhere.
  const release = ctx.service.hold(engine);
  const { terminal } = openAttach(
    engine,
    { id: info.Id ?? target.id, name: target.name, tty: info.Config?.Tty === true, openStdin: info.Config?.OpenStdin === true },
    detachKeys(),
  );
  const closed = vscode.window.onDidCloseTerminal((closedTerminal) => {
    if (closedTerminal !== terminal) return;
    closed.dispose();
    release();
  });
  return terminal.name;
}

function copyFailure(error: unknown): never {
  if (error instanceof CopyError) throw new CommandError(error.message);
  throw error;
}

/** Says what a copy left out, once. */
function reportSkipped(result: CopyResult): void {
  if (!result.skipped.length) return;
  void vscode.window.showWarningMessage(
    t('Copied {0} entries; {1} were left out: {2}', result.entries, result.skipped.length, result.skipped.slice(0, 5).join('; ')),
  );
}

/**
 * `docker cp SOURCE CONTAINER:TARGET`: from the explorer's menu (the file or folder chosen), or
 * `{ id, source, target }`. Resolves with where it landed in the container.
 */
async function copyInto(ctx: CommandContext, input: Invocation<ArgsOf<'berth.containers.copyInto'>>): Promise<string | undefined> {
  const source =
    input.uri?.fsPath ??
    input.args.source ??
    (
      await vscode.window.showOpenDialog({
        title: t('Copy into a container'),
        canSelectFiles: true,
        canSelectFolders: true,
        canSelectMany: false,
      })
    )?.[0]?.fsPath;
  if (!source) return undefined;
  const target = await oneContainer(ctx, input, t('Container to copy {0} into', path.basename(source)));
  if (!target) return undefined;
  const engine = await engineOf(ctx);
  const containerId = target.summary?.id ?? target.id;
  let destination = input.args.target;
  if (destination === undefined) {
    const info = (await engine.inspectContainer(containerId).catch(() => ({}))) as { Config?: { WorkingDir?: string } };
    destination = await vscode.window.showInputBox({
      title: t('Copy {0} into {1}', path.basename(source), target.name),
      prompt: t('Path in the container: a folder to copy into, or a new name'),
      value: `${(info.Config?.WorkingDir || '/tmp').replace(/\/?$/, '/')}`,
      validateInput: (v) => (v.trim() ? undefined : t('Enter a path in the container.')),
    });
    if (!destination) return undefined;
  }
  const result = await vscode.window
    .withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('Copying {0} into {1}', path.basename(source), target.name) },
      () =>
        copyIntoContainer(engine, containerId, source, destination.trim(), {
          followLink: input.args.followLink === true,
          keepOwnership: input.args.keepOwnership === true,
        }),
    )
    .then(undefined, copyFailure);
  return result.written;
}

/**
 * `docker cp CONTAINER:SOURCE TARGET`: `{ id, source, target }`, or asked (the path in the
 * container, then where on this machine). Resolves with what was written.
 */
async function copyFrom(ctx: CommandContext, input: Invocation<ArgsOf<'berth.containers.copyFrom'>>): Promise<string | undefined> {
  const target = await oneContainer(ctx, input, t('Container to copy from'));
  if (!target) return undefined;
  const source =
    input.args.source ??
    (await vscode.window.showInputBox({
      title: t('Copy from {0}', target.name),
      prompt: t('Path in the container (a file or folder; folder/. for its contents)'),
      validateInput: (v) => (v.trim() ? undefined : t('Enter a path in the container.')),
    }));
  if (!source) return undefined;
  let destination = input.args.target;
  if (destination === undefined) {
    const folder = await vscode.window.showOpenDialog({
      title: t('Copy {0} from {1} into', source, target.name),
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    destination = folder?.[0]?.fsPath;
    if (!destination) return undefined;
  }
  const engine = await engineOf(ctx);
  const result = await vscode.window
    .withProgress({ location: vscode.ProgressLocation.Notification, title: t('Copying {0} from {1}', source, target.name) }, () =>
      copyFromContainer(engine, target.summary?.id ?? target.id, source.trim(), destination, {
        followLink: input.args.followLink === true,
      }),
    )
    .then(undefined, copyFailure);
  reportSkipped(result);
  return result.written;
}

export const WORKFLOW_CONTAINER_COMMANDS = {
  'berth.containers.stats': stats,
  'berth.containers.commit': commit,
  'berth.containers.rename': rename,
  'berth.containers.export': exportContainer,
  'berth.containers.attach': attach,
  'berth.containers.copyInto': copyInto,
  'berth.containers.copyFrom': copyFrom,
} satisfies Partial<HandlerTable>;
