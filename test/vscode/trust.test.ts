/**
 * Workspace Trust, in a real VS Code that opened the test folder in Restricted Mode (the
 * driver's second pass). Berth still lints there, but every command the table marks as needing
 * trust refuses and changes nothing on the engine, and the folder's own `berth.docker.host` is
 * ignored (the driver wrote tcp://127.0.0.1:9 into .vscode/settings.json).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND_IDS, COMMANDS, needsTrust, type CommandId } from '../../src/extension/commands/table';
import { registryMissing, startRegistry } from '../fixtures/registry';
import { test } from './harness';
import { api, closeAllEditors, docker, hasCode, openDockerfile, waitForDiagnostics, workspaceRoot, writeWorkspaceFile } from './util';

const UNTRUSTED = 'untrusted';

test(
  'Restricted Mode: the folder is untrusted and Berth is active in it',
  async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the driver opened this folder without trusting it');
    await api();
  },
  30_000,
  UNTRUSTED,
);

test(
  'Restricted Mode: Dockerfiles are still linted',
  async () => {
    const uri = writeWorkspaceFile('restricted/Dockerfile', 'FROM node\nRUN npm ci\n');
    await openDockerfile(uri);
    await waitForDiagnostics(uri, hasCode('image-untagged'), 'image-untagged in an untrusted folder');
    await closeAllEditors();
  },
  30_000,
  UNTRUSTED,
);

test(
  "Restricted Mode: the folder's berth.docker.host is ignored, the user's engine is used",
  async () => {
    const settings = JSON.parse(fs.readFileSync(path.join(workspaceRoot(), '.vscode/settings.json'), 'utf8')) as Record<string, string>;
    assert.equal(settings['berth.docker.host'], 'tcp://127.0.0.1:9', 'the folder does set another engine');
    // VS Code withholds a restricted setting's workspace value in Restricted Mode.
    assert.equal(vscode.workspace.getConfiguration('berth').inspect<string>('docker.host')?.workspaceValue, undefined);
    const engine = await (await api()).service.engine();
    assert.equal(engine.endpoint.kind, 'unix', `connected to ${engine.endpoint.display}`);
  },
  30_000,
  UNTRUSTED,
);

/**
 * Everything a refused command could have changed, sorted (the CLI's order is not stable): the
 * containers of busybox:local (whatever Run, Run Workspace or Build would start) with their
 * state and networks, the tags of busybox:local's image, this test's volumes and networks, the
 * docker CLI's context, and what the registry holds. Other helpers' objects are left out, so
 * work on the same engine cannot make this fail.
 */
async function engineSnapshot(prefix: string, registry: string): Promise<string> {
  const lines = (text: string) => text.split('\n').filter(Boolean).sort().join('\n');
  const ids = (await docker('ps', '-aq', '--no-trunc', '--filter', 'ancestor=busybox:local')).split('\n').filter(Boolean);
  const containers = ids.length
    ? await docker('inspect', '--format', '{{.Name}} {{.State.Status}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', ...ids)
    : '';
  const image = await docker('image', 'inspect', '--format', '{{.Id}}', 'busybox:local');
  const tags = await docker('images', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}');
  const ours = (text: string) =>
    text
      .split('\n')
      .filter((line) => line.includes(prefix) || line.startsWith(image))
      .join('\n');
  const pushed = await fetch(`http://${registry}/v2/${prefix}/pushed/tags/list`).then((r) => (r.ok ? r.text() : String(r.status)));
  return [
    lines(containers),
    lines(ours(tags)),
    lines(ours(await docker('volume', 'ls', '-q'))),
    lines(ours(await docker('network', 'ls', '--format', '{{.Name}}'))),
    await docker('context', 'show'),
    `registry ${prefix}/pushed: ${pushed}`,
  ].join('\n');
}

