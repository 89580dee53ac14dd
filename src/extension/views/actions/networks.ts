/** The Networks view's actions: create, connect, disconnect, remove, prune and inspect. */
import * as vscode from 'vscode';
import type { NetworkSummary } from '../../../engine/types';
import type { BatchFailure } from '../../commands/errors';
import type { HandlerTable, Invocation } from '../../commands/invocation';
import type { CreateArgs, MembershipArgs, PruneArgs, RemoveArgs, TargetArgs } from '../../commands/table';
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
import { containerTargets, type ContainerRef } from './containers';

interface NetworkRef {
  id: string;
  name: string;
  network?: NetworkSummary;
}

const ref = (n: NetworkSummary): NetworkRef => ({ id: n.id, name: n.name, network: n });
const BUILT_IN = ['bridge', 'host', 'none'];

/** The networks a command acts on: from nodes, from the argument object, else picked from those `applicable` allows. */
async function networkTargets(
  ctx: ActionContext,
  input: Invocation<Partial<TargetArgs>>,
  placeholder: string,
  applicable: (n: NetworkSummary) => boolean = () => true,
  many = true,
): Promise<NetworkRef[]> {
  const fromNodes = input.nodes.flatMap((n) => (n.kind === 'network' ? [ref(n.network)] : []));
  if (fromNodes.length) return fromNodes;
  if (argIds(input.args).length) return argIds(input.args).map((id) => ({ id, name: id }));
  await engineOf(ctx);
  await ctx.views.ensureCurrent('networks');
  const networks = (await ctx.views.providers.networks.list()).filter(applicable);
  if (!networks.length) {
    void vscode.window.showInformationMessage(t('No network fits.'));
    return [];
  }
  const items = networks.map((n) => ({ label: n.name, description: n.driver, network: n }));
  return (await pick(items, placeholder, many)).map((p) => ref(p.network));
}

/** What to pick from when nothing says which: the palette asks. */
const bare = { nodes: [], args: {}, hasArgs: false, uri: undefined } as const;

/** Creates a network (named by the arguments, or typed in); resolves with it as the engine lists it. */
async function create(ctx: ActionContext, input: Invocation<CreateArgs>): Promise<NetworkSummary | undefined> {
  const name =
    input.args.name ?? (await vscode.window.showInputBox({ prompt: t('Name of the new network'), validateInput: validateObjectName }));
  if (!name) return undefined;
  const engine = await engineOf(ctx);
  return engine.createNetwork(name.trim(), input.args.driver ? { driver: input.args.driver } : undefined);
}

/** Removes networks; built-in ones are refused in the same message as any failure. Resolves with what went. */
async function remove(ctx: ActionContext, input: Invocation<RemoveArgs>): Promise<string[]> {
  const targets = await networkTargets(ctx, input, t('Networks to remove'), (n) => !n.builtIn);
  if (!targets.length) return [];
  const builtIn = targets.filter((n) => n.network?.builtIn || BUILT_IN.includes(n.name));
  const refused: BatchFailure[] = builtIn.map((n) => ({
    name: n.name,
    error: new Error(t('built into the engine; it cannot be removed')),
  }));
  const removable = targets.filter((n) => !builtIn.includes(n));
  const message = removable.length === 1 ? t('Remove network {0}?', removable[0]!.name) : t('Remove {0} networks?', removable.length);
  const names = removable.map((n) => n.name);
  if (removable.length && !(await confirmRemoval(input, message, names, t('Remove')))) return [];
  const engine = await engineOf(ctx);
  return forEach(
    t('Removing {0} networks', removable.length),
    removable,
    (n) => n.name,
    (n) => engine.removeNetwork(n.id),
    { refused },
  );
}

