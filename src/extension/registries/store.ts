/**
 * The registries the user added to the Registries view, kept in the extension's global state
 * (never in settings, and never with a password: logins live where `docker login` keeps them).
 * Each entry is the address as parsed (src/engine/registry/address.ts) plus the repositories the
 * user added by name, for registries that do not list their own.
 */
import * as vscode from 'vscode';
import { parseRegistryAddress, type RegistryAddress } from '../../engine/registry/address';

const KEY = 'berth.registries';

/** What is stored per registry: its address as typed (normalised) and hand-added repositories. */
export interface StoredRegistry {
  /** `docker.io`, `ghcr.io`, `127.0.0.1:5000`, or `http://host:port` when plain http was asked for. */
  address: string;
  repositories: string[];
}

export interface KnownRegistry {
  address: RegistryAddress;
  /** The stored form: the id commands and menus pass around. */
  id: string;
  repositories: string[];
}

/** The stored form of an address: the scheme only when it is not the one Berth would pick. */
export function storedAddress(address: RegistryAddress): string {
  if (address.kind === 'dockerhub') return 'docker.io';
  const implied = parseRegistryAddress(address.host).apiBase;
  return implied === address.apiBase ? address.host : address.apiBase;
}

export class RegistryStore implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly memento: vscode.Memento) {}

  list(): KnownRegistry[] {
    const stored = this.memento.get<StoredRegistry[]>(KEY, []);
    const out: KnownRegistry[] = [];
    for (const entry of Array.isArray(stored) ? stored : []) {
      try {
        out.push({ address: parseRegistryAddress(entry.address), id: entry.address, repositories: [...(entry.repositories ?? [])] });
      } catch {
        // An entry from a future or broken state: left out rather than breaking the view.
      }
    }
    return out;
  }

  /** The registry an id, URL or host names, if it was added. */
  find(idOrUrl: string): KnownRegistry | undefined {
    let wanted: string;
    try {
      wanted = storedAddress(parseRegistryAddress(idOrUrl));
    } catch {
      return undefined;
    }
    return this.list().find((r) => r.id === wanted || r.address.host === parseRegistryAddress(idOrUrl).host);
  }

  /** Adds a registry (once); resolves with its entry. */
  async add(address: RegistryAddress): Promise<KnownRegistry> {
    const id = storedAddress(address);
    const existing = this.list().find((r) => r.id === id);
    if (existing) return existing;
    await this.save([...this.raw(), { address: id, repositories: [] }]);
    return { address, id, repositories: [] };
  }

  async remove(id: string): Promise<boolean> {
    const raw = this.raw();
    const kept = raw.filter((r) => r.address !== id);
    if (kept.length === raw.length) return false;
    await this.save(kept);
    return true;
  }

  /** Remembers a repository the user named, for registries that do not list theirs. */
  async addRepository(id: string, repository: string): Promise<void> {
    await this.save(
      this.raw().map((r) =>
        r.address === id && !r.repositories.includes(repository) ? { ...r, repositories: [...r.repositories, repository].sort() } : r,
      ),
    );
  }

  async removeRepository(id: string, repository: string): Promise<void> {
    await this.save(this.raw().map((r) => (r.address === id ? { ...r, repositories: r.repositories.filter((x) => x !== repository) } : r)));
  }

  private raw(): StoredRegistry[] {
    const stored = this.memento.get<StoredRegistry[]>(KEY, []);
    return Array.isArray(stored) ? stored.map((r) => ({ address: r.address, repositories: [...(r.repositories ?? [])] })) : [];
  }

  private async save(entries: StoredRegistry[]): Promise<void> {
    await this.memento.update(KEY, entries);
    this.changeEmitter.fire();
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
