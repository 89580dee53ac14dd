/**
 * The TextMate grammar, tokenized by the engine VS Code uses (vscode-textmate + oniguruma).
 *
 * `source.shell` is a stand-in here, not VS Code's shell grammar: we check our own scopes.
 * The stand-in has one rule, a double-quoted string that may span lines, which is the worst
 * case for an embedding: whatever it leaves open must not swallow the next instruction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { INITIAL, Registry, type IGrammar, type IRawGrammar, type StateStack } from 'vscode-textmate';
import { OnigScanner, OnigString, loadWASM } from 'vscode-oniguruma';
import { parse } from '../../src/dockerfile/parser';

const ROOT = path.resolve(__dirname, '../..');
const GRAMMAR_PATH = path.join(ROOT, 'syntaxes/dockerfile.tmLanguage.json');
const SHELL = 'meta.embedded.block.shellscript';
const KEYWORD = 'keyword.other.special-method.dockerfile';

const SHELL_STAND_IN = {
  scopeName: 'source.shell',
  patterns: [{ name: 'string.quoted.double.shell', begin: '"', end: '"' }],
};

let grammarPromise: Promise<IGrammar> | undefined;
function grammar(): Promise<IGrammar> {
  grammarPromise ??= (async () => {
    const require = createRequire(__filename);
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    const registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new OnigScanner(patterns),
        createOnigString: (s: string) => new OnigString(s),
      }),
      loadGrammar: async (scopeName) => {
        if (scopeName === 'source.dockerfile.berth') return JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8')) as IRawGrammar;
        if (scopeName === 'source.shell') return SHELL_STAND_IN as unknown as IRawGrammar;
        return null;
      },
    });
    const g = await registry.loadGrammar('source.dockerfile.berth');
    if (!g) throw new Error('grammar did not load');
    return g;
  })();
  return grammarPromise;
}

interface Token {
  line: number;
  text: string;
  scopes: string[];
}

async function tokenize(text: string): Promise<Token[][]> {
  const g = await grammar();
  let state: StateStack = INITIAL;
  const lines = text.split(/\r?\n/);
  return lines.map((line, i) => {
    const r = g.tokenizeLine(line, state);
    assert.equal(r.stoppedEarly, false, `line ${i + 1} stopped early`);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ line: i, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

const has = (t: Token, scope: string) => t.scopes.some((s) => s === scope || s.startsWith(scope + '.'));

/** The token holding `text` on line `line` (0-based), the `nth` such token. */
function tok(lines: Token[][], line: number, text: string, nth = 0): Token {
  const found = lines[line].filter((t) => t.text === text);
  assert.ok(found[nth], `no token '${text}' on line ${line + 1}; tokens: ${JSON.stringify(lines[line].map((t) => t.text))}`);
  return found[nth];
}

function assertScope(lines: Token[][], line: number, text: string, scope: string, nth = 0): void {
  const t = tok(lines, line, text, nth);
  assert.ok(has(t, scope), `'${text}' on line ${line + 1} should be ${scope}; got ${t.scopes.join(' ')}`);
}

function assertNoScope(lines: Token[][], line: number, text: string, scope: string): void {
  const t = tok(lines, line, text);
  assert.ok(!has(t, scope), `'${text}' on line ${line + 1} should not be ${scope}; got ${t.scopes.join(' ')}`);
}

/** Every token of the line that is not whitespace carries the scope. */
function assertLine(lines: Token[][], line: number, scope: string): void {
  for (const t of lines[line]) {
    if (t.text.trim() === '') continue;
    assert.ok(has(t, scope), `line ${line + 1}: '${t.text}' should be ${scope}; got ${t.scopes.join(' ')}`);
  }
}

function assertLineNot(lines: Token[][], line: number, scope: string): void {
  for (const t of lines[line]) {
    assert.ok(!has(t, scope), `line ${line + 1}: '${t.text}' should not be ${scope}; got ${t.scopes.join(' ')}`);
  }
}

test('the committed grammar is what syntaxes/build-grammar.mjs generates', async () => {
  const mod = (await import(pathToFileURL(path.join(ROOT, 'syntaxes/build-grammar.mjs')).href)) as { grammar: unknown };
  const committed: unknown = JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8'));
  assert.deepEqual(committed, JSON.parse(JSON.stringify(mod.grammar)), 'run `node syntaxes/build-grammar.mjs`');
});

