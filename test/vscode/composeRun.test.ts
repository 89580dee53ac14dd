/**
 * The Compose commands in a real VS Code, against the real engine and this machine's own Compose
 * (Debian's docker-compose 1.29): argument objects drive them as tasks and code lenses do, and
 * the Containers view's nodes as its menus do. Projects are built from busybox:local and live in
 * the test workspace, so their groups list the services that are not running too.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { DownOutcome, UpOutcome } from '../../src/extension/compose/commands';
import type { BerthNode } from '../../src/extension/views/model';
import { composeText, standardServices, WEB_PAGE, writeComposeProject, type ComposeProjectFiles } from '../fixtures/composeProjects';
import { freePort } from '../fixtures/net';
import { BUSYBOX_IMAGE } from '../fixtures/testImages';
import { test } from './harness';
import { waitForTree } from './trees';
import { api, docker, waitFor, workspaceRoot } from './util';

const run = promisify(execFile);

/** What the engine still holds of a project: containers (any state) and networks. */
async function leftOf(project: string): Promise<{ containers: string; networks: string }> {
  const label = `label=com.docker.compose.project=${project}`;
  return {
    containers: await docker('ps', '-aq', '--filter', label),
    networks: await docker('network', 'ls', '-q', '--filter', label),
  };
}

/** Takes a project down with Compose itself whatever a failed test left, and removes its folder. */
async function cleanup(p: ComposeProjectFiles): Promise<void> {
  await run('docker-compose', ['down', '-v', '--remove-orphans'], { cwd: p.folder, timeout: 60_000 }).catch(() => undefined);
  rmSync(path.dirname(p.folder), { recursive: true, force: true });
}

async function showContainers(): Promise<void> {
  await vscode.commands.executeCommand('workbench.view.extension.berth');
  await vscode.commands.executeCommand('berth.containers.focus');
}

