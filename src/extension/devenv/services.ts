/**
 * What Run Workspace needs beyond its own container: the services it starts first (`run.services`),
 * or the Compose project a devcontainer.json names, and how `user: host` maps onto this engine
 * (rootless engines differ). Each comes with the lines the run's terminal shows about it.
 */
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunConfig } from '../../devenv/config';
import { prepareComposeWorkspace, type ComposeWorkspacePlan } from '../../devenv/devcontainerCompose';
import { engineFlavour, hostUserChoice, type EngineFlavour } from '../../devenv/hostUser';
import { prepareServices, servicesCacheDir, type ServicesRun } from '../../devenv/servicesRunner';
import type { ComposeRunner } from '../../devenv/compose/runner';
import type { Engine } from '../../engine/types';
import type { ComposeService } from '../compose/composeService';

const t = vscode.l10n.t;

/** A run's extras, ready to start. */
export interface RunExtras {
  flavour?: EngineFlavour;
  services?: ServicesRun;
  /** A Compose devcontainer.json: its service is the workspace container. */
  composeWorkspace?: { runner: ComposeRunner; plan: ComposeWorkspacePlan };
  /** Lines for the run's terminal: which user, which services. */
  notes: string[];
  /** Lets go of the Compose runner's hold on the engine. */
  release(): void;
}

/** The engine's flavour; rootful when it cannot be asked (the run then says why it fails). */
async function flavourOf(engine: Engine): Promise<EngineFlavour | undefined> {
  try {
    const [info, version] = await Promise.all([engine.info(), engine.version()]);
    return engineFlavour(info, version);
  } catch {
    return undefined;
  }
}

/**
 * Prepares what `config` needs besides its container; rejects with an Error whose message names
 * the fix (Compose missing, a service the folder does not declare, …).
 */
export async function prepareRunExtras(
  compose: ComposeService | undefined,
  engine: Engine,
  folder: string,
  config: RunConfig,
  containerName: string,
): Promise<RunExtras> {
  const flavour = config.user === 'host' && !config.compose ? await flavourOf(engine) : undefined;
  const notes: string[] = [];
  if (flavour) {
    const uid = process.getuid?.();
    notes.push(hostUserChoice(flavour, uid, process.getgid?.()).note);
  }
  if (!config.services && !config.compose) return { ...(flavour ? { flavour } : {}), notes, release: () => undefined };
  if (!compose) throw new Error(t('This run has services, and Compose is not available here.'));
  const held = await compose.runner();
  try {
    const common = { folder, env: held.env, cacheDir: servicesCacheDir(process.env, homedir()), major: held.runner.cli.major };
    if (config.compose) {
      const plan = prepareComposeWorkspace({ ...common, workspaceName: path.basename(folder), config });
      if (!plan || 'error' in plan) throw new Error(plan?.error ?? t('devcontainer.json names no Compose project.'));
      notes.push(t('Compose project {0}: a shell in service {1}, in {2}.', plan.project, plan.service, plan.workdir));
      return { composeWorkspace: { runner: held.runner, plan }, notes, release: held.release };
    }
    const plan = prepareServices({ ...common, containerName, config });
    if (!plan) return { ...(flavour ? { flavour } : {}), notes, release: held.release };
    if ('error' in plan) throw new Error(plan.error);
    notes.push(t('Services {0} (project {1}); the workspace reaches them by name.', plan.services.join(', '), plan.project));
    return { ...(flavour ? { flavour } : {}), services: { runner: held.runner, plan }, notes, release: held.release };
  } catch (error) {
    held.release();
    throw error;
  }
}