test('parser directives at the top, and only there', async () => {
  const l = await tokenize(
    [
      '# syntax=docker/dockerfile:1',
      '#ESCAPE = \\',
      '# check=skip=JSONArgsRecommended;error=true',
      '# unknown=1',
      'FROM alpine:3.20',
      '# syntax=late',
    ].join('\n'),
  );
  assertScope(l, 0, 'syntax', 'keyword.control.directive.dockerfile');
  assertScope(l, 0, 'docker/dockerfile:1', 'string.unquoted.directive-value.dockerfile');
  assertScope(l, 1, 'ESCAPE', 'keyword.control.directive.dockerfile');
  assertScope(l, 1, '\\', 'constant.character.escape.dockerfile');
  assertScope(l, 2, 'check', 'keyword.control.directive.dockerfile');
  assertScope(l, 2, 'skip', 'support.type.property-name.dockerfile');
  assertScope(l, 2, 'JSONArgsRecommended', 'string.unquoted.directive-value.dockerfile');
  assertScope(l, 2, ';', 'punctuation.separator.semicolon.dockerfile');
  // Unknown directives are comments; after an instruction even a known one is.
  assertLine(l, 3, 'comment.line.number-sign.dockerfile');
  assertLine(l, 5, 'comment.line.number-sign.dockerfile');
  assertLineNot(l, 5, 'keyword.control.directive.dockerfile');

  const blankFirst = await tokenize(['', '# syntax=docker/dockerfile:1', 'FROM alpine'].join('\n'));
  assertLineNot(blankFirst, 1, 'keyword.control.directive.dockerfile');
  const bad = await tokenize('# escape=x\nFROM alpine');
  assertScope(bad, 0, 'x', 'invalid.illegal.escape.dockerfile');
});

test('instructions in any case, FROM with flags, image parts and AS name', async () => {
  const l = await tokenize(
    [
      'from --platform=$BUILDPLATFORM node:20-alpine AS build',
      'Run echo hi',
      'FROM localhost:5000/app@sha256:0123abcd as Final',
      'FROM scratch',
      'FROM ${REGISTRY}/base:${TAG}',
    ].join('\n'),
  );
  assertScope(l, 0, 'from', KEYWORD);
  assertScope(l, 0, '--platform', 'entity.other.attribute-name.flag.dockerfile');
  assertScope(l, 0, 'BUILDPLATFORM', 'variable.other.dockerfile');
  assertScope(l, 0, 'node', 'entity.name.type.image.dockerfile');
  assertScope(l, 0, '20-alpine', 'string.unquoted.tag.dockerfile');
  assertScope(l, 0, 'AS', KEYWORD);
  assertScope(l, 0, 'build', 'entity.name.function.stage.dockerfile');
  assertScope(l, 1, 'Run', KEYWORD);
  // A registry port is part of the name, not a tag.
  assertScope(l, 2, 'localhost:5000/app', 'entity.name.type.image.dockerfile');
  assertScope(l, 2, 'sha256:0123abcd', 'string.unquoted.digest.dockerfile');
  assertScope(l, 2, 'as', KEYWORD);
  assertScope(l, 2, 'Final', 'entity.name.function.stage.dockerfile');
  assertScope(l, 3, 'scratch', 'constant.language.scratch.dockerfile');
  assertScope(l, 4, 'REGISTRY', 'variable.other.dockerfile');
  assertScope(l, 4, '/base', 'entity.name.type.image.dockerfile');
  assertScope(l, 4, 'TAG', 'variable.other.dockerfile');
  assertScope(l, 4, 'TAG', 'string.unquoted.tag.dockerfile');
});

test('flags and their values, but only before the command starts', async () => {
  const l = await tokenize(
    [
      'RUN --mount=type=cache,target=/root/.npm --network=none \\',
      '    npm ci',
      'COPY --link --from=build --chown=1000:1000 /app /app',
      'RUN pip install \\',
      '    --no-cache-dir -r requirements.txt',
    ].join('\n'),
  );
  assertScope(l, 0, '--mount', 'entity.other.attribute-name.flag.dockerfile');
  assertScope(l, 0, 'type', 'support.type.property-name.dockerfile');
  assertScope(l, 0, 'cache', 'string.unquoted.flag-value.dockerfile');
  assertScope(l, 0, 'target', 'support.type.property-name.dockerfile');
  assertScope(l, 0, ',', 'punctuation.separator.comma.dockerfile');
  assertScope(l, 0, '--network', 'entity.other.attribute-name.flag.dockerfile');
  assertScope(l, 0, '\\', 'punctuation.separator.continuation.line.dockerfile');
  assertLine(l, 1, SHELL);
  assertScope(l, 2, '--link', 'entity.other.attribute-name.flag.dockerfile');
  assertScope(l, 2, '--from', 'entity.other.attribute-name.flag.dockerfile');
  assertScope(l, 2, 'build', 'string.unquoted.flag-value.dockerfile');
  assertLineNot(l, 4, 'entity.other.attribute-name.flag.dockerfile');
  assertLine(l, 4, SHELL);
});

