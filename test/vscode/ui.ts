/**
 * The tests' hands and eyes in the workbench: what a user sees and does (modal dialogs, quick
 * picks and their buttons, input boxes, view rows), through the Playwright page that
 * scripts/vscode-test.mjs drives. The runner serves a loopback endpoint named by BERTH_UI_DRIVER;
 * each verb here is one request to it. Every VS Code DOM selector the tests rely on is in
 * {@link SELECTORS}, so a VS Code upgrade that renames a class touches this one place.
 */
import * as assert from 'node:assert/strict';
import { waitFor } from '../fixtures/waitFor';

/** VS Code 1.100's workbench DOM, as the tests read it. */
export const SELECTORS = {
  dialog: '.monaco-dialog-box',
  dialogMessage: '.monaco-dialog-box .dialog-message-text',
  dialogDetail: '.monaco-dialog-box .dialog-message-detail',
  dialogButton: '.monaco-dialog-box .dialog-buttons .monaco-button',
  quickInput: '.quick-input-widget',
  quickInputTitle: '.quick-input-widget .quick-input-title',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputMessage: '.quick-input-widget .quick-input-message',
  quickInputOk: '.quick-input-widget .quick-input-action .monaco-button',
  /** The rows; a multi-select's are role=checkbox with aria-checked, and aria-label is "label, description". */
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',
  /** An item's button by its tooltip; VS Code shows them on the row's hover or focus only. */
  quickInputRowButton: (tooltip: string) => `.quick-input-list-entry-action-bar .action-label[aria-label="${tooltip}"]`,
  quickInputTitleButton: (tooltip: string) => `.quick-input-widget .quick-input-titlebar .action-label[aria-label="${tooltip}"]`,
  /** A view's rows, by the name its header shows. */
  viewRows: (view: string) => `.pane:has(> .pane-header[aria-label="${view} Section"]) .monaco-list-row`,
} as const;

/** A text filter: a substring, or a regular expression. */
export type TextMatch = string | RegExp;

interface Request {
  verb: string;
  selector?: string;
  text?: string | { regex: string; flags: string };
  index?: number;
  timeoutMs?: number;
  key?: string;
  value?: string;
  path?: string;
}

function endpoint(): string {
  const url = process.env.BERTH_UI_DRIVER;
  assert.ok(url, 'BERTH_UI_DRIVER is not set: these tests need the page that scripts/vscode-test.mjs drives in code-server');
  return url;
}

async function call<T>(request: Request): Promise<T> {
  const response = await fetch(endpoint(), { method: 'POST', body: JSON.stringify(request) });
  const body = (await response.json()) as { value?: T; error?: string };
  if (body.error !== undefined) throw new Error(`ui ${request.verb} ${request.selector ?? request.key ?? ''}: ${body.error}`);
  return body.value as T;
}

const textOf = (match: TextMatch | undefined): Request['text'] =>
  match === undefined ? undefined : typeof match === 'string' ? match : { regex: match.source, flags: match.flags };

/** Waits until an element matching `selector` (and containing `text`) is visible. */
export function waitForElement(selector: string, text?: TextMatch, timeoutMs = 15_000): Promise<void> {
  return call({ verb: 'waitFor', selector, text: textOf(text), timeoutMs });
}

/** Waits until no element matching `selector` (and containing `text`) is visible. */
export function waitForGone(selector: string, text?: TextMatch, timeoutMs = 15_000): Promise<void> {
  return call({ verb: 'waitForGone', selector, text: textOf(text), timeoutMs });
}

/** Clicks the first visible element matching `selector` and `text` (or the `index`th). */
export function click(selector: string, text?: TextMatch, index?: number): Promise<void> {
  return call({ verb: 'click', selector, text: textOf(text), index });
}

/** Moves the mouse over an element: VS Code shows some buttons only on hover. */
export function hover(selector: string, text?: TextMatch): Promise<void> {
  return call({ verb: 'hover', selector, text: textOf(text) });
}

/** The rendered text of every visible element matching `selector`. */
export function texts(selector: string): Promise<string[]> {
  return call({ verb: 'texts', selector });
}

/** An attribute of every visible element matching `selector`. */
export function attributes(selector: string, name: string): Promise<(string | null)[]> {
  return call({ verb: 'attributes', selector, value: name });
}

