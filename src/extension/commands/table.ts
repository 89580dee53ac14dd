/**
 * The one table of Berth's commands and their contract: what each does to the world (and so
 * whether it needs a trusted workspace), the title its failures are shown under, the tree nodes
 * it acts on from menus, and the fields of the argument object tasks, keybindings and tests pass.
 * No `vscode` here, so unit tests read the contract in plain Node; handlers.ts gives each row
 * its handler and dispatch.ts registers them. Every id is also contributed in package.json.
 */
import type { BerthNode } from '../views/model';

/**
 * What a command does beyond VS Code. Anything but `shows` needs a trusted workspace: an
 * untrusted folder may lint, list and look, but starts, creates, changes and removes nothing,
 * and chooses no engine.
 */
export type Effect =
  /** Lists, shows, copies to the clipboard, or reloads Berth's own parts; the engine, registries and files stay as they are. */
  | 'shows'
  /** Starts containers, or processes in them (a shell, `ls`), or a build's commands. */
  | 'starts'
  | 'creates'
  /** Stops, pauses, kills, tags, pulls, pushes, connects: changes what exists. */
  | 'changes'
  | 'removes'
  /** Chooses the engine Berth (and the docker CLI) talk to. */
  | 'chooses';

/** How an argument field is checked: `value` fields are checked by the handler itself. */
export type ArgKind = 'string' | 'strings' | 'boolean' | 'number' | 'value';
export type ArgSpec = Readonly<Record<string, ArgKind>>;
export type NodeKind = BerthNode['kind'];

export interface CommandContract {
  effect: Effect;
  /** The title a failure is shown under, before the reason and its fix ("Could not start containers: …"). */
  errors: string;
  /** The tree nodes it acts on from the views' menus, as `(node, selectedNodes)`. */
  nodes: readonly NodeKind[];
  /** The fields of its argument object; any other field is refused with a message. */
  args: ArgSpec;
  /** Takes a file from the explorer and editor menus. */
  uri?: boolean;
}

// --- argument objects shared by several commands ----------------------------------------------------

/** Which objects to act on; `fromSelection` (a view id) comes from keybindings. */
const TARGETS = { id: 'string', ids: 'strings', name: 'string', names: 'strings', fromSelection: 'string' } as const;
/** Removals ask first; `skipConfirm` is honoured only here, and no menu passes it. */
const REMOVE = { ...TARGETS, skipConfirm: 'boolean' } as const;
/** Shell and Shell As: `user` (name, uid or uid:gid) skips the question. */
const SHELL = { ...TARGETS, user: 'string' } as const;
const IMAGES = { ...TARGETS, reference: 'string' } as const;
const PRUNE = { skipConfirm: 'boolean' } as const;
const CREATE = { name: 'string', driver: 'string' } as const;
/** A network (`id` or `name`) and a `container`, for connect and disconnect. */
const MEMBERSHIP = { id: 'string', name: 'string', container: 'string' } as const;
const NONE = {} as const;

/** A new image from a container: `changes` are Dockerfile instructions (`CMD ["node","index.js"]`). */
const COMMIT = { id: 'string', reference: 'string', message: 'string', author: 'string', changes: 'strings', pause: 'boolean' } as const;
/** `docker cp`: `source` and `target` paths, `-L` and `-a`. */
const COPY = { id: 'string', source: 'string', target: 'string', followLink: 'boolean', keepOwnership: 'boolean' } as const;
/** A registry (`url`, as typed when it was added) and, to log in without asking, the credentials. */
const LOGIN = { url: 'string', username: 'string', password: 'string' } as const;
/** A tag in a registry. */
const REGISTRY_TAG = { url: 'string', repository: 'string', tag: 'string' } as const;

const CONTAINERS: readonly NodeKind[] = ['container', 'attached', 'composeGroup'];
const IMAGE_NODES: readonly NodeKind[] = ['imageTag', 'repository'];