test('variables in all their forms, and an escaped dollar', async () => {
  const l = await tokenize(['FROM alpine', 'ENV A=$HOME B=${HOME} C=${X:-default} D=${Y:+set} E=${Z:-${W}} F=\\$NOT'].join('\n'));
  assertScope(l, 1, 'HOME', 'variable.other.dockerfile', 0);
  assertScope(l, 1, 'HOME', 'variable.other.dockerfile', 1);
  assertScope(l, 1, '$', 'punctuation.definition.variable.dockerfile');
  assertScope(l, 1, '{', 'punctuation.definition.variable.begin.dockerfile');
  assertScope(l, 1, ':-', 'keyword.operator.expansion.dockerfile');
  assertScope(l, 1, 'default', 'string.unquoted.expansion.dockerfile');
  assertScope(l, 1, ':+', 'keyword.operator.expansion.dockerfile');
  assertScope(l, 1, 'set', 'string.unquoted.expansion.dockerfile');
  assertScope(l, 1, 'W', 'variable.other.dockerfile');
  assertScope(l, 1, 'A', 'variable.other.definition.dockerfile');
  assertScope(l, 1, '\\$', 'constant.character.escape.dockerfile');
  assertNoScope(l, 1, 'NOT', 'variable.other.dockerfile');
});

test('comments and suppression pragmas', async () => {
  const l = await tokenize(
    ['# a note', 'FROM alpine', '  # berth ignore=image-latest, user-root', '# hadolint global ignore=DL3006'].join('\n'),
  );
  assertLine(l, 0, 'comment.line.number-sign.dockerfile');
  assertScope(l, 0, '#', 'punctuation.definition.comment.dockerfile');
  assertScope(l, 2, 'berth', 'keyword.other.pragma.dockerfile');
  assertScope(l, 2, 'image-latest', 'constant.other.rule-code.dockerfile');
  assertScope(l, 2, 'user-root', 'constant.other.rule-code.dockerfile');
  assertLine(l, 2, 'comment.line.number-sign');
  assertScope(l, 3, 'global', 'keyword.other.pragma.dockerfile');
  assertScope(l, 3, 'DL3006', 'constant.other.rule-code.dockerfile');
});

test('continuation lines, with comment and blank lines inside, end where BuildKit ends them', async () => {
  const l = await tokenize(
    [
      'RUN apt-get update \\',
      '    # a comment inside the instruction',
      '',
      '    && apt-get install -y curl',
      'USER app',
      'RUN echo done\\\\',
      'WORKDIR /app',
    ].join('\n'),
  );
  assertLine(l, 0, 'meta.instruction.run.dockerfile');
  assertLine(l, 1, 'comment.line.number-sign.dockerfile');
  assertLine(l, 1, 'meta.instruction.run.dockerfile');
  assert.ok(
    l[2].every((t) => has(t, 'meta.instruction.run.dockerfile')),
    'blank line stays inside RUN',
  );
  assertLine(l, 3, SHELL);
  assertScope(l, 4, 'USER', KEYWORD);
  assertLineNot(l, 4, 'meta.instruction.run.dockerfile');
  // An escaped escape at the end of a line continues nothing.
  assertScope(l, 6, 'WORKDIR', KEYWORD);
});

