/**
 * Each command's handler, by id: the views' actions by resource, and the rest here. The type
 * makes it one handler per row of the table, taking that row's argument object; a handler
 * resolves with what it did and throws what went wrong (dispatch.ts shows it).
 */
import { buildImageCommand } from '../build';
import { COMPOSE_COMMANDS } from '../compose/commands';
import { runWorkspaceCommand } from '../devenv/runWorkspace';
import { CONTAINER_COMMANDS } from '../views/actions/containers';
import { ENGINE_COMMANDS } from '../views/actions/engine';
import { IMAGE_COMMANDS } from '../views/actions/images';
import { NETWORK_COMMANDS } from '../views/actions/networks';
import { VOLUME_COMMANDS } from '../views/actions/volumes';
import { REGISTRY_COMMANDS } from '../registries/actions';
import { WORKFLOW_CONTAINER_COMMANDS } from '../workflows/containers';
import { WORKFLOW_IMAGE_COMMANDS } from '../workflows/images';
import { WORKFLOW_SYSTEM_COMMANDS } from '../workflows/system';
import { givenArgs, type HandlerTable } from './invocation';

export const HANDLERS = {
  'berth.restartLanguageServer': (ctx) => ctx.client.restart(),
  'berth.showOutput': async (ctx) => {
    ctx.client.showOutput();
    return true;
  },
  // Both take a Uri from the explorer, an argument object as tasks.json writes it, or nothing (then they ask).
  'berth.runWorkspace': (ctx, input) =>
    runWorkspaceCommand(
      { service: ctx.service, status: ctx.runs, compose: ctx.compose.compose },
      input.uri ?? (input.hasArgs ? givenArgs(input.args) : undefined),
    ),
  'berth.images.build': (ctx, input) => buildImageCommand(ctx.service, input.uri ?? givenArgs(input.args)),
  'berth.showRunningWorkspaces': (ctx) => ctx.runs.pick(),
  ...ENGINE_COMMANDS,
  ...CONTAINER_COMMANDS,
  ...IMAGE_COMMANDS,
  ...VOLUME_COMMANDS,
  ...NETWORK_COMMANDS,
  ...COMPOSE_COMMANDS,
  ...WORKFLOW_CONTAINER_COMMANDS,
  ...WORKFLOW_IMAGE_COMMANDS,
  ...WORKFLOW_SYSTEM_COMMANDS,
  ...REGISTRY_COMMANDS,
} satisfies HandlerTable;

/** What a command resolves with when it did something, by id: for tests and tasks that drive commands. */
export type ResultOf<Id extends keyof typeof HANDLERS> = Awaited<ReturnType<(typeof HANDLERS)[Id]>>;
