/**
 * What the Registries view's commands do: add and remove registries, log in and out (as `docker
 * login`/`logout` do, so the CLI sees the same login), add repositories by name, and per tag:
 * pull, copy the reference or digest, read the manifest, delete. Each takes a row of the view, an
 * argument object (`{ url, username?, password? }`, `{ url, repository, tag }`, `{ reference }`),
 * or nothing, in which case it asks. Passwords are only ever passed to the registry and to the
 * credential store; they are never shown, kept in settings or logged.
 */
import * as vscode from 'vscode';
import { imageReference, parseRegistryAddress, type RegistryAddress } from '../../engine/registry/address';
import { RegistryClient, type RegistryCredentials } from '../../engine/registry/client';
import { RegistryError } from '../../engine/registry/http';
import { RegistryAuthError } from '../../engine/registryAuth';
import { eraseCredentials, storeCredentials, type CredentialPlace } from '../../engine/registryLogin';
import { CommandError } from '../commands/errors';
import type { HandlerTable, Invocation } from '../commands/invocation';
import type { BerthNode } from '../views/model';
import type { RegistryNode, RegistryTagNode } from './model';
import { showManifest } from './manifestDocuments';
import type { KnownRegistry } from './store';
import { describeRegistryError, storedCredentials, type RegistriesProvider } from './tree';

const t = vscode.l10n.t;

/** Every field any registry command takes; each row declares the ones it does. */
interface RegistryArgs {
  readonly url?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly repository?: string | undefined;
  readonly tag?: string | undefined;
  readonly reference?: string | undefined;
  readonly skipConfirm?: boolean | undefined;
}

type Input = Invocation<RegistryArgs>;

function isRegistryNode(value: BerthNode | undefined): value is RegistryNode {
  return !!value && value.kind.startsWith('registry');
}

function explain(error: unknown): string {
  if (error instanceof RegistryAuthError) return error.message;
  return describeRegistryError(error);
}

