/** Reading the Berth trees in extension-host tests: every node, and waiting on what they show. */
import type { BerthNode } from '../../src/extension/views/model';
import type { BerthTreeProvider } from '../../src/extension/views/trees';

/** Every node of a tree, depth first, with its parent's label path. */
export async function flatten(
  provider: BerthTreeProvider<unknown>,
  skipKinds: BerthNode['kind'][] = ['imageTag'],
): Promise<{ path: string; node: BerthNode }[]> {
  const out: { path: string; node: BerthNode }[] = [];
  const walk = async (parent: BerthNode | undefined, prefix: string): Promise<void> => {
    for (const node of await provider.getChildren(parent)) {
      const path = prefix ? `${prefix}/${node.label}` : node.label;
      out.push({ path, node });
      if (node.collapsible !== 'none' && !skipKinds.includes(node.kind)) await walk(node, path);
    }
  };
  await walk(undefined, '');
  return out;
}

/**
 * Resolves once `accept` holds for the tree, checking now and after every onDidChangeTreeData;
 * rejects at the deadline with what the tree showed last. Nothing here refreshes the tree: the
 * engine's events have to.
 */
export function waitForTree<T>(
  provider: BerthTreeProvider<unknown>,
  accept: (nodes: { path: string; node: BerthNode }[]) => T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let last: string[] = [];
    let done = false;
    const check = async (): Promise<void> => {
      if (done) return;
      const nodes = await flatten(provider);
      last = nodes.map((n) => `${n.path} [${n.node.contextValue}] ${n.node.description ?? ''}`);
      const result = accept(nodes);
      if (result && !done) {
        done = true;
        cleanup();
        resolve(result);
      }
    };
    const subscription = provider.onDidChangeTreeData(() => void check().catch(() => undefined));
    const timer = setTimeout(() => {
      done = true;
      cleanup();
      reject(new Error(`waited ${timeoutMs} ms for ${what}; the ${provider.viewId} tree showed:\n  ${last.join('\n  ')}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      subscription.dispose();
    };
    void check().catch((error) => {
      done = true;
      cleanup();
      reject(error);
    });
  });
}
