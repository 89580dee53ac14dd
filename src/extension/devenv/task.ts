/**
 * The `berth` task type: the same fields as the command's argument object, so a workspace
 * run can live in tasks.json and be bound to a key.
 */
import * as vscode from 'vscode';
import { TASK_TYPE } from '../contributions';
import { startWorkspace, type RunDeps, type RunWorkspaceArgs } from './runWorkspace';
import { WorkspaceTerminal } from './terminal';

const t = vscode.l10n.t;

/** A terminal for a task: it starts the workspace when the task opens it. */
class TaskTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private inner: WorkspaceTerminal | undefined;
  /** The inner terminal's output passed on; they end with this terminal. */
  private readonly relays: vscode.Disposable[] = [];
  /** Closed (the task terminated) while the container was still starting. */
  private closed = false;

  constructor(
    private readonly deps: RunDeps,
    private readonly args: RunWorkspaceArgs,
  ) {}

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    void startWorkspace(this.deps, { ...this.args }).then((started) => {
      if (started && this.closed) {
        // Nobody is left to see it: the container goes as the terminal did.
        void started.run.stop().finally(started.release);
        return;
      }
      if (!started) {
        this.writeEmitter.fire(t('The workspace did not start.') + '\r\n');
        this.closeEmitter.fire(1);
        return;
      }
      const inner = new WorkspaceTerminal(started.run, started.release, [...started.buildLog, ...started.notes]);
      this.relays.push(
        inner.onDidWrite((text) => this.writeEmitter.fire(text)),
        inner.onDidClose((code) => this.closeEmitter.fire(code)),
      );
      void started.run.exited.then(
        (code) => this.closeEmitter.fire(code),
        () => this.closeEmitter.fire(1),
      );
      this.inner = inner;
      inner.open(dimensions);
    });
  }

  handleInput(data: string): void {
    this.inner?.handleInput(data);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.inner?.setDimensions(dimensions);
  }

  close(): void {
    this.closed = true;
    this.inner?.close();
    for (const relay of this.relays.splice(0)) relay.dispose();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }
}

/** Resolves tasks of type `berth` from tasks.json; main.ts registers it and loads it on first use. */
export function berthTaskProvider(deps: RunDeps): vscode.TaskProvider {
  return {
    provideTasks: () => [],
    resolveTask(task) {
      const definition = task.definition as vscode.TaskDefinition & RunWorkspaceArgs;
      const { type: _type, ...args } = definition;
      return new vscode.Task(
        definition,
        task.scope ?? vscode.TaskScope.Workspace,
        task.name,
        TASK_TYPE,
        new vscode.CustomExecution(async () => new TaskTerminal(deps, args)),
      );
    },
  };
}