/** The fields of Run Workspace's argument object (RunWorkspaceArgs), as tasks.json passes them too. */
const RUN_WORKSPACE = {
  folder: 'string',
  toolchain: 'string',
  image: 'string',
  command: 'value',
  ports: 'value',
  build: 'value',
  mount: 'boolean',
  mountTarget: 'string',
  user: 'string',
  env: 'value',
  network: 'string',
  bind: 'string',
  memory: 'string',
  cpus: 'number',
  caches: 'boolean',
  detach: 'boolean',
  remember: 'boolean',
  services: 'value',
  servicesOnExit: 'string',
} as const;

/** The fields of Build Image's argument object (BuildImageArgs). */
const BUILD = {
  dockerfile: 'string',
  context: 'string',
  tag: 'string',
  tags: 'strings',
  target: 'string',
  buildArgs: 'value',
  labels: 'value',
  noCache: 'boolean',
  pull: 'boolean',
  platform: 'string',
  cacheFrom: 'strings',
  secrets: 'value',
  ssh: 'value',
  contexts: 'value',
} as const;

/**
 * Which Compose project: a compose file (its project, with the override file Compose loads), the
 * files in merge order, or a project by name as its containers' labels say (acted on even when it
 * was started elsewhere).
 */
const COMPOSE_PROJECT = { file: 'string', files: 'strings', project: 'string' } as const;
const COMPOSE_SERVICES = { ...COMPOSE_PROJECT, services: 'strings' } as const;
/** `pick` (code lenses' Up…) asks for services and profiles first. */
const COMPOSE_UP = {
  file: 'string',
  files: 'strings',
  services: 'strings',
  profiles: 'strings',
  build: 'boolean',
  pick: 'boolean',
  detach: 'boolean',
} as const;
/** Down asks first; `skipConfirm` is honoured only here, and no menu passes it. */
const COMPOSE_DOWN = { ...COMPOSE_PROJECT, volumes: 'boolean', removeOrphans: 'boolean', skipConfirm: 'boolean' } as const;
const COMPOSE_NODES: readonly NodeKind[] = ['composeGroup', 'composeService'];

// --- the table ----------------------------------------------------------------------------------------

