/** The engine connection's actions: switch the docker context, retry the connection, refresh a view. */
import * as vscode from 'vscode';
import type { HandlerTable, Invocation } from '../../commands/invocation';
import type { ArgsOf } from '../../commands/table';
import type { ViewId } from '../model';
import { t, type ActionContext } from './common';

/**
 * Makes a context the docker CLI's current one (as `docker context use`), named by the arguments
 * or picked; resolves with its name. Warns when a setting or variable overrides contexts.
 */
async function switchContext(ctx: ActionContext, input: Invocation<ArgsOf<'berth.switchContext'>>): Promise<string | undefined> {
  let name = input.args.name;
  if (!name) {
    const items = ctx.service.contexts().map((c) => ({
      label: `${c.current ? '$(check) ' : ''}${c.name}`,
      description: c.error ? t('broken: {0}', c.error) : c.host,
      detail: c.description,
      name: c.name,
    }));
    name = (await vscode.window.showQuickPick(items, { placeHolder: t('Docker context to use (as docker context use does)') }))?.name;
  }
  if (!name) return undefined;
  await ctx.service.useContext(name);
  const state = ctx.service.state;
  const source = state.kind !== 'idle' && 'endpoint' in state ? state.endpoint?.source : undefined;
  if (source === 'setting' || source === 'DOCKER_HOST' || source === 'DOCKER_CONTEXT') {
    void vscode.window.showWarningMessage(
      t(
        'The docker CLI now uses context {0}, but Berth follows {1}, which takes precedence. Clear it to follow the context.',
        name,
        source === 'setting' ? 'berth.docker.host' : source,
      ),
    );
  }
  return name;
}

/** Drops the connection and connects again; resolves with the state reached, and says why when it failed. */
async function retryConnection(ctx: ActionContext): Promise<string> {
  const state = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: t('Connecting to the Docker engine') },
    () => ctx.service.retry(),
  );
  // Shown even when this failure was shown before: the user asked again.
  if (state.kind === 'failed') ctx.service.notifyFailure(state.error, true);
  return state.kind;
}

/** Lists a view again (reconnecting first after a failure); resolves with the view. */
function refresh(view: ViewId) {
  return async (ctx: ActionContext): Promise<ViewId> => {
    if (ctx.service.state.kind === 'failed') await ctx.service.retry();
    await ctx.views.refresh(view);
    return view;
  };
}

export const ENGINE_COMMANDS = {
  'berth.switchContext': switchContext,
  'berth.retryConnection': retryConnection,
  'berth.containers.refresh': refresh('containers'),
  'berth.images.refresh': refresh('images'),
  'berth.volumes.refresh': refresh('volumes'),
  'berth.networks.refresh': refresh('networks'),
} satisfies Partial<HandlerTable>;
