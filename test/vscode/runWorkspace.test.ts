/**
 * "Run Workspace in Container" in the real VS Code against the real engine: the command is
 * called with an argument object (as tasks and keybindings do) and the container the engine
 * reports is checked — mounts, user, ports; then closing the terminal removes it. Also the
 * Images view's Run. busybox:local comes from scripts/test-images.sh.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startWorkspace } from '../../src/extension/devenv/runWorkspace';
import type { BuildTerminal } from '../../src/extension/build';
import { WorkspaceTerminal } from '../../src/extension/devenv/terminal';
import { test } from './harness';
import { api, docker, waitFor, workspaceRoot } from './util';
import { freePort } from '../fixtures/net';
import { registryMissing, startRegistry } from '../fixtures/registry';

function folderWith(name: string): string {
  const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'berth-vscode-run-')), name);
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, 'index.html'), 'served by berth\n');
  return folder;
}

interface Inspected {
  Config: { User: string; WorkingDir: string; Labels: Record<string, string> };
  HostConfig: { PortBindings: Record<string, { HostIp: string; HostPort: string }[]>; Init: boolean };
  Mounts: { Type: string; Source: string; Destination: string }[];
}

test('runWorkspace with arguments: the container has the mount, the user and the port, and closing the terminal removes it', async () => {
  await api();
  const folder = folderWith('my site été');
  const port = await freePort();
  const id = await vscode.commands.executeCommand<string>('berth.runWorkspace', {
    folder,
    image: 'busybox:local',
    command: ['httpd', '-f', '-p', '8080', '-h', '/workspace'],
    ports: [{ container: 8080, host: port }],
  });
  assert.ok(id, 'the command returns the container id');
  const [info] = JSON.parse(await docker('inspect', id)) as Inspected[];
  assert.deepEqual(
    info.Mounts.filter((m) => m.Type === 'bind').map((m) => [m.Source, m.Destination]),
    [[folder, '/workspace']],
  );
  assert.equal(info.Config.User, `${process.getuid?.()}:${process.getgid?.()}`);
  assert.equal(info.Config.WorkingDir, '/workspace');
  assert.deepEqual(info.HostConfig.PortBindings['8080/tcp'], [{ HostIp: '127.0.0.1', HostPort: String(port) }]);
  assert.equal(info.HostConfig.Init, true);
  assert.equal(info.Config.Labels['berth.workspace'], folder);
  const body = await waitFor('the published port', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/index.html`);
    return res.ok ? res.text() : undefined;
  });
  assert.equal(body, 'served by berth\n');

  const terminal = vscode.window.terminals.find((t) => t.name.includes('my site été'));
  assert.ok(terminal, 'a terminal attached to the container is open');
  terminal.dispose();
  await waitFor('the container to be removed', async () =>
    (await docker('ps', '-a', '-q', '--filter', `id=${id}`)) === '' ? true : undefined,
  );
}, 60_000);

test('runWorkspace detached returns the id and leaves the container running; bad arguments start nothing', async () => {
  const { runs } = await api();
  const folder = folderWith('detached');
  const id = await vscode.commands.executeCommand<string>('berth.runWorkspace', {
    folder,
    image: 'busybox:local',
    command: ['sleep', '600'],
    ports: [],
    detach: true,
  });
  assert.ok(id);
  assert.equal(await docker('inspect', '-f', '{{.State.Running}}', id), 'true');
  assert.ok(
    runs.running.some((r) => r.id === id),
    'the status bar lists it',
  );
  // Stopped from outside (the CLI here, the Containers view alike): the status bar lets it go.
  await docker('rm', '-f', id);
  await waitFor('the status bar to drop it', async () => (runs.running.some((r) => r.id === id) ? undefined : true));

  const none = await vscode.commands.executeCommand<string | undefined>('berth.runWorkspace', {
    folder,
    image: 'busybox:local',
    command: ['true'],
    ports: ['not-a-port'],
  });
  assert.equal(none, undefined);
  assert.equal(await docker('ps', '-a', '-q', '--filter', `label=berth.workspace=${folder}`), '');
}, 60_000);

test('Images: Run starts the image with its own command in the background, its EXPOSEd port on loopback', async () => {
  await api();
  // An image with a command and an exposed port, made from busybox:local without a registry.
  const image = `berth-test/served:${Date.now().toString(36)}`;
  const base = await docker('create', 'busybox:local', 'true');
  await docker('commit', '--change', 'CMD ["httpd", "-f", "-p", "80"]', '--change', 'EXPOSE 80', base, image);
  await docker('rm', base);
  try {
    const id = await vscode.commands.executeCommand<string>('berth.images.run', { reference: image });
    assert.ok(id, 'Run returns the container id');
    assert.equal(await docker('inspect', '-f', '{{.State.Running}}', id), 'true');
    const binding = JSON.parse(await docker('inspect', '-f', '{{json .NetworkSettings.Ports}}', id)) as Record<
      string,
      { HostIp: string; HostPort: string }[]
    >;
    assert.equal(binding['80/tcp']?.[0]?.HostIp, '127.0.0.1');
    assert.ok(Number(binding['80/tcp'][0].HostPort) > 0);
    await docker('rm', '-f', id);
  } finally {
    await docker('rmi', image).catch(() => undefined);
  }
}, 60_000);

test('runWorkspace on a folder with only a Dockerfile builds it and runs the image as built, in the background', async () => {
  await api();
  const folder = folderWith('built app');
  fs.writeFileSync(
    path.join(folder, 'Dockerfile'),
    'FROM busybox:local\nCOPY index.html /www/\nEXPOSE 8080\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n',
  );
  const port = await freePort();
  const id = await vscode.commands.executeCommand<string>('berth.runWorkspace', {
    folder,
    ports: [{ container: 8080, host: port }],
    detach: true,
  });
  assert.ok(id, 'the command builds, starts and returns the container id');
  let image = '';
  try {
    const [info] = JSON.parse(await docker('inspect', id)) as (Inspected & { Config: { Image: string } })[];
    image = info.Config.Image;
    assert.match(image, /^berth-built-app-[0-9a-f]{8}:latest$/);
    assert.deepEqual(info.Mounts, [], 'a build runs as built: nothing mounted');
    assert.equal(info.Config.User, '');
    assert.equal(info.Config.Labels['berth.toolchain'], 'dockerfile');
    const body = await waitFor('the built image to serve', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/index.html`);
      return res.ok ? res.text() : undefined;
    });
    assert.equal(body, 'served by berth\n');
  } finally {
    await docker('rm', '-f', id);
    if (image) await docker('rmi', image).catch(() => undefined);
  }
}, 90_000);

test("Images: Run Interactive opens a terminal on the image's own shell; typing exit ends it and removes the container", async () => {
  await api();
  // busybox:local-alt carries CMD ["/bin/sh"] (scripts/test-images.sh).
  const id = await vscode.commands.executeCommand<string>('berth.images.runInteractive', { reference: 'busybox:local-alt' });
  assert.ok(id, 'Run Interactive returns the container id');
  try {
    assert.equal(await docker('inspect', '-f', '{{.State.Running}} {{.Config.Tty}} {{.Config.OpenStdin}}', id), 'true true true');
    const terminal = await waitFor('its terminal', async () => vscode.window.terminals.find((t) => t.name.includes('busybox:local-alt')));
    terminal.sendText('exit 0');
    await waitFor('the container to be removed after exit', async () =>
      (await docker('ps', '-a', '-q', '--filter', `id=${id}`)) === '' ? true : undefined,
    );
    terminal.dispose();
  } finally {
    await docker('rm', '-f', id).catch(() => undefined);
  }
}, 60_000);

test('Containers: Copy Id / Copy Name put them on the clipboard; Open in Browser picks the published port', async () => {
  await api();
  const port = await freePort();
  const name = `berth-copy-${Date.now().toString(36)}`;
  const id = await docker('run', '-d', '--name', name, '-p', `127.0.0.1:${port}:80`, 'busybox:local', 'httpd', '-f', '-p', '80');
  try {
    assert.equal(await vscode.commands.executeCommand<string>('berth.containers.copyId', { id }), id);
    assert.equal(await vscode.env.clipboard.readText(), id);
    assert.equal(await vscode.commands.executeCommand<string>('berth.containers.copyName', { id }), name);
    assert.equal(await vscode.env.clipboard.readText(), name);
    const url = await vscode.commands.executeCommand<string>('berth.containers.openInBrowser', { id });
    assert.equal(url, `http://localhost:${port}`);
    assert.equal((await waitFor('the page to answer', async () => (await fetch(url)).status)) < 500, true);
  } finally {
    await docker('rm', '-f', id);
  }
}, 60_000);

/** What a build's terminal shows: its text with the colours taken out. */
function buildTerminalText(tag: string): string {
  // The newest: a terminal disposed a moment ago may still be listed.
  const terminal = vscode.window.terminals.filter((t) => t.name === `Build: ${tag}`).pop();
  assert.ok(terminal, 'the build has its terminal');
  // The extension's own BuildTerminal (another bundle than this test's, so no instanceof).
  const pty = (terminal.creationOptions as vscode.ExtensionTerminalOptions).pty as Partial<BuildTerminal>;
  assert.equal(typeof pty.transcript, 'string');
  return pty.transcript!.replace(/\x1b\[[0-9;]*m/g, '');
}

test('Build Image builds RUN --mount=type=cache with BuildKit: numbered steps and their output in the terminal, CACHED the second time', async () => {
  await api();
  const folder = folderWith('build me');
  const marker = `built-${Date.now().toString(36)}`;
  fs.writeFileSync(
    path.join(folder, 'Dockerfile'),
    `FROM busybox:local\nCOPY index.html /www/\nRUN --mount=type=cache,target=/cache echo ${marker} | tee /cache/seen\nCMD ["cat", "/www/index.html"]\n`,
  );
  const tag = `berth-test/built:${Date.now().toString(36)}`;
  try {
    const build = () =>
      vscode.commands.executeCommand<string>('berth.images.build', { dockerfile: path.join(folder, 'Dockerfile'), context: folder, tag });
    assert.equal(await build(), tag);
    assert.equal(await docker('run', '--rm', tag), 'served by berth');
    const text = buildTerminalText(tag);
    const step = /^#(\d+) \[(?:stage-0 )?3\/3\] RUN --mount=type=cache,target=\/cache echo built-\S+ \| tee \/cache\/seen\r$/m.exec(text);
    assert.ok(step, text);
    assert.match(text, new RegExp(`^#${step[1]} \\d+\\.\\d{3} ${marker}\\r$`, 'm'), 'the step output, under its number');
    assert.match(text, new RegExp(`^#${step[1]} DONE \\d+\\.\\ds\\r$`, 'm'));
    for (const t of vscode.window.terminals.filter((t) => t.name === `Build: ${tag}`)) t.dispose();

    assert.equal(await build(), tag);
    assert.match(buildTerminalText(tag), /^#\d+ \[(?:stage-0 )?3\/3\] RUN --mount=type=cache[^\n]*\n#\d+ CACHED\r$/m);
  } finally {
    for (const t of vscode.window.terminals.filter((t) => t.name === `Build: ${tag}`)) t.dispose();
    await docker('rmi', tag).catch(() => undefined);
  }
}, 90_000);

test('Build Image: a failing step is named in the terminal with its output and a link to its Dockerfile line; nothing is tagged', async () => {
  await api();
  const folder = folderWith('build fails');
  const dockerfile = path.join(folder, 'Dockerfile');
  fs.writeFileSync(dockerfile, 'FROM busybox:local\nWORKDIR /w\nRUN echo about to fail \\\n  && exit 7\n');
  const tag = `berth-test/failed:${Date.now().toString(36)}`;
  try {
    const failed = await vscode.commands.executeCommand<string | undefined>('berth.images.build', { dockerfile, context: folder, tag });
    assert.equal(failed, undefined);
    await assert.rejects(docker('image', 'inspect', tag), 'a failed build tags nothing');
    const text = buildTerminalText(tag);
    assert.match(
      text,
      /Building Dockerfile failed at \[(?:stage-0 )?3\/3\] RUN echo about to fail[^\n]*\(Dockerfile:3\): [^\n]*exit code: 7/,
    );
    assert.match(text, /^ {2}about to fail\r$/m);
    // The terminal makes `path:line` a link to that line.
    assert.ok(text.includes(`${dockerfile}:3\r\n`), text);
  } finally {
    for (const t of vscode.window.terminals.filter((t) => t.name === `Build: ${tag}`)) t.dispose();
  }
}, 90_000);

test('berth.build.builder classic: Build Image still builds a plain Dockerfile, with the classic builder', async () => {
  await api();
  const settings = vscode.workspace.getConfiguration('berth');
  await settings.update('build.builder', 'classic', vscode.ConfigurationTarget.Global);
  const folder = folderWith('build classic');
  fs.writeFileSync(path.join(folder, 'Dockerfile'), 'FROM busybox:local\nCOPY index.html /www/\nCMD ["cat", "/www/index.html"]\n');
  const tag = `berth-test/classic:${Date.now().toString(36)}`;
  try {
    const built = await vscode.commands.executeCommand<string>('berth.images.build', {
      dockerfile: path.join(folder, 'Dockerfile'),
      context: folder,
      tag,
    });
    assert.equal(built, tag);
    assert.equal(await docker('run', '--rm', tag), 'served by berth');
    assert.match(buildTerminalText(tag), /^Step 2\/3 : COPY index.html \/www\/\r$/m);
  } finally {
    await settings.update('build.builder', undefined, vscode.ConfigurationTarget.Global);
    for (const t of vscode.window.terminals.filter((t) => t.name === `Build: ${tag}`)) t.dispose();
    await docker('rmi', tag).catch(() => undefined);
  }
}, 90_000);

test('runWorkspace pulls an image the engine lacks, from a registry, then runs it', async () => {
  await api();
  assert.equal(registryMissing(), undefined);
  const registry = await startRegistry();
  const reference = `${registry.host}/berth-test/run-pull:${Date.now().toString(36)}`;
  const folder = folderWith('pulled run');
  let id: string | undefined;
  try {
    await docker('tag', 'busybox:local', reference);
    await docker('push', reference);
    await docker('rmi', reference);
    id = await vscode.commands.executeCommand<string>('berth.runWorkspace', {
      folder,
      image: reference,
      command: ['sleep', '300'],
      ports: [],
      detach: true,
    });
    assert.ok(id, 'the run pulled and started');
    assert.equal(await docker('inspect', '-f', '{{.Config.Image}} {{.State.Running}}', id), `${reference} true`);
  } finally {
    if (id) await docker('rm', '-f', id).catch(() => undefined);
    await docker('rmi', reference).catch(() => undefined);
    await registry.stop();
  }
}, 90_000);

test('a hand-written .berth.yaml gets its problems underlined where they are', async () => {
  await api();
  const folder = path.join(workspaceRoot(), 'config-diagnostics');
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, '.berth.yaml');
  fs.writeFileSync(file, 'run:\n  imgae: busybox:local\n  ports: [70000]\n');
  const document = await vscode.workspace.openTextDocument(file);
  await vscode.window.showTextDocument(document);
  const diagnostics = await waitFor('the .berth.yaml diagnostics', async () => {
    const found = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'berth');
    return found.length === 2 ? found : undefined;
  });
  assert.deepEqual(
    diagnostics.map((d) => [d.range.start.line, document.getText(d.range), d.message]),
    [
      [1, 'imgae', "'imgae' is not a run setting (did you mean 'image'?)"],
      [2, '[70000]', 'port 70000 is not between 1 and 65535'],
    ],
  );
  // The typo's quick fix names the setting it meant.
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    document.uri,
    diagnostics[0].range,
    vscode.CodeActionKind.QuickFix.value,
  );
  const change = (actions ?? []).find((a) => a.title === "Change to 'image'");
  assert.ok(change?.edit, JSON.stringify((actions ?? []).map((a) => a.title)));
  assert.equal(await vscode.workspace.applyEdit(change.edit), true);
  assert.equal(document.lineAt(1).text, '  image: busybox:local');
  // The rest fixed in the editor (not saved): the underlines go.
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), 'run:\n  image: busybox:local\n  ports: [8080]\n');
  await vscode.workspace.applyEdit(edit);
  await waitFor('the diagnostics to clear', async () =>
    vscode.languages.getDiagnostics(document.uri).some((d) => d.source === 'berth') ? undefined : true,
  );
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}, 30_000);

