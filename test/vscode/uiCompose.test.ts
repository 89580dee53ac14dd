/**
 * Compose as a user sees it (the `ui` pass, where VS Code shows its dialogs): Down's modal
 * confirmation, answered Cancel and then Down, and Up…'s quick pick read and changed by clicking.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { DownOutcome, UpOutcome } from '../../src/extension/compose/commands';
import { composeText, standardServices, writeComposeProject, type ComposeProjectFiles } from '../fixtures/composeProjects';
import { freePort } from '../fixtures/net';
import { BUSYBOX_IMAGE } from '../fixtures/testImages';
import { test } from './harness';
import * as ui from './ui';
import { api, docker, workspaceRoot } from './util';

const run = promisify(execFile);

async function cleanup(p: ComposeProjectFiles): Promise<void> {
  await run('docker-compose', ['down', '-v', '--remove-orphans'], { cwd: p.folder, timeout: 60_000 }).catch(() => undefined);
  rmSync(path.dirname(p.folder), { recursive: true, force: true });
}

/** What the engine holds of a project, by name. */
async function namesOf(project: string): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const label = `label=com.docker.compose.project=${project}`;
  const list = async (...args: string[]) => (await docker(...args, '--filter', label)).split('\n').filter(Boolean).sort();
  return {
    containers: await list('ps', '-a', '--format', '{{.Names}}'),
    networks: await list('network', 'ls', '--format', '{{.Name}}'),
    volumes: await list('volume', 'ls', '--format', '{{.Name}}'),
  };
}

test(
  'ui compose: Down with volumes asks in a modal listing what goes; Cancel removes nothing, Down removes what it listed',
  async () => {
    await api();
    const services = {
      ...standardServices(await freePort()),
      worker: [
        `    image: ${BUSYBOX_IMAGE}`,
        '    command: ["sleep", "600"]',
        '    volumes: ["data:/data"]',
        '    labels: { berth.test: "1" }',
      ].join('\n'),
    };
    const p = writeComposeProject('uidown', composeText(services, 'volumes:\n  data:\n    labels: { berth.test: "1" }'), workspaceRoot());
    try {
      await run('docker-compose', ['up', '-d'], { cwd: p.folder, timeout: 120_000 });
      const before = await namesOf(p.project);
      assert.equal(before.containers.length, 2, `the project runs: ${before.containers.join(', ')}`);
      assert.deepEqual(before.volumes, [`${p.project}_data`]);
      const title = `Take down Compose project ${p.project}?`;
      const listed = [
        ...before.containers.map((c) => `container ${c}`),
        ...before.networks.map((n) => `network ${n}`),
        ...before.volumes.map((v) => `volume ${v}`),
      ];

      // Cancel: the dialog named everything, and nothing went.
      const cancelled = vscode.commands.executeCommand<DownOutcome | undefined>('berth.compose.down', { file: p.file, volumes: true });
      const dialog = await ui.waitForDialog(title, 60_000);
      assert.deepEqual(dialog.detail.split('\n'), listed, 'the dialog lists every container, network and volume that goes');
      assert.deepEqual(dialog.buttons.sort(), ['Cancel', 'Down']);
      await ui.answerDialog('Cancel');
      assert.equal(await cancelled, undefined, 'Cancel resolves with nothing done');
      assert.deepEqual(await namesOf(p.project), before, 'Cancel removed nothing');

      // Down: what the dialog listed is gone, and only that.
      const confirmed = vscode.commands.executeCommand<DownOutcome | undefined>('berth.compose.down', { file: p.file, volumes: true });
      assert.deepEqual((await ui.waitForDialog(title, 60_000)).detail.split('\n'), listed);
      await ui.answerDialog('Down');
      const down = await confirmed;
      assert.ok(down, 'Down resolved with what it removed');
      assert.deepEqual(down.removed, before);
      assert.deepEqual(await namesOf(p.project), { containers: [], networks: [], volumes: [] }, 'everything listed was removed');
    } finally {
      await cleanup(p);
    }
  },
  240_000,
  'ui',
);

test(
  "ui compose: Up… shows the project's services checked and its profiles not; unchecking one starts only the others",
  async () => {
    await api();
    const p = writeComposeProject('uiup', composeText(standardServices(await freePort())), workspaceRoot());
    try {
      const up = vscode.commands.executeCommand<UpOutcome | undefined>('berth.compose.up', { file: p.file, pick: true });
      await ui.waitForQuickInput(`Up: ${p.project}`, 60_000);
      const rows = await ui.waitForQuickPickRows((r) => r.length >= 3, 'the services and the profile listed');
      assert.deepEqual(
        rows,
        [
          // As a screen reader hears them: a row's label, its description, the separator above it.
          { text: 'web, Services', checked: true },
          { text: 'worker', checked: true },
          { text: 'debug, profile, Profiles', checked: false },
        ],
        'services checked, the profile not, and the service behind the profile not listed as a service',
      );
      await ui.toggleQuickPickRow('web');
      await ui.waitForQuickPickRows((r) => r[0]?.checked === false, 'web unchecked');
      await ui.click(ui.SELECTORS.quickInputOk, 'OK');
      const outcome = await up;
      assert.ok(outcome, 'Up… resolved with what it did');
      assert.deepEqual(
        outcome.services.map((s) => `${s.service}:${s.state}`),
        ['worker:running'],
      );
      const running = await docker(
        'ps',
        '--format',
        '{{.Label "com.docker.compose.service"}}',
        '--filter',
        `label=com.docker.compose.project=${p.project}`,
      );
      assert.equal(running, 'worker', 'only the checked service runs');
    } finally {
      await cleanup(p);
    }
  },
  240_000,
  'ui',
);
