/**
 * A Compose project: the files Compose would load together, read through the host, parsed once
 * per text. `compose.yaml` with its `compose.override.yaml`, a `compose.<env>.yaml` over
 * `compose.yaml`, the files `COMPOSE_FILE` lists, and everything they `include:`.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseDockerfile } from '../dockerfile/parser';
import { parseCompose, type ComposeDocument, type PairNode } from './document';
import { parseDotEnv, type ComposeHost } from './host';
import { fileModel, type FileModel, type SymbolKind } from './model';
import { COMPOSE_NAME } from './names';
import { asMap, asSeq, stringValue, valueOf } from './tree';

// In a module of its own so `berth lint` can tell Compose files by name without loading the parser.
export { isComposeFile } from './names';

/** A file of a project: its parse and model, and how it joined. */
export interface ComposeFile {
  path: string;
  uri: string;
  /** The folder relative paths in the file resolve against. */
  dir: string;
  doc: ComposeDocument;
  model: FileModel;
  /** How the file joined the project. */
  role: 'main' | 'override' | 'include' | 'extends';
}

/** Where a project declares a name. */
export interface Declaration {
  file: ComposeFile;
  pair: PairNode;
}

/** The files Compose loads together, seen from one of them. */
export interface ComposeProject {
  host: ComposeHost;
  /** The file the request is about. */
  file: ComposeFile;
  /** Every file of the project, in the order Compose merges them; `file` among them. */
  files: ComposeFile[];
  /** The project directory: where `.env` is read. */
  directory: string;
  /** A variable as interpolation sees it: the environment first, then the project's `.env`. */
  variable(name: string): string | undefined;
  /** Declarations across the project's files, by kind and name. */
  declarations(kind: SymbolKind): Map<string, Declaration[]>;
  /** Another Compose file (an `extends: file:`), parsed through the same cache. */
  composeFile(path: string): ComposeFile | undefined;
  /** The stage names of a Dockerfile, or undefined when it cannot be read. Follows the host's current text. */
  dockerfileStages(path: string): string[] | undefined;
  /** The stage names of a `dockerfile_inline` text. */
  inlineStages(text: string): string[];
}

const MAX_INCLUDE_DEPTH = 8;

/**
 * Parses and caches the project files features ask about. One per host; it holds parses of the
 * files the open documents refer to, keyed by path and text, so a project is re-read per edit
 * without re-parsing what did not change.
 */
export class ComposeWorkspace {
  private readonly docs = new Map<string, ComposeDocument>();
  private readonly dotenvs = new Map<string, { text: string; vars: Map<string, string> }>();
  private readonly stages = new Map<string, { text: string; names: string[] }>();
  private readonly inline = new Map<string, string[]>();

  constructor(readonly host: ComposeHost) {}

  /** The parse of `text`, reusing the previous parse of the same path. */
  document(file: string, text: string): ComposeDocument {
    const previous = this.docs.get(file);
    if (previous && previous.text === text) return previous;
    const doc = parseCompose(text, previous);
    // Now, while the previous parse's model can still lend the services an edit left alone.
    if (previous) fileModel(doc, previous);
    this.docs.set(file, doc);
    return doc;
  }

  /** Drops a file's cached parse (the file was closed or deleted). */
  forget(file: string): void {
    this.docs.delete(file);
    this.stages.delete(file);
    this.dotenvs.delete(file);
  }

  /** The project `file` belongs to, with `doc` as its current parse. */
  project(file: string, doc: ComposeDocument): ComposeProject {
    // One answer per path for the whole request: the rules ask about the same Dockerfile and
    // folders once per service, and the host is asked once.
    const host = snapshot(this.host);
    const uri = (p: string) => host.uri?.(p) ?? pathToFileURL(p).href;
    const loaded = new Map<string, ComposeFile>();
    const load = (p: string, role: ComposeFile['role']): ComposeFile | undefined => {
      const existing = loaded.get(p);
      if (existing) return existing;
      let d: ComposeDocument;
      if (p === file) d = doc;
      else {
        const text = host.readFile(p);
        if (text === undefined) return undefined;
        d = this.document(p, text);
      }
      if (p === file) this.docs.set(file, doc);
      const f: ComposeFile = { path: p, uri: uri(p), dir: path.dirname(p), doc: d, model: fileModel(d), role };
      loaded.set(p, f);
      return f;
    };

    const dir = path.dirname(file);
    const dotenv = this.dotenv(path.join(dir, '.env'));
    const files: ComposeFile[] = [];
    for (const [p, role] of this.projectFiles(file, dir, dotenv)) {
      const f = load(p, role);
      if (f) files.push(f);
    }
    // Included files join the project, and what they include, once each.
    const queue = files.map((f) => ({ f, depth: 0 }));
    while (queue.length > 0) {
      const { f, depth } = queue.shift()!;
      if (depth >= MAX_INCLUDE_DEPTH) continue;
      for (const included of includedPaths(f)) {
        if (loaded.has(included)) continue;
        const g = load(included, 'include');
        if (!g) continue;
        files.push(g);
        queue.push({ f: g, depth: depth + 1 });
      }
    }
    const self = loaded.get(file) ?? load(file, 'main')!;
    if (!files.includes(self)) files.unshift(self);
    const directory = files[0]?.dir ?? dir;
    const projectEnv = directory === dir ? dotenv : this.dotenv(path.join(directory, '.env'));
    const byKind = new Map<SymbolKind, Map<string, Declaration[]>>();
    return {
      host,
      file: self,
      files,
      directory,
      variable: (name) => host.env[name] ?? projectEnv.get(name),
      declarations(kind) {
        let map = byKind.get(kind);
        if (!map) {
          map = new Map();
          for (const f of files) {
            for (const pair of f.model.declarations[kind]) {
              const list = map.get(pair.name);
              if (list) list.push({ file: f, pair });
              else map.set(pair.name, [{ file: f, pair }]);
            }
          }
          byKind.set(kind, map);
        }
        return map;
      },
      composeFile: (p) => load(p, 'extends'),
      dockerfileStages: (p) => this.dockerfileStages(p, host),
      inlineStages: (text) => this.inlineStages(text),
    };
  }

