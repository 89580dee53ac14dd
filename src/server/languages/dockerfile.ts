/**
 * Dockerfiles (and Containerfiles) as a language of the server: the model is the Dockerfile core's
 * parse, kept up to date edit by edit; lint, quick fixes, Fix All and every editing feature are
 * pure functions of it (src/dockerfile). Settings are the client's `berth` section over the
 * nearest `.hadolint.yaml`.
 */
import * as path from 'node:path';
import {
  CodeActionKind,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
} from 'vscode-languageserver';
import { EVERY_RULE_CODE } from '../../compose/catalog';
import { complete, completesImages } from '../../dockerfile/completion';
import { mergeSettings } from '../../dockerfile/config';
import { ConfigFiles } from '../../dockerfile/configFiles';
import { fixAllSteps, type FixAllResult } from '../../dockerfile/fixAll';
import { codeActions } from '../../dockerfile/fixes';
import { foldingRanges } from '../../dockerfile/folding';
import { formatDocument, formatOnType, formatRange, type FormatSettings } from '../../dockerfile/format';
import { hover, hoversImage, type EngineImage } from '../../dockerfile/hover';
import { reparse } from '../../dockerfile/incremental';
import { lintDocument } from '../../dockerfile/lint';
import { documentLinks } from '../../dockerfile/links';
import { instructionAt, offsetAt, rangeOf, type Dockerfile } from '../../dockerfile/model';
import { definition, documentHighlights, references } from '../../dockerfile/navigation';
import { parse } from '../../dockerfile/parser';
import { isRenameRefusal, prepareRename, rename } from '../../dockerfile/rename';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from '../../dockerfile/semanticTokens';
import type { DockerignoreFile, LintSettings } from '../../dockerfile/settings';
import { LintMemo, withLintMemo } from '../../dockerfile/lintMemo';
import {
  EXCLUDED_CHECKS,
  ShellCheckScriptMemo,
  shellCheckDiagnostics,
  shellCheckLevel,
  shellCheckScripts,
} from '../../dockerfile/shellcheck';
import { ShellChecker } from '../../shared/shellcheck';
import { signatureHelp } from '../../dockerfile/signature';
import { documentSymbols } from '../../dockerfile/symbols';
import { DOCKERIGNORE_GLOB, dockerignoreCandidates } from '../../shared/dockerignore';
import { changesConfigFile, readClientSettings } from '../clientSettings';
import { filePath } from '../documents';
import { overlaps, RequestRefused, type Language, type LanguageDocument, type LanguageHost } from '../language';

/** The code action kind of Fix All: `source.fixAll.berth`. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.berth`;
/** Hover and completion wait this long for the engine's image list, then answer without it. */
const ENGINE_WAIT_MS = 400;
/** A select-all over a broken file can touch thousands of findings; no menu shows that many. */
const MAX_FIXED_DIAGNOSTICS = 100;

export interface DockerfileSettings {
  lint: LintSettings;
  /** `berth.format.*`. */
  format: FormatSettings;
  /** `berth.shellcheck.*`: ShellCheck on RUN scripts, and which program (undefined: `shellcheck` on PATH). */
  shellcheck: { enabled: boolean; path: string | undefined };
}

/** What the server keeps per open Dockerfile beyond its model. */
export interface DockerfileState {
  /** Shell splits, variable references and RUN hints of the last lint, so a keystroke recomputes them only for the instruction it changed. */
  lintMemo: LintMemo;
  /** ShellCheck's last findings by the source text of their RUN, offsets from its start: shown again while the RUN is unchanged. */
  carried: Map<string, CarriedFinding[]>;
  /** The scripts of each RUN, so a keystroke rebuilds only the RUN it changed. */
  scriptMemo: ShellCheckScriptMemo;
}

type Doc = LanguageDocument<Dockerfile, DockerfileState, DockerfileSettings>;

