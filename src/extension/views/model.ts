/**
 * What the four Berth views show, as plain data: grouping, labels, descriptions, icons, tooltips
 * and `contextValue`s computed from the engine's lists. No `vscode` here, so all of it is unit
 * tested in plain Node; trees.ts turns these nodes into TreeItems.
 */
import { isIP } from 'node:net';
import type { ContainerState, ContainerSummary, ImageLayer, ImageSummary, NetworkSummary, VolumeSummary } from '../../engine/types';
import { formatSize, shortId } from '../../shared/format';
import { splitReference } from '../../shared/imageRef';
import { codeBlock, escapeMarkdown, inlineCode } from '../../shared/markdown';
import type { RegistryNode } from '../registries/model';

export type ViewId = 'containers' | 'images' | 'volumes' | 'networks';
export const VIEW_IDS: readonly ViewId[] = ['containers', 'images', 'volumes', 'networks'];

/** A codicon and an optional theme color id, as VS Code's ThemeIcon takes them. */
export interface IconSpec {
  id: string;
  color?: string;
}

/** Everything a TreeItem needs, without VS Code types. */
export interface NodeBase {
  /** Stable within a view across refreshes, so VS Code keeps expansion and selection. */
  key: string;
  label: string;
  description?: string;
  /** Markdown; user-controlled text in it is escaped. */
  tooltip?: string;
  icon: IconSpec;
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
}

export interface ComposeGroupNode extends NodeBase {
  kind: 'composeGroup';
  project: string;
  containers: ContainerSummary[];
  /** Services the project's files declare that have no container: shown dimmed, with Up. */
  missing: ComposeServiceNode[];
}
/** A service of a project in the workspace that is not running (no container). */
export interface ComposeServiceNode extends NodeBase {
  kind: 'composeService';
  project: string;
  service: string;
}
export interface ContainerNode extends NodeBase {
  kind: 'container';
  container: ContainerSummary;
}
export interface RepositoryNode extends NodeBase {
  kind: 'repository';
  repository: string;
  tags: ImageTagNode[];
}
export interface ImageTagNode extends NodeBase {
  kind: 'imageTag';
  image: ImageSummary;
  /** `repo:tag` for tagged images; the id for dangling ones. */
  reference: string;
}
export interface LayerNode extends NodeBase {
  kind: 'layer';
  layer: ImageLayer;
}
export interface VolumeNode extends NodeBase {
  kind: 'volume';
  volume: VolumeSummary;
  users: ContainerSummary[];
}
export interface NetworkNode extends NodeBase {
  kind: 'network';
  network: NetworkSummary;
  attached: ContainerSummary[];
}
/** A container listed under a volume or a network (for disconnect, and to jump to it). */
export interface AttachedContainerNode extends NodeBase {
  kind: 'attached';
  container: ContainerSummary;
  parent: { kind: 'volume' | 'network'; id: string; name: string };
}
export interface MessageNode extends NodeBase {
  kind: 'message';
}

/**
 * Every node of Berth's trees: the four engine views', and the Registries view's (its own model,
 * in src/extension/registries/model.ts), so commands take either from menus.
 */
export type BerthNode =
  | RegistryNode
  | ComposeGroupNode
  | ComposeServiceNode
  | ContainerNode
  | RepositoryNode
  | ImageTagNode
  | LayerNode
  | VolumeNode
  | NetworkNode
  | AttachedContainerNode
  | MessageNode;

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

/** A declared service without a container: dimmed, with Up. */
export function composeServiceNode(project: string, service: string): ComposeServiceNode {
  return {
    kind: 'composeService',
    key: `compose:${project}:service:${service}`,
    label: service,
    description: tr('not running'),
    tooltip: tr(
      'Service **{0}** of Compose project **{1}** has no container: Up starts it.',
      escapeMarkdown(service),
      escapeMarkdown(project),
    ),
    icon: { id: 'circle-outline', color: 'disabledForeground' },
    contextValue: 'composeService.missing',
    collapsible: 'none',
    project,
    service,
  };
}