test("Browse Files: a container's folders list and its files open read-only, from a stopped container too", async () => {
  await api();
  const name = `berth-files-${Date.now().toString(36)}`;
  const id = await docker(
    'run',
    '-d',
    '--name',
    name,
    'busybox:local',
    'sh',
    '-c',
    'mkdir -p /data/sub && echo hello > /data/a.txt && sleep 600',
  );
  try {
    const root = vscode.Uri.from({ scheme: 'berth-container', authority: id, path: '/data' });
    const listing = await waitFor('the folder listing', async () => {
      const entries = await vscode.workspace.fs.readDirectory(root);
      return entries.length === 2 ? entries : undefined;
    });
    assert.deepEqual(listing.sort(), [
      ['a.txt', vscode.FileType.File],
      ['sub', vscode.FileType.Directory],
    ]);
    assert.equal(vscode.workspace.fs.isWritableFileSystem('berth-container'), false);

    const opened = await vscode.commands.executeCommand<string>('berth.containers.browseFiles', { id, path: '/data/a.txt' });
    assert.equal(opened, `berth-container://${id}/data/a.txt`);
    assert.equal(vscode.window.activeTextEditor?.document.getText(), 'hello\n');

    await docker('stop', '-t', '0', id);
    const again = await vscode.commands.executeCommand<string>('berth.containers.browseFiles', { id, path: '/data/a.txt' });
    assert.ok(again, "a stopped container's file still opens");
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  } finally {
    await docker('rm', '-f', id);
  }
}, 60_000);

