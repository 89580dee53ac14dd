/**
 * The one table of Berth's command registrations. Each id here is also contributed in
 * package.json (`contributes.commands`); handlers take `(node?, nodes?)` or an argument object
 * so tasks and tests can drive them without UI.
 */
import * as vscode from 'vscode';
import { buildImageCommand } from './build';
import type { BerthClient } from './client';
import * as compose from './compose/commands';
import { runWorkspaceCommand } from './devenv/runWorkspace';
import type { RunStatus } from './devenv/status';
import type { EngineService } from './engineService';
import * as actions from './views/actions';
import type { BerthViews } from './views/views';

/** What command handlers may use. */
export interface CommandContext {
  client: BerthClient;
  service: EngineService;
  views: BerthViews;
  runs: RunStatus;
  compose: compose.ComposeContext;
}

type Handler = (ctx: CommandContext, ...args: unknown[]) => unknown;

export const COMMANDS: Readonly<Record<string, Handler>> = {
  'berth.restartLanguageServer': (ctx) => ctx.client.restart(),
  'berth.showOutput': (ctx) => ctx.client.showOutput(),

  'berth.runWorkspace': (ctx, arg) => runWorkspaceCommand({ service: ctx.service, status: ctx.runs, compose: ctx.compose.compose }, arg),
  'berth.showRunningWorkspaces': (ctx) => ctx.runs.pick(),

  'berth.switchContext': (ctx, arg) => actions.switchContext(ctx, arg),
  'berth.retryConnection': (ctx) => actions.retryConnection(ctx),

  'berth.containers.refresh': (ctx) => actions.refreshView(ctx, 'containers'),
  'berth.containers.start': (ctx, a, b) => actions.containerVerb('start')(ctx, a, b),
  'berth.containers.stop': (ctx, a, b) => actions.containerVerb('stop')(ctx, a, b),
  'berth.containers.restart': (ctx, a, b) => actions.containerVerb('restart')(ctx, a, b),
  'berth.containers.pause': (ctx, a, b) => actions.containerVerb('pause')(ctx, a, b),
  'berth.containers.unpause': (ctx, a, b) => actions.containerVerb('unpause')(ctx, a, b),
  'berth.containers.kill': (ctx, a, b) => actions.containerVerb('kill')(ctx, a, b),
  'berth.containers.remove': (ctx, a, b) => actions.removeContainers(ctx, a, b),
  'berth.containers.logs': (ctx, a, b) => actions.showLogs(ctx, a, b),
  'berth.containers.shell': (ctx, a, b) => actions.openContainerShell(ctx, false, a, b),
  'berth.containers.shellAs': (ctx, a, b) => actions.openContainerShell(ctx, true, a, b),
  'berth.containers.inspect': (ctx, a, b) => actions.inspect(ctx, 'container', a, b),
  'berth.containers.browseFiles': (ctx, a, b) => actions.browseFiles(ctx, a, b),
  'berth.containers.openInBrowser': (ctx, a, b) => actions.openInBrowser(ctx, a, b),
  'berth.containers.copyId': (ctx, a, b) => actions.copyContainerField(ctx, 'id', a, b),
  'berth.containers.copyName': (ctx, a, b) => actions.copyContainerField(ctx, 'name', a, b),

  'berth.images.refresh': (ctx) => actions.refreshView(ctx, 'images'),
  'berth.images.pull': (ctx, a, b) => actions.pullImage(ctx, a, b),
  'berth.images.build': (ctx, a) => buildImageCommand(ctx.service, a),
  'berth.images.run': (ctx, a, b) => actions.runImage(ctx, false, a, b),
  'berth.images.runInteractive': (ctx, a, b) => actions.runImage(ctx, true, a, b),
  'berth.images.tag': (ctx, a, b) => actions.tagImage(ctx, a, b),
  'berth.images.push': (ctx, a, b) => actions.pushImage(ctx, a, b),
  'berth.images.inspect': (ctx, a, b) => actions.inspect(ctx, 'image', a, b),
  'berth.images.history': (ctx, a, b) => actions.showImageHistory(ctx, a, b),
  'berth.images.remove': (ctx, a, b) => actions.removeImages(ctx, a, b),
  'berth.images.prune': (ctx, a) => actions.pruneImages(ctx, a),
  'berth.images.showDangling': (ctx) => ctx.views.providers.images.setShowDangling(true),
  'berth.images.hideDangling': (ctx) => ctx.views.providers.images.setShowDangling(false),

  'berth.volumes.refresh': (ctx) => actions.refreshView(ctx, 'volumes'),
  'berth.volumes.create': (ctx, a) => actions.createVolume(ctx, a),
  'berth.volumes.inspect': (ctx, a, b) => actions.inspect(ctx, 'volume', a, b),
  'berth.volumes.remove': (ctx, a, b) => actions.removeVolumes(ctx, a, b),
  'berth.volumes.prune': (ctx, a) => actions.pruneVolumes(ctx, a),

  'berth.networks.refresh': (ctx) => actions.refreshView(ctx, 'networks'),
  'berth.networks.create': (ctx, a) => actions.createNetwork(ctx, a),
  'berth.networks.connect': (ctx, a, b) => actions.connectNetwork(ctx, a, b),
  'berth.networks.disconnect': (ctx, a, b) => actions.disconnectNetwork(ctx, a, b),
  'berth.networks.inspect': (ctx, a, b) => actions.inspect(ctx, 'network', a, b),
  'berth.networks.remove': (ctx, a, b) => actions.removeNetworks(ctx, a, b),
  'berth.networks.prune': (ctx, a) => actions.pruneNetworks(ctx, a),

  // Compose: the handlers are in compose/commands.ts; each takes a file, a project's node or an argument object.
  'berth.compose.up': (ctx, a) => compose.composeUp(ctx.compose, a),
  'berth.compose.down': (ctx, a) => compose.composeDown(ctx.compose, a),
  'berth.compose.stop': (ctx, a) => compose.composeLifecycle('stop')(ctx.compose, a),
  'berth.compose.start': (ctx, a) => compose.composeLifecycle('start')(ctx.compose, a),
  'berth.compose.restart': (ctx, a) => compose.composeLifecycle('restart')(ctx.compose, a),
  'berth.compose.logs': (ctx, a) => compose.composeLogs(ctx.compose, a),
  'berth.compose.pull': (ctx, a) => compose.composeFetch('pull')(ctx.compose, a),
  'berth.compose.build': (ctx, a) => compose.composeFetch('build')(ctx.compose, a),
};

/** Registers every command in the table; the returned disposables belong to the extension context. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  actions.useSelectionFrom(ctx.views);
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => handler(ctx, ...args)),
  );
}