/** A translator with vscode.l10n.t's shape; views.ts installs vscode.l10n.t, tests keep the default. */
export type Translate = (message: string, ...args: (string | number)[]) => string;
const fill: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
let tr: Translate = fill;

/** Words shown to users go through this translator (status words stay the engine's own). */
export function setTranslator(translate: Translate): void {
  tr = translate;
}

// --- text helpers --------------------------------------------------------------------------------

// Re-exported: the views and their tests read them from here; the one definition is in src/shared.
export { escapeMarkdown, formatSize, shortId };

/**
 * A coarse age ("5 minutes", "3 hours", "2 days", "4 months") that changes rarely, so a view
 * redrawn on events does not flicker with a seconds counter.
 */
export function coarseAge(createdSeconds: number, nowMs: number): string {
  const seconds = Math.max(0, Math.floor(nowMs / 1000 - createdSeconds));
  const steps: [number, () => string, (n: number) => string][] = [
    [365 * 86400, () => tr('1 year'), (n) => tr('{0} years', n)],
    [30 * 86400, () => tr('1 month'), (n) => tr('{0} months', n)],
    [7 * 86400, () => tr('1 week'), (n) => tr('{0} weeks', n)],
    [86400, () => tr('1 day'), (n) => tr('{0} days', n)],
    [3600, () => tr('1 hour'), (n) => tr('{0} hours', n)],
    [60, () => tr('1 minute'), (n) => tr('{0} minutes', n)],
  ];
  for (const [size, one, many] of steps) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return n === 1 ? one() : many(n);
  }
  return tr('less than a minute');
}

/**
 * The engine's status without its clock: `Up 3 minutes (healthy)` → `Up (healthy)`,
 * `Exited (137) 2 hours ago` → `Exited (137)`. The state decides when the text is missing.
 */