test('exec form is JSON; anything that is not valid JSON runs as shell form', async () => {
  const l = await tokenize(
    [
      'CMD ["node", "server.js"]',
      'ENTRYPOINT ["/bin/sh", \\',
      '            "-c"]',
      "CMD ['node', 'server.js']",
      'RUN [ -f /etc/os-release ] && cat /etc/os-release',
      'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
      'USER app',
    ].join('\n'),
  );
  assertScope(l, 0, '[', 'punctuation.definition.array.begin.dockerfile');
  assertScope(l, 0, 'node', 'string.quoted.double.json.dockerfile');
  assertScope(l, 0, ',', 'punctuation.separator.array.dockerfile');
  assertScope(l, 0, ']', 'punctuation.definition.array.end.dockerfile');
  assertLineNot(l, 0, SHELL);
  assertScope(l, 2, '-c', 'string.quoted.double.json.dockerfile');
  assertScope(l, 2, ']', 'punctuation.definition.array.end.dockerfile');
  assertLineNot(l, 3, 'meta.exec-form.dockerfile');
  assertScope(l, 3, "['node', 'server.js']", SHELL);
  assertLineNot(l, 4, 'meta.exec-form.dockerfile');
  assertLineNot(l, 4, 'entity.name.command.shell');
  assertScope(l, 5, 'pipefail', 'string.quoted.double.json.dockerfile');
  assertScope(l, 6, 'USER', KEYWORD);
});

test('shell form of RUN, CMD, ENTRYPOINT and HEALTHCHECK CMD is embedded shell', async () => {
  const l = await tokenize(
    [
      'FROM alpine',
      'RUN apk add --no-cache curl',
      'CMD exec node server.js',
      'ENTRYPOINT /entrypoint.sh',
      'HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/ || exit 1',
      'HEALTHCHECK NONE',
      'ONBUILD RUN make',
    ].join('\n'),
  );
  for (const [line, text] of [
    [1, ' add --no-cache curl'],
    [2, ' node server.js'],
    [4, ' -f http://localhost/ || exit 1'],
  ] as const) {
    assertScope(l, line, text, SHELL);
  }
  // The first word is a command even though the shell grammar cannot see a statement start there.
  for (const [line, word] of [
    [1, 'apk'],
    [3, '/entrypoint.sh'],
    [4, 'curl'],
    [6, 'make'],
  ] as const) {
    assertScope(l, line, word, 'entity.name.command.shell');
    assertScope(l, line, word, SHELL);
  }
  assertScope(l, 4, '--interval', 'entity.other.attribute-name.flag.dockerfile');
  assertScope(l, 4, 'CMD', KEYWORD);
  assertNoScope(l, 4, 'CMD', SHELL);
  assertScope(l, 5, 'NONE', KEYWORD);
  assertScope(l, 6, 'ONBUILD', KEYWORD);
  assertScope(l, 6, 'RUN', KEYWORD);
});

test('an unbalanced quote in a RUN line cannot swallow the next instruction', async () => {
  const l = await tokenize(['RUN echo "unterminated', 'COPY . /app', 'RUN echo "a \\', '  b"', 'USER app'].join('\n'));
  assertScope(l, 1, 'COPY', KEYWORD);
  assertLineNot(l, 1, SHELL);
  assertScope(l, 4, 'USER', KEYWORD);
});

test('heredoc bodies are embedded shell and end at their delimiter', async () => {
  const l = await tokenize(['RUN <<EOF', 'set -e', 'echo "left open', ' EOF', 'EOF not yet', 'EOF', 'USER app'].join('\n'));
  assertScope(l, 0, 'EOF', 'keyword.control.heredoc-token.dockerfile');
  assertScope(l, 0, '<<', 'keyword.operator.heredoc.dockerfile');
  for (const line of [1, 2, 3, 4]) assertLine(l, line, SHELL);
  assertScope(l, 5, 'EOF', 'keyword.control.heredoc-token.dockerfile');
  assertLineNot(l, 5, SHELL);
  // The stand-in shell string opened on line 3 never closed; the delimiter ended it anyway.
  assertScope(l, 6, 'USER', KEYWORD);
  assertLineNot(l, 6, SHELL);
});

