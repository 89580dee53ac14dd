/**
 * The Registries view's Add Registry as a user goes through it (the `ui` pass): the address typed
 * in an input box, then, because the registry asks for credentials, a user name and a password;
 * the view's row then shows the registry and who is logged in. A real registry on loopback.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { registryMissing, startRegistry, TEST_LOGIN } from '../fixtures/registry';
import { test } from './harness';
import * as ui from './ui';
import { api, waitFor } from './util';

/** Types `value` into the input box titled `title` and presses Enter, as a user answers it. */
async function answerInputBox(title: string, value: string): Promise<void> {
  await ui.waitForQuickInput(title, 30_000);
  await ui.type(value);
  await ui.press('Enter');
  // Anchored: the next box's title may start with this one's.
  await ui.waitForGone(ui.SELECTORS.quickInputTitle, new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
}

test(
  'ui registries: Add Registry asks the address, then a user name and password because the registry asks; its row shows the login',
  async () => {
    await api();
    assert.equal(registryMissing(), undefined);
    const registry = await startRegistry({ htpasswd: TEST_LOGIN.htpasswd });
    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ui-config-'));
    const savedConfig = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = configDir;
    const url = registry.host;
    try {
      await vscode.commands.executeCommand('workbench.view.extension.berth');
      await vscode.commands.executeCommand('berth.registries.focus');
      const added = vscode.commands.executeCommand<string | undefined>('berth.registries.add');
      await answerInputBox('Add Registry', url);
      await answerInputBox(`Log in to ${url}`, TEST_LOGIN.username);
      await answerInputBox(`Log in to ${url} as ${TEST_LOGIN.username}`, TEST_LOGIN.password);
      assert.ok(await added, 'Add Registry resolved with the registry it added');
      const config = fs.readFileSync(path.join(configDir, 'config.json'), 'utf8');
      assert.ok(config.includes(url), `the login is stored as docker login stores it: ${config}`);
      const row = await waitFor(
        'the registry row with its login in the Registries view',
        async () => (await ui.viewRows('Registries')).find((r) => r.startsWith(url) && r.includes(TEST_LOGIN.username)),
        20_000,
        200,
      ).catch(async (error: unknown) => {
        throw new Error(`${String(error)}; rows shown: ${JSON.stringify(await ui.viewRows('Registries'))}`, { cause: error });
      });
      assert.ok(row);
    } finally {
      await vscode.commands.executeCommand('berth.registries.remove', { url }).then(undefined, () => undefined);
      await vscode.commands.executeCommand('berth.registries.logout', { url }).then(undefined, () => undefined);
      if (savedConfig === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = savedConfig;
      fs.rmSync(configDir, { recursive: true, force: true });
      await registry.stop();
    }
  },
  90_000,
  'ui',
);
