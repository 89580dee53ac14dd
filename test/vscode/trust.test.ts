/**
 * Workspace Trust, in a real VS Code that opened the test folder in Restricted Mode (the
 * driver's second pass). Berth still lints there, but starts no container, and ignores the
 * folder's own `berth.docker.host` (the driver wrote tcp://127.0.0.1:9 into .vscode/settings.json).
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { test } from './harness';
import { api, closeAllEditors, hasCode, openDockerfile, waitForDiagnostics, workspaceRoot, writeWorkspaceFile } from './util';

const exec = promisify(execFile);

async function containerIds(): Promise<string[]> {
  const { stdout } = await exec('docker', ['ps', '-a', '-q', '--no-trunc'], { timeout: 30_000 });
  return stdout.split('\n').filter(Boolean).sort();
}

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

test(
  "Restricted Mode: Run Workspace, the Images view's Run and Build Image refuse, and no container appears",
  async () => {
    await api();
    const before = await containerIds();
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-untrusted-'));
    const run = await vscode.commands.executeCommand<string | undefined>('berth.runWorkspace', {
      folder,
      image: 'busybox:local',
      command: ['sleep', '60'],
      detach: true,
    });
    assert.equal(run, undefined, 'runWorkspace started nothing');
    const image = await vscode.commands.executeCommand<string | undefined>('berth.images.run', { reference: 'busybox:local' });
    assert.equal(image, undefined, 'images.run started nothing');
    // A build runs the Dockerfile's commands, so it is refused too.
    fs.writeFileSync(path.join(folder, 'Dockerfile'), 'FROM busybox:local\nRUN touch /ran\n');
    const tag = `berth-test/untrusted:${Date.now().toString(36)}`;
    const built = await vscode.commands.executeCommand<string | undefined>('berth.images.build', {
      dockerfile: path.join(folder, 'Dockerfile'),
      context: folder,
      tag,
    });
    assert.equal(built, undefined, 'images.build built nothing');
    await assert.rejects(exec('docker', ['image', 'inspect', tag]));
    assert.deepEqual(await containerIds(), before);
    fs.rmSync(folder, { recursive: true, force: true });
  },
  60_000,
  UNTRUSTED,
);