test('a berth task in tasks.json runs the workspace; terminating the task removes the container', async () => {
  await api();
  const folder = folderWith('task run');
  const tasksFile = path.join(workspaceRoot(), '.vscode', 'tasks.json');
  fs.mkdirSync(path.dirname(tasksFile), { recursive: true });
  fs.writeFileSync(
    tasksFile,
    JSON.stringify({
      version: '2.0.0',
      tasks: [
        {
          label: 'berth-test-task',
          type: 'berth',
          folder,
          image: 'busybox:local',
          command: ['sh', '-c', 'echo task-ran; sleep 300'],
          ports: [],
        },
      ],
    }),
  );
  try {
    const task = await waitFor('the task from tasks.json', async () =>
      (await vscode.tasks.fetchTasks({ type: 'berth' })).find((t) => t.name === 'berth-test-task'),
    );
    const execution = await vscode.tasks.executeTask(task);
    const id = await waitFor(
      "the task's container",
      async () => (await docker('ps', '-q', '--filter', `label=berth.workspace=${folder}`)) || undefined,
    );
    assert.equal(await docker('inspect', '-f', '{{.State.Running}}', id), 'true');
    const ended = new Promise<void>((resolve) => {
      const listener = vscode.tasks.onDidEndTask((e) => {
        if (e.execution === execution) {
          listener.dispose();
          resolve();
        }
      });
    });
    execution.terminate();
    await ended;
    await waitFor('the container to be removed', async () =>
      (await docker('ps', '-a', '-q', '--filter', `label=berth.workspace=${folder}`)) === '' ? true : undefined,
    );
  } finally {
    fs.rmSync(tasksFile, { force: true });
    const left = await docker('ps', '-a', '-q', '--filter', `label=berth.workspace=${folder}`);
    if (left) await docker('rm', '-f', ...left.split('\n'));
  }
}, 60_000);