export function stableStatus(container: Pick<ContainerSummary, 'state' | 'status' | 'health'>): string {
  const status = container.status.trim();
  const exited = /^Exited \((-?\d+)\)/.exec(status);
  const restarting = /^Restarting \((-?\d+)\)/.exec(status);
  const health = container.health ? ` (${container.health})` : '';
  switch (container.state) {
    case 'running':
      return `Up${health}`;
    case 'paused':
      return 'Paused';
    case 'restarting':
      return restarting ? `Restarting (${restarting[1]})` : 'Restarting';
    case 'exited':
      return exited ? `Exited (${exited[1]})` : 'Exited';
    case 'created':
      return 'Created';
    case 'removing':
      return 'Removing';
    case 'dead':
      return 'Dead';
    default:
      return status.replace(/\s+\d+\s+\w+\s+ago$/, '').replace(/^Up .*?( \(|$)/, 'Up$1') || 'Unknown';
  }
}

/** The exit code in an `Exited (N) …` status, if any. */
export function exitCode(status: string): number | undefined {
  const match = /^Exited \((-?\d+)\)/.exec(status.trim());
  return match ? Number(match[1]) : undefined;
}

// --- containers ----------------------------------------------------------------------------------

export function containerIcon(container: Pick<ContainerSummary, 'state' | 'status' | 'health'>): IconSpec {
  switch (container.state) {
    case 'running':
      if (container.health === 'unhealthy') return { id: 'vm-running', color: 'charts.red' };
      if (container.health === 'starting') return { id: 'vm-running', color: 'charts.yellow' };
      return { id: 'vm-running', color: 'charts.green' };
    case 'paused':
      return { id: 'debug-pause', color: 'charts.yellow' };
    case 'restarting':
      return { id: 'sync', color: 'charts.orange' };
    case 'exited': {
      const code = exitCode(container.status);
      return code !== undefined && code !== 0 ? { id: 'vm-outline', color: 'charts.red' } : { id: 'vm-outline' };
    }
    case 'dead':
      return { id: 'error', color: 'charts.red' };
    case 'removing':
      return { id: 'trash' };
    default:
      return { id: 'vm-outline' };
  }
}

/** `container.<state>`; menus match `viewItem =~ /^container\./` or one state exactly. */
export function containerContextValue(container: Pick<ContainerSummary, 'state' | 'ports'>): string {
  const web = container.ports.some((p) => p.publicPort && p.type === 'tcp') ? '.web' : '';
  return `container.${container.state}${container.state === 'running' ? web : ''}`;
}

/** `http://localhost:P` for each published TCP port, once per host port (IPv4 and IPv6 bindings repeat them). */
export function publishedUrls(container: Pick<ContainerSummary, 'ports'>): string[] {
  const urls: string[] = [];
  for (const port of container.ports) {
    if (port.type !== 'tcp' || !port.publicPort) continue;
    // Only an address goes into the URL (it becomes a live link in the tooltip); anything else is the engine misbehaving.
    if (port.hostIp && !isIP(port.hostIp)) continue;
    const host =
      !port.hostIp || ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(port.hostIp)
        ? 'localhost'
        : port.hostIp.includes(':')
          ? `[${port.hostIp}]`
          : port.hostIp;
    const url = `http://${host}:${port.publicPort}`;
    if (!urls.includes(url)) urls.push(url);
  }
  return urls;
}

export function containerTooltip(container: ContainerSummary, nowMs: number): string {
  const lines: string[] = [];
  lines.push(`**${escapeMarkdown(container.name)}** ${inlineCode(shortId(container.id))}`);
  lines.push('');
  lines.push(`${tr('Image: {0}', escapeMarkdown(container.image))}  `);
  lines.push(`${tr('Status: {0}', escapeMarkdown(container.status || stableStatus(container)))}  `);
  lines.push(tr('Created: {0} ago', coarseAge(container.created, nowMs)));
  if (container.composeProject) {
    lines.push('');
    lines.push(
      tr(
        'Compose: {0}',
        `${escapeMarkdown(container.composeProject)}${container.composeService ? ` / ${escapeMarkdown(container.composeService)}` : ''}`,
      ),
    );
  }
  const urls = publishedUrls(container);
  const otherPorts = container.ports.filter((p) => !(p.type === 'tcp' && p.publicPort));
  if (urls.length || otherPorts.length) {
    lines.push('', `**${tr('Ports')}**`, '');
    for (const url of urls) lines.push(`- [${escapeMarkdown(url)}](${url})`);
    for (const port of otherPorts) {
      lines.push(
        `- ${port.publicPort ? `${port.publicPort} → ` : ''}${port.privatePort}/${port.type}${port.publicPort ? '' : ` (${tr('not published')})`}`,
      );
    }
  }
  if (container.mounts.length) {
    lines.push('', `**${tr('Mounts')}**`, '');
    for (const mount of container.mounts) {
      const source = mount.type === 'volume' && mount.name ? mount.name : mount.source;
      lines.push(
        `- ${escapeMarkdown(source)} → ${escapeMarkdown(mount.destination)} (${escapeMarkdown(mount.type)}${mount.readOnly ? `, ${tr('read-only')}` : ''})`,
      );
    }
  }
  if (container.networks.length) {
    lines.push('', `**${tr('Networks')}**`, '');
    for (const network of container.networks) lines.push(`- ${escapeMarkdown(network)}`);
  }
  return lines.join('\n');
}

export function containerNode(container: ContainerSummary, nowMs: number): ContainerNode {
  return {
    kind: 'container',
    key: `container:${container.id}`,
    label: container.name,
    description: `${container.image} · ${stableStatus(container)}`,
    // Made when read: the Containers view shows it on hover only, and 2,000 rows are redrawn per event.
    get tooltip() {
      return containerTooltip(container, nowMs);
    },
    icon: containerIcon(container),
    contextValue: containerContextValue(container),
    collapsible: 'none',
    container,
  };
}

/** The compose project of a container: the summary's field or its label. */
export function composeProjectOf(container: ContainerSummary): string | undefined {
  return container.composeProject ?? container.labels[COMPOSE_PROJECT_LABEL] ?? undefined;
}

const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);