/** The Dockerfile language for one server. */
export function dockerfileLanguage(host: LanguageHost): Language<Dockerfile, DockerfileState, DockerfileSettings> {
  // The file may name Compose rules too (the Compose language reads the same file).
  const configFiles = new ConfigFiles(EVERY_RULE_CODE);
  let snippets = false;
  let snippetEdits = false;
  /** The client's cap on folding ranges (rangeLimit), if it sent one. */
  let foldingLimit: number | undefined;

  const images = async (): Promise<EngineImage[] | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ENGINE_WAIT_MS);
    });
    try {
      return await Promise.race([host.engineImages(), deadline]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };

  /** One ShellCheck memory per program; a program that could not run is not asked again until the settings change. */
  const checkers = new Map<string, ShellChecker>();
  const unavailable = new Set<string>();
  const logged = new Set<string>();
  const checkerFor = (settings: DockerfileSettings): ShellChecker | undefined => {
    if (!settings.shellcheck.enabled || shellCheckLevel(settings.lint) === 'off') return undefined;
    const program = settings.shellcheck.path ?? 'shellcheck';
    if (unavailable.has(program)) return undefined;
    let checker = checkers.get(program);
    if (!checker) checkers.set(program, (checker = new ShellChecker(program, { exclude: EXCLUDED_CHECKS })));
    return checker;
  };

  /**
   * Berth's own findings, with ShellCheck's last findings on the RUNs whose text is unchanged: those
   * show at once, without building a script on the typing path. `lateDiagnostics` then checks the
   * RUNs that changed and corrects the rest (a new ENV, a pragma above a RUN).
   */
  const lint = async (doc: Doc): Promise<Diagnostic[]> => {
    const settings = await doc.settings();
    const model = doc.model;
    const dockerignore = dockerignoreOf(doc);
    const lintSettings = dockerignore ? { ...settings.lint, dockerignore } : settings.lint;
    const own = withLintMemo(doc.state.lintMemo, () => lintDocument(model, lintSettings));
    if (!checkerFor(settings)) {
      doc.state.carried.clear();
      return own;
    }
    const carried = carriedFindings(model, doc.state.carried);
    return carried.length ? inOrder([...own, ...carried]) : own;
  };

  /** ShellCheck on the RUNs it has not seen, off the typing path; the complete list again, or undefined when the first publish had it right. */
  const lateLint = async (doc: Doc, early: Diagnostic[], signal: AbortSignal): Promise<Diagnostic[] | undefined> => {
    const settings = await doc.settings();
    const checker = checkerFor(settings);
    if (!checker || signal.aborted) return undefined;
    const model = doc.model;
    const scripts = shellCheckScripts(model, doc.state.scriptMemo);
    const texts = scripts.map((script) => script.text);
    const unseen = texts.some((text) => checker.remembered(text) === undefined);
    if (unseen) {
      const problem = await checker.check(texts, signal);
      if (signal.aborted) return undefined;
      if (problem) {
        if (problem.missing) unavailable.add(checker.program);
        const line = problem.missing
          ? `ShellCheck is not installed (${problem.problem}), so RUN scripts are not checked by it. Install it (apt-get install shellcheck, brew install shellcheck) or set berth.shellcheck.path; berth.shellcheck.enabled: false turns this off.`
          : `ShellCheck did not check the RUN scripts: ${problem.problem}.`;
        if (!logged.has(line)) host.log(line);
        logged.add(line);
        return undefined;
      }
    }
    const found = shellCheckDiagnostics(model, scripts, (script) => checker.remembered(script), settings.lint);
    doc.state.carried = carry(model, found);
    const before = early.filter((d) => d.source === 'shellcheck');
    if (!unseen && JSON.stringify(before) === JSON.stringify(found)) return undefined;
    return inOrder([...early.filter((d) => d.source !== 'shellcheck'), ...found]);
  };

  /**
   * The ignore file of the Dockerfile's folder, read through the workspace: cached until the
   * watcher reports it changed, and remembered as what the diagnostics read, so that change
   * re-lints the Dockerfiles beside it.
   */
  const dockerignoreOf = (doc: Doc): DockerignoreFile | undefined => {
    const file = filePath(doc.uri);
    if (!file) return undefined;
    for (const candidate of dockerignoreCandidates(file)) {
      const text = doc.workspace.text(candidate);
      if (text !== undefined) return { name: path.basename(candidate), text };
    }
    return undefined;
  };

  /**
   * `source.fixAll.berth`: every safe fix of the file as one edit, for "Fix All" in the Source
   * Action menu and editor.codeActionsOnSave. Only when asked for by kind, never in the lightbulb.
   * It yields between rounds, so an edit typed meanwhile is linted and published at once; that edit
   * ends it (ContentModified: its fixes were for the old text), and so does a cancellation.
   */
  const fixAllAction = async (doc: Doc, params: CodeActionParams, token?: CancellationToken): Promise<CodeAction[]> => {
    const only = params.context?.only;
    if (!only?.some((kind) => kind === CodeActionKind.Source || kind === CodeActionKind.SourceFixAll || kind === FIX_ALL_KIND)) return [];
    const settings = await doc.settings();
    const revision = doc.revision;
    const text = doc.text.getText();
    const steps = fixAllSteps(text, settings.lint);
    let result: FixAllResult;
    for (;;) {
      const step = steps.next();
      if (step.done) {
        result = step.value;
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
      if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'Fix All was cancelled.');
      if (doc.revision !== revision) {
        throw new ResponseError(LSPErrorCodes.ContentModified, 'The document changed while Fix All ran; run it again.');
      }
    }
    const { text: fixed, applied } = result;
    if (!applied.length) return [];
    // One edit over the part that changed, so the cursor and folds elsewhere stay put.
    let start = 0;
    while (start < text.length && start < fixed.length && text[start] === fixed[start]) start++;
    let end = 0;
    while (end < text.length - start && end < fixed.length - start && text[text.length - 1 - end] === fixed[fixed.length - 1 - end]) end++;
    const range = { start: doc.text.positionAt(start), end: doc.text.positionAt(text.length - end) };
    return [
      {
        title: `Fix all Berth findings with a safe fix (${applied.length})`,
        kind: FIX_ALL_KIND,
        edit: { changes: { [doc.uri]: [{ range, newText: fixed.slice(start, fixed.length - end) }] } },
      },
    ];
  };

  const quickFixes = async (doc: Doc, params: CodeActionParams, diagnostics: Diagnostic[]): Promise<CodeAction[]> => {
    const only = params.context?.only;
    if (only && !only.some((kind) => kind === '' || kind === CodeActionKind.QuickFix || kind.startsWith(`${CodeActionKind.QuickFix}.`))) {
      return [];
    }
    // ShellCheck's findings may have come in the late publish only: the client's copy of them counts too.
    const known = new Set(diagnostics.map((d) => `${String(d.code)}@${JSON.stringify(d.range)}`));
    const late = (params.context?.diagnostics ?? []).filter(
      (d) => d.source === 'shellcheck' && !known.has(`${String(d.code)}@${JSON.stringify(d.range)}`),
    );
    const relevant = [...diagnostics, ...late].filter((d) => overlaps(d.range, params.range)).slice(0, MAX_FIXED_DIAGNOSTICS);
    if (!relevant.length) return [];
    const localImages = relevant.some((d) => String(d.code).startsWith('image-')) ? await host.engineImages() : undefined;
    const actions = codeActions(doc.text.getText(), relevant, params.range, { uri: doc.uri, localImages, snippetSupport: snippetEdits });
    return actions
      .map((action) => (action.kind ? action : { ...action, kind: CodeActionKind.QuickFix }))
      .filter((action) => !only || only.some((kind) => kind === '' || action.kind === kind || action.kind!.startsWith(`${kind}.`)));
  };

  return {
    name: 'Dockerfile',
    languageIds: ['dockerfile'],
    watchedFiles: ['**/.hadolint.{yaml,yml}', DOCKERIGNORE_GLOB],

    initialize(client) {
      snippets = client.textDocument?.completion?.completionItem?.snippetSupport === true;
      snippetEdits = client.workspace?.workspaceEdit?.snippetEditSupport === true;
      foldingLimit = client.textDocument?.foldingRange?.rangeLimit;
    },
    parse,
    reparse: (model, change, text) => reparse(model, change, text),
    newState: () => ({ lintMemo: new LintMemo(), carried: new Map(), scriptMemo: new ShellCheckScriptMemo() }),

    // Never rejects: a config file that cannot be read is a reported problem, not a failure.
    async settings({ uri, section, folder }) {
      const client = readClientSettings(section);
      // New settings may name a program that is there now.
      unavailable.clear();
      host.reportOnce(client.problems, 'the berth settings');
      let fromFile: LintSettings | undefined;
      const file = client.hadolintConfig ? filePath(uri) : undefined;
      if (file) {
        const found = await configFiles.find(path.dirname(file), folder);
        if (found) {
          host.reportOnce(found.result.problems, found.path);
          fromFile = found.result.settings;
        }
      }
      // The editor's explicit per-rule choices win over the shared file.
      return { lint: mergeSettings(fromFile, client.lint), format: client.format, shellcheck: client.shellcheck };
    },
    filesChanged(uris) {
      configFiles.clear();
      return changesConfigFile(uris);
    },

    diagnostics: lint,
    lateDiagnostics: lateLint,
    codeActions: {
      kinds: [CodeActionKind.QuickFix, FIX_ALL_KIND],
      async provide(doc, params, diagnostics, token) {
        return [...(await quickFixes(doc, params, diagnostics)), ...(await fixAllAction(doc, params, token))];
      },
    },
    completion: {
      triggerCharacters: ['$', '{', '-', '=', ',', ':', '#', ' '],
      async provide(doc, params) {
        const localImages = completesImages(doc.model, params.position) ? await images() : undefined;
        return complete(doc.model, params.position, { localImages, snippets });
      },
    },
    async hover(doc, params) {
      const localImages = hoversImage(doc.model, params.position) ? await images() : undefined;
      return hover(doc.model, params.position, { localImages });
    },
    signatureHelp: {
      triggerCharacters: [' ', '-', '=', ','],
      retriggerCharacters: [',', '='],
      provide: (doc, params) => signatureHelp(doc.model, params.position),
    },
    definition: (doc, params) => definition(doc.model, doc.uri, params.position),
    references: (doc, params) => references(doc.model, doc.uri, params.position, params.context?.includeDeclaration ?? true),
    documentHighlights: (doc, params) => documentHighlights(doc.model, params.position),
    rename: {
      prepare(doc, params) {
        const result = prepareRename(doc.model, params.position);
        if (isRenameRefusal(result)) throw new RequestRefused(result.message);
        return result;
      },
      provide(doc, params) {
        const result = rename(doc.model, doc.uri, params.position, params.newName);
        if (isRenameRefusal(result)) throw new RequestRefused(result.message);
        return result;
      },
    },
    documentSymbols: (doc) => documentSymbols(doc.model),
    documentLinks: (doc) => documentLinks(doc.model),
    foldingRanges: (doc) => foldingRanges(doc.model, foldingLimit),
    formatting: {
      // Settings first, then the model: edits must be computed on the text they will apply to.
      document: async (doc, params) => {
        const { format } = await doc.settings();
        return formatDocument(doc.model, params.options, format);
      },
      range: async (doc, params) => {
        const { format } = await doc.settings();
        return formatRange(doc.model, params.range, params.options, format);
      },
      // A new line after a continuation escape gets the continuation indent; so does typing
      // the escape at the end of a line (either escape character).
      onType: {
        firstTriggerCharacter: '\n',
        moreTriggerCharacters: ['\\', '`'],
        provide: async (doc, params) => {
          const { format } = await doc.settings();
          return formatOnType(doc.model, params.position, params.ch, params.options, format);
        },
      },
    },
    semanticTokens: {
      legend: SEMANTIC_TOKENS_LEGEND,
      full: (doc) => semanticTokens(doc.model).data,
      range: (doc, range) => semanticTokens(doc.model, range).data,
    },
  };
}