test("a built workspace's terminal shows the build first, then the container's own output", async () => {
  const { service, runs } = await api();
  const folder = folderWith('built terminal');
  fs.writeFileSync(
    path.join(folder, 'Dockerfile'),
    `FROM busybox:local\nRUN --mount=type=cache,target=/cache echo ${Date.now()} > /cache/x\nCMD ["sh", "-c", "echo from-the-container; sleep 300"]\n`,
  );
  const started = await startWorkspace({ service, status: runs }, { folder, ports: [] });
  assert.ok(started, 'built and started');
  let image = '';
  try {
    image = started.config.image;
    assert.ok(
      started.buildLog.some((l) => /^#\d+ \[(stage-0 )?2\/2\] RUN --mount=type=cache/.test(l)),
      started.buildLog.join('\n'),
    );
    const pty = new WorkspaceTerminal(started.run, started.release, started.buildLog);
    let shown = '';
    pty.onDidWrite((text) => (shown += text));
    pty.open(undefined);
    await waitFor('the container output after the build', async () => (shown.includes('from-the-container') ? true : undefined));
    assert.ok(shown.includes('RUN --mount') && shown.indexOf('RUN --mount') < shown.indexOf('from-the-container'), shown);
    pty.close();
    await waitFor('the container to be removed', async () =>
      (await docker('ps', '-a', '-q', '--filter', `id=${started.run.id}`)) === '' ? true : undefined,
    );
  } finally {
    await docker('rm', '-f', started.run.id).catch(() => undefined);
    if (image) await docker('rmi', image).catch(() => undefined);
  }
}, 90_000);

test('runWorkspace with an inline service: the workspace reaches it by name, and closing the terminal takes it down', async () => {
  await api();
  const folder = folderWith('with-services');
  const id = await vscode.commands.executeCommand<string>('berth.runWorkspace', {
    folder,
    image: 'busybox:local',
    command: ['sleep', '600'],
    ports: [],
    services: {
      db: {
        image: 'busybox:local',
        command: ['sh', '-c', "mkdir -p /www && echo 'db answers' > /www/index.html && exec httpd -f -p 8080 -h /www"],
      },
    },
    servicesOnExit: 'down',
  });
  assert.ok(id, 'the command returns the workspace container id');
  const [network] = Object.keys(
    JSON.parse(await docker('inspect', '-f', '{{json .NetworkSettings.Networks}}', id)) as Record<string, unknown>,
  );
  assert.ok(network && network !== 'bridge', `the workspace joined the services' network (${network})`);
  const services = (await docker('ps', '-aq', '--no-trunc', '--filter', `network=${network}`)).split('\n').filter((c) => c && c !== id);
  assert.equal(services.length, 1, 'one service container beside the workspace');
  const body = await waitFor('db to answer the workspace by name', async () => {
    const text = await docker('exec', id, 'wget', '-qO-', 'http://db:8080/index.html').catch(() => undefined);
    return text || undefined;
  });
  assert.equal(body, 'db answers');

  const terminal = vscode.window.terminals.find((t) => t.name.includes('with-services'));
  assert.ok(terminal, 'a terminal attached to the workspace is open');
  terminal.dispose();
  await waitFor(
    'the workspace, its service and their network to go',
    async () =>
      ((await docker('ps', '-aq', '--filter', `id=${services[0]}`)) === '' &&
        (await docker('ps', '-aq', '--filter', `id=${id}`)) === '' &&
        (await docker('network', 'ls', '-q', '--filter', `name=^${network}$`)) === '') ||
      undefined,
    60_000,
  );
}, 180_000);