/**
 * The Containers view's top level: one group per compose project (sorted by name), then the
 * containers that belong to none, sorted by name. `nodeOf` makes a container's row (a view keeps
 * the rows of containers a listing did not change).
 */
export function containerRoots(
  containers: readonly ContainerSummary[],
  nowMs: number,
  declaredServices?: (project: string, members: readonly ContainerSummary[]) => readonly string[] | undefined,
  nodeOf: (container: ContainerSummary) => ContainerNode = (c) => containerNode(c, nowMs),
): (ComposeGroupNode | ContainerNode)[] {
  const projects = new Map<string, ContainerSummary[]>();
  const loose: ContainerSummary[] = [];
  for (const container of containers) {
    const project = composeProjectOf(container);
    if (project) {
      const list = projects.get(project) ?? [];
      list.push(container);
      projects.set(project, list);
    } else {
      loose.push(container);
    }
  }
  const groups = [...projects.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([project, members]): ComposeGroupNode => {
      members.sort(byName);
      const running = members.filter((c) => c.state === 'running').length;
      const present = new Set(members.map((c) => c.composeService ?? c.labels[COMPOSE_SERVICE_LABEL]));
      const missing = (declaredServices?.(project, members) ?? [])
        .filter((service) => !present.has(service))
        .map((service) => composeServiceNode(project, service));
      return {
        kind: 'composeGroup',
        key: `compose:${project}`,
        label: project,
        description: tr('{0}/{1} running', running, members.length),
        tooltip: tr('Compose project **{0}**', escapeMarkdown(project)),
        icon:
          running === members.length ? { id: 'layers-active', color: 'charts.green' } : running ? { id: 'layers-dot' } : { id: 'layers' },
        contextValue: running ? 'compose.running' : 'compose.stopped',
        collapsible: 'expanded',
        project,
        containers: members,
        missing,
      };
    });
  return [...groups, ...[...loose].sort(byName).map(nodeOf)];
}

// --- images --------------------------------------------------------------------------------------

export const DANGLING_GROUP = '<none>';

/** How many of an image's other tags a tag's tooltip names (an image tagged 2,000 times is not unusual in CI caches). */
const ALSO_TAGGED_SHOWN = 10;

function tagTooltip(image: ImageSummary, reference: string, size: string, age: string, tags: readonly string[]): string {
  const others: string[] = [];
  for (const tag of tags) {
    if (others.length === ALSO_TAGGED_SHOWN) break;
    if (tag !== reference) others.push(escapeMarkdown(tag));
  }
  // A tag node's reference is one of `tags` (the others have none): the rest are the others.
  const more = Math.max(0, tags.length - 1 - others.length);
  return [
    `**${escapeMarkdown(reference)}** ${inlineCode(shortId(image.id))}`,
    '',
    `${tr('Size: {0}', size)}  `,
    tr('Created: {0} ago', age),
    ...(others.length
      ? ['', tr('Also tagged: {0}', more > 0 ? `${others.join(', ')}, ${tr('and {0} more', more)}` : others.join(', '))]
      : []),
  ].join('\n');
}

/** An image's size and age as its rows show them, made once per image: an image may have 2,000 tags. */
interface ImageFacts {
  size: string;
  age: string;
  /** The image's tags (each row's reference among them). */
  tags: readonly string[];
}