test(
  'Restricted Mode: every command the table marks as needing trust refuses, and nothing on the engine changes',
  async () => {
    await api();
    assert.equal(registryMissing(), undefined);
    const prefix = `berthut${Date.now().toString(36)}`;
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-untrusted-'));
    fs.writeFileSync(path.join(folder, 'Dockerfile'), 'FROM busybox:local\nRUN touch /ran\n');
    const composeFile = path.join(folder, 'compose.yaml');
    fs.writeFileSync(
      composeFile,
      'services:\n  app:\n    image: busybox:local\n    command: [sleep, "600"]\n    labels: { berth.test: "1" }\n',
    );
    const registry = await startRegistry();
    const names = { created: `${prefix}-created`, running: `${prefix}-running`, paused: `${prefix}-paused` };
    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-untrusted-config-'));
    const savedConfig = process.env.DOCKER_CONFIG;
    try {
      // What the commands are pointed at, each of which they would visibly change.
      await docker('create', '--name', names.created, 'busybox:local', 'sleep', '600');
      await docker('run', '-d', '--name', names.running, 'busybox:local', 'sleep', '600');
      await docker('run', '-d', '--name', names.paused, 'busybox:local', 'sleep', '600');
      await docker('pause', names.paused);
      await docker('volume', 'create', `${prefix}-vol`);
      await docker('network', 'create', `${prefix}-net`);
      await docker('tag', 'busybox:local', `${prefix}/victim:1`);
      const remote = `${registry.host}/${prefix}/remote:1`;
      await docker('tag', 'busybox:local', remote);
      await docker('push', remote);
      await docker('rmi', remote);
      const pushed = `${registry.host}/${prefix}/pushed:1`;
      await docker('tag', 'busybox:local', pushed);
      await docker('context', 'create', `${prefix}-ctx`, '--docker', 'host=unix:///var/run/docker.sock');
      // An image archive whose image is gone: loading it would bring the image back.
      const archive = path.join(folder, 'archive.tar');
      await docker('tag', 'busybox:local', `${prefix}/archived:1`);
      await docker('save', '-o', archive, `${prefix}/archived:1`);
      await docker('rmi', `${prefix}/archived:1`);
      // A login, were one not refused, would land here rather than in the user's docker config.
      process.env.DOCKER_CONFIG = configDir;

      // An argument object per command that would change something if the command ran.
      const container = { id: names.running };
      const argsFor: Record<string, Record<string, unknown>> = {
        'berth.runWorkspace': { folder, image: 'busybox:local', command: ['sleep', '60'], detach: true },
        'berth.images.build': { dockerfile: path.join(folder, 'Dockerfile'), context: folder, tag: `${prefix}/built:1` },
        'berth.switchContext': { name: `${prefix}-ctx` },
        'berth.containers.start': { id: names.created },
        'berth.containers.unpause': { id: names.paused },
        'berth.containers.stop': container,
        'berth.containers.restart': container,
        'berth.containers.pause': container,
        'berth.containers.kill': container,
        'berth.containers.remove': { id: names.created, skipConfirm: true },
        'berth.containers.shell': { id: names.running, user: 'root' },
        'berth.containers.shellAs': { id: names.running, user: 'root' },
        'berth.containers.browseFiles': { id: names.running, path: '/' },
        'berth.images.pull': { reference: `${registry.host}/${prefix}/remote:1` },
        'berth.images.push': { reference: pushed },
        'berth.images.run': { reference: 'busybox:local' },
        'berth.images.runInteractive': { reference: 'busybox:local' },
        'berth.images.tag': { reference: 'busybox:local', target: `${prefix}/tagged:1` },
        'berth.images.remove': { reference: `${prefix}/victim:1`, skipConfirm: true },
        // No skipConfirm: were a prune not refused, it would wait on its dialog and time out, not empty the shared engine.
        'berth.images.prune': {},
        'berth.volumes.create': { name: `${prefix}-newvol` },
        'berth.volumes.remove': { name: `${prefix}-vol`, skipConfirm: true },
        'berth.volumes.prune': {},
        'berth.networks.create': { name: `${prefix}-newnet` },
        'berth.networks.connect': { id: `${prefix}-net`, container: names.running },
        'berth.networks.disconnect': { id: 'bridge', container: names.running },
        'berth.networks.remove': { id: `${prefix}-net`, skipConfirm: true },
        'berth.networks.prune': {},
        // Compose is a program the workspace's files steer: none of it runs, not even logs.
        'berth.compose.up': { file: composeFile },
        'berth.compose.down': { file: composeFile, skipConfirm: true },
        'berth.compose.stop': { file: composeFile },
        'berth.compose.start': { file: composeFile },
        'berth.compose.restart': { file: composeFile },
        'berth.compose.logs': { file: composeFile },
        'berth.compose.pull': { file: composeFile },
        'berth.compose.build': { file: composeFile },
        'berth.containers.commit': { id: names.running, reference: `${prefix}/committed:1` },
        'berth.containers.rename': { id: names.running, name: `${prefix}-renamed` },
        'berth.containers.export': { id: names.running, file: path.join(folder, 'exported.tar') },
        'berth.containers.attach': { id: names.running },
        'berth.containers.copyInto': { id: names.running, source: path.join(folder, 'Dockerfile'), target: '/tmp/' },
        'berth.containers.copyFrom': { id: names.running, source: '/etc/hostname', target: folder },
        'berth.images.save': { references: ['busybox:local'], file: path.join(folder, 'saved.tar') },
        'berth.images.load': { file: archive },
        // No skipConfirm, as for the other prunes.
        'berth.system.prune': { volumes: true },
        'berth.registries.add': { url: registry.host },
        'berth.registries.remove': { url: registry.host },
        'berth.registries.login': { url: registry.host, username: 'someone', password: 'anything' },
        'berth.registries.logout': { url: registry.host },
        'berth.registries.addRepository': { url: registry.host, repository: `${prefix}/added` },
        'berth.registries.removeRepository': { url: registry.host, repository: `${prefix}/added` },
        'berth.registries.pull': { url: registry.host, repository: `${prefix}/remote`, tag: '1' },
        'berth.registries.deleteTag': { url: registry.host, repository: `${prefix}/remote`, tag: '1', skipConfirm: true },
      };
      const guarded = COMMAND_IDS.filter(needsTrust);
      assert.deepEqual(
        guarded.filter((id) => !argsFor[id]),
        [],
        'every command that needs trust has arguments here',
      );
      for (const id of guarded) {
        const declared = Object.keys(COMMANDS[id].args);
        for (const field of Object.keys(argsFor[id]!)) assert.ok(declared.includes(field), `${id} takes "${field}"`);
      }

      const before = await engineSnapshot(prefix, registry.host);
      const results: Record<string, unknown> = {};
      for (const id of guarded) results[id] = await vscode.commands.executeCommand(id, argsFor[id]);
      assert.deepEqual(
        guarded.filter((id) => results[id] !== undefined),
        [],
        'each refused (resolved with nothing)',
      );
      assert.equal(await engineSnapshot(prefix, registry.host), before);
      await assert.rejects(docker('image', 'inspect', `${prefix}/built:1`), 'nothing was built');
      assert.equal(vscode.window.terminals.filter((t) => t.name.includes(names.running)).length, 0, 'no shell opened');
      for (const file of ['exported.tar', 'saved.tar', 'hostname'])
        assert.equal(fs.existsSync(path.join(folder, file)), false, `no ${file}`);
      await assert.rejects(docker('exec', names.running, 'test', '-e', '/tmp/Dockerfile'), 'nothing copied into the container');
      assert.equal(fs.existsSync(path.join(configDir, 'config.json')), false, 'no login stored');
      const { registries } = await api();
      assert.equal(registries.store.find(registry.host), undefined, 'no registry added');
      const remoteTags = await fetch(`http://${registry.host}/v2/${prefix}/remote/tags/list`).then((r) => r.text());
      assert.match(remoteTags, /"1"/, 'the registry tag stays');

      // Reading still works in Restricted Mode.
      const copied = await vscode.commands.executeCommand<string>('berth.containers.copyName' satisfies CommandId, { id: names.running });
      assert.equal(copied, names.running);
    } finally {
      await docker('rm', '-f', names.created, names.running, names.paused).catch(() => '');
      await docker('volume', 'rm', `${prefix}-vol`).catch(() => '');
      await docker('network', 'rm', `${prefix}-net`).catch(() => '');
      await docker('rmi', `${prefix}/victim:1`, `${registry.host}/${prefix}/pushed:1`).catch(() => '');
      await docker('context', 'rm', '-f', `${prefix}-ctx`).catch(() => '');
      await docker('rmi', `${prefix}/archived:1`, `${prefix}/committed:1`).catch(() => '');
      if (savedConfig === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = savedConfig;
      fs.rmSync(configDir, { recursive: true, force: true });
      await registry.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  },
  90_000,
  UNTRUSTED,
);
