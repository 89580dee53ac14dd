/**
 * `docker system prune`: what goes (stopped containers, unused networks, dangling images, and
 * unused volumes when asked) and the space it frees, in a modal confirmation before anything is
 * removed; then the prunes, and the space reclaimed.
 */
import * as vscode from 'vscode';
import { planSystemPrune, runSystemPrune, type PruneOutcome } from '../../engine/systemPrune';
import type { CommandContext, HandlerTable, Invocation } from '../commands/invocation';
import type { ArgsOf } from '../commands/table';
import { engineOf, t, withSlowProgress } from '../views/actions/common';
import { formatSize, shortId } from '../views/model';

/** API 1.42 and later prune only anonymous volumes unless told otherwise. */
function prunesOnlyAnonymous(apiVersion: string | undefined): boolean {
  const [major = 0, minor = 0] = (apiVersion ?? '1.41').split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 42);
}

async function prune(ctx: CommandContext, input: Invocation<ArgsOf<'berth.system.prune'>>): Promise<PruneOutcome | undefined> {
  const engine = await engineOf(ctx);
  let volumes = input.args.volumes === true;
  if (!input.hasArgs) {
    const choice = await vscode.window.showQuickPick(
      [
        {
          label: t('Containers, networks and images'),
          description: t('stopped containers, unused networks, dangling images'),
          volumes: false,
        },
        { label: t('…and volumes'), description: t('also the volumes no container uses, with their data'), volumes: true },
      ],
      { placeHolder: t('What should System Prune remove?') },
    );
    if (!choice) return undefined;
    volumes = choice.volumes;
  }
  const state = ctx.service.state;
  const anonymousVolumesOnly = prunesOnlyAnonymous(state.kind === 'connected' ? state.version.apiVersion : undefined);
  const plan = await withSlowProgress(t('Measuring what a prune would free'), () =>
    planSystemPrune(engine, { volumes, anonymousVolumesOnly }),
  );
  const count = plan.containers.length + plan.networks.length + plan.images.length + plan.volumes.length;
  if (!count) {
    void vscode.window.showInformationMessage(
      t('Nothing to prune: no stopped containers, unused networks or dangling images{0}.', volumes ? t(', or unused volumes') : ''),
    );
    return {
      containers: { deleted: [], spaceReclaimed: 0 },
      networks: { deleted: [], spaceReclaimed: 0 },
      images: { deleted: [], spaceReclaimed: 0 },
      bytes: 0,
    };
  }
  if (!(input.hasArgs && input.args.skipConfirm === true)) {
    const lines: string[] = [];
    const section = (title: string, items: string[]) => {
      if (!items.length) return;
      lines.push(
        title,
        ...items.slice(0, 15).map((i) => `  ${i}`),
        ...(items.length > 15 ? [`  ${t('…and {0} more', items.length - 15)}`] : []),
        '',
      );
    };
    section(
      t('{0} stopped containers', plan.containers.length),
      plan.containers.map((c) => `${c.name} (${c.image}, ${formatSize(c.size)})`),
    );
    section(
      t('{0} unused networks', plan.networks.length),
      plan.networks.map((n) => n.name),
    );
    section(
      t('{0} dangling images', plan.images.length),
      plan.images.map((i) => `${shortId(i.id)} (${formatSize(i.size)})`),
    );
    section(
      t('{0} unused volumes, with their data', plan.volumes.length),
      plan.volumes.map((v) => `${v.name} (${formatSize(v.size)})`),
    );
    const choice = await vscode.window.showWarningMessage(
      t('Prune {0} items and free about {1}?', count, formatSize(plan.bytes)),
      { modal: true, detail: lines.join('\n').trimEnd() },
      t('Prune'),
    );
    if (choice !== t('Prune')) return undefined;
  }
  const outcome = await withSlowProgress(t('Pruning'), () => runSystemPrune(engine, { volumes }));
  void vscode.window.showInformationMessage(
    t(
      'Removed {0} containers, {1} networks, {2} images{3}; reclaimed {4}.',
      outcome.containers.deleted.length,
      outcome.networks.deleted.length,
      outcome.images.deleted.filter((d) => d.startsWith('sha256:')).length,
      outcome.volumes ? t(' and {0} volumes', outcome.volumes.deleted.length) : '',
      formatSize(outcome.bytes),
    ),
  );
  return outcome;
}

export const WORKFLOW_SYSTEM_COMMANDS = {
  'berth.system.prune': prune,
} satisfies Partial<HandlerTable>;