function tagNode(image: ImageSummary, reference: string, label: string, facts: ImageFacts, dangling: boolean): ImageTagNode {
  const { size, age, tags } = facts;
  return {
    kind: 'imageTag',
    key: `image:${reference}:${image.id}`,
    label,
    description: `${size} · ${tr('{0} ago', age)}`,
    // Made when read: the Images view shows it on hover only (resolveTreeItem), and 2,000 tags are drawn at once.
    get tooltip() {
      return tagTooltip(image, reference, size, age, tags);
    },
    icon: dangling ? { id: 'file-binary', color: 'disabledForeground' } : { id: 'tag' },
    contextValue: dangling ? 'image.dangling' : 'image.tag',
    collapsible: 'collapsed',
    image,
    reference,
  };
}

/** One row of the Images view's tags, with the repository it is listed under. */
export interface ImageRow {
  repository: string;
  node: ImageTagNode;
}

/**
 * An image's rows: one per tag (an image with several tags appears under each); dangling images
 * under `<none>` when shown; an image pulled by digest only under its repository, by digest.
 */
export function imageRows(image: ImageSummary, showDangling: boolean, nowMs: number): ImageRow[] {
  const tags = image.repoTags.filter((t) => t && t !== '<none>:<none>');
  const facts = (shown: readonly string[]): ImageFacts => ({
    size: formatSize(image.size),
    age: coarseAge(image.created, nowMs),
    tags: shown,
  });
  if (tags.length) {
    const tagged = facts(tags);
    return tags.map((reference) => {
      const { repository, tag, digest } = splitReference(reference);
      return { repository, node: tagNode(image, reference, tag ?? digest ?? 'latest', tagged, false) };
    });
  }
  if (image.dangling || !image.repoDigests.length)
    return showDangling ? [{ repository: DANGLING_GROUP, node: tagNode(image, image.id, shortId(image.id), facts([]), true) }] : [];
  const untagged = facts([]);
  return image.repoDigests.map((digest) => {
    const { repository, digest: hash } = splitReference(digest);
    return { repository, node: tagNode(image, digest, shortId(hash ?? digest), untagged, false) };
  });
}

/**
 * The Images view's top level: one node per repository with its tags as children, sorted;
 * dangling images under `<none>` when shown. `rowsOf` makes an image's rows (a view keeps those
 * of images a listing did not change).
 */
export function imageRoots(
  images: readonly ImageSummary[],
  showDangling: boolean,
  nowMs: number,
  rowsOf: (image: ImageSummary) => readonly ImageRow[] = (image) => imageRows(image, showDangling, nowMs),
): RepositoryNode[] {
  const repositories = new Map<string, ImageTagNode[]>();
  for (const image of images) {
    for (const { repository, node } of rowsOf(image)) {
      const list = repositories.get(repository);
      if (list) list.push(node);
      else repositories.set(repository, [node]);
    }
  }
  return [...repositories.entries()]
    .sort(([a], [b]) => (a === DANGLING_GROUP ? 1 : b === DANGLING_GROUP ? -1 : a.localeCompare(b)))
    .map(([repository, tags]): RepositoryNode => {
      tags.sort((a, b) => b.image.created - a.image.created || a.label.localeCompare(b.label));
      return {
        kind: 'repository',
        key: `repository:${repository}`,
        label: repository,
        description: tags.length === 1 ? tags[0]!.label : tr('{0} tags', tags.length),
        icon: repository === DANGLING_GROUP ? { id: 'circle-slash' } : { id: 'package' },
        contextValue: repository === DANGLING_GROUP ? 'image.danglingGroup' : 'image.repository',
        collapsible: 'collapsed',
        repository,
        tags,
      };
    });
}

export function layerNodes(parentKey: string, layers: readonly ImageLayer[], nowMs: number): LayerNode[] {
  return layers.map((layer, index) => {
    const command = layer.createdBy
      .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
      .replace(/^\/bin\/sh -c /, 'RUN ')
      .replace(/\s+/g, ' ')
      .trim();
    return {
      kind: 'layer',
      key: `${parentKey}/layer:${index}`,
      label: command.length > 80 ? `${command.slice(0, 79)}…` : command || tr('(no command)'),
      description: `${formatSize(layer.size)}${layer.created ? ` · ${tr('{0} ago', coarseAge(layer.created, nowMs))}` : ''}`,
      tooltip: [codeBlock(layer.createdBy), '', tr('Size: {0}', formatSize(layer.size))].join('\n'),
      icon: { id: layer.size > 0 ? 'layers' : 'circle-small' },
      contextValue: 'image.layer',
      collapsible: 'none',
      layer,
    };
  });
}