export const COMMANDS = {
  'berth.restartLanguageServer': { effect: 'shows', errors: 'Could not restart the language server', nodes: [], args: NONE },
  'berth.showOutput': { effect: 'shows', errors: 'Could not show the output', nodes: [], args: NONE },

  'berth.runWorkspace': { effect: 'starts', errors: 'Could not run the workspace', nodes: [], args: RUN_WORKSPACE, uri: true },
  'berth.showRunningWorkspaces': { effect: 'shows', errors: 'Could not show the running workspaces', nodes: [], args: NONE },

  'berth.switchContext': { effect: 'chooses', errors: 'Could not switch the Docker context', nodes: [], args: { name: 'string' } },
  'berth.retryConnection': { effect: 'shows', errors: 'Could not connect to the Docker engine', nodes: [], args: NONE },

  'berth.containers.refresh': { effect: 'shows', errors: 'Could not list containers', nodes: [], args: NONE },
  'berth.containers.start': { effect: 'starts', errors: 'Could not start containers', nodes: CONTAINERS, args: TARGETS },
  'berth.containers.stop': { effect: 'changes', errors: 'Could not stop containers', nodes: CONTAINERS, args: TARGETS },
  'berth.containers.restart': { effect: 'starts', errors: 'Could not restart containers', nodes: CONTAINERS, args: TARGETS },
  'berth.containers.pause': { effect: 'changes', errors: 'Could not pause containers', nodes: CONTAINERS, args: TARGETS },
  'berth.containers.unpause': { effect: 'starts', errors: 'Could not unpause containers', nodes: CONTAINERS, args: TARGETS },
  'berth.containers.kill': { effect: 'changes', errors: 'Could not kill containers', nodes: CONTAINERS, args: TARGETS },
  'berth.containers.remove': { effect: 'removes', errors: 'Could not remove containers', nodes: CONTAINERS, args: REMOVE },
  'berth.containers.logs': { effect: 'shows', errors: 'Could not follow the logs', nodes: CONTAINERS, args: TARGETS },
  'berth.containers.shell': { effect: 'starts', errors: 'Could not open a shell', nodes: CONTAINERS, args: SHELL },
  'berth.containers.shellAs': { effect: 'starts', errors: 'Could not open a shell', nodes: CONTAINERS, args: SHELL },
  'berth.containers.inspect': { effect: 'shows', errors: 'Could not inspect the container', nodes: CONTAINERS, args: TARGETS },
  // Folders are listed by running ls in the container.
  'berth.containers.browseFiles': {
    effect: 'starts',
    errors: 'Could not browse the files',
    nodes: CONTAINERS,
    args: { ...TARGETS, path: 'string' },
  },
  'berth.containers.openInBrowser': { effect: 'shows', errors: 'Could not open the browser', nodes: CONTAINERS, args: TARGETS },
  'berth.containers.copyId': { effect: 'shows', errors: 'Could not copy the id', nodes: CONTAINERS, args: TARGETS },
  'berth.containers.copyName': { effect: 'shows', errors: 'Could not copy the name', nodes: CONTAINERS, args: TARGETS },

  'berth.images.refresh': { effect: 'shows', errors: 'Could not list images', nodes: [], args: NONE },
  'berth.images.pull': { effect: 'changes', errors: 'Could not pull the image', nodes: ['imageTag'], args: { reference: 'string' } },
  'berth.images.build': { effect: 'starts', errors: 'Could not build the image', nodes: [], args: BUILD, uri: true },
  'berth.images.run': { effect: 'starts', errors: 'Could not run the image', nodes: IMAGE_NODES, args: IMAGES },
  'berth.images.runInteractive': { effect: 'starts', errors: 'Could not run the image', nodes: IMAGE_NODES, args: IMAGES },
  'berth.images.tag': {
    effect: 'changes',
    errors: 'Could not tag the image',
    nodes: IMAGE_NODES,
    args: { ...IMAGES, target: 'string' },
  },
  'berth.images.push': { effect: 'changes', errors: 'Could not push the image', nodes: IMAGE_NODES, args: IMAGES },
  'berth.images.inspect': { effect: 'shows', errors: 'Could not inspect the image', nodes: IMAGE_NODES, args: IMAGES },
  'berth.images.history': { effect: 'shows', errors: 'Could not show the layers', nodes: IMAGE_NODES, args: IMAGES },
  'berth.images.remove': {
    effect: 'removes',
    errors: 'Could not remove images',
    nodes: IMAGE_NODES,
    args: { ...IMAGES, skipConfirm: 'boolean' },
  },
  'berth.images.prune': { effect: 'removes', errors: 'Could not prune images', nodes: [], args: PRUNE },
  'berth.images.showDangling': { effect: 'shows', errors: 'Could not show dangling images', nodes: [], args: NONE },
  'berth.images.hideDangling': { effect: 'shows', errors: 'Could not hide dangling images', nodes: [], args: NONE },

  'berth.volumes.refresh': { effect: 'shows', errors: 'Could not list volumes', nodes: [], args: NONE },
  'berth.volumes.create': { effect: 'creates', errors: 'Could not create the volume', nodes: [], args: CREATE },
  'berth.volumes.inspect': { effect: 'shows', errors: 'Could not inspect the volume', nodes: ['volume'], args: TARGETS },
  'berth.volumes.remove': { effect: 'removes', errors: 'Could not remove volumes', nodes: ['volume'], args: REMOVE },
  'berth.volumes.prune': { effect: 'removes', errors: 'Could not prune volumes', nodes: [], args: PRUNE },

  'berth.networks.refresh': { effect: 'shows', errors: 'Could not list networks', nodes: [], args: NONE },
  'berth.networks.create': { effect: 'creates', errors: 'Could not create the network', nodes: [], args: CREATE },
  'berth.networks.connect': {
    effect: 'changes',
    errors: 'Could not connect the container',
    nodes: ['network', 'container'],
    args: MEMBERSHIP,
  },
  'berth.networks.disconnect': {
    effect: 'changes',
    errors: 'Could not disconnect the container',
    nodes: ['attached'],
    args: MEMBERSHIP,
  },
  'berth.networks.inspect': { effect: 'shows', errors: 'Could not inspect the network', nodes: ['network'], args: TARGETS },
  'berth.networks.remove': { effect: 'removes', errors: 'Could not remove networks', nodes: ['network'], args: REMOVE },
  'berth.networks.prune': { effect: 'removes', errors: 'Could not prune networks', nodes: [], args: PRUNE },
  // Compose runs the user's own Compose (a program on this machine), so even its logs need trust.
  'berth.compose.up': {
    effect: 'starts',
    errors: 'Could not bring the Compose project up',
    nodes: COMPOSE_NODES,
    args: COMPOSE_UP,
    uri: true,
  },
  'berth.compose.down': {
    effect: 'removes',
    errors: 'Could not take the Compose project down',
    nodes: COMPOSE_NODES,
    args: COMPOSE_DOWN,
    uri: true,
  },
  'berth.compose.stop': {
    effect: 'changes',
    errors: 'Could not stop the Compose services',
    nodes: COMPOSE_NODES,
    args: COMPOSE_SERVICES,
    uri: true,
  },
  'berth.compose.start': {
    effect: 'starts',
    errors: 'Could not start the Compose services',
    nodes: COMPOSE_NODES,
    args: COMPOSE_SERVICES,
    uri: true,
  },
  'berth.compose.restart': {
    effect: 'starts',
    errors: 'Could not restart the Compose services',
    nodes: COMPOSE_NODES,
    args: COMPOSE_SERVICES,
    uri: true,
  },
  'berth.compose.logs': {
    effect: 'starts',
    errors: 'Could not follow the Compose logs',
    nodes: COMPOSE_NODES,
    args: { ...COMPOSE_SERVICES, follow: 'boolean' },
    uri: true,
  },
  'berth.compose.pull': {
    effect: 'changes',
    errors: 'Could not pull the Compose images',
    nodes: COMPOSE_NODES,
    args: COMPOSE_SERVICES,
    uri: true,
  },
  'berth.compose.build': {
    effect: 'starts',
    errors: 'Could not build the Compose images',
    nodes: COMPOSE_NODES,
    args: COMPOSE_SERVICES,
    uri: true,
  },

  // --- the everyday workflows: stats, commit, attach, copy, save and load, prune, registries ---
  'berth.containers.stats': { effect: 'shows', errors: 'Could not read the resource use', nodes: CONTAINERS, args: { id: 'string' } },
  'berth.containers.commit': { effect: 'creates', errors: 'Could not commit the container', nodes: CONTAINERS, args: COMMIT },
  'berth.containers.rename': {
    effect: 'changes',
    errors: 'Could not rename the container',
    nodes: CONTAINERS,
    args: { id: 'string', name: 'string' },
  },
  'berth.containers.export': {
    effect: 'creates',
    errors: 'Could not export the container',
    nodes: CONTAINERS,
    args: { id: 'string', file: 'string' },
  },
  'berth.containers.attach': { effect: 'starts', errors: 'Could not attach to the container', nodes: CONTAINERS, args: { id: 'string' } },
  'berth.containers.copyInto': { effect: 'changes', errors: 'Could not copy into the container', nodes: CONTAINERS, args: COPY, uri: true },
  'berth.containers.copyFrom': { effect: 'creates', errors: 'Could not copy from the container', nodes: CONTAINERS, args: COPY },
  'berth.images.save': {
    effect: 'creates',
    errors: 'Could not save the images',
    nodes: IMAGE_NODES,
    args: { references: 'strings', file: 'string' },
  },
  'berth.images.load': { effect: 'creates', errors: 'Could not load the images', nodes: [], args: { file: 'string' }, uri: true },
  'berth.images.search': { effect: 'shows', errors: 'Could not search Docker Hub', nodes: [], args: { term: 'string', limit: 'number' } },
  'berth.system.prune': { effect: 'removes', errors: 'Could not prune', nodes: [], args: { volumes: 'boolean', skipConfirm: 'boolean' } },

  'berth.registries.refresh': { effect: 'shows', errors: 'Could not list the registries', nodes: [], args: NONE },
  'berth.registries.add': { effect: 'changes', errors: 'Could not add the registry', nodes: [], args: LOGIN },
  'berth.registries.remove': { effect: 'removes', errors: 'Could not remove the registry', nodes: ['registry'], args: { url: 'string' } },
  'berth.registries.login': { effect: 'changes', errors: 'Could not log in', nodes: ['registry'], args: LOGIN },
  'berth.registries.logout': { effect: 'removes', errors: 'Could not log out', nodes: ['registry'], args: { url: 'string' } },
  'berth.registries.addRepository': {
    effect: 'changes',
    errors: 'Could not add the repository',
    nodes: ['registry'],
    args: { url: 'string', repository: 'string' },
  },
  'berth.registries.removeRepository': {
    effect: 'removes',
    errors: 'Could not remove the repository',
    nodes: ['registryRepository'],
    args: { url: 'string', repository: 'string' },
  },
  'berth.registries.pull': {
    effect: 'changes',
    errors: 'Could not pull the image',
    nodes: ['registryTag'],
    args: { ...REGISTRY_TAG, reference: 'string' },
  },
  'berth.registries.copyReference': { effect: 'shows', errors: 'Could not copy the reference', nodes: ['registryTag'], args: REGISTRY_TAG },
  'berth.registries.copyDigest': { effect: 'shows', errors: 'Could not copy the digest', nodes: ['registryTag'], args: REGISTRY_TAG },
  'berth.registries.inspectManifest': {
    effect: 'shows',
    errors: 'Could not read the manifest',
    nodes: ['registryTag'],
    args: REGISTRY_TAG,
  },
  'berth.registries.deleteTag': {
    effect: 'removes',
    errors: 'Could not delete the tag',
    nodes: ['registryTag'],
    args: { ...REGISTRY_TAG, skipConfirm: 'boolean' },
  },
} as const satisfies Record<string, CommandContract>;