/** Removes the networks no container uses (never the built-in ones); resolves with what went. */
async function prune(ctx: ActionContext, input: Invocation<PruneArgs>): Promise<string[]> {
  const engine = await engineOf(ctx);
  const [networks, containers] = await Promise.all([engine.listNetworks(), engine.listContainers()]);
  const going = networks.filter((n) => !n.builtIn && !containers.some((c) => c.networks.includes(n.name)));
  if (!going.length) {
    void vscode.window.showInformationMessage(t('There are no unused networks to prune.'));
    return [];
  }
  const message = t('Remove {0} unused networks?', going.length);
  const names = going.map((n) => n.name);
  if (!(await confirmRemoval(input, message, names, t('Prune')))) return [];
  const result = await withSlowProgress(t('Pruning networks'), () => engine.pruneNetworks());
  reportPrune(result, t('networks'));
  return result.deleted;
}

/** Connects a container to a network: either may come from a node, the arguments or a QuickPick. Resolves true when connected. */
async function connect(ctx: ActionContext, input: Invocation<MembershipArgs>): Promise<boolean | undefined> {
  const { args } = input;
  const networkNode = input.nodes.find((n) => n.kind === 'network');
  const containerNode = input.nodes.find((n) => n.kind === 'container');
  let network: NetworkRef | undefined = networkNode?.kind === 'network' ? ref(networkNode.network) : undefined;
  let container: ContainerRef | undefined =
    containerNode?.kind === 'container' ? { id: containerNode.container.id, name: containerNode.container.name } : undefined;
  if (!network && args.id) network = { id: args.id, name: args.name ?? args.id };
  if (!container && args.container) container = { id: args.container, name: args.container };
  const connectable = (n: NetworkSummary) => n.driver !== 'host' && n.driver !== 'null';
  network ??= (await networkTargets(ctx, bare, t('Network to connect to'), connectable, false))[0];
  if (!network) return undefined;
  const chosen = network;
  const placeholder = t('Container to connect to {0}', chosen.name);
  container ??= (await containerTargets(ctx, bare, placeholder, (c) => !c.networks.includes(chosen.name), false))[0];
  if (!container) return undefined;
  const engine = await engineOf(ctx);
  await engine.connectNetwork(chosen.id, container.id);
  return true;
}

/** Disconnects containers from networks: attached nodes, `{ id, container }`, or picked. Resolves true when all went. */
async function disconnect(ctx: ActionContext, input: Invocation<MembershipArgs>): Promise<boolean | undefined> {
  const { args } = input;
  let pairs = input.nodes.flatMap((n) =>
    n.kind === 'attached' && n.parent.kind === 'network'
      ? [{ network: { id: n.parent.id, name: n.parent.name }, container: { id: n.container.id, name: n.container.name } }]
      : [],
  );
  if (!pairs.length && args.id && args.container)
    pairs = [{ network: { id: args.id, name: args.name ?? args.id }, container: { id: args.container, name: args.container } }];
  if (!pairs.length) {
    const [network] = await networkTargets(ctx, bare, t('Network to disconnect from'), undefined, false);
    if (!network) return undefined;
    const placeholder = t('Container to disconnect from {0}', network.name);
    const [container] = await containerTargets(ctx, bare, placeholder, (c) => c.networks.includes(network.name), false);
    if (!container) return undefined;
    pairs = [{ network, container }];
  }
  const engine = await engineOf(ctx);
  await forEach(
    t('Disconnecting {0} containers', pairs.length),
    pairs,
    (p) => `${p.container.name} ↮ ${p.network.name}`,
    (p) => engine.disconnectNetwork(p.network.id, p.container.id),
  );
  return true;
}

async function inspect(ctx: ActionContext, input: Invocation<TargetArgs>): Promise<number> {
  const targets = await networkTargets(ctx, input, t('Network to inspect'), undefined, false);
  return inspectEach(
    ctx,
    'network',
    targets.map((n) => ({ id: n.id, name: n.name })),
  );
}

export const NETWORK_COMMANDS = {
  'berth.networks.create': create,
  'berth.networks.connect': connect,
  'berth.networks.disconnect': disconnect,
  'berth.networks.remove': remove,
  'berth.networks.prune': prune,
  'berth.networks.inspect': inspect,
} satisfies Partial<HandlerTable>;