  /** The files loaded with `file`, in merge order. */
  private projectFiles(file: string, dir: string, dotenv: Map<string, string>): [string, ComposeFile['role']][] {
    const listed = this.host.env.COMPOSE_FILE ?? dotenv.get('COMPOSE_FILE');
    if (listed) {
      const separator = this.host.env.COMPOSE_PATH_SEPARATOR ?? dotenv.get('COMPOSE_PATH_SEPARATOR') ?? path.delimiter;
      const paths = listed
        .split(separator)
        .filter((p) => p.trim() !== '')
        .map((p) => path.resolve(dir, p.trim()));
      if (paths.includes(file)) return paths.map((p, i) => [p, i === 0 ? 'main' : 'override']);
    }
    const m = COMPOSE_NAME.exec(path.basename(file));
    if (!m) return [[file, 'main']];
    const [, stem, middle] = m;
    const find = (name: string) =>
      ['yaml', 'yml'].map((ext) => path.join(dir, `${name}.${ext}`)).find((p) => p === file || this.host.stat(p) === 'file');
    if (middle === undefined) {
      const override = find(`${stem}.override`);
      return override
        ? [
            [file, 'main'],
            [override, 'override'],
          ]
        : [[file, 'main']];
    }
    const main = find(stem);
    return main
      ? [
          [main, 'main'],
          [file, 'override'],
        ]
      : [[file, 'main']];
  }

  private dotenv(file: string): Map<string, string> {
    const text = this.host.readFile(file);
    if (text === undefined) return new Map();
    const cached = this.dotenvs.get(file);
    if (cached && cached.text === text) return cached.vars;
    const vars = parseDotEnv(text);
    this.dotenvs.set(file, { text, vars });
    return vars;
  }

  private dockerfileStages(file: string, host: ComposeHost): string[] | undefined {
    const text = host.readFile(file);
    if (text === undefined) return undefined;
    const cached = this.stages.get(file);
    if (cached && cached.text === text) return cached.names;
    const names = stageNames(text);
    this.stages.set(file, { text, names });
    return names;
  }

  private inlineStages(text: string): string[] {
    let names = this.inline.get(text);
    if (!names) {
      if (this.inline.size > 32) this.inline.clear();
      names = stageNames(text);
      this.inline.set(text, names);
    }
    return names;
  }
}

/** The host with its answers remembered, for the length of one request. */
function snapshot(host: ComposeHost): ComposeHost {
  const texts = new Map<string, string | undefined>();
  const stats = new Map<string, 'file' | 'directory' | undefined>();
  return {
    env: host.env,
    localImages: host.localImages,
    uri: host.uri?.bind(host),
    readFile(p) {
      if (!texts.has(p)) texts.set(p, host.readFile(p));
      return texts.get(p);
    },
    stat(p) {
      if (!stats.has(p)) stats.set(p, host.stat(p));
      return stats.get(p);
    },
  };
}

function stageNames(text: string): string[] {
  const names: string[] = [];
  for (const stage of parseDockerfile(text).stages) if (stage.name) names.push(stage.name.value);
  return names;
}

/** The files a Compose file's `include:` names, resolved against its folder. */
export function includedPaths(f: ComposeFile): string[] {
  const { doc } = f;
  const out: string[] = [];
  for (const item of asSeq(doc, valueOf(doc, doc.root ?? undefined, 'include'))?.items ?? []) {
    const long = asMap(doc, item);
    const target = long ? valueOf(doc, long, 'path') : item;
    const list = asSeq(doc, target)?.items ?? [target];
    for (const p of list) {
      const text = stringValue(doc, p);
      if (text && !text.includes('$') && !/^[a-z]+:\/\//i.test(text)) out.push(path.resolve(f.dir, text));
    }
  }
  return out;
}
