/**
 * Other extensions that complete and hover in Compose files, and whether Berth adds its own.
 * Pure (no `vscode`), so the choice is unit-tested; client.ts asks VS Code what is installed.
 */
import type { ComposeEditingChoice } from './config';

/** An extension with a Compose language service of its own, and the setting that turns it off. */
export interface ComposePeer {
  id: string;
  name: string;
  /** Its switch for the service; on unless set to false. */
  setting: string;
}

export const COMPOSE_PEERS: readonly ComposePeer[] = [
  { id: 'ms-azuretools.vscode-containers', name: 'Container Tools', setting: 'containers.enableComposeLanguageService' },
  { id: 'ms-azuretools.vscode-docker', name: 'Docker', setting: 'docker.enableDockerComposeLanguageService' },
  { id: 'docker.docker', name: 'Docker DX', setting: 'docker.extension.enableComposeLanguageServer' },
];

/** What VS Code says of one peer: installed and enabled, and its Compose service switched on. */
export interface PeerState {
  peer: ComposePeer;
  installed: boolean;
  serviceOn: boolean;
}

/**
 * The peer whose Compose completions and hovers Berth leaves alone, or undefined when Berth
 * offers its own: `on` always offers, `off` never does (undefined peer, but `offer` false), and
 * `auto` offers unless an installed peer has its service on.
 */
export function composeEditing(choice: ComposeEditingChoice, peers: readonly PeerState[]): { offer: boolean; deferTo?: ComposePeer } {
  if (choice === 'on') return { offer: true };
  if (choice === 'off') return { offer: false };
  const active = peers.find((state) => state.installed && state.serviceOn);
  return active ? { offer: false, deferTo: active.peer } : { offer: true };
}
