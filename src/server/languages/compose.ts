/**
 * Compose files as a language of the server: the `dockercompose` documents (compose.yaml,
 * docker-compose.yml, their `.override` and `compose.<env>.yaml` variants). Every feature is the
 * Compose core's (src/compose) over the document's project: the file with its override, its
 * `include:`s, `extends` files and the files `COMPOSE_FILE` lists.
 *
 * The core reads the project's other files synchronously through a host; here that host answers
 * from the document's Workspace, so an open editor's unsaved text counts (a Dockerfile's stages
 * follow its edits) and the wiring re-validates a compose file when a file it read changes. The
 * parse is the core's own too: one ComposeWorkspace for the server keeps one parse per file, which
 * an edit re-parses piece by piece and the other files' projects share, so the wiring's model is
 * just the text.
 */
import { homedir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { CodeActionParams } from 'vscode-languageserver';
import { CodeActionKind, DocumentHighlightKind, type CodeAction, type Diagnostic } from 'vscode-languageserver-types';
import {
  completeCompose,
  resolveComposeItem,
  composeCodeActions,
  composeDefinition,
  composeLinks,
  composeReferences,
  composeSymbols,
  composeWantsImages,
  ComposeWorkspace,
  hoverCompose,
  lintCompose,
  prepareComposeRename,
  renameCompose,
  type ComposeHost,
  type ComposeProject,
} from '../../compose';
import { EVERY_RULE_CODE } from '../../compose/catalog';
import { mergeSettings } from '../../dockerfile/config';
import { ConfigFiles } from '../../dockerfile/configFiles';
import type { LintSettings } from '../../dockerfile/settings';
import type { LocalImage } from '../../shared/localImage';
import { changesConfigFile, readClientSettings } from '../clientSettings';
import { fileKey, filePath } from '../documents';
import { overlaps, RequestRefused, type Language, type LanguageDocument, type LanguageHost, type Workspace } from '../language';
import { COMPOSE_LANGUAGE_ID, COMPOSE_SHAPE } from './composeShape';

/** Hover and completion wait this long for the engine's image list, then answer without it. */
const ENGINE_WAIT_MS = 400;
/** A select-all over a broken file can touch thousands of findings; no menu shows that many. */
const MAX_FIXED_DIAGNOSTICS = 100;
/**
 * How long a file's existence, once asked, is taken as known. The checks ask about every build
 * context, Dockerfile and env_file on each keystroke; file events only cover the files the server
 * watches (not folders, not env files of any name), so answers are dropped on any file event and
 * also after this long: a folder created meanwhile shows on the next keystroke after it.
 */
const STAT_FRESH_MS = 1000;
/** What Compose accepts as a service, network, volume, secret or config name. */
const NAME = /^[a-zA-Z0-9._-]+$/;

export interface ComposeSettings {
  lint: LintSettings;
}

type Doc = LanguageDocument<string, undefined, ComposeSettings>;

/** The request being answered: whose Workspace the core's host reads through. */
interface Request {
  workspace: Workspace;
  file: string;
  uri: string;
  images: readonly LocalImage[] | undefined;
}

/** The Compose language for one server. */
export function composeLanguage(host: LanguageHost): Language<string, undefined, ComposeSettings> {
  const configFiles = new ConfigFiles(EVERY_RULE_CODE);
  let snippetEdits = false;

  // The core calls its host synchronously inside each feature, so one request at a time is current.
  let current: Request | undefined;
  const stats = new Map<string, { answer: 'file' | 'directory' | undefined; at: number }>();
  let openUris: string[] = [];
  const stat = (file: string) => {
    const now = performance.now();
    const known = stats.get(file);
    if (known && now - known.at < STAT_FRESH_MS) return known.answer;
    if (!current) return undefined;
    const answer = current.workspace.stat(file);
    if (stats.size > 10_000) stats.clear();
    stats.set(file, { answer, at: now });
    return answer;
  };
  const composeHost: ComposeHost = {
    readFile: (file) => current?.workspace.text(file),
    stat,
    // Compose interpolates from the environment it runs in: the one the editor was started from,
    // which is fixed for the server's life. A copy: each read of process.env is a call into C++.
    env: { ...process.env },
    get localImages() {
      return current?.images;
    },
    // Edits to the document asked about name it as the client does.
    uri: (file) => (file === current?.file ? current.uri : pathToFileURL(file).href),
  };
  const workspace = new ComposeWorkspace(composeHost);

  /** Runs `feature` on the document's project, with the host reading through the document's Workspace. */
  const withProject = <T>(doc: Doc, images: readonly LocalImage[] | undefined, feature: (project: ComposeProject) => T): T => {
    const file = documentPath(doc.uri, doc.workspace.folders);
    const outer = current;
    current = { workspace: doc.workspace, file, uri: doc.uri, images };
    try {
      return feature(workspace.project(file, workspace.document(file, doc.text.getText())));
    } finally {
      current = outer;
    }
  };

  const images = async (): Promise<LocalImage[] | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ENGINE_WAIT_MS);
    });
    try {
      return await Promise.race([host.engineImages(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };

  /**
   * Runs `feature` at a position, with the engine's images when the feature shows them there.
   * Elsewhere (most positions) the engine is not asked and the project is read once.
   */
  const withImagesAt = async <T>(
    doc: Doc,
    position: { line: number; character: number },
    feature: (project: ComposeProject) => T,
  ): Promise<T> => {
    const without = withProject(doc, undefined, (project) =>
      composeWantsImages(project, position) ? undefined : { result: feature(project) },
    );
    if (without) return without.result;
    return withProject(doc, await images(), feature);
  };

  const quickFixes = async (doc: Doc, params: CodeActionParams, diagnostics: Diagnostic[]): Promise<CodeAction[]> => {
    const only = params.context?.only;
    if (only && !only.some((kind) => kind === '' || kind === CodeActionKind.QuickFix || kind.startsWith(`${CodeActionKind.QuickFix}.`))) {
      return [];
    }
    const relevant = diagnostics.filter((d) => overlaps(d.range, params.range)).slice(0, MAX_FIXED_DIAGNOSTICS);
    if (!relevant.length) return [];
    // Pinning a tag offers the tags the engine has.
    const localImages = relevant.some((d) => String(d.code).startsWith('image-')) ? await host.engineImages() : undefined;
    return withProject(doc, localImages, (project) => composeCodeActions(project, relevant, { snippetSupport: snippetEdits }));
  };

  return {
    // Its ids, watched files and trigger characters: what the server advertises before it loads this.
    name: COMPOSE_SHAPE.name,
    languageIds: COMPOSE_SHAPE.languageIds,
    watchedFiles: COMPOSE_SHAPE.watchedFiles,

    initialize(client) {
      snippetEdits = client.workspace?.workspaceEdit?.snippetEditSupport === true;
    },
    parse: (text) => text,

    // As for Dockerfiles: the client's berth.rules over the nearest .hadolint.yaml (its `rules:`
    // may name Compose rules). Never rejects: a config file that cannot be read is a reported problem.
    async settings({ uri, section, folder }) {
      const client = readClientSettings(section);
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
      return { lint: mergeSettings(fromFile, client.lint) };
    },
    filesChanged(uris) {
      configFiles.clear();
      stats.clear();
      return changesConfigFile(uris);
    },

    async diagnostics(doc) {
      const settings = await doc.settings();
      // Depend on every open Compose file: opening an override file re-validates the file it overrides.
      const open = doc.workspace.openDocuments(COMPOSE_LANGUAGE_ID);
      // An override file opened (or saved) before any file event arrives is there now.
      if (open.length !== openUris.length || open.some((d, i) => d.uri !== openUris[i])) {
        stats.clear();
        openUris = open.map((d) => d.uri);
      }
      return withProject(doc, undefined, (project) => lintCompose(project, settings.lint));
    },
    codeActions: { kinds: COMPOSE_SHAPE.codeActionKinds, provide: quickFixes },
    completion: {
      triggerCharacters: COMPOSE_SHAPE.completion.triggerCharacters,
      provide: (doc, params) => withImagesAt(doc, params.position, (project) => completeCompose(project, params.position)),
      resolve: resolveComposeItem,
    },
    hover: (doc, params) => withImagesAt(doc, params.position, (project) => hoverCompose(project, params.position)),
    definition: (doc, params) => withProject(doc, undefined, (project) => composeDefinition(project, params.position)),
    references: (doc, params) =>
      withProject(doc, undefined, (project) => composeReferences(project, params.position, params.context?.includeDeclaration ?? true)),
    documentHighlights: (doc, params) =>
      withProject(doc, undefined, (project) =>
        composeReferences(project, params.position, true)
          .filter((location) => location.uri === doc.uri)
          .map((location) => ({ range: location.range, kind: DocumentHighlightKind.Text })),
      ),
    rename: {
      prepare: (doc, params) => withProject(doc, undefined, (project) => prepareComposeRename(project, params.position) ?? null),
      provide(doc, params) {
        if (!NAME.test(params.newName)) {
          throw new RequestRefused(`'${params.newName}' is not a name Compose accepts: use letters, digits, '.', '_' and '-'.`);
        }
        return withProject(doc, undefined, (project) => renameCompose(project, params.position, params.newName) ?? null);
      },
    },
    documentSymbols: (doc) => {
      const file = documentPath(doc.uri, doc.workspace.folders);
      return composeSymbols(workspace.document(file, doc.text.getText()));
    },
    documentLinks: (doc) => withProject(doc, undefined, (project) => composeLinks(project)),
  };
}

/**
 * Where the core places a document: its file, or for an unsaved one a path in the first workspace
 * folder (where it is likely to be saved, so relative paths in it resolve there) that no file has.
 */
function documentPath(uri: string, folders: readonly string[]): string {
  // Asked on every request: a file URI's key is its resolved path, remembered once parsed.
  const key = fileKey(uri);
  if (key !== uri) return key;
  const name = uri.replace(/^[a-z][a-z0-9+.-]*:/i, '').replace(/[\\/:*?"<>|]/g, '_') || 'untitled';
  return path.join(folders[0] ?? homedir(), `.berth-unsaved-${name}`);
}