/** An image's history as text, like `docker history`: one layer per line, newest first, size and age, then the full command. */
export function historyText(reference: string, layers: readonly ImageLayer[], nowMs: number): string {
  const lines = [`# ${tr('{0}: {1} layers', reference, layers.length)}`, ''];
  for (const layer of layers) {
    const id = layer.id && layer.id !== '<missing>' ? shortId(layer.id) : '-'.repeat(12);
    const age = layer.created ? tr('{0} ago', coarseAge(layer.created, nowMs)) : '';
    lines.push(`${id}  ${formatSize(layer.size).padStart(9)}  ${age.padEnd(18)}  ${layer.createdBy.replace(/\s+/g, ' ').trim()}`);
  }
  return `${lines.join('\n')}\n`;
}

// --- volumes and networks ------------------------------------------------------------------------

/** Which containers mount each volume, by volume name. */
export function volumeUsers(containers: readonly ContainerSummary[]): Map<string, ContainerSummary[]> {
  const users = new Map<string, ContainerSummary[]>();
  for (const container of containers) {
    for (const mount of container.mounts) {
      if (mount.type !== 'volume' || !mount.name) continue;
      const list = users.get(mount.name) ?? [];
      if (!list.includes(container)) list.push(container);
      users.set(mount.name, list);
    }
  }
  return users;
}

function attachedNodes(parent: AttachedContainerNode['parent'], containers: readonly ContainerSummary[]): AttachedContainerNode[] {
  return [...containers].sort(byName).map((container) => ({
    kind: 'attached',
    key: `${parent.kind}:${parent.id}/container:${container.id}`,
    label: container.name,
    description: stableStatus(container),
    icon: containerIcon(container),
    contextValue: `${parent.kind}.container`,
    collapsible: 'none',
    container,
    parent,
  }));
}

export function volumeRoots(volumes: readonly VolumeSummary[], containers: readonly ContainerSummary[]): VolumeNode[] {
  const users = volumeUsers(containers);
  return [...volumes]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((volume): VolumeNode => {
      const using = users.get(volume.name) ?? [];
      const label = /^[0-9a-f]{64}$/.test(volume.name) ? shortId(volume.name) : volume.name;
      return {
        kind: 'volume',
        key: `volume:${volume.name}`,
        label,
        description: `${volume.driver} · ${using.length === 0 ? tr('unused') : using.length === 1 ? tr('1 container') : tr('{0} containers', using.length)}`,
        tooltip: [
          `**${escapeMarkdown(volume.name)}**`,
          '',
          `${tr('Driver: {0}', escapeMarkdown(volume.driver))}  `,
          `${tr('Mountpoint: {0}', escapeMarkdown(volume.mountpoint))}  `,
          using.length ? tr('Used by: {0}', using.map((c) => escapeMarkdown(c.name)).join(', ')) : tr('Used by no container'),
        ].join('\n'),
        icon: { id: 'database', ...(using.length ? {} : { color: 'disabledForeground' }) },
        contextValue: using.length ? 'volume.used' : 'volume.unused',
        collapsible: using.length ? 'collapsed' : 'none',
        volume,
        users: using,
      };
    });
}

export function volumeChildren(node: VolumeNode): AttachedContainerNode[] {
  return attachedNodes({ kind: 'volume', id: node.volume.name, name: node.volume.name }, node.users);
}