test('compose: up, logs, restart and down from argument objects, each returning what it did; nothing is left', async () => {
  await api();
  const port = await freePort();
  const p = writeComposeProject('cmd', composeText(standardServices(port)), workspaceRoot());
  try {
    const up = await vscode.commands.executeCommand<UpOutcome | undefined>('berth.compose.up', { file: p.file });
    assert.ok(up, 'up resolved with what it did');
    assert.equal(up.project, p.project);
    assert.deepEqual(up.failed, []);
    assert.deepEqual(
      up.services.map((s) => `${s.service}:${s.state}`).sort(),
      ['web:running', 'worker:running'],
      'every service outside a profile runs',
    );
    const body = await waitFor('the web service to answer', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/index.html`).catch(() => undefined);
      return res?.ok ? res.text() : undefined;
    });
    assert.equal(body, WEB_PAGE);

    const logs = await vscode.commands.executeCommand<{ project: string; terminal: string } | undefined>('berth.compose.logs', {
      file: p.file,
      services: ['worker'],
    });
    assert.equal(logs?.project, p.project);
    const terminal = vscode.window.terminals.find((t) => t.name === logs?.terminal);
    assert.ok(terminal, `a terminal named ${logs?.terminal} follows the logs`);

    const workerId = await docker(
      'ps',
      '-q',
      '--filter',
      `label=com.docker.compose.project=${p.project}`,
      '--filter',
      'label=com.docker.compose.service=worker',
    );
    const startedAt = await docker('inspect', '--format', '{{.State.StartedAt}}', workerId);
    const restarted = await vscode.commands.executeCommand<{ project: string; services: { service: string; state: string }[] }>(
      'berth.compose.restart',
      { file: p.file, services: ['worker'] },
    );
    assert.deepEqual(
      restarted.services.map((s) => `${s.service}:${s.state}`),
      ['worker:running'],
    );
    assert.notEqual(await docker('inspect', '--format', '{{.State.StartedAt}}', workerId), startedAt, 'the worker was restarted');
    terminal.dispose();

    const down = await vscode.commands.executeCommand<DownOutcome | undefined>('berth.compose.down', { file: p.file, skipConfirm: true });
    assert.ok(down);
    assert.deepEqual(down.removed.containers.length, 2, `down names what it removed: ${down.removed.containers.join(', ')}`);
    assert.deepEqual(down.removed.networks, [`${p.project}_default`]);
    assert.deepEqual(await leftOf(p.project), { containers: '', networks: '' });
  } finally {
    await cleanup(p);
  }
}, 180_000);

test('compose: up with detach false attaches a terminal to the services; Ctrl+C there stops them, as Compose in a shell does', async () => {
  await api();
  const p = writeComposeProject('fg', composeText(standardServices(await freePort())), workspaceRoot());
  try {
    const up = await vscode.commands.executeCommand<UpOutcome | undefined>('berth.compose.up', {
      file: p.file,
      services: ['worker'],
      detach: false,
    });
    assert.ok(up?.terminal, 'up says which terminal it attached');
    assert.deepEqual(
      up.services.map((s) => `${s.service}:${s.state}`),
      ['worker:running'],
    );
    const terminal = vscode.window.terminals.find((t) => t.name === up.terminal);
    assert.ok(terminal, `a terminal named ${up.terminal} is open`);
    const pty = (terminal.creationOptions as vscode.ExtensionTerminalOptions).pty as unknown as { text: string };
    // The worker's own lines reach the terminal, prefixed with its service.
    await waitFor('the worker to print in the attached terminal', () => /worker +\| tick \d/.test(pty.text) || undefined, 30_000);
    assert.match(pty.text, /Press Ctrl\+C or close the terminal to stop the services/);

    // Ctrl+C typed into the terminal, as a user would.
    terminal.sendText('\x03', false);
    await waitFor('the attached terminal to say the worker stopped', () => pty.text.includes('Stopped: worker.') || undefined, 60_000);
    const state = await docker(
      'ps',
      '-a',
      '--format',
      '{{.State}}',
      '--filter',
      `label=com.docker.compose.project=${p.project}`,
      '--filter',
      'label=com.docker.compose.service=worker',
    );
    assert.equal(state, 'exited', 'the worker was stopped, not removed');
    terminal.dispose();
  } finally {
    await cleanup(p);
  }
}, 180_000);

test('compose: an argument the command does not take is refused before Compose runs', async () => {
  await api();
  const p = writeComposeProject('bad', composeText(standardServices(await freePort())), workspaceRoot());
  try {
    // A misspelt `services` would otherwise bring every service up.
    assert.equal(await vscode.commands.executeCommand('berth.compose.up', { file: p.file, service: ['web'] }), undefined);
    assert.deepEqual(await leftOf(p.project), { containers: '', networks: '' });
  } finally {
    await cleanup(p);
  }
}, 60_000);

test("compose: a project started in a terminal is its group in the Containers view, its services not running dimmed with Up; the group's Stop and Up act on it", async () => {
  const { views } = await api();
  await showContainers();
  const containers = views.providers.containers;
  const p = writeComposeProject('view', composeText(standardServices(await freePort())), workspaceRoot());
  try {
    // Started outside Berth, one service only.
    await run('docker-compose', ['up', '-d', 'web'], { cwd: p.folder, timeout: 120_000 });
    const find = (nodes: { path: string; node: BerthNode }[], at: string) => nodes.find((n) => n.path === at)?.node;
    const worker = await waitForTree(
      containers,
      (nodes) => {
        const node = find(nodes, `${p.project}/worker`);
        return node?.kind === 'composeService' && nodes.some((n) => n.path.startsWith(`${p.project}/${p.project}_web`)) ? node : undefined;
      },
      'the group with web running and worker not',
      30_000,
    );
    assert.equal(worker.contextValue, 'composeService.missing');
    assert.equal(worker.description, 'not running');
    const before = await containers.getChildren(undefined);
    const group = before.find((n) => n.kind === 'composeGroup' && n.project === p.project);
    assert.ok(group);
    const groupChildren = await containers.getChildren(group);
    assert.ok(!groupChildren.some((n) => n.label === 'debug'), 'a service behind an unused profile is not listed');

    // Up on the service's node, as its inline button passes it.
    const up = await vscode.commands.executeCommand<UpOutcome | undefined>('berth.compose.up', worker, [worker]);
    // Up answers with the project's services after it: web was running already, worker now too.
    assert.deepEqual(up?.services.map((s) => `${s.service}:${s.state}`).sort(), ['web:running', 'worker:running']);
    assert.deepEqual(up?.failed, []);
    await waitForTree(
      containers,
      (nodes) =>
        nodes.some((n) => n.path.startsWith(`${p.project}/${p.project}_worker`) && n.node.contextValue.startsWith('container.running')),
      'the worker running in the group',
      30_000,
    );

    // Stop on the group's node: the whole project, started elsewhere.
    const groupNode = (await containers.getChildren(undefined)).find((n) => n.kind === 'composeGroup' && n.project === p.project);
    assert.ok(groupNode);
    const stopped = await vscode.commands.executeCommand<{ services: { service: string; state: string }[] }>(
      'berth.compose.stop',
      groupNode,
      [groupNode],
    );
    assert.deepEqual(stopped.services.map((s) => `${s.service}:${s.state}`).sort(), ['web:exited', 'worker:exited']);
    assert.equal(await docker('ps', '-q', '--filter', `label=com.docker.compose.project=${p.project}`), '', 'nothing of it runs');
    await waitForTree(containers, (nodes) => find(nodes, p.project)?.contextValue === 'compose.stopped', 'the group stopped', 30_000);

    const down = await vscode.commands.executeCommand<DownOutcome | undefined>('berth.compose.down', {
      project: p.project,
      skipConfirm: true,
    });
    assert.equal(down?.project, p.project);
    assert.deepEqual(await leftOf(p.project), { containers: '', networks: '' });
    await waitForTree(containers, (nodes) => !find(nodes, p.project) && true, 'the group to go', 30_000);
  } finally {
    await cleanup(p);
  }
}, 240_000);

/** Accepts whatever quick pick is open until `work` settles: the user pressing Enter on the defaults. */
async function acceptingQuickPicks<T>(work: Thenable<T>): Promise<T> {
  let settled = false;
  const done = Promise.resolve(work).finally(() => {
    settled = true;
  });
  await waitFor(
    'the command to settle with its quick pick accepted',
    async () => {
      if (settled) return true;
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return settled;
    },
    120_000,
    250,
  );
  return done;
}

test("compose: a compose file's code lenses run Up… with its quick pick, Stop and Start, and a built service builds", async () => {
  await api();
  const port = await freePort();
  const image = `berth-test-built-${Math.random().toString(36).slice(2, 8)}:local`;
  const services = {
    ...standardServices(port),
    built: [
      `    build: .`,
      `    image: ${image}`,
      `    command: ["sleep", "600"]`,
      '    labels: { berth.test: "1" }',
      '    profiles: [tools]',
    ].join('\n'),
  };
  const p = writeComposeProject('lens', composeText(services), workspaceRoot());
  writeFileSync(path.join(p.folder, 'Dockerfile'), `FROM ${BUSYBOX_IMAGE}\nRUN echo built > /built\nLABEL berth.test=1\n`);
  try {
    const document = await vscode.workspace.openTextDocument(p.file);
    await vscode.window.showTextDocument(document);
    const lenses = await waitFor('the compose file to have its code lenses', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100);
      return found?.some((l) => l.command?.title === 'Up…') ? found : undefined;
    });
    const titlesAt = (line: number) =>
      lenses
        .filter((l) => l.range.start.line === line)
        .map((l) => l.command?.title)
        .join(' ');
    const lineOf = (text: string) => document.getText().split('\n').indexOf(text);
    assert.equal(titlesAt(lineOf('services:')), '$(play) Up Up… $(debug-stop) Down $(output) Logs');
    assert.equal(titlesAt(lineOf('  worker:')), '$(play) Up $(debug-restart) Restart $(output) Logs');

    // Up… asks which services and profiles; Enter on its defaults starts every service outside a profile.
    const upLens = lenses.find((l) => l.command?.title === 'Up…')!;
    const up = await acceptingQuickPicks(
      vscode.commands.executeCommand<UpOutcome | undefined>(upLens.command!.command, ...(upLens.command!.arguments ?? [])),
    );
    assert.ok(up, 'Up… resolved with what it did');
    assert.deepEqual(
      up.services.map((s) => `${s.service}:${s.state}`).sort(),
      ['web:running', 'worker:running'],
      'the quick pick listed the services checked and the profiles not',
    );

    const stopped = await vscode.commands.executeCommand<{ services: { service: string; state: string }[] }>('berth.compose.stop', {
      file: p.file,
      services: ['worker'],
    });
    assert.deepEqual(
      stopped.services.map((s) => `${s.service}:${s.state}`),
      ['worker:exited'],
    );
    const started = await vscode.commands.executeCommand<{ services: { service: string; state: string }[] }>('berth.compose.start', {
      file: p.file,
      services: ['worker'],
    });
    assert.deepEqual(
      started.services.map((s) => `${s.service}:${s.state}`),
      ['worker:running'],
    );

    const built = await vscode.commands.executeCommand<{ project: string; services: string[] } | undefined>('berth.compose.build', {
      file: p.file,
      services: ['built'],
    });
    assert.deepEqual(built?.services, ['built']);
    assert.equal(await docker('run', '--rm', image, 'cat', '/built'), 'built', 'the image Compose built has the Dockerfile in it');
  } finally {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await cleanup(p);
    await docker('rmi', '-f', image).catch(() => undefined);
  }
}, 300_000);
