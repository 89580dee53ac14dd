/**
 * Compose as the extension uses it: the user's own Compose, found once per `berth.compose.command`
 * value, run against the engine the views use (its endpoint passed on), and the projects it acts
 * on resolved from whatever a command was given: a compose file, a project's name, a node of the
 * Containers view, or a choice from a list.
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { ComposeTarget } from '../../devenv/compose/argv';
import { detectCompose, type ComposeCli } from '../../devenv/compose/cli';
import { composeEnvironment } from '../../devenv/compose/environment';
import { fsComposeHost, isFileOnDisk } from '../../devenv/compose/fsHost';
import { execProcess } from '../../devenv/compose/process';
import {
  composeProjectName,
  declaredProject,
  projectFromLabels,
  targetForFile,
  targetFromLabels,
  type DeclaredProject,
} from '../../devenv/compose/project';
import { ComposeRunner, type ProjectRef } from '../../devenv/compose/runner';
import { dockerConfigDir, nodeDeps } from '../../engine/endpoint';
import type { ContainerSummary } from '../../engine/types';
import * as config from '../config';
import type { EngineService } from '../engineService';

/** Compose cannot be run: the message names the fix. */
export class ComposeUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ComposeUnavailable';
  }
}

/** A project a command acts on: how Compose reaches it, and what its files declare when they are here. */
export interface ResolvedProject extends ProjectRef {
  declared?: DeclaredProject;
}

/** A runner on the current engine, held while a command uses it. */
export interface HeldRunner {
  runner: ComposeRunner;
  /** Compose's environment (the engine named). */
  env: Record<string, string>;
  release(): void;
}

export class ComposeService implements vscode.Disposable {
  private detected: Promise<ComposeCli> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly engines: EngineService) {
    this.disposables.push(config.onDidChangeComposeCommand(() => (this.detected = undefined)));
  }

  /** The user's Compose (detected once); rejects with ComposeUnavailable naming the fix. */
  cli(env: Record<string, string>): Promise<ComposeCli> {
    this.detected ??= detectCompose(execProcess, config.composeCommand(), env).then((found) => {
      if ('missing' in found) throw new ComposeUnavailable(found.message);
      return found;
    });
    // A failed detection is tried again next time: the user may have installed Compose meanwhile.
    this.detected.catch(() => (this.detected = undefined));
    return this.detected;
  }

  /** A runner for the engine the views use; the engine stays open until `release`. */
  async runner(): Promise<HeldRunner> {
    const engine = await this.engines.engine();
    const env = composeEnvironment(engine.endpoint, process.env, dockerConfigDir(nodeDeps()));
    const cli = await this.cli(env);
    const release = this.engines.hold(engine);
    return { runner: new ComposeRunner({ cli, env, engine }), env, release };
  }

  /**
   * The project of a compose file: the files Compose loads with it (`-f` only where Compose would
   * not find them itself), its name as Compose derives it, and what it declares.
   */
  projectOfFile(file: string, env: Record<string, string>, major: 1 | 2, profiles: string[] = []): ResolvedProject {
    const real = realPath(file);
    const target = targetForFile(real, isFileOnDisk, profiles);
    const host = fsComposeHost(env);
    const declared = declaredProject(host, real, target.files.length ? target.files : undefined);
    const project = composeProjectName(target.directory, {
      env,
      dotenv: host.readFile(path.join(target.directory, '.env')),
      ...(declared?.name ? { nameField: declared.name } : {}),
      major,
    });
    return { project, target, ...(declared ? { declared } : {}) };
  }

  /** A project by its name, from its containers' labels: its own files when they are here, else the engine's labels only. */
  projectOfContainers(
    project: string,
    containers: readonly ContainerSummary[],
    env: Record<string, string>,
    profiles: string[] = [],
  ): ResolvedProject {
    const labelled = containers.map((c) => projectFromLabels(c.labels)).find((p) => p?.project === project);
    const target = labelled ? targetFromLabels(labelled, isFileOnDisk) : undefined;
    if (!target) return { project };
    const withProfiles: ComposeTarget = { ...target, profiles };
    const declared = declaredProject(fsComposeHost(env), target.files[0], target.files);
    return { project, target: withProfiles, ...(declared ? { declared } : {}) };
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The path as the engine's labels will record it (Compose resolves symlinks in its folder). */
function realPath(file: string): string {
  try {
    return realpathSync.native(file);
  } catch {
    return path.resolve(file);
  }
}
