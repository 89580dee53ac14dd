/**
 * What the Registries view shows, as plain data: a row per registry (with who is logged in),
 * its repositories, and each repository's tags with digest, size, platforms and date. No
 * `vscode` here, so it is unit tested in plain Node; tree.ts turns these nodes into TreeItems.
 */
import type { RegistryAddress } from '../../engine/registry/address';
import { imageReference } from '../../engine/registry/address';
import type { TagDetails } from '../../engine/registry/client';
import { platformName } from '../../engine/registry/manifest';
import { formatSize } from '../../shared/format';
import { coarseAge, escapeMarkdown, type NodeBase, type Translate } from '../views/model';

export interface RegistryRootNode extends NodeBase {
  kind: 'registry';
  registry: { id: string; address: RegistryAddress; repositories: string[] };
  /** The user `docker login` stored for it, if any. */
  username?: string;
}
export interface RegistryRepositoryNode extends NodeBase {
  kind: 'registryRepository';
  registryId: string;
  address: RegistryAddress;
  repository: string;
  /** Added by name by the user (so it can be taken off the list). */
  added: boolean;
}
export interface RegistryTagNode extends NodeBase {
  kind: 'registryTag';
  registryId: string;
  address: RegistryAddress;
  repository: string;
  tag: string;
  /** Undefined while its manifest has not been read, or when it could not be. */
  details?: TagDetails;
  /** The reference `docker pull` takes. */
  reference: string;
}
export interface RegistryMessageNode extends NodeBase {
  kind: 'registryMessage';
}

export type RegistryNode = RegistryRootNode | RegistryRepositoryNode | RegistryTagNode | RegistryMessageNode;

let tr: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));

/** Words shown to users go through this translator; tree.ts installs vscode.l10n.t. */
export function setRegistryTranslator(translate: Translate): void {
  tr = translate;
}

const KIND_ICONS: Record<RegistryAddress['kind'], string> = { dockerhub: 'globe', ghcr: 'github', v2: 'database' };

export function registryNode(registry: RegistryRootNode['registry'], username: string | undefined): RegistryRootNode {
  const { address } = registry;
  const kind = address.kind === 'dockerhub' ? tr('Docker Hub') : address.kind === 'ghcr' ? tr('GitHub Container Registry') : tr('Registry');
  return {
    kind: 'registry',
    key: `registry:${registry.id}`,
    label: address.display,
    description: username ? tr('logged in as {0}', username) : tr('not logged in'),
    tooltip: [
      `**${escapeMarkdown(address.display)}** (${kind})`,
      '',
      `${tr('API: {0}', escapeMarkdown(address.apiBase))}  `,
      username
        ? tr('Logged in as {0}, as docker login keeps it.', escapeMarkdown(username))
        : tr('Not logged in: public repositories only.'),
    ].join('\n'),
    icon: { id: KIND_ICONS[address.kind] },
    contextValue: `registry.${address.kind}.${username ? 'loggedIn' : 'anonymous'}`,
    collapsible: 'collapsed',
    registry,
    ...(username ? { username } : {}),
  };
}

export function repositoryNode(registryId: string, address: RegistryAddress, repository: string, added: boolean): RegistryRepositoryNode {
  return {
    kind: 'registryRepository',
    key: `registry:${registryId}/${repository}`,
    label: repository,
    ...(added ? { description: tr('added by name') } : {}),
    icon: { id: 'repo' },
    contextValue: added ? 'registryRepository.added' : 'registryRepository',
    collapsible: 'collapsed',
    registryId,
    address,
    repository,
    added,
  };
}

/** `sha256:1234abcd…` → `1234abcd5678` (twelve hex digits, as docker shows ids). */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

export function tagNode(
  registryId: string,
  address: RegistryAddress,
  repository: string,
  tag: string,
  details: TagDetails | undefined,
  nowMs: number,
): RegistryTagNode {
  const reference = imageReference(address, repository, tag);
  const parts: string[] = [];
  const lines = [`**${escapeMarkdown(reference)}**`, ''];
  if (details) {
    parts.push(shortDigest(details.digest));
    if (details.size !== undefined) parts.push(formatSize(details.size));
    if (details.platforms.length)
      parts.push(details.kind === 'index' ? tr('{0} platforms', details.platforms.length) : platformName(details.platforms[0]!));
    const created = details.created ? Date.parse(details.created) : Number.NaN;
    if (Number.isFinite(created)) parts.push(tr('{0} ago', coarseAge(created / 1000, nowMs)));
    lines.push(`${tr('Digest: {0}', `\`${details.digest}\``)}  `);
    if (details.size !== undefined) lines.push(`${tr('Size: {0} (compressed, as pulled)', formatSize(details.size))}  `);
    if (Number.isFinite(created)) lines.push(`${tr('Created: {0}', new Date(created).toISOString())}  `);
    if (details.kind === 'index')
      lines.push('', `**${tr('Platforms')}**`, '', ...details.platforms.map((p) => `- ${escapeMarkdown(platformName(p))}`));
    else if (details.platforms.length) lines.push(tr('Platform: {0}', escapeMarkdown(platformName(details.platforms[0]!))));
  }
  return {
    kind: 'registryTag',
    key: `registry:${registryId}/${repository}:${tag}`,
    label: tag,
    ...(parts.length ? { description: parts.join(' · ') } : {}),
    tooltip: lines.join('\n'),
    icon: { id: details?.kind === 'index' ? 'layers' : 'tag' },
    contextValue: details ? 'registryTag' : 'registryTag.unread',
    collapsible: 'none',
    registryId,
    address,
    repository,
    tag,
    ...(details ? { details } : {}),
    reference,
  };
}

export function registryMessage(key: string, text: string, icon = 'info'): RegistryMessageNode {
  return { kind: 'registryMessage', key, label: text, icon: { id: icon }, contextValue: 'registryMessage', collapsible: 'none' };
}

/** The repositories a registry row lists: those it reports, and those added by name, once each, sorted. */
export function repositoryRows(
  registryId: string,
  address: RegistryAddress,
  listed: readonly string[],
  added: readonly string[],
): RegistryRepositoryNode[] {
  const names = new Set(listed);
  const rows = listed.map((r) => repositoryNode(registryId, address, r, false));
  for (const r of added) if (!names.has(r)) rows.push(repositoryNode(registryId, address, r, true));
  return rows.sort((a, b) => a.repository.localeCompare(b.repository));
}