export function networkRoots(networks: readonly NetworkSummary[], containers: readonly ContainerSummary[]): NetworkNode[] {
  // Podman lists its default network `podman` as `bridge`, but containers still name it `podman`.
  const podmanDefault = !networks.some((n) => n.name === 'podman');
  const names = (network: NetworkSummary) =>
    podmanDefault && network.builtIn && network.name === 'bridge' ? ['bridge', 'podman'] : [network.name];
  return [...networks]
    .sort((a, b) => Number(b.builtIn) - Number(a.builtIn) || a.name.localeCompare(b.name))
    .map((network): NetworkNode => {
      const aliases = names(network);
      const attached = containers.filter((c) => c.networks.some((n) => aliases.includes(n)));
      const parts = [
        network.driver,
        ...(network.subnets.length ? [network.subnets.join(', ')] : []),
        ...(network.builtIn ? [tr('built-in')] : []),
      ];
      return {
        kind: 'network',
        key: `network:${network.id}`,
        label: network.name,
        description: parts.join(' · '),
        tooltip: [
          `**${escapeMarkdown(network.name)}** ${inlineCode(shortId(network.id))}${network.builtIn ? ` (${tr('built-in')})` : ''}`,
          '',
          `${tr('Driver: {0}', escapeMarkdown(network.driver))}  `,
          `${tr('Scope: {0}', escapeMarkdown(network.scope))}  `,
          `${network.subnets.length ? tr('Subnet: {0}', network.subnets.map((text) => escapeMarkdown(text)).join(', ')) : tr('No subnet')}  `,
          ...(network.internal ? [`${tr('Internal (no outside access)')}  `] : []),
          attached.length ? tr('Containers: {0}', attached.map((c) => escapeMarkdown(c.name)).join(', ')) : tr('No container attached'),
        ].join('\n'),
        icon: network.builtIn ? { id: 'globe' } : { id: 'type-hierarchy-sub' },
        contextValue: network.builtIn ? 'network.builtin' : 'network.user',
        collapsible: attached.length ? 'collapsed' : 'none',
        network,
        attached,
      };
    });
}

export function networkChildren(node: NetworkNode): AttachedContainerNode[] {
  return attachedNodes({ kind: 'network', id: node.network.id, name: node.network.name }, node.attached);
}

// --- engine state ------------------------------------------------------------------------------

/** The values of the `berth.engineState` context key; package.json has a welcome for each. */
export const ENGINE_STATES = [
  'connecting',
  'connected',
  'not-installed',
  'not-running',
  'permission-denied',
  'unreachable',
  'failed',
] as const;
export type EngineStateKey = (typeof ENGINE_STATES)[number];

/** Which welcome a failure gets: the four the issue names, and a general one for the rest. */
export function engineStateKey(
  state: { kind: 'idle' | 'connecting' | 'connected' } | { kind: 'failed'; error: { kind: string } },
): EngineStateKey {
  if (state.kind !== 'failed') return state.kind === 'connected' ? 'connected' : 'connecting';
  switch (state.error.kind) {
    case 'not-installed':
    case 'not-running':
    case 'permission-denied':
      return state.error.kind;
    case 'unreachable':
    case 'ssh':
    case 'tls':
    case 'timeout':
      return 'unreachable';
    default:
      return 'failed';
  }
}

// --- live refresh --------------------------------------------------------------------------------

/** What a container event says about its state, or undefined for events that say nothing of it. */
export function stateFromEvent(event: {
  type: string;
  action: string;
  attributes: Record<string, string>;
}): { state: ContainerState; status: string } | undefined {
  if (event.type !== 'container') return undefined;
  switch (event.action) {
    case 'die':
      return { state: 'exited', status: `Exited (${event.attributes.exitCode ?? '?'})` };
    case 'start':
    case 'unpause':
    case 'restart':
      return { state: 'running', status: 'Up' };
    case 'pause':
      return { state: 'paused', status: 'Up (Paused)' };
    default:
      return undefined;
  }
}

/**
 * The engine's list lags its events: it still says `running` some 50 ms after `die` (measured).
 * What an event said wins over a list that disagrees for a short while, so a view refreshed
 * by the event shows what happened instead of the state before it.
 */
