/**
 * ShellCheck in the language server, with a real LSP client and the real `shellcheck`: Berth's
 * own diagnostics are published first and ShellCheck's follow in a second publish of the same
 * version; a keystroke re-checks only the RUN it changed; a stale check is stopped; a missing
 * program is one line in the log and nothing else.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { ensureBuilt, TestClient } from './client';

const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => String(d.code));
const shellCheckOf = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.source === 'shellcheck');
const hasShellCheck = (p: PublishDiagnosticsParams) => p.diagnostics.some((d) => d.source === 'shellcheck');

const dir = mkdtempSync(path.join(tmpdir(), 'berth-lsp-shellcheck-'));
/** `shellcheck` behind a wrapper that logs each run and can be made slow, to see what the server runs and stops. */
function wrapper(name: string, delay: string): { program: string; runs: () => number } {
  const log = path.join(dir, `${name}.log`);
  const program = path.join(dir, name);
  writeFileSync(program, `#!/bin/sh\nsleep ${delay}\necho run >> '${log}'\nexec shellcheck "$@"\n`);
  chmodSync(program, 0o755);
  return {
    program,
    runs: () => {
      try {
        return readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
      } catch {
        return 0;
      }
    },
  };
}

before(() => ensureBuilt());
after(() => rmSync(dir, { recursive: true, force: true }));

describe('ShellCheck in the language server', () => {
  let client: TestClient;
  const counted = wrapper('counted', '0');
  before(async () => {
    client = await TestClient.start({ settings: { shellcheck: { path: counted.program } } });
  });
  after(() => client.dispose());

  it("publishes Berth's own diagnostics first, then ShellCheck's in a second publish of the same version", async () => {
    const uri = 'untitled:shellcheck-1';
    const mark = client.mark();
    await client.open(uri, 'FROM node\nRUN echo $first\nRUN <<EOF\necho $second\nEOF\nUSER node\n', 1);
    const first = await client.version(uri, 1, mark);
    assert.ok(codes(first).includes('image-untagged'), codes(first).join(' '));
    assert.ok(!hasShellCheck(first), 'ShellCheck never holds up the first publish');
    const second = await client.diagnostics(uri, (p) => p.version === 1 && hasShellCheck(p), mark, 'ShellCheck diagnostics of version 1');
    assert.ok(client.publishes.indexOf(second) > client.publishes.indexOf(first));
    assert.deepEqual(codes(second), ['image-untagged', 'SC2154', 'SC2086', 'run-consecutive', 'SC2154', 'SC2086']);
    assert.deepEqual(
      shellCheckOf(second).map((d) => d.range.start.line),
      [1, 1, 3, 3],
    );
    const sc = second.diagnostics.find((d) => d.code === 'SC2154')!;
    assert.deepEqual(sc.range, { start: { line: 1, character: 9 }, end: { line: 1, character: 15 } });
    assert.equal(sc.codeDescription?.href, 'https://www.shellcheck.net/wiki/SC2154');
    assert.equal(counted.runs(), 1, 'both RUNs in one run');
  });

  it('after a keystroke the unchanged RUNs keep their findings in the first publish; only the changed RUN is checked again', async () => {
    const uri = 'untitled:shellcheck-2';
    let mark = client.mark();
    await client.open(uri, 'FROM node:22\nRUN echo $kept\nRUN <<EOF\necho $edited\nEOF\n', 1);
    await client.diagnostics(uri, (p) => p.version === 1 && hasShellCheck(p), mark);
    const before = counted.runs();
    mark = client.mark();
    // $edited → $edited2
    await client.change(uri, 2, [{ range: { start: { line: 3, character: 12 }, end: { line: 3, character: 12 } }, text: '2' }]);
    const first = await client.version(uri, 2, mark);
    const kept = shellCheckOf(first).map((d) => d.range.start.line);
    assert.deepEqual(kept, [1, 1], 'the unchanged RUN shows its findings at once');
    const second = await client.diagnostics(uri, (p) => p.version === 2 && shellCheckOf(p).some((d) => d.range.start.line === 3), mark);
    assert.match(
      String(shellCheckOf(second).find((d) => d.code === 'SC2154' && d.range.start.line === 3)?.message),
      /edited2 is referenced/,
    );
    assert.equal(counted.runs(), before + 1, 'one run, for the changed RUN');
  });

  it('offers to ignore a ShellCheck finding the client got in the late publish', async () => {
    const uri = 'untitled:shellcheck-actions';
    const mark = client.mark();
    await client.open(uri, 'FROM node:22\nRUN echo $late\nUSER node\n', 1);
    const late = await client.diagnostics(uri, (p) => p.version === 1 && hasShellCheck(p), mark);
    const diagnostic = shellCheckOf(late).find((d) => d.code === 'SC2154')!;
    const actions = await client.request<{ title: string }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    assert.ok(
      actions.some((a) => a.title === 'Ignore SC2154 for this instruction'),
      actions.map((a) => a.title).join(', '),
    );
  });

  it('a file without RUN scripts, or with ShellCheck turned off, gets one publish and no ShellCheck run', async () => {
    const before = counted.runs();
    const uri = 'untitled:shellcheck-3';
    const mark = client.mark();
    await client.open(uri, 'FROM node:22\nRUN ["echo", "$exec"]\nCMD ["node"]\n', 1);
    const published = await client.version(uri, 1, mark);
    assert.ok(!hasShellCheck(published));
    const other = 'untitled:shellcheck-4';
    client.settings = { shellcheck: { path: counted.program }, rules: { shellcheck: 'off' } };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    const off = client.mark();
    await client.open(other, 'FROM node:22\nRUN echo $nothing\n', 1);
    await client.version(other, 1, off);
    // A later document's publish proves the server went on; nothing of ShellCheck came meanwhile.
    const probe = 'untitled:shellcheck-5';
    await client.open(probe, 'FROM node\n', 1);
    await client.version(probe, 1, off);
    assert.ok(!client.publishes.slice(off).some(hasShellCheck));
    assert.equal(counted.runs(), before);
    client.settings = { shellcheck: { path: counted.program } };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
  });
});