/** Source order, Berth's own before ShellCheck's at one position (the sort is stable). */
function inOrder(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** A ShellCheck finding kept with its RUN: offsets from the RUN's start. */
interface CarriedFinding {
  start: number;
  end: number;
  diagnostic: Diagnostic;
}

/** The findings of each RUN by its source text, for `carriedFindings` on the next keystrokes. */
function carry(model: Dockerfile, found: Diagnostic[]): Map<string, CarriedFinding[]> {
  const out = new Map<string, CarriedFinding[]>();
  for (const diagnostic of found) {
    const start = offsetAt(model, diagnostic.range.start);
    const run = instructionAt(model, start);
    if (!run) continue;
    const key = model.text.slice(run.span.start, run.span.end);
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push({ start: start - run.span.start, end: offsetAt(model, diagnostic.range.end) - run.span.start, diagnostic });
  }
  return out;
}

/** The carried findings of the RUNs whose text is as it was, on their RUN's place now. */
function carriedFindings(model: Dockerfile, carried: Map<string, CarriedFinding[]>): Diagnostic[] {
  if (carried.size === 0) return [];
  const out: Diagnostic[] = [];
  for (const instruction of model.instructions) {
    if (instruction.keyword !== 'RUN') continue;
    const from = instruction.span.start;
    const found = carried.get(model.text.slice(from, instruction.span.end));
    if (!found) continue;
    for (const f of found) out.push({ ...f.diagnostic, range: rangeOf(model, { start: from + f.start, end: from + f.end }) });
  }
  return out;
}
