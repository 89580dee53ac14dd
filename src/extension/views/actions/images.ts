/**
 * The Images view's actions: pull, push, tag, run, remove, prune, layers and inspect. Each acts
 * on the tag or repository nodes it was invoked on, on `{ reference | id | ids }` from an argument
 * object, or on images picked in a QuickPick.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { runWorkspace } from '../../../devenv/runner';
import { buildImageRunSpec } from '../../../devenv/spec';
import type { ImageSummary } from '../../../engine/types';
import { isImageReference, splitReference } from '../../../shared/imageRef';
import { CommandError } from '../../commands/errors';
import type { HandlerTable, Invocation } from '../../commands/invocation';
import type { ArgsOf, ImageArgs, PruneArgs } from '../../commands/table';
import { showContainerTerminal } from '../../devenv/terminal';
import { withPullProgress } from '../../progress';
import { credentialsForPull, credentialsForPush } from '../../registryAuth';
import { pickImageToPull } from '../../workflows/images';
import { formatSize, shortId } from '../model';
import {
  argIds,
  confirmRemoval,
  engineOf,
  forEach,
  inspectEach,
  pick,
  reportPrune,
  t,
  withSlowProgress,
  type ActionContext,
} from './common';

/** An image an action names. */
interface ImageRef {
  /** What the engine calls it for this action: `repo:tag` for a tag, the id for dangling images. */
  reference: string;
  image?: ImageSummary;
}

async function imageTargets(
  ctx: ActionContext,
  input: Invocation<Partial<ImageArgs>>,
  placeholder: string,
  many = true,
): Promise<ImageRef[]> {
  const fromNodes: ImageRef[] = [];
  for (const node of input.nodes) {
    if (node.kind === 'imageTag') fromNodes.push({ reference: node.reference, image: node.image });
    if (node.kind === 'repository') for (const tag of node.tags) fromNodes.push({ reference: tag.reference, image: tag.image });
  }
  if (fromNodes.length) return fromNodes;
  const ids = [...argIds(input.args), ...(input.args.reference ? [input.args.reference] : [])];
  if (ids.length) return ids.map((reference) => ({ reference }));
  await engineOf(ctx);
  await ctx.views.ensureCurrent('images');
  const images = await ctx.views.providers.images.list();
  const items = images.flatMap((image) => {
    const tags = image.repoTags.filter((r) => r !== '<none>:<none>');
    return (tags.length ? tags : [image.id]).map((reference) => ({
      label: displayReference(reference),
      description: formatSize(image.size),
      ref: { reference, image },
    }));
  });
  if (!items.length) {
    void vscode.window.showInformationMessage(t('There are no images.'));
    return [];
  }
  return (await pick(items, placeholder, many)).map((item) => item.ref);
}

function displayReference(reference: string): string {
  return reference.startsWith('sha256:') ? shortId(reference) : reference;
}

/** Checks a reference the way the engine would, so a typo gets a message before a round trip. */
export function validateReference(value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return t('Enter an image reference such as busybox:latest.');
  if (!isImageReference(trimmed)) {
    return t('{0} is not a valid image reference: use lowercase repository names, then an optional :tag.', trimmed);
  }
  return undefined;
}

/** Pulls a reference (from the arguments, a tag node, or typed in); resolves with it. */
async function pull(ctx: ActionContext, input: Invocation<ArgsOf<'berth.images.pull'>>): Promise<string | undefined> {
  const node = input.nodes.find((n) => n.kind === 'imageTag');
  let reference = input.args.reference ?? (node?.kind === 'imageTag' && !node.reference.startsWith('sha256:') ? node.reference : undefined);
  const engine = await engineOf(ctx);
  // The Pull box: a reference to pull as typed, or words that search Docker Hub.
  reference ??= await pickImageToPull(engine);
  if (!reference) return undefined;
  const trimmed = reference.trim();
  const auth = await credentialsForPull(trimmed);
  await withPullProgress(t('Pulling {0}', trimmed), (onProgress, signal) => engine.pullImage(trimmed, onProgress, signal, auth));
  return trimmed;
}

/** Pushes a tag with the user's credentials for its registry; resolves with the reference. */
async function push(ctx: ActionContext, input: Invocation<ImageArgs>): Promise<string | undefined> {
  const [target] = await imageTargets(ctx, input, t('Image to push'), false);
  if (!target) return undefined;
  if (target.reference.startsWith('sha256:')) {
    throw new CommandError(
      t('An untagged image cannot be pushed.'),
      t('Tag it with the registry and repository first (Berth: Tag Image).'),
    );
  }
  const engine = await engineOf(ctx);
  const auth = await credentialsForPush(target.reference);
  await withPullProgress(
    t('Pushing {0}', target.reference),
    (onProgress, signal) => engine.pushImage(target.reference, auth, onProgress, signal),
    'push',
  );
  return target.reference;
}

/**
 * Runs an image with its own command: interactive in a terminal (removed when it closes, like
 * docker run --rm -it), or in the background with its EXPOSEd ports on free loopback ports.
 * Resolves with the container id.
 */