/** The registry a command acts on: its row, `{ url }`, or one picked from the list. */
async function registryOf(provider: RegistriesProvider, input: Input, placeholder: string): Promise<KnownRegistry | undefined> {
  const node = input.nodes[0];
  if (isRegistryNode(node)) {
    const id = node.kind === 'registry' ? node.registry.id : 'registryId' in node ? node.registryId : undefined;
    return id ? provider.store.list().find((r) => r.id === id) : undefined;
  }
  const { url } = input.args;
  if (url) {
    const found = provider.store.find(url);
    if (!found)
      throw new CommandError(t('{0} is not in the Registries view.', url), t('Add it first (Berth: Add Registry).'), {
        title: t('Add Registry'),
        command: 'berth.registries.add',
      });
    return found;
  }
  const registries = provider.store.list();
  if (!registries.length) {
    void vscode.window.showInformationMessage(t('No registry has been added yet: add one with Berth: Add Registry.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    registries.map((r) => ({ label: r.address.display, description: r.address.apiBase, registry: r })),
    { placeHolder: placeholder },
  );
  return picked?.registry;
}

/** Asks for a username and a password (or token), or takes them from the argument object. */
async function askCredentials(address: RegistryAddress, args: RegistryArgs): Promise<RegistryCredentials | undefined> {
  const stored = await storedCredentials(address).catch(() => undefined);
  const username =
    args.username ??
    (await vscode.window.showInputBox({
      title: t('Log in to {0}', address.display),
      prompt: address.kind === 'ghcr' ? t('Your GitHub user name') : t('User name'),
      value: stored?.username,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : t('Enter a user name.')),
    }));
  if (!username) return undefined;
  const password =
    args.password ??
    (await vscode.window.showInputBox({
      title: t('Log in to {0} as {1}', address.display, username),
      prompt:
        address.kind === 'ghcr'
          ? t('A personal access token with the read:packages scope (write:packages to push)')
          : address.kind === 'dockerhub'
            ? t('Password or personal access token')
            : t('Password or access token'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v ? undefined : t('Enter the password or token.')),
    }));
  if (!password) return undefined;
  return { username: username.trim(), password };
}

/** Checks the credentials with the registry, then stores them as `docker login` does. */
async function verifyAndStore(address: RegistryAddress, credentials: RegistryCredentials): Promise<CredentialPlace> {
  const check = await new RegistryClient(address, { credentials: async () => credentials }).check();
  if (check.auth !== 'none' && !check.authenticated)
    throw new CommandError(t('{0} did not accept the credentials of {1}.', address.display, credentials.username));
  return storeCredentials(address.kind === 'dockerhub' ? 'docker.io' : `https://${address.host}`, credentials);
}

/** Says where a login was kept, once: an unencrypted file is worth knowing about. */
function reportPlace(address: RegistryAddress, username: string, place: CredentialPlace): void {
  void vscode.window.showInformationMessage(
    place.kind === 'helper'
      ? t(
          'Logged in to {0} as {1}; the credential helper {2} keeps the password, as for docker login.',
          address.display,
          username,
          place.helper,
        )
      : t(
          'Logged in to {0} as {1}. The password is kept unencrypted in {2}, as docker login keeps it without a credential helper.',
          address.display,
          username,
          place.file,
        ),
  );
}

/** Adds a registry: its address, then credentials when the registry asks for them. Resolves with its id. */
async function addRegistry(provider: RegistriesProvider, input: Input): Promise<string | undefined> {
  const args = input.args;
  const url =
    args.url ??
    (await vscode.window.showInputBox({
      title: t('Add Registry'),
      prompt: t('Registry address: docker.io, ghcr.io, localhost:5000, registry.example.com, http://10.0.0.5:5000'),
      ignoreFocusOut: true,
      validateInput: (value) => {
        try {
          parseRegistryAddress(value);
          return undefined;
        } catch (error) {
          return (error as Error).message;
        }
      },
    }));
  if (!url) return undefined;
  let address: RegistryAddress;
  try {
    address = parseRegistryAddress(url);
  } catch (error) {
    throw new CommandError((error as Error).message);
  }
  // Docker Hub and GitHub are known to be there; any other address is asked before it is kept.
  let auth: 'none' | 'basic' | 'bearer' = 'bearer';
  if (address.kind === 'v2') {
    try {
      auth = (await new RegistryClient(address).check()).auth;
    } catch (error) {
      throw new CommandError(t('{0} does not answer as a registry: {1}', address.display, explain(error)));
    }
  }
  const entry = await provider.store.add(address);
  const loggedIn = await storedCredentials(address).catch(() => undefined);
  if (auth !== 'none' && !loggedIn && (args.username || args.password || !args.url)) {
    const credentials = await askCredentials(address, args);
    if (credentials) {
      const place = await verifyAndStore(address, credentials).catch((error: unknown) => {
        throw error instanceof CommandError ? error : new CommandError(explain(error));
      });
      if (!args.password) reportPlace(address, credentials.username, place);
    }
  }
  provider.refresh();
  return entry.id;
}

/** Takes a registry off the list; its login stays (log out for that). */
async function removeRegistry(provider: RegistriesProvider, input: Input): Promise<boolean | undefined> {
  const registry = await registryOf(provider, input, t('Registry to remove from the view'));
  if (!registry) return undefined;
  return provider.store.remove(registry.id);
}

/** `docker login` for a registry; resolves with the user name. */
async function login(provider: RegistriesProvider, input: Input): Promise<string | undefined> {
  const args = input.args;
  const registry = await registryOf(provider, input, t('Registry to log in to')).catch((error: unknown) => {
    // `{ url }` of a registry not yet in the view: log in all the same, as docker login would.
    if (args.url) return undefined;
    throw error;
  });
  const address = registry?.address ?? (args.url ? parseRegistryAddress(args.url) : undefined);
  if (!address) return undefined;
  const credentials = await askCredentials(address, args);
  if (!credentials) return undefined;
  let place: CredentialPlace;
  try {
    place = await verifyAndStore(address, credentials);
  } catch (error) {
    throw error instanceof CommandError ? error : new CommandError(explain(error));
  }
  if (!args.password) reportPlace(address, credentials.username, place);
  provider.refresh();
  return credentials.username;
}

/** `docker logout` for a registry; resolves true when there was a login to remove. */
async function logout(provider: RegistriesProvider, input: Input): Promise<boolean | undefined> {
  const args = input.args;
  const registry = await registryOf(provider, input, t('Registry to log out of')).catch((error: unknown) => {
    if (args.url) return undefined;
    throw error;
  });
  const address = registry?.address ?? (args.url ? parseRegistryAddress(args.url) : undefined);
  if (!address) return undefined;
  let erased: boolean;
  try {
    erased = await eraseCredentials(address.kind === 'dockerhub' ? 'docker.io' : `https://${address.host}`);
  } catch (error) {
    throw new CommandError(explain(error));
  }
  if (!erased && !args.url) void vscode.window.showInformationMessage(t('Not logged in to {0}.', address.display));
  provider.refresh();
  return erased;
}

/** Adds a repository by name to a registry's row. */
async function addRepository(provider: RegistriesProvider, input: Input): Promise<string | undefined> {
  const registry = await registryOf(provider, input, t('Registry to add a repository to'));
  if (!registry) return undefined;
  const args = input.args;
  const repository =
    args.repository ??
    (await vscode.window.showInputBox({
      title: t('Add Repository to {0}', registry.address.display),
      prompt:
        registry.address.kind === 'dockerhub' ? t('Repository, such as library/busybox or myname/app') : t('Repository, such as team/app'),
      validateInput: (v) =>
        /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(v.trim())
          ? undefined
          : t('Lowercase path components separated by /.'),
    }));
  if (!repository) return undefined;
  const name = repository.trim();
  await provider.store.addRepository(registry.id, registry.address.kind === 'dockerhub' && !name.includes('/') ? `library/${name}` : name);
  return name;
}

async function removeRepository(provider: RegistriesProvider, input: Input): Promise<string | undefined> {
  const node = input.nodes[0];
  if (node?.kind === 'registryRepository') {
    await provider.store.removeRepository(node.registryId, node.repository);
    return node.repository;
  }
  const registry = await registryOf(provider, input, t('Registry to take a repository off'));
  if (!registry || !input.args.repository) return undefined;
  await provider.store.removeRepository(registry.id, input.args.repository);
  return input.args.repository;
}

/** The tag a command acts on: its row, or `{ url, repository, tag }`. */
function tagOf(
  provider: RegistriesProvider,
  input: Input,
): { address: RegistryAddress; repository: string; tag: string; node?: RegistryTagNode } {
  const node = input.nodes[0];
  if (node?.kind === 'registryTag') return { address: node.address, repository: node.repository, tag: node.tag, node };
  const args = input.args;
  if (!args.url || !args.repository || !args.tag)
    throw new CommandError(t('Choose a tag in the Registries view (or pass url, repository and tag).'));
  const known = provider.store.find(args.url);
  return { address: known?.address ?? parseRegistryAddress(args.url), repository: args.repository, tag: args.tag };
}

/** Pulls a tag into the Images view, with progress (through Pull Image); resolves with the reference. */
async function pullTag(provider: RegistriesProvider, input: Input): Promise<string | undefined> {
  const target = input.args.reference ? undefined : tagOf(provider, input);
  const reference = input.args.reference ?? target?.node?.reference ?? imageReference(target!.address, target!.repository, target!.tag);
  return vscode.commands.executeCommand<string | undefined>('berth.images.pull', { reference });
}

/** Copies `host/repository:tag` (or `@digest` with `digest: true`). */
async function copyReference(provider: RegistriesProvider, digest: boolean, input: Input): Promise<string | undefined> {
  const target = tagOf(provider, input);
  const text = digest
    ? (target.node?.details?.digest ?? (await provider.client(target.address).manifest(target.repository, target.tag)).digest)
    : (target.node?.reference ?? imageReference(target.address, target.repository, target.tag));
  await vscode.env.clipboard.writeText(text);
  return text;
}

/** Opens a tag's manifest as read-only JSON; resolves with the document's URI. */
async function inspectManifest(provider: RegistriesProvider, input: Input): Promise<string | undefined> {
  const target = tagOf(provider, input);
  let manifest: { digest: string; json: unknown };
  try {
    manifest = await provider.client(target.address).manifest(target.repository, target.tag);
  } catch (error) {
    throw new CommandError(explain(error));
  }
  const editor = await showManifest(target.address, target.repository, target.tag, manifest.json);
  return editor.document.uri.toString();
}

/**
 * Deletes a tag from its registry after a modal confirmation that says what else goes: registries
 * delete the image, so every tag on the same digest goes with it. Resolves with the digest.
 */
async function deleteTag(provider: RegistriesProvider, input: Input): Promise<string | undefined> {
  const target = tagOf(provider, input);
  const client = provider.client(target.address);
  let digest: string;
  let siblings: string[];
  try {
    digest = target.node?.details?.digest ?? (await client.manifest(target.repository, target.tag)).digest;
    const tags = await client.tags(target.repository);
    // Only the first hundred are asked, as the view does.
    const digests = await Promise.all(
      tags.slice(0, 100).map((tag) =>
        tag === target.tag
          ? digest
          : client.manifest(target.repository, tag).then(
              (m) => m.digest,
              () => '',
            ),
      ),
    );
    siblings = tags.filter((tag, i) => tag !== target.tag && digests[i] === digest);
  } catch (error) {
    throw new CommandError(explain(error));
  }
  if (!(input.hasArgs && input.args.skipConfirm)) {
    const detail = [
      `${target.repository}:${target.tag}`,
      digest,
      ...(siblings.length ? ['', t('The same image is tagged {0} too: those tags go with it.', siblings.join(', '))] : []),
      '',
      t('Anyone pulling it by this tag or digest will no longer find it.'),
    ].join('\n');
    const choice = await vscode.window.showWarningMessage(
      t('Delete {0}:{1} from {2}?', target.repository, target.tag, target.address.display),
      { modal: true, detail },
      t('Delete'),
    );
    if (choice !== t('Delete')) return undefined;
  }
  try {
    await client.deleteTag(target.repository, digest);
  } catch (error) {
    throw new CommandError(
      error instanceof RegistryError && error.kind === 'unsupported' ? `${error.message} ${error.hint ?? ''}`.trim() : explain(error),
    );
  }
  provider.refresh();
  return digest;
}

export const REGISTRY_COMMANDS = {
  'berth.registries.refresh': async (ctx) => {
    ctx.registries.refresh();
    return true;
  },
  'berth.registries.add': (ctx, input) => addRegistry(ctx.registries, input),
  'berth.registries.remove': (ctx, input) => removeRegistry(ctx.registries, input),
  'berth.registries.login': (ctx, input) => login(ctx.registries, input),
  'berth.registries.logout': (ctx, input) => logout(ctx.registries, input),
  'berth.registries.addRepository': (ctx, input) => addRepository(ctx.registries, input),
  'berth.registries.removeRepository': (ctx, input) => removeRepository(ctx.registries, input),
  'berth.registries.pull': (ctx, input) => pullTag(ctx.registries, input),
  'berth.registries.copyReference': (ctx, input) => copyReference(ctx.registries, false, input),
  'berth.registries.copyDigest': (ctx, input) => copyReference(ctx.registries, true, input),
  'berth.registries.inspectManifest': (ctx, input) => inspectManifest(ctx.registries, input),
  'berth.registries.deleteTag': (ctx, input) => deleteTag(ctx.registries, input),
} satisfies Partial<HandlerTable>;
