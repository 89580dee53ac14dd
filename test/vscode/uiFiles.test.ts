/**
 * Browse Files' quick pick as a user works it (the `ui` pass): an entry's button copies that
 * entry to this machine, the title's button copies a file from this machine into the folder
 * shown. Where to copy is asked in VS Code's own folder and file picker (the simple file dialog
 * in the browser), answered by typing a path.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BUSYBOX_IMAGE } from '../fixtures/testImages';
import { test } from './harness';
import * as ui from './ui';
import { api, docker, waitFor, workspaceRoot } from './util';

/** Answers the simple file dialog titled `title` with `file`: the path typed over the default, then Enter until it closes. */
async function answerFileDialog(title: string, file: string): Promise<void> {
  await ui.waitForQuickInput(title, 30_000);
  await ui.click(ui.SELECTORS.quickInputBox);
  await ui.press('Control+A');
  await ui.type(file);
  // The dialog may first complete the path it was given; Enter again then accepts it.
  await waitFor(
    `the file dialog "${title}" to accept ${file}`,
    async () => {
      const titles = await ui.texts(ui.SELECTORS.quickInputTitle);
      if (!titles.some((t) => t.includes(title))) return true;
      await ui.press('Enter');
      return false;
    },
    20_000,
    500,
  );
}

test(
  "ui files: Browse Files' entry button copies that file here, its title button copies a file into the folder shown",
  async () => {
    await api();
    const name = `berth-uifiles-${Date.now().toString(36)}`;
    const id = await docker(
      'run',
      '-d',
      '--label',
      'berth.test=1',
      '--name',
      name,
      BUSYBOX_IMAGE,
      'sh',
      '-c',
      'mkdir -p /data && echo hello > /data/a.txt && sleep 600',
    );
    const here = fs.mkdtempSync(path.join(workspaceRoot(), 'uifiles-'));
    try {
      await waitFor('the container to have /data/a.txt', async () => (await docker('exec', id, 'cat', '/data/a.txt')) === 'hello');
      const title = `Files in ${name}: /data/`;

      // The entry's button: copy a.txt to this machine, into the folder typed in the dialog.
      const out = vscode.commands.executeCommand('berth.containers.browseFiles', { id, path: '/data/' });
      await ui.waitForQuickInput(title, 30_000);
      await ui.waitForQuickPickRows((r) => r.some((row) => row.text.includes('a.txt')), 'a.txt listed');
      await ui.clickQuickPickItemButton(/a\.txt/, 'Copy to this machine…');
      await answerFileDialog(`Copy /data/a.txt from ${name} into`, `${here}/`);
      await out;
      const copied = path.join(here, 'a.txt');
      await waitFor('a.txt to arrive here', () => fs.existsSync(copied));
      assert.equal(fs.readFileSync(copied, 'utf8'), 'hello\n');

      // The title's button: copy a local file into /data/.
      const local = path.join(here, 'from-here.txt');
      fs.writeFileSync(local, 'from this machine\n');
      const into = vscode.commands.executeCommand('berth.containers.browseFiles', { id, path: '/data/' });
      await ui.waitForQuickInput(title, 30_000);
      // Where the last dialog left the mouse: the input's placeholder hover then lies over the
      // title's buttons, as it did in a CI run. The click has to land all the same.
      await ui.hover(ui.SELECTORS.quickInputBox);
      await ui.waitForElement('.context-view .hover-contents', undefined, 10_000);
      await ui.click(ui.SELECTORS.quickInputTitleButton('Copy into this folder from this machine…'));
      await answerFileDialog('Copy into a container', local);
      await into;
      assert.equal(await docker('exec', id, 'cat', '/data/from-here.txt'), 'from this machine');
    } finally {
      await docker('rm', '-f', id).catch(() => '');
      fs.rmSync(here, { recursive: true, force: true });
    }
  },
  120_000,
  'ui',
);