export class EventStates {
  private readonly facts = new Map<string, { state: ContainerState; status: string; until: number }>();

  constructor(private readonly holdMs = 2000) {}

  record(id: string, fact: { state: ContainerState; status: string }, now = Date.now()): void {
    this.facts.set(id, { ...fact, until: now + this.holdMs });
  }

  /**
   * The list with recent event facts applied; a fact the list agrees with, or an old one, is
   * dropped. `now`: when the list was asked for. A listing the engine answers late is as old as
   * its request: on a loaded machine a by-id listing sent 300 ms after `die` came back 2-3 s later
   * still saying `running`, and judged by its arrival it undid the event for good.
   */
  apply(containers: ContainerSummary[], now = Date.now()): ContainerSummary[] {
    if (this.facts.size === 0) return containers;
    return containers.map((c) => {
      const fact = this.facts.get(c.id);
      if (!fact) return c;
      if (fact.until < now || c.state === fact.state) {
        this.facts.delete(c.id);
        return c;
      }
      return { ...c, state: fact.state, status: fact.status, health: fact.state === 'running' ? c.health : undefined };
    });
  }

  /**
   * The view's own rows with the facts applied. They agree with a fact because it was applied to
   * them, which says nothing of the engine: the fact is kept for the engine's next listing (only an
   * old one is dropped). Dropping it here let a lagging listing right after undo the event for good.
   */
  overlay(containers: ContainerSummary[], now = Date.now()): ContainerSummary[] {
    if (this.facts.size === 0) return containers;
    return containers.map((c) => {
      const fact = this.facts.get(c.id);
      if (!fact) return c;
      if (fact.until < now) {
        this.facts.delete(c.id);
        return c;
      }
      if (c.state === fact.state) return c;
      return { ...c, state: fact.state, status: fact.status, health: fact.state === 'running' ? c.health : undefined };
    });
  }
}

/**
 * A listing of some containers merged into the full one: the listed ones replace theirs (or join,
 * when new), and those of `ids` the listing lacks are gone. The order is the full listing's, new
 * ones last; the views sort anyway.
 */
export function mergeContainers(
  all: readonly ContainerSummary[],
  ids: ReadonlySet<string>,
  listed: readonly ContainerSummary[],
): ContainerSummary[] {
  const fresh = new Map(listed.map((c) => [c.id, c]));
  const out: ContainerSummary[] = [];
  for (const container of all) {
    const now = fresh.get(container.id);
    if (now) {
      out.push(now);
      fresh.delete(container.id);
    } else if (!ids.has(container.id)) out.push(container);
  }
  out.push(...fresh.values());
  return out;
}

/**
 * Container event actions that change nothing a view shows (exec health checks fire these often).
 * `kill` only sends a signal: refreshing on it lists the container still running and makes the
 * `die` that follows wait a second round.
 */
const QUIET_CONTAINER_ACTIONS = /^(exec_|attach|resize|top|archive-path|extract-to-dir|export|copy|kill$)/;

/** The views an engine event makes stale; [] for events that change nothing shown. */
export function viewsForEvent(event: { type: string; action: string }): ViewId[] {
  const action = event.action;
  switch (event.type) {
    case 'container':
      if (QUIET_CONTAINER_ACTIONS.test(action)) return [];
      // Create and destroy change which containers use a volume or sit on a network.
      if (action === 'create' || action === 'destroy') return ['containers', 'volumes', 'networks'];
      // A commit makes an image and sends no image event of its own.
      if (action === 'commit') return ['images'];
      return ['containers'];
    case 'image':
      return ['images'];
    case 'volume':
      return action === 'mount' || action === 'unmount' ? [] : ['volumes'];
    case 'network':
      return action === 'connect' || action === 'disconnect' ? ['networks', 'containers'] : ['networks'];
    case 'daemon':
      return [...VIEW_IDS];
    default:
      return [];
  }
}