export type CommandId = keyof typeof COMMANDS;

export const COMMAND_IDS = Object.keys(COMMANDS) as CommandId[];

/** Whether a command refuses to run in an untrusted workspace (Restricted Mode). */
export function needsTrust(id: CommandId): boolean {
  return COMMANDS[id].effect !== 'shows';
}

export function isCommandId(id: string): id is CommandId {
  return Object.hasOwn(COMMANDS, id);
}

// --- the types the contract gives handlers ---------------------------------------------------------

type ArgType<K extends ArgKind> = K extends 'string'
  ? string
  : K extends 'strings'
    ? readonly string[]
    : K extends 'boolean'
      ? boolean
      : K extends 'number'
        ? number
        : unknown;

/**
 * An argument object as handlers receive it: every declared field present (undefined when not
 * passed), so a handler that reads a field its row does not declare fails to type-check.
 */
export type ArgsFrom<S extends ArgSpec> = { readonly [F in keyof S]: ArgType<S[F]> | undefined };

/** The argument object of one command. */
export type ArgsOf<Id extends CommandId> = ArgsFrom<(typeof COMMANDS)[Id]['args']>;

/** The argument-object types of the shared field sets, for handlers that serve several rows. */
export type TargetArgs = ArgsFrom<typeof TARGETS>;
export type RemoveArgs = ArgsFrom<typeof REMOVE>;
export type ShellArgs = ArgsFrom<typeof SHELL>;
export type ImageArgs = ArgsFrom<typeof IMAGES>;
export type PruneArgs = ArgsFrom<typeof PRUNE>;
export type CreateArgs = ArgsFrom<typeof CREATE>;
export type MembershipArgs = ArgsFrom<typeof MEMBERSHIP>;
export type ComposeProjectArgs = ArgsFrom<typeof COMPOSE_PROJECT>;
export type ComposeServicesArgs = ArgsFrom<typeof COMPOSE_SERVICES>;