describe('ShellCheck in the language server: stale checks and a missing program', () => {
  it('a check made stale by an edit is stopped and never published', async () => {
    const slow = wrapper('slow', '1');
    const client = await TestClient.start({ settings: { shellcheck: { path: slow.program } } });
    try {
      const uri = 'untitled:stale';
      const mark = client.mark();
      await client.open(uri, 'FROM node:22\nRUN echo $old\n', 1);
      await client.version(uri, 1, mark);
      await client.change(uri, 2, [{ range: { start: { line: 1, character: 10 }, end: { line: 1, character: 13 } }, text: 'new' }]);
      const late = await client.diagnostics(uri, (p) => p.version === 2 && hasShellCheck(p), mark, 'ShellCheck diagnostics of version 2');
      assert.match(String(late.diagnostics.find((d) => d.code === 'SC2154')?.message), /new is referenced/);
      assert.ok(!client.publishes.slice(mark).some((p) => p.version === 1 && hasShellCheck(p)), 'nothing of version 1 came late');
      assert.equal(slow.runs(), 1, 'the check of version 1 was stopped before ShellCheck ran');
    } finally {
      await client.dispose();
    }
  });

  it('without the program: diagnostics as ever, one line in the log, no message to the user', async () => {
    const missing = path.join(dir, 'no-such-shellcheck');
    const client = await TestClient.start({ settings: { shellcheck: { path: missing } } });
    try {
      for (const [i, text] of ['FROM node\nRUN echo $a\nUSER node\n', 'FROM node\nRUN echo $b\nUSER node\n'].entries()) {
        const uri = `untitled:missing-${i}`;
        const mark = client.mark();
        await client.open(uri, text, 1);
        const published = await client.version(uri, 1, mark);
        assert.deepEqual(codes(published), ['image-untagged']);
      }
      const lines = await client.until(() => {
        const found = client.logs.filter((l) => l.message.includes('ShellCheck is not installed'));
        return found.length ? found : undefined;
      }, 'the log line');
      assert.equal(lines.length, 1, 'said once');
      assert.ok(lines[0].message.includes(missing) && lines[0].message.includes('berth.shellcheck.path'));
      assert.deepEqual(client.messages, []);
      assert.deepEqual(client.caughtErrors(), []);
    } finally {
      await client.dispose();
    }
  });
});
