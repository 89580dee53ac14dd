import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { watchDockerContexts } from '../../src/engine/contextWatcher';
import { waitFor } from './helpers';

describe('watchDockerContexts', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('sees docker context use, create and rm, even when ~/.docker did not exist at first', async () => {
    const home = mkdtempSync(join(tmpdir(), 'berth-ctxw-'));
    dirs.push(home);
    const configDir = join(home, '.docker');
    let changes = 0;
    const w = watchDockerContexts(() => changes++, { configDir, debounceMs: 20 });
    try {
      mkdirSync(configDir);
      await waitFor('the config directory to appear', () => changes >= 1, 5000);
      // `docker context use` writes config.json by rename.
      const before = changes;
      writeFileSync(join(configDir, 'config.json.tmp'), JSON.stringify({ currentContext: 'x' }));
      renameSync(join(configDir, 'config.json.tmp'), join(configDir, 'config.json'));
      await waitFor('config.json to be noticed', () => changes > before, 5000);
      // `docker context create` makes contexts/meta/<digest>/meta.json.
      const afterUse = changes;
      mkdirSync(join(configDir, 'contexts', 'meta'), { recursive: true });
      await waitFor('contexts/ to be noticed', () => changes > afterUse, 5000);
      const afterMeta = changes;
      mkdirSync(join(configDir, 'contexts', 'meta', 'abc'));
      writeFileSync(join(configDir, 'contexts', 'meta', 'abc', 'meta.json'), '{}');
      await waitFor('a new context to be noticed', () => changes > afterMeta, 5000);
    } finally {
      w.dispose();
    }
  });
});
