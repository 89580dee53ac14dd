/**
 * Notices `docker context use` / `create` / `rm` (they rewrite ~/.docker/config.json and
 * ~/.docker/contexts/meta) so the extension can re-resolve its endpoint without a reload.
 * File-system notifications, no polling.
 */
import { watch, type FSWatcher } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';

export interface ContextWatcherOptions {
  /** The docker configuration directory; DOCKER_CONFIG or ~/.docker by default. */
  configDir?: string;
  /** Quiet period before `onChange`, ms: the CLI writes several files per command. */
  debounceMs?: number;
}

/**
 * Calls `onChange` (debounced) when the docker CLI's context configuration may have changed.
 * Works when the directory does not exist yet: its parent is watched until it appears.
 */
export function watchDockerContexts(onChange: () => void, options: ContextWatcherOptions = {}): { dispose(): void } {
  const dir = options.configDir ?? (process.env.DOCKER_CONFIG || join(homedir(), '.docker'));
  const debounceMs = options.debounceMs ?? 100;
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;

  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!disposed) onChange();
    }, debounceMs);
  };
  const tryWatch = (path: string, listener: (event: string, file: string | null) => void, recursive = false): boolean => {
    try {
      const w = watch(path, { persistent: false, recursive }, (event, file) => listener(event, file ? String(file) : null));
      w.on('error', () => rearm());
      watchers.push(w);
      return true;
    } catch {
      return false;
    }
  };
  const closeAll = () => watchers.splice(0).forEach((w) => w.close());
  const arm = () => {
    if (disposed) return;
    const armed = tryWatch(dir, (_e, file) => {
      if (file === 'contexts' && watchers.length < 2) rearm(); // the contexts tree just appeared
      if (file === null || file === 'config.json' || file === 'contexts') fire();
    });
    if (armed) {
      // Contexts live in sub-directories named by digest: watch the tree when it exists.
      tryWatch(join(dir, 'contexts'), () => fire(), true);
      return;
    }
    // No config directory yet: wait for it to be created in its parent.
    const name = basename(dir);
    tryWatch(join(dir, '..'), (_e, file) => {
      if (file === name) {
        rearm();
        fire();
      }
    });
  };
  const rearm = () => {
    closeAll();
    arm();
  };
  arm();
  return {
    dispose() {
      disposed = true;
      clearTimeout(timer);
      closeAll();
    },
  };
}
