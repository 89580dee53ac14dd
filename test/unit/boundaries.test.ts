/**
 * The layering DEVELOPERS.md asks for, checked on every import in src/: pure cores import neither
 * VS Code nor the LSP libraries, dockerode stays behind the engine core, the engine core knows
 * nothing of Dockerfiles, and the three shells (server, extension, CLI) do not reach into each other.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const SRC = path.join(__dirname, '..', '..', 'src');

/** Folders of src/ that must run in plain Node, outside VS Code and outside a language server. */
const PURE_CORES = ['dockerfile', 'compose', 'engine', 'devenv', 'shared'];
const SHELLS = ['server', 'extension', 'cli'];
/** What each pure core may import of the others (imports flow one way). */
const CORE_MAY_IMPORT: Record<string, string[]> = {
  shared: [],
  dockerfile: ['shared'],
  engine: ['shared'],
  compose: ['shared', 'dockerfile'],
  devenv: ['shared', 'dockerfile', 'engine', 'compose'],
};
/** Packages only the engine core talks to: the engine client lives there and nowhere else. */
const ENGINE_ONLY = /^(?:dockerode|docker-modem|tar-fs|tar-stream)(?:\/|$)/;
const EDITOR_APIS =
  /^(?:vscode|vscode-languageserver|vscode-languageserver\/.*|vscode-languageclient(?:\/.*)?|vscode-languageserver-textdocument)$/;

interface Import {
  file: string;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Static imports, re-exports, dynamic import() and require() with a string literal. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  const patterns = [/\bfrom\s+'([^']+)'/g, /\bimport\s+'([^']+)'/g, /\bimport\(\s*'([^']+)'\s*\)/g, /\brequire\(\s*'([^']+)'\s*\)/g];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) out.push({ file, specifier: match[1] });
  return out;
}

/** The top folder of src/ a file or relative import lands in ('' for src/ itself or outside it). */
function layerOf(absolute: string): string {
  const relative = path.relative(SRC, absolute);
  if (relative.startsWith('..')) return '';
  const parts = relative.split(path.sep);
  return parts.length > 1 ? parts[0] : '';
}

const ALL = sourceFiles(SRC).flatMap(importsOf);

function violations(check: (from: string, imp: Import, target: string | undefined) => string | undefined): string[] {
  const out: string[] = [];
  for (const imp of ALL) {
    const from = layerOf(imp.file);
    const target = imp.specifier.startsWith('.') ? layerOf(path.resolve(path.dirname(imp.file), imp.specifier)) : undefined;
    const why = check(from, imp, target);
    if (why) out.push(`${path.relative(SRC, imp.file)} imports '${imp.specifier}': ${why}`);
  }
  return out;
}

describe('import boundaries', () => {
  it('finds the imports it checks', () => {
    // A pattern that silently matched nothing would make every test below pass.
    assert.ok(ALL.length > 300, `only ${ALL.length} imports found`);
    assert.ok(ALL.some((i) => i.specifier === 'vscode'));
  });

  it('pure cores import neither vscode nor the LSP libraries', () => {
    assert.deepEqual(
      violations((from, imp) => (PURE_CORES.includes(from) && EDITOR_APIS.test(imp.specifier) ? 'a pure core' : undefined)),
      [],
    );
  });

  it('pure cores import only the cores below them, and no shell', () => {
    assert.deepEqual(
      violations((from, _imp, target) => {
        if (!PURE_CORES.includes(from) || target === undefined || target === from) return undefined;
        if (target === '') return undefined; // package.json and other files outside src/
        return CORE_MAY_IMPORT[from]?.includes(target)
          ? undefined
          : `${from} may import only ${CORE_MAY_IMPORT[from].join(', ') || 'itself'}`;
      }),
      [],
    );
  });

  it('only the engine core talks to dockerode and its tar helpers', () => {
    assert.deepEqual(
      violations((from, imp) => (from !== 'engine' && ENGINE_ONLY.test(imp.specifier) ? 'the engine goes through src/engine' : undefined)),
      [],
    );
  });

  it('shells do not import each other', () => {
    assert.deepEqual(
      violations((from, _imp, target) =>
        SHELLS.includes(from) && target !== undefined && SHELLS.includes(target) && target !== from ? 'shells stay apart' : undefined,
      ),
      [],
    );
  });

  it('vscode is imported only by the extension, the LSP server libraries only by the server', () => {
    assert.deepEqual(
      violations((from, imp) => {
        if (imp.specifier === 'vscode' || imp.specifier.startsWith('vscode-languageclient'))
          return from === 'extension' ? undefined : 'extension only';
        if (/^vscode-languageserver(?:\/|$)/.test(imp.specifier)) return from === 'server' ? undefined : 'server only';
        return undefined;
      }),
      [],
    );
  });
});