/** The text of every element matching `selector` in any frame, webviews' included. */
export function frameTexts(selector: string): Promise<string[]> {
  return call({ verb: 'frameTexts', selector });
}

/** Types into whatever has the keyboard focus. */
export function type(value: string): Promise<void> {
  return call({ verb: 'type', value });
}

/** Presses a key or chord, in Playwright's names (`Enter`, `Escape`, `Space`, `Control+A`). */
export function press(key: string): Promise<void> {
  return call({ verb: 'press', key });
}

/** The outer HTML of what matches, for writing a new selector. */
export function html(selector: string): Promise<string[]> {
  return call({ verb: 'html', selector });
}

/** Saves a screenshot of the page, for a failing test's author. */
export function screenshot(path: string): Promise<void> {
  return call({ verb: 'screenshot', path });
}

// --- VS Code's widgets ------------------------------------------------------------------------

/** A modal dialog as shown: its message, detail and buttons. */
export interface DialogView {
  message: string;
  detail: string;
  buttons: string[];
}

/** Waits for a modal dialog whose message contains `message` and reads it. */
export async function waitForDialog(message: TextMatch, timeoutMs = 15_000): Promise<DialogView> {
  await waitForElement(SELECTORS.dialogMessage, message, timeoutMs);
  const [shownMessage = '', detail = '', buttons] = await Promise.all([
    texts(SELECTORS.dialogMessage).then((t) => t[0]),
    texts(SELECTORS.dialogDetail).then((t) => t[0]),
    texts(SELECTORS.dialogButton),
  ]);
  return { message: shownMessage, detail, buttons: buttons.map((b) => b.trim()) };
}

/** Clicks a dialog's button by its label and waits for the dialog to close. */
export async function answerDialog(button: string): Promise<void> {
  await click(SELECTORS.dialogButton, new RegExp(`^\\s*${escapeRegExp(button)}\\s*$`));
  await waitForGone(SELECTORS.dialog);
}

/** One quick-pick row as shown: its label (and description) and, for a multi-select, whether it is checked. */
export interface QuickPickRow {
  text: string;
  checked: boolean | undefined;
}

/** Waits for the quick input to show (with a title containing `title`, when given). */
export async function waitForQuickInput(title?: TextMatch, timeoutMs = 15_000): Promise<void> {
  if (title === undefined) await waitForElement(SELECTORS.quickInput, undefined, timeoutMs);
  else await waitForElement(SELECTORS.quickInputTitle, title, timeoutMs);
}

/** The rows the quick pick shows now (separators are not rows). */
export async function quickPickRows(): Promise<QuickPickRow[]> {
  const [labels, checked] = await Promise.all([
    attributes(SELECTORS.quickInputRow, 'aria-label'),
    attributes(SELECTORS.quickInputRow, 'aria-checked'),
  ]);
  return labels.map((label, i) => ({
    text: label ?? '',
    checked: checked[i] === null || checked[i] === undefined ? undefined : checked[i] === 'true',
  }));
}

/** Toggles a multi-select row's check box by clicking it, as a user does. */
export function toggleQuickPickRow(label: string): Promise<void> {
  return click(`${SELECTORS.quickInputRow}[aria-label^="${label}"] .monaco-checkbox`);
}

/** Clicks an item's button (hovering its row first, which is what shows it). */
export async function clickQuickPickItemButton(rowLabel: TextMatch, tooltip: string): Promise<void> {
  await hover(SELECTORS.quickInputRow, rowLabel);
  await click(`${SELECTORS.quickInputRow} ${SELECTORS.quickInputRowButton(tooltip)}`);
}

/** Waits until the quick pick's rows satisfy `accept`; resolves with them, or rejects saying what it saw. */
export async function waitForQuickPickRows(
  accept: (rows: QuickPickRow[]) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<QuickPickRow[]> {
  let last: QuickPickRow[] = [];
  try {
    return await waitFor(
      what,
      async () => {
        last = await quickPickRows();
        return accept(last) ? last : undefined;
      },
      timeoutMs,
      100,
    );
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; the rows shown: ${JSON.stringify(last)}`, { cause: error });
  }
}

/** The visible rows of a view (as its header names it), as screen readers hear them (aria-label). */
export async function viewRows(view: string): Promise<string[]> {
  return (await attributes(SELECTORS.viewRows(view), 'aria-label')).map((label) => label ?? '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
