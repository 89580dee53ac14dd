/**
 * What a command handler receives, whoever called it: VS Code's `(node, selectedNodes)` from a
 * view menu, a file Uri from the explorer or editor, an argument object from a task, keybinding
 * or test, or nothing from the palette. The raw arguments are checked against the command's row
 * in the table here, once, so handlers read typed fields and never guess at shapes.
 */
import * as vscode from 'vscode';
import type { ComposeContext } from '../compose/commands';
import type { RunStatus } from '../devenv/status';
import type { EngineService } from '../engineService';
import type { RegistriesProvider } from '../registries/tree';
import type { StatsMonitor } from '../stats/monitor';
import type { StatsView } from '../stats/view';
import { VIEW_IDS, type BerthNode, type ViewId } from '../views/model';
import type { BerthViews } from '../views/views';
import { CommandError } from './errors';
import type { ArgKind, ArgsOf, ArgSpec, CommandContract, CommandId } from './table';

const t = vscode.l10n.t;

/** What commands do with the language client; main.ts loads the client on their first use. */
export interface LanguageClientCommands {
  /** Restarts the server (starts it when stopped); resolves with whether it runs now. */
  restart(): Promise<boolean>;
  showOutput(): void;
}

/** What command handlers may use. */
export interface CommandContext {
  client: LanguageClientCommands;
  service: EngineService;
  views: BerthViews;
  runs: RunStatus;
  compose: ComposeContext;
  /** The Registries view. */
  registries: RegistriesProvider;
  /** Live stats: what is read, and the view that shows it. */
  stats: { monitor: StatsMonitor; view: StatsView };
}

/** One call of a command, as its handler sees it. */
export interface Invocation<A> {
  /** The nodes it acts on: the multi-selection when the clicked node is in it, or a keybinding's `fromSelection`. */
  readonly nodes: readonly BerthNode[];
  /** The argument object, every declared field present (undefined when not given). */
  readonly args: A;
  /** An argument object came: the caller said what it wants, and the handler asks nothing it was told. */
  readonly hasArgs: boolean;
  /** The file from the explorer or editor menus. */
  readonly uri: vscode.Uri | undefined;
}

/** What a handler resolves with: what it did. Undefined means it did nothing (the user cancelled, nothing fitted). */
export type Outcome = string | number | boolean | object;

export type Handler<A> = (ctx: CommandContext, input: Invocation<A>) => Promise<Outcome | undefined>;

/** One handler per row of the table, taking that row's argument object. */
export type HandlerTable = { readonly [Id in CommandId]: Handler<ArgsOf<Id>> };

export function isNode(value: unknown): value is BerthNode {
  return !!value && typeof value === 'object' && 'kind' in value && 'key' in value && 'contextValue' in value;
}

function isArgumentObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !isNode(value) && !Array.isArray(value) && !(value instanceof vscode.Uri);
}

function fits(kind: ArgKind, value: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'value':
      return true;
  }
}

const KIND_WORDS: Record<ArgKind, () => string> = {
  string: () => t('a string'),
  strings: () => t('a list of strings'),
  boolean: () => t('true or false'),
  number: () => t('a number'),
  value: () => t('a value'),
};

/** The argument object with every declared field; refuses unknown fields and wrong types with what is accepted. */
function checkArgs(spec: ArgSpec, given: Record<string, unknown>): Record<string, unknown> {
  const accepted = Object.keys(spec);
  for (const [field, value] of Object.entries(given)) {
    const kind = spec[field];
    if (kind === undefined) {
      throw new CommandError(
        accepted.length
          ? t('"{0}" is not one of its arguments ({1}).', field, accepted.join(', '))
          : t('It takes no arguments, but was given "{0}".', field),
      );
    }
    if (value !== undefined && !fits(kind, value)) throw new CommandError(t('"{0}" should be {1}.', field, KIND_WORDS[kind]()));
  }
  return Object.fromEntries(accepted.map((field) => [field, given[field]]));
}

/** Only the fields that were given, for handlers that take the argument object as tasks.json writes it. */
export function givenArgs<A extends object>(args: A): Partial<A> {
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined)) as Partial<A>;
}

/**
 * Turns VS Code's raw arguments into an Invocation for `contract`; `selection` gives a view's
 * selected nodes for a keybinding's `{ fromSelection }`. @throws CommandError for arguments the
 * command does not take.
 */
export function parseInvocation(
  contract: CommandContract,
  raw: readonly unknown[],
  selection: (view: ViewId) => readonly BerthNode[],
): Invocation<Readonly<Record<string, unknown>>> {
  const [first, second] = raw;
  const accepts = (node: BerthNode) => contract.nodes.includes(node.kind);
  let nodes: readonly BerthNode[] = [];
  let given: Record<string, unknown> = {};
  let hasArgs = false;
  let uri: vscode.Uri | undefined;
  if (isNode(first)) {
    // The menu was offered for the clicked node; other selected nodes it cannot act on stay out.
    if (!accepts(first)) throw new CommandError(t('It does not act on {0}.', first.label));
    const selected = Array.isArray(second) && second.every(isNode) && second.some((n) => n.key === first.key) ? second : [first];
    nodes = selected.filter(accepts);
  } else if (first instanceof vscode.Uri) {
    if (!contract.uri) throw new CommandError(t('It does not act on files.'));
    uri = first;
  } else if (isArgumentObject(first)) {
    given = first;
    hasArgs = true;
  } else if (first !== undefined) {
    const shown = (JSON.stringify(first) ?? typeof first).slice(0, 80);
    throw new CommandError(t('It takes an argument object such as { "id": "…" }, not {0}.', shown));
  }
  const args = checkArgs(contract.args, given);
  const view = args.fromSelection;
  if (view !== undefined) {
    if (!VIEW_IDS.includes(view as ViewId)) throw new CommandError(t('"fromSelection" should be one of {0}.', VIEW_IDS.join(', ')));
    nodes = selection(view as ViewId).filter(accepts);
  }
  return { nodes, args, hasArgs, uri };
}
