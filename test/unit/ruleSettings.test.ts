/**
 * package.json's settings against the rule catalogs: one `berth.rules.<code>` per rule Berth
 * reports, Dockerfile and Compose, and `berth.compose.editingFeatures` with the choice it makes when other Compose services are there.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { COMPOSE_RULE_INFO, EVERY_RULE_CODE } from '../../src/compose/catalog';
import { ruleInfo } from '../../src/dockerfile/rules/catalog';
import { COMPOSE_PEERS, composeEditing, type PeerState } from '../../src/extension/composePeers';

interface Setting {
  type?: string | string[];
  enum?: string[];
  default?: unknown;
  markdownDescription?: string;
  scope?: string;
}

const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { configuration: { properties: Record<string, Setting> } };
};
const properties = pkg.contributes.configuration.properties;

describe('berth.rules.<code> settings', () => {
  const settings = Object.keys(properties)
    .filter((key) => key.startsWith('berth.rules.'))
    .map((key) => key.slice('berth.rules.'.length));

  it('exist for every Dockerfile and Compose rule, and for nothing else', () => {
    assert.deepEqual([...settings].sort(), [...EVERY_RULE_CODE].sort());
    assert.ok(settings.includes('compose-build-target-unknown') && settings.includes('user-root'));
  });

  it('take the five levels per folder, and say which rule and when it is off by default', () => {
    for (const code of settings) {
      const setting = properties[`berth.rules.${code}`];
      assert.deepEqual(setting.enum, ['off', 'hint', 'info', 'warning', 'error'], code);
      assert.equal(setting.scope, 'resource', code);
      assert.ok(setting.markdownDescription?.includes(`\`${code}\``), code);
      const severity = (ruleInfo(code) ?? COMPOSE_RULE_INFO.get(code))?.severity;
      assert.equal(/Off by default/.test(setting.markdownDescription ?? ''), severity === 'off', `${code} is ${severity} by default`);
    }
  });
});

describe('Compose in package.json', () => {
  it('activates on Compose files', () => {
    assert.ok(pkg.activationEvents.includes('onLanguage:dockercompose'));
    assert.ok(pkg.activationEvents.includes('workspaceContains:**/compose.yaml'));
  });

  it('berth.compose.editingFeatures: auto, on or off, auto by default', () => {
    const setting = properties['berth.compose.editingFeatures'];
    assert.deepEqual(setting.enum, ['auto', 'on', 'off']);
    assert.equal(setting.default, 'auto');
    for (const peer of COMPOSE_PEERS) assert.ok(setting.markdownDescription?.includes(peer.id), peer.id);
  });
});

describe('Compose completion and hover beside other Compose language services', () => {
  const state = (id: string, installed: boolean, serviceOn = true): PeerState => ({
    peer: COMPOSE_PEERS.find((p) => p.id === id)!,
    installed,
    serviceOn,
  });
  const none = COMPOSE_PEERS.map((peer) => ({ peer, installed: false, serviceOn: true }));

  it('auto: Berth offers them when no peer is installed', () => {
    assert.deepEqual(composeEditing('auto', none), { offer: true });
  });

  it('auto: Berth steps aside for Container Tools or Docker DX with its Compose service on', () => {
    const containers = composeEditing('auto', [state('ms-azuretools.vscode-containers', true), state('docker.docker', false)]);
    assert.deepEqual([containers.offer, containers.deferTo?.name], [false, 'Container Tools']);
    const dx = composeEditing('auto', [state('ms-azuretools.vscode-containers', false), state('docker.docker', true)]);
    assert.deepEqual([dx.offer, dx.deferTo?.name], [false, 'Docker DX']);
  });

  it('auto: a peer with its Compose service switched off does not count', () => {
    assert.deepEqual(composeEditing('auto', [state('docker.docker', true, false)]), { offer: true });
  });

  it('on and off win over what is installed', () => {
    assert.deepEqual(composeEditing('on', [state('docker.docker', true)]), { offer: true });
    assert.deepEqual(composeEditing('off', none), { offer: false });
  });
});