test('heredoc variants: <<-, quoted delimiters, text after the marker, a marker on a continuation line', async () => {
  const l = await tokenize(
    [
      'RUN <<-"EOT" bash -ex',
      '\techo "$HOME"',
      '\tEOT',
      "RUN cat <<'END' > /etc/motd && chmod 644 /etc/motd",
      'hello',
      '\tEND',
      'END',
      'RUN set -e \\',
      '  && python3 <<PY',
      'print("hi")',
      'PY',
      'WORKDIR /app',
    ].join('\n'),
  );
  assertScope(l, 0, '-', 'keyword.operator.heredoc.dockerfile');
  assertScope(l, 0, 'EOT', 'keyword.control.heredoc-token.dockerfile');
  assertScope(l, 0, ' bash -ex', SHELL);
  assertLine(l, 1, SHELL);
  // <<- strips leading tabs, so a tab-indented delimiter closes it.
  assertScope(l, 2, 'EOT', 'keyword.control.heredoc-token.dockerfile');
  assertScope(l, 3, 'RUN', KEYWORD);
  assertScope(l, 3, 'END', 'keyword.control.heredoc-token.dockerfile');
  assertScope(l, 3, ' > /etc/motd && chmod 644 /etc/motd', SHELL);
  // Plain << does not: a tab-indented END is still body.
  assertLine(l, 5, SHELL);
  assertScope(l, 6, 'END', 'keyword.control.heredoc-token.dockerfile');
  assertScope(l, 8, 'PY', 'keyword.control.heredoc-token.dockerfile');
  assertLine(l, 9, SHELL);
  assertScope(l, 10, 'PY', 'keyword.control.heredoc-token.dockerfile');
  assertScope(l, 11, 'WORKDIR', KEYWORD);
});

test('COPY heredocs are file contents, not shell; several heredocs keep the instruction open to the last', async () => {
  const l = await tokenize(
    ['COPY <<a.conf <<b.conf /etc/app/', 'RUN = not an instruction here', 'a.conf', 'second body', 'b.conf', 'EXPOSE 8080/tcp'].join('\n'),
  );
  assertScope(l, 0, 'a.conf', 'keyword.control.heredoc-token.dockerfile');
  assertLine(l, 1, 'string.unquoted.heredoc.dockerfile');
  assertLineNot(l, 1, KEYWORD);
  assertLineNot(l, 1, SHELL);
  assertLine(l, 3, 'string.unquoted.heredoc.dockerfile');
  assertScope(l, 4, 'b.conf', 'keyword.control.heredoc-token.dockerfile');
  assertScope(l, 5, 'EXPOSE', KEYWORD);
  assertScope(l, 5, '8080', 'constant.numeric.port.dockerfile');
  assertScope(l, 5, 'tcp', 'constant.language.protocol.dockerfile');
});

test('<<< and arithmetic shifts are not heredocs', async () => {
  const l = await tokenize(['RUN cat <<< "x" && echo $((1<<4))', 'USER app'].join('\n'));
  assertLineNot(l, 0, 'keyword.control.heredoc-token.dockerfile');
  assertScope(l, 1, 'USER', KEYWORD);
});

test('ENV, ARG and LABEL pairs, the legacy form, EXPOSE, USER, STOPSIGNAL', async () => {
  const l = await tokenize(
    [
      'ARG VERSION=1.2 DEBUG',
      'ENV PATH="/opt/bin:$PATH" MODE=\'literal $X\'',
      'ENV LEGACY value with spaces',
      'LABEL "org.opencontainers.image.title"="Berth" version=1',
      'EXPOSE 80 443/tcp 6000-6010/udp 53/dns',
      'USER 1000:1000',
      'STOPSIGNAL SIGTERM',
    ].join('\n'),
  );
  assertScope(l, 0, 'VERSION', 'variable.other.definition.dockerfile');
  assertScope(l, 0, '=', 'keyword.operator.assignment.dockerfile');
  assertScope(l, 0, 'DEBUG', 'variable.other.definition.dockerfile');
  assertScope(l, 1, 'PATH', 'variable.other.definition.dockerfile');
  assertScope(l, 1, '/opt/bin:', 'string.quoted.double.dockerfile');
  assertScope(l, 1, 'PATH', 'variable.other.dockerfile', 1);
  assertScope(l, 1, 'literal $X', 'string.quoted.single.dockerfile');
  assertScope(l, 2, 'LEGACY', 'variable.other.definition.dockerfile');
  assertScope(l, 2, 'value with spaces', 'string.unquoted.value.dockerfile');
  assertScope(l, 3, '"org.opencontainers.image.title"', 'support.type.property-name.label.dockerfile');
  assertScope(l, 3, 'version', 'support.type.property-name.label.dockerfile');
  assertScope(l, 4, '80', 'constant.numeric.port.dockerfile');
  assertScope(l, 4, '6010', 'constant.numeric.port.dockerfile');
  assertScope(l, 4, 'udp', 'constant.language.protocol.dockerfile');
  assertScope(l, 4, 'dns', 'invalid.illegal.protocol.dockerfile');
  assertScope(l, 5, '1000', 'constant.numeric.id.dockerfile');
  assertScope(l, 6, 'SIGTERM', 'constant.language.signal.dockerfile');
});

