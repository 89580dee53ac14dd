/**
 * Moving images without a registry (`docker save` several into one archive, `docker load` them
 * back), and finding them on Docker Hub from the Pull box (`docker search`, through the engine).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as vscode from 'vscode';
import type { Engine, ImageSearchResult } from '../../engine/types';
import { CommandError } from '../commands/errors';
import type { CommandContext, HandlerTable, Invocation } from '../commands/invocation';
import type { ArgsOf } from '../commands/table';
import { engineOf, pick, t } from '../views/actions/common';
import { validateReference } from '../views/actions/images';
import { formatSize, shortId } from '../views/model';
import { byteProgress, fileToWrite, writingFile } from './progress';
import { searchItems, type PullBoxItem } from './search';

/** The images to save: from nodes, `{ references }`, or picked. */
async function imagesToSave(ctx: CommandContext, input: Invocation<ArgsOf<'berth.images.save'>>): Promise<string[]> {
  const fromNodes = input.nodes.flatMap((n) =>
    n.kind === 'imageTag' ? [n.reference] : n.kind === 'repository' ? n.tags.map((tag) => tag.reference) : [],
  );
  if (fromNodes.length) return fromNodes;
  if (input.args.references?.length) return [...input.args.references];
  await engineOf(ctx);
  await ctx.views.ensureCurrent('images');
  const images = await ctx.views.providers.images.list();
  const items = images.flatMap((image) =>
    (image.repoTags.length ? image.repoTags : [image.id]).map((reference) => ({
      label: reference.startsWith('sha256:') ? shortId(reference) : reference,
      description: formatSize(image.size),
      reference,
    })),
  );
  if (!items.length) {
    void vscode.window.showInformationMessage(t('There are no images.'));
    return [];
  }
  return (await pick(items, t('Images to save into one archive'), true)).map((item) => item.reference);
}

/** `docker save -o FILE IMAGE…`; resolves with the file and what went into it. */
async function save(
  ctx: CommandContext,
  input: Invocation<ArgsOf<'berth.images.save'>>,
): Promise<{ file: string; references: string[]; bytes: number } | undefined> {
  const references = await imagesToSave(ctx, input);
  if (!references.length) return undefined;
  const suggested = `${references.length === 1 ? references[0]!.replace(/[/:@]/g, '_') : 'images'}.tar`;
  const file = await fileToWrite(input.args.file, suggested, t('Save {0} images to', references.length));
  if (!file) return undefined;
  const engine = await engineOf(ctx);
  // The images' sizes, unpacked, are about what the archive holds (layers shared between them once).
  const images = await engine.listImages().catch(() => []);
  const total = images
    .filter((i) => references.some((r) => i.id === r || i.repoTags.includes(r) || i.id.startsWith(`sha256:${r}`)))
    .reduce((sum, i) => sum + i.size, 0);
  const title = references.length === 1 ? t('Saving {0}', references[0]!) : t('Saving {0} images', references.length);
  await writingFile(file, () =>
    byteProgress(title, total || undefined, async (counter, signal) => {
      await pipeline(await engine.saveImages(references, signal), counter, createWriteStream(file), { signal });
    }),
  );
  return { file, references, bytes: (await stat(file)).size };
}

/** `docker load -i FILE`: from the explorer's menu, `{ file }`, or an open dialog; resolves with what was loaded. */
async function load(ctx: CommandContext, input: Invocation<ArgsOf<'berth.images.load'>>): Promise<string[] | undefined> {
  const file =
    input.uri?.fsPath ??
    (input.args.file ? path.resolve(input.args.file) : undefined) ??
    (
      await vscode.window.showOpenDialog({
        title: t('Load images from'),
        canSelectMany: false,
        filters: { [t('Image archives')]: ['tar', 'tar.gz', 'tgz'] },
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      })
    )?.[0]?.fsPath;
  if (!file) return undefined;
  const size = await stat(file).then(
    (s) => s.size,
    () => {
      throw new CommandError(t('{0} cannot be read.', file));
    },
  );
  const engine = await engineOf(ctx);
  const loaded = await byteProgress(t('Loading images from {0}', path.basename(file)), size, (counter, signal) =>
    engine.loadImages(createReadStream(file).pipe(counter), undefined, signal),
  );
  if (!input.hasArgs)
    void vscode.window.showInformationMessage(
      loaded.length
        ? t('Loaded {0}.', loaded.map((r) => (r.startsWith('sha256:') ? shortId(r) : r)).join(', '))
        : t('The archive held no images.'),
    );
  return loaded;
}

/**
 * Docker Hub's answers, as `docker search` gives them. With `{ term }` it resolves with them;
 * from the palette it opens the Pull box, where typing searches.
 */
async function search(
  ctx: CommandContext,
  input: Invocation<ArgsOf<'berth.images.search'>>,
): Promise<ImageSearchResult[] | string | undefined> {
  if (input.args.term !== undefined) {
    const engine = await engineOf(ctx);
    return engine.searchImages(input.args.term, input.args.limit ?? 25);
  }
  const reference = await pickImageToPull(await engineOf(ctx));
  if (!reference) return undefined;
  return vscode.commands.executeCommand<string | undefined>('berth.images.pull', { reference });
}

/** Waits this long after the last keystroke before asking Docker Hub. */
const SEARCH_DELAY_MS = 350;

/** The Pull box now open (tests read its items through the extension's API). */
export const pullBox: { items: readonly PullBoxItem[]; busy: boolean; open: boolean } = { items: [], busy: false, open: false };

/**
 * The Pull box: type a reference to pull it, or words to search Docker Hub (stars and the
 * official mark shown); offline, one line says search is off and a typed reference still pulls.
 * Resolves with the reference chosen.
 */
export function pickImageToPull(engine: Engine): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createQuickPick<PullBoxItem>();
    box.title = t('Pull Image');
    box.placeholder = t('An image reference (busybox:1.36), or words to search Docker Hub');
    box.matchOnDescription = true;
    box.matchOnDetail = true;
    let results: ImageSearchResult[] = [];
    let failure: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    let asked = 0;
    const show = () => {
      box.items = searchItems(box.value, results, failure, validateReference(box.value) === undefined, t);
      pullBox.items = box.items;
    };
    box.onDidChangeValue((value) => {
      show();
      clearTimeout(timer);
      // Offline once is offline for this box: no message per keystroke.
      if (failure || value.trim().length < 2) return;
      timer = setTimeout(() => {
        const round = ++asked;
        box.busy = pullBox.busy = true;
        engine
          .searchImages(value.trim().replace(/:.*$/, ''), 25)
          .then(
            (found) => {
              if (round === asked) results = found;
            },
            (error: unknown) => {
              if (round === asked) failure = error instanceof Error ? error.message : String(error);
            },
          )
          .finally(() => {
            if (round !== asked) return;
            box.busy = pullBox.busy = false;
            show();
          });
      }, SEARCH_DELAY_MS);
    });
    box.onDidAccept(() => {
      const chosen = box.selectedItems[0] ?? box.activeItems[0];
      if (!chosen?.reference) return;
      resolve(chosen.reference);
      box.hide();
    });
    box.onDidHide(() => {
      clearTimeout(timer);
      pullBox.open = false;
      pullBox.items = [];
      resolve(undefined);
      box.dispose();
    });
    pullBox.open = true;
    show();
    box.show();
  });
}

export const WORKFLOW_IMAGE_COMMANDS = {
  'berth.images.save': save,
  'berth.images.load': load,
  'berth.images.search': search,
} satisfies Partial<HandlerTable>;
