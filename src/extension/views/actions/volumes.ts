/** The Volumes view's actions: create, remove, prune and inspect. */
import * as vscode from 'vscode';
import type { VolumeSummary } from '../../../engine/types';
import type { HandlerTable, Invocation } from '../../commands/invocation';
import type { CreateArgs, PruneArgs, RemoveArgs, TargetArgs } from '../../commands/table';
import { volumeUsers } from '../model';
import {
  argIds,
  confirmRemoval,
  engineOf,
  forEach,
  inspectEach,
  pick,
  reportPrune,
  t,
  validateObjectName,
  withSlowProgress,
  type ActionContext,
} from './common';

/** The volume names a command acts on: from nodes, from the argument object, else picked. */
async function volumeTargets(ctx: ActionContext, input: Invocation<Partial<TargetArgs>>, placeholder: string): Promise<string[]> {
  const fromNodes = input.nodes.flatMap((n) => (n.kind === 'volume' ? [n.volume.name] : []));
  if (fromNodes.length) return fromNodes;
  if (argIds(input.args).length) return argIds(input.args);
  await engineOf(ctx);
  await ctx.views.ensureCurrent('volumes');
  const volumes = await ctx.views.providers.volumes.list();
  if (!volumes.length) {
    void vscode.window.showInformationMessage(t('There are no volumes.'));
    return [];
  }
  const items = volumes.map((v) => ({ label: v.name, description: v.driver }));
  return (await pick(items, placeholder, true)).map((p) => p.label);
}

/** Creates a volume (named by the arguments, or typed in); resolves with it as the engine lists it. */
async function create(ctx: ActionContext, input: Invocation<CreateArgs>): Promise<VolumeSummary | undefined> {
  const name =
    input.args.name ?? (await vscode.window.showInputBox({ prompt: t('Name of the new volume'), validateInput: validateObjectName }));
  if (!name) return undefined;
  const engine = await engineOf(ctx);
  return engine.createVolume(name.trim(), input.args.driver ? { driver: input.args.driver } : undefined);
}

async function remove(ctx: ActionContext, input: Invocation<RemoveArgs>): Promise<string[]> {
  const names = await volumeTargets(ctx, input, t('Volumes to remove'));
  if (!names.length) return [];
  const message =
    names.length === 1 ? t('Remove volume {0} and all its data?', names[0]!) : t('Remove {0} volumes and all their data?', names.length);
  if (!(await confirmRemoval(input, message, names, t('Remove')))) return [];
  const engine = await engineOf(ctx);
  return forEach(
    t('Removing {0} volumes', names.length),
    names,
    (n) => n,
    (n) => engine.removeVolume(n),
  );
}

/** API 1.42 and later prune only anonymous volumes unless told otherwise. */
function prunesOnlyAnonymous(apiVersion: string | undefined): boolean {
  const [major = 0, minor = 0] = (apiVersion ?? '1.41').split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 42);
}

/** Removes the volumes no container uses (anonymous ones only, on engines that prune only those); resolves with what went. */
async function prune(ctx: ActionContext, input: Invocation<PruneArgs>): Promise<string[]> {
  const engine = await engineOf(ctx);
  const [volumes, containers] = await Promise.all([engine.listVolumes(), engine.listContainers()]);
  const users = volumeUsers(containers);
  const state = ctx.service.state;
  const anonymousOnly = prunesOnlyAnonymous(state.kind === 'connected' ? state.version.apiVersion : undefined);
  const going = volumes.filter((v) => !users.has(v.name) && (!anonymousOnly || /^[0-9a-f]{64}$/.test(v.name)));
  if (!going.length) {
    void vscode.window.showInformationMessage(t('There are no unused volumes to prune.'));
    return [];
  }
  const message = t('Remove {0} unused volumes and all their data?', going.length);
  const names = going.map((v) => v.name);
  if (!(await confirmRemoval(input, message, names, t('Prune')))) return [];
  const result = await withSlowProgress(t('Pruning volumes'), () => engine.pruneVolumes());
  reportPrune(result, t('volumes'));
  return result.deleted;
}

async function inspect(ctx: ActionContext, input: Invocation<TargetArgs>): Promise<number> {
  const names = await volumeTargets(ctx, input, t('Volume to inspect'));
  return inspectEach(
    ctx,
    'volume',
    names.map((n) => ({ id: n, name: n })),
  );
}

export const VOLUME_COMMANDS = {
  'berth.volumes.create': create,
  'berth.volumes.remove': remove,
  'berth.volumes.prune': prune,
  'berth.volumes.inspect': inspect,
} satisfies Partial<HandlerTable>;