test('a multi-line double-quoted value stays one string across the continuation', async () => {
  const l = await tokenize(['LABEL description="first \\', '  second" other=x', 'USER app'].join('\n'));
  assertScope(l, 1, '  second', 'string.quoted.double.dockerfile');
  assertScope(l, 1, 'other', 'support.type.property-name.label.dockerfile');
  assertScope(l, 2, 'USER', KEYWORD);
});

test('# escape=` makes the backtick the continuation character, and the backslash plain', async () => {
  const l = await tokenize(
    [
      '# escape=`',
      '# syntax=docker/dockerfile:1',
      'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
      'RUN powershell -Command `',
      '    Write-Host done',
      'COPY app C:\\app\\',
      'WORKDIR C:\\app',
    ].join('\n'),
  );
  assertScope(l, 0, '`', 'constant.character.escape.dockerfile');
  assertScope(l, 1, 'syntax', 'keyword.control.directive.dockerfile');
  assertScope(l, 3, '`', 'punctuation.separator.continuation.line.dockerfile');
  assertLine(l, 4, SHELL);
  assertLineNot(l, 5, 'punctuation.separator.continuation.line.dockerfile');
  assertScope(l, 6, 'WORKDIR', KEYWORD);
});

test('unknown instructions continue over escaped newlines too', async () => {
  const l = await tokenize(['FORM alpine \\', '  RUN', 'USER app'].join('\n'));
  assertLine(l, 0, 'meta.instruction.unknown.dockerfile');
  assertLineNot(l, 1, KEYWORD);
  assertScope(l, 2, 'USER', KEYWORD);
});

// ---- Agreement with the parser ------------------------------------------------------------

function corpus(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/(^|\.)(Dockerfile|Containerfile)$|\.dockerfile$/i.test(name)) out.push(full);
    }
  };
  walk(path.join(ROOT, 'test/fixtures'));
  return out.sort();
}

/** Per line, the instruction index the grammar or the parser puts it in (-1 for none). */
async function extents(text: string): Promise<{ grammar: boolean[]; parser: boolean[]; keywordLines: number[] }> {
  const lines = await tokenize(text);
  const doc = parse(text);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = doc.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (doc.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const parser = lines.map(() => false);
  const keywordLines: number[] = [];
  for (const i of doc.instructions) {
    keywordLines.push(lineOf(i.keywordSpan.start));
    const last = lineOf(Math.max(i.span.start, i.span.end - 1));
    for (let l = lineOf(i.span.start); l <= last; l++) parser[l] = true;
  }
  const grammarLines = lines.map((tokens) => tokens.some((t) => t.scopes.some((s) => s.startsWith('meta.instruction.'))));
  return { grammar: grammarLines, parser, keywordLines };
}

test('on every Dockerfile in test/fixtures, instructions span the same lines for the grammar and the parser', async () => {
  const files = corpus();
  assert.ok(files.length >= 5, `expected a corpus under test/fixtures, found ${files.length} files`);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const { grammar: g, parser: p, keywordLines } = await extents(text);
    const rel = path.relative(ROOT, file);
    const textLines = text.split(/\r?\n/);
    for (let i = 0; i < p.length; i++) {
      // A blank line is neither's business unless it sits inside an instruction.
      if (textLines[i].trim() === '' && !p[i]) continue;
      assert.equal(
        g[i],
        p[i],
        `${rel}:${i + 1} '${textLines[i]}': grammar says ${g[i] ? 'in' : 'out of'} an instruction, parser says ${p[i] ? 'in' : 'out'}`,
      );
    }
    const lines = await tokenize(text);
    const doc = parse(text);
    for (const instruction of doc.instructions) {
      if (instruction.keyword === 'ONBUILD' || !/^[A-Z]+$/.test(instruction.keyword)) continue;
      const line = keywordLines[doc.instructions.indexOf(instruction)];
      const written = text.slice(instruction.keywordSpan.start, instruction.keywordSpan.end);
      const known = lines[line].find((t) => t.text === written && has(t, KEYWORD));
      const unknown = lines[line].some((t) => has(t, 'meta.instruction.unknown.dockerfile'));
      assert.ok(known || unknown, `${rel}:${line + 1}: '${written}' is not a keyword token`);
    }
    for (const instruction of doc.instructions) {
      for (const heredoc of instruction.heredocs) {
        if (instruction.keyword !== 'RUN' || heredoc.bodySpan.end <= heredoc.bodySpan.start) continue;
        const first = text.slice(0, heredoc.bodySpan.start).split('\n').length - 1;
        const last = text.slice(0, heredoc.bodySpan.end - 1).split('\n').length - 1;
        for (let i = first; i <= last; i++) {
          if (textLines[i].trim() === '') continue;
          assertLine(lines, i, SHELL);
        }
      }
    }
  }
});