function run(interactive: boolean) {
  return async (ctx: ActionContext, input: Invocation<ImageArgs>): Promise<string | undefined> => {
    const [target] = await imageTargets(ctx, input, t('Image to run'), false);
    if (!target) return undefined;
    const engine = await engineOf(ctx);
    const reference = target.image?.id ?? target.reference;
    const info = (await engine.inspectImage(reference)) as { Config?: { ExposedPorts?: Record<string, unknown> } };
    const exposed = Object.keys(info.Config?.ExposedPorts ?? {});
    const image = target.reference.startsWith('sha256:') ? reference : target.reference;
    const spec = buildImageRunSpec(image, interactive, randomBytes(3).toString('hex'), interactive ? [] : exposed);
    // The terminal keeps this connection until it closes, even if the views reconnect elsewhere.
    const release = ctx.service.hold(engine);
    try {
      const started = await runWorkspace(engine, spec, { startupWindowMs: interactive ? 300 : 1000, credentials: credentialsForPull });
      if (interactive) {
        showContainerTerminal(started, t('Berth: {0}', displayReference(target.reference)), 'terminal', release);
      } else {
        started.stream.destroy();
        release();
      }
      return started.id;
    } catch (error) {
      release();
      if (error instanceof Error && /no command specified/i.test(error.message)) {
        throw new CommandError(
          t('{0} has no command of its own (no CMD or ENTRYPOINT).', displayReference(target.reference)),
          t('Run it from a terminal with the command you want.'),
        );
      }
      throw error;
    }
  };
}

/** Adds a tag (from the arguments' `target`, or typed in); resolves with `repository:tag`. */
async function tag(ctx: ActionContext, input: Invocation<ArgsOf<'berth.images.tag'>>): Promise<string | undefined> {
  const [target] = await imageTargets(ctx, input, t('Image to tag'), false);
  if (!target) return undefined;
  const newReference =
    input.args.target ??
    (await vscode.window.showInputBox({
      prompt: t('New tag for {0}', displayReference(target.reference)),
      value: target.reference.startsWith('sha256:') ? '' : target.reference,
      validateInput: validateReference,
    }));
  if (!newReference) return undefined;
  const invalid = validateReference(newReference);
  if (invalid) throw new CommandError(invalid);
  const engine = await engineOf(ctx);
  // validateReference refused digests: a tag is what is being made.
  const { repository, tag = 'latest' } = splitReference(newReference.trim());
  await engine.tagImage(target.image?.id ?? target.reference, repository, tag);
  return `${repository}:${tag}`;
}

async function remove(ctx: ActionContext, input: Invocation<ArgsOf<'berth.images.remove'>>): Promise<string[]> {
  const targets = await imageTargets(ctx, input, t('Images to remove'));
  if (!targets.length) return [];
  const message =
    targets.length === 1 ? t('Remove image {0}?', displayReference(targets[0]!.reference)) : t('Remove {0} images?', targets.length);
  const items = targets.map((i) => `${displayReference(i.reference)}${i.image ? ` (${formatSize(i.image.size)})` : ''}`);
  items.push('', t('A tag shared with other tags only loses that tag; the image goes with its last tag.'));
  if (!(await confirmRemoval(input, message, items, t('Remove')))) return [];
  const engine = await engineOf(ctx);
  return forEach(
    t('Removing {0} images', targets.length),
    targets,
    (i) => displayReference(i.reference),
    (i) => engine.removeImage(i.reference),
  );
}

/** Removes the dangling images after listing them; resolves with what the engine deleted. */
async function prune(ctx: ActionContext, input: Invocation<PruneArgs>): Promise<string[]> {
  const engine = await engineOf(ctx);
  const dangling = (await engine.listImages()).filter((i) => i.dangling || i.repoTags.every((r) => r === '<none>:<none>'));
  if (!dangling.length) {
    void vscode.window.showInformationMessage(t('There are no dangling images to prune.'));
    return [];
  }
  const items = dangling.map((i) => `${shortId(i.id)} (${formatSize(i.size)})`);
  if (!(await confirmRemoval(input, t('Remove {0} dangling images?', dangling.length), items, t('Prune')))) return [];
  const result = await withSlowProgress(t('Pruning dangling images'), () => engine.pruneImages({ danglingOnly: true }));
  reportPrune(result, t('images'));
  return result.deleted;
}

/**
 * From a tag in the tree: reveals and expands it, its layers being its children (resolves with
 * the reference). From the palette or an argument object: the layers as a read-only document.
 */
async function history(ctx: ActionContext, input: Invocation<ImageArgs>): Promise<string | vscode.TextEditor | undefined> {
  const node = input.nodes.find((n) => n.kind === 'imageTag');
  const treeView = ctx.views.treeViews.get('images');
  if (node?.kind === 'imageTag' && treeView?.visible) {
    await treeView.reveal(node, { expand: true, focus: true, select: true });
    return node.reference;
  }
  const [target] = await imageTargets(ctx, input, t('Image whose layers to show'), false);
  if (!target) return undefined;
  const engine = await engineOf(ctx);
  const layers = await engine.imageHistory(target.image?.id ?? target.reference);
  return ctx.views.history.show(displayReference(target.reference), layers);
}

async function inspect(ctx: ActionContext, input: Invocation<ImageArgs>): Promise<number> {
  const targets = await imageTargets(ctx, input, t('Image to inspect'), false);
  return inspectEach(
    ctx,
    'image',
    targets.map((i) => ({ id: i.image?.id ?? i.reference, name: displayReference(i.reference) })),
  );
}

export const IMAGE_COMMANDS = {
  'berth.images.pull': pull,
  'berth.images.push': push,
  'berth.images.run': run(false),
  'berth.images.runInteractive': run(true),
  'berth.images.tag': tag,
  'berth.images.remove': remove,
  'berth.images.prune': prune,
  'berth.images.history': history,
  'berth.images.inspect': inspect,
  'berth.images.showDangling': (ctx) => ctx.views.providers.images.setShowDangling(true),
  'berth.images.hideDangling': (ctx) => ctx.views.providers.images.setShowDangling(false),
} satisfies Partial<HandlerTable>;
