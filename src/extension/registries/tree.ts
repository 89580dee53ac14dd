/**
 * The Registries view (`berth.registries`): the registries the user added, their repositories
 * (the v2 catalog where a registry offers it; Docker Hub's namespaces and GitHub's packages when
 * logged in; repositories added by name everywhere) and each repository's tags with their
 * details. Credentials come from where `docker login` keeps them, read when a registry asks;
 * nothing is fetched until a row is expanded, and a collapsed registry is never polled.
 */
import * as vscode from 'vscode';
import { ghcrRepositories, hubNamespaces, hubRepositories } from '../../engine/registry/catalogs';
import { RegistryClient, type RegistryCredentials } from '../../engine/registry/client';
import { RegistryError } from '../../engine/registry/http';
import type { RegistryAddress } from '../../engine/registry/address';
import { findCredentials } from '../../engine/registryAuth';
import { toTreeItem } from '../views/trees';
import {
  registryMessage,
  registryNode,
  repositoryRows,
  setRegistryTranslator,
  tagNode,
  type RegistryNode,
  type RegistryRootNode,
} from './model';
import type { KnownRegistry, RegistryStore } from './store';

/** Manifests read at once when a repository opens. */
const DETAIL_CONCURRENCY = 4;
/** Tags whose manifests are read when a repository opens; the rest show their names only. */
const DETAILED_TAGS = 100;

/** Credentials for a registry as `docker login` stored them, or undefined. */
export async function storedCredentials(address: RegistryAddress): Promise<RegistryCredentials | undefined> {
  // A scheme marks it as a registry name rather than an image reference.
  const auth = await findCredentials(address.kind === 'dockerhub' ? 'docker.io' : `https://${address.host}`);
  return auth?.username && auth.password ? { username: auth.username, password: auth.password } : undefined;
}

/** What to tell the user about a failed registry call, with what to do. */
export function describeRegistryError(error: unknown): string {
  if (error instanceof RegistryError) return error.hint ? `${error.message} ${error.hint}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

export class RegistriesProvider implements vscode.TreeDataProvider<RegistryNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<RegistryNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly clients = new Map<string, RegistryClient>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly store: RegistryStore) {
    setRegistryTranslator(vscode.l10n.t);
    this.disposables.push(store.onDidChange(() => this.refresh()));
  }

  /** Forgets tokens and listings and redraws (after a login, a logout, or the refresh button). */
  refresh(): void {
    this.clients.clear();
    this.emitter.fire(undefined);
  }

  /** A client per registry, asking for the stored credentials when the registry wants them. */
  client(registry: KnownRegistry | RegistryAddress): RegistryClient {
    const address = 'address' in registry ? registry.address : registry;
    let client = this.clients.get(address.apiBase);
    if (!client) {
      client = new RegistryClient(address, { credentials: () => storedCredentials(address) });
      this.clients.set(address.apiBase, client);
    }
    return client;
  }

  getTreeItem(node: RegistryNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  async getChildren(node?: RegistryNode): Promise<RegistryNode[]> {
    if (!node) {
      const registries = this.store.list();
      return Promise.all(
        registries.map(async (r) => registryNode(r, (await storedCredentials(r.address).catch(() => undefined))?.username)),
      );
    }
    if (node.kind === 'registry') return this.repositories(node);
    if (node.kind === 'registryRepository') return this.tags(node.registryId, node.address, node.repository);
    return [];
  }

  private async repositories(node: RegistryRootNode): Promise<RegistryNode[]> {
    const { address, id, repositories: added } = node.registry;
    const credentials = await storedCredentials(address).catch(() => undefined);
    let listed: string[] = [];
    const notes: RegistryNode[] = [];
    try {
      if (address.kind === 'dockerhub') {
        if (credentials) {
          for (const namespace of await hubNamespaces(credentials)) listed.push(...(await hubRepositories(namespace, credentials)));
        } else notes.push(registryMessage(`${node.key}#hint`, vscode.l10n.t('Log in to list your repositories, or add one by name.')));
      } else if (address.kind === 'ghcr') {
        if (credentials) listed = await ghcrRepositories(credentials);
        else
          notes.push(
            registryMessage(`${node.key}#hint`, vscode.l10n.t('Log in with a token that can read packages, or add a repository by name.')),
          );
      } else {
        listed = await this.client({ address, id, repositories: added }).repositories();
      }
    } catch (error) {
      const unsupported = error instanceof RegistryError && error.kind === 'unsupported';
      notes.push(
        registryMessage(
          `${node.key}#error`,
          unsupported ? vscode.l10n.t('This registry does not list its repositories: add one by name.') : describeRegistryError(error),
          unsupported ? 'info' : 'warning',
        ),
      );
    }
    const rows = repositoryRows(id, address, listed, added);
    if (!rows.length && !notes.length)
      notes.push(registryMessage(`${node.key}#empty`, vscode.l10n.t('No repositories yet: push an image here, or add one by name.')));
    return [...notes, ...rows];
  }

  private async tags(registryId: string, address: RegistryAddress, repository: string): Promise<RegistryNode[]> {
    const key = `registry:${registryId}/${repository}`;
    const client = this.client(address);
    let tags: string[];
    try {
      tags = await client.tags(repository);
    } catch (error) {
      return [registryMessage(`${key}#error`, describeRegistryError(error), 'warning')];
    }
    if (!tags.length) return [registryMessage(`${key}#empty`, vscode.l10n.t('No tags.'))];
    const details = await mapLimited(tags.slice(0, DETAILED_TAGS), DETAIL_CONCURRENCY, (tag) =>
      client.tagDetails(repository, tag).catch(() => undefined),
    );
    const now = Date.now();
    const rows = tags.map((tag, i) => tagNode(registryId, address, repository, tag, details[i], now));
    // Newest first where the dates are known, as a registry's web page lists them.
    return rows.sort(
      (a, b) => (Date.parse(b.details?.created ?? '') || 0) - (Date.parse(a.details?.created ?? '') || 0) || a.tag.localeCompare(b.tag),
    );
  }

  dispose(): void {
    this.emitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** `f` over `items`, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]!);
      }
    }),
  );
  return out;
}