test('random mutations of the corpus tokenize completely and never stop early', async () => {
  const files = corpus();
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pieces = [
    '\\\n',
    '`',
    '<<EOF\n',
    '<<-X',
    '"',
    "'",
    '${',
    '}',
    '[',
    ']',
    '\n',
    '#',
    'RUN ',
    '--mount=',
    '$',
    '\t',
    'EOF\n',
    '# escape=`\n',
  ];
  for (const file of files) {
    const original = readFileSync(file, 'utf8');
    for (let round = 0; round < 20; round++) {
      let text = original;
      for (let k = 0; k < 8; k++) {
        const at = rand(text.length + 1);
        text = rand(2)
          ? text.slice(0, at) + pieces[rand(pieces.length)] + text.slice(at)
          : text.slice(0, at) + text.slice(at + 1 + rand(5));
      }
      const lines = await tokenize(text);
      const source = text.split(/\r?\n/);
      lines.forEach((tokens, i) => {
        const covered = tokens.map((t) => t.text).join('');
        assert.equal(covered, source[i], `tokens do not cover line ${i + 1} of a mutation of ${path.basename(file)}`);
      });
    }
  }
});

// ---- Language configuration ----------------------------------------------------------------

interface OnEnterRule {
  beforeText: string | { pattern: string; flags?: string };
  previousLineText?: string | { pattern: string; flags?: string };
  action: { indent: string };
}

const toRegExp = (r: string | { pattern: string; flags?: string }) =>
  typeof r === 'string' ? new RegExp(r) : new RegExp(r.pattern, r.flags);

test('language configuration: # comments, quote pairs, and Enter after a backslash indents the continuation', () => {
  const config = JSON.parse(readFileSync(path.join(ROOT, 'syntaxes/language-configuration.json'), 'utf8')) as {
    comments: { lineComment: string };
    autoClosingPairs: { open: string; close: string }[];
    wordPattern: string;
    onEnterRules: OnEnterRule[];
    folding: { markers: { start: string; end: string } };
  };
  assert.equal(config.comments.lineComment, '#');
  assert.deepEqual(config.autoClosingPairs.map((p) => p.open).sort(), ['"', "'", '(', '[', '{'].sort());

  // VS Code applies the first rule whose patterns match the line before the cursor and the one above.
  const onEnter = (previous: string, current: string) =>
    config.onEnterRules.find(
      (r) => toRegExp(r.beforeText).test(current) && (!r.previousLineText || toRegExp(r.previousLineText).test(previous)),
    )?.action.indent ?? 'default';
  assert.equal(onEnter('FROM debian:12', 'RUN apt-get update \\'), 'indent');
  assert.equal(onEnter('', 'run --mount=type=cache,target=/var/cache/apt \\'), 'indent');
  assert.equal(onEnter('RUN apt-get update \\', '    && apt-get install -y \\'), 'none');
  // A package called `copy` on a continuation line is not an instruction.
  assert.equal(onEnter('RUN apt-get install -y \\', '    copy \\'), 'none');
  assert.equal(onEnter('    && apt-get install -y curl \\', '    && rm -rf /var/lib/apt/lists/*'), 'outdent');
  assert.equal(onEnter('FROM debian:12', 'USER app'), 'default');

  const word = new RegExp(config.wordPattern, 'g');
  assert.deepEqual('FROM node:20-alpine AS build-env'.match(word), ['FROM', 'node', '20-alpine', 'AS', 'build-env']);
  assert.deepEqual('ENV PATH=$HOME/bin'.match(word), ['ENV', 'PATH', 'HOME', 'bin']);
  assert.ok(new RegExp(config.folding.markers.start).test('# region build'));
  assert.ok(new RegExp(config.folding.markers.end).test('#endregion'));
});
