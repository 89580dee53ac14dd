/**
 * ShellCheck inside RUN: the scripts built from a Dockerfile (dialect, names in scope, what is
 * skipped), ShellCheck's findings mapped back to exact Dockerfile ranges, settings and pragmas,
 * and the runner against the real `shellcheck` (Debian's package; scripts/provision.sh installs it)
 * and against programs that are missing or broken.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-types';
import { mergeSettings, parseConfig } from '../../src/dockerfile/config';
import { parse } from '../../src/dockerfile/parser';
import type { LintSettings } from '../../src/dockerfile/settings';
import { EXCLUDED_CHECKS, ShellCheckScriptMemo, shellCheckDiagnostics, shellCheckScripts } from '../../src/dockerfile/shellcheck';
import { runShellCheck, ShellChecker } from '../../src/shared/shellcheck';
import { codeActions } from '../../src/dockerfile/fixes';
import { applyAction, URI } from '../fixtures/fixes/helpers';
import { ERROR, HINT, INFO, WARNING } from '../fixtures/rules/helpers';

const SHELLCHECK = 'shellcheck';

interface Seen {
  code: string;
  severity: number | undefined;
  /** The Dockerfile text the range covers. */
  text: string;
  line: number;
}

function covered(text: string, d: Diagnostic): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(offset(d.range.start), offset(d.range.end));
}

/** Lints `text` with the real ShellCheck and reads each finding back as the source it covers. */
async function check(text: string, settings: LintSettings = {}): Promise<Seen[]> {
  const doc = parse(text);
  const scripts = shellCheckScripts(doc);
  const run = await runShellCheck(
    SHELLCHECK,
    scripts.map((s) => s.text),
    { exclude: EXCLUDED_CHECKS },
  );
  assert.ok('comments' in run, `shellcheck ran: ${'problem' in run ? run.problem : ''}`);
  const byText = new Map(scripts.map((s, i) => [s.text, run.comments[i]]));
  return shellCheckDiagnostics(doc, scripts, (script) => byText.get(script), settings).map((d) => {
    assert.equal(d.source, 'shellcheck');
    assert.equal(d.codeDescription?.href, `https://www.shellcheck.net/wiki/${String(d.code)}`);
    return { code: String(d.code), severity: d.severity, text: covered(text, d), line: d.range.start.line };
  });
}

const df = (...lines: string[]) => lines.join('\n') + '\n';

describe('ShellCheck scripts of a Dockerfile', () => {
  it('one per shell-form RUN, in the stage SHELL dialect; exec form, ONBUILD and Windows or zsh shells are skipped', () => {
    const doc = parse(
      df(
        'FROM debian:12 AS base',
        'RUN echo one',
        'RUN ["sh", "-c", "echo $exec"]',
        'ONBUILD RUN echo trigger',
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
        'RUN echo two',
        'FROM base',
        'RUN echo three',
        'SHELL ["pwsh", "-Command"]',
        'RUN Write-Host four',
        'SHELL ["cmd", "/S", "/C"]',
        'RUN echo five',
        'SHELL ["/bin/zsh", "-c"]',
        'RUN echo six',
        'SHELL ["/bin/ash", "-c"]',
        'RUN echo seven',
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
        'SHELL ["powershell", "-Command"]',
        'RUN Write-Host eight',
      ),
    );
    const scripts = shellCheckScripts(doc);
    assert.deepEqual(
      scripts.map((s) => [s.text.split('\n')[0], s.text.split('\n').at(-2)]),
      [
        ['# shellcheck shell=sh', 'echo one'],
        ['# shellcheck shell=bash', 'echo two'],
        // A stage built on another runs under its SHELL.
        ['# shellcheck shell=bash', 'echo three'],
        ['# shellcheck shell=dash', 'echo seven'],
      ],
    );
  });

  it('exports the ARG and ENV names in scope that the RUN mentions: ENV carries into a stage built on the stage, ARG does not', () => {
    const doc = parse(
      df(
        'ARG GLOBAL=1',
        'FROM debian:12 AS base',
        'ARG version',
        'ENV home=/opt/app other=x',
        'RUN echo $version ${home}/x $GLOBAL $http_proxy $((count + 1))',
        'FROM base',
        'RUN echo $version $home $other',
        'FROM base',
        'RUN echo nothing in scope',
      ),
    );
    assert.deepEqual(
      shellCheckScripts(doc).map((s) => s.text.split('\n')[1]),
      ['export version home http_proxy', 'export home other', 'export'],
      'a global ARG is not in a stage until redeclared there; a name nobody declared is not exported',
    );
  });

  it('a chain of thousands of stages makes scripts as long as their RUNs, and ENV still carries down every branch', () => {
    const lines = ['FROM debian:12 AS s0', 'ENV V0=x'];
    const STAGES = 3_000;
    for (let i = 1; i < STAGES; i++) lines.push(`FROM s${i - 1} AS s${i}`, `ENV V${i}=y`, `RUN echo $V${i} $V0 $V${i + 1}`);
    // A branch off the first stage: it sees V0, not what the long chain added.
    lines.push('FROM s0 AS branch', 'RUN echo $V0 $V1 $V2999');
    const scripts = shellCheckScripts(parse(df(...lines)));
    assert.equal(scripts.length, STAGES);
    const exports = scripts.map((s) => s.text.split('\n')[1]);
    assert.equal(exports[0], 'export V1 V0');
    assert.equal(exports[STAGES - 2], `export V${STAGES - 1} V0`);
    assert.equal(exports[STAGES - 1], 'export V0');
    const total = scripts.reduce((n, s) => n + s.text.length, 0);
    assert.ok(total < STAGES * 80, `${total} characters of scripts for ${STAGES} one-line RUNs`);
  });

  it('a heredoc the shell runs is a script of its own; a #! line names its dialect, or a program that is no shell', () => {
    const doc = parse(
      df(
        'FROM debian:12',
        'RUN <<EOF',
        'echo plain',
        'EOF',
        'RUN <<EOF',
        '#!/usr/bin/env bash',
        'echo bashed',
        'EOF',
        'RUN <<EOF',
        '#!/usr/bin/env python3',
        'print("not shell")',
        'EOF',
        'RUN bash <<EOF',
        'echo named',
        'EOF',
      ),
    );
    assert.deepEqual(
      shellCheckScripts(doc).map((s) => [s.text.split('\n')[0], s.text.split('\n').at(-2)]),
      [
        ['# shellcheck shell=sh', 'echo plain'],
        ['# shellcheck shell=bash', 'echo bashed'],
        ['# shellcheck shell=bash', 'echo named'],
      ],
    );
  });
});

describe('ShellCheck scripts remembered between lints', () => {
  it('a RUN that moved keeps its script, and its findings follow it; a changed RUN or scope gets a new one', () => {
    const memo = new ShellCheckScriptMemo();
    const before = parse(df('FROM debian:12', 'RUN echo $a', 'RUN echo $b'));
    const [a1, b1] = shellCheckScripts(before, memo);
    const after = parse(df('FROM debian:12', 'ENV b=1', 'RUN echo $a', 'RUN echo $b'));
    const [a2, b2] = shellCheckScripts(after, memo);
    assert.equal(a2.lineStarts, a1.lineStarts, 'the RUN that does not mention the new ENV keeps its script');
    assert.equal(b2.text, b1.text.replace('\nexport\n', '\nexport b\n'), 'the new ENV is in scope where mentioned');
    assert.notEqual(b2.text, b1.text);
    const again = shellCheckScripts(after, memo);
    assert.equal(again[0].lineStarts, a2.lineStarts, 'the same script, remembered');
    assert.deepEqual(shellCheckScripts(after), again, 'remembered or made afresh, the same scripts');
    const comment = {
      line: 3,
      endLine: 3,
      column: 6,
      endColumn: 8,
      level: 'warning',
      code: 2154,
      message: 'a is referenced but not assigned.',
    };
    const [d] = shellCheckDiagnostics(after, again, (text) => (text === again[0].text ? [comment] : []), {});
    assert.deepEqual(d.range, { start: { line: 2, character: 9 }, end: { line: 2, character: 11 } });
  });
});

describe('ShellCheck findings on the Dockerfile (the real shellcheck)', () => {
  it('land on the exact text across continuation lines, past comment and empty lines the builder drops', async () => {
    const text = df(
      'FROM debian:12',
      'RUN apt-get update && \\',
      '    # what comes next',
      '',
      '    apt-get install -y $packages && \\',
      '    echo "done"',
    );
    const seen = await check(text);
    assert.deepEqual(
      seen.map((s) => [s.code, s.text, s.line]),
      [
        ['SC2154', '$packages', 4],
        ['SC2086', '$packages', 4],
      ],
    );
  });

  it('does not take the names the stage declares for unassigned, yet still asks for quotes around them', async () => {
    const seen = await check(df('FROM debian:12', 'ARG version', 'ENV target=/opt', 'RUN cp -r "/src/$version" $target $elsewhere'));
    assert.deepEqual(
      seen.map((s) => [s.code, s.text]),
      [
        ['SC2086', '$target'],
        ['SC2154', '$elsewhere'],
        ['SC2086', '$elsewhere'],
      ],
    );
  });

  it('maps ShellCheck levels: error, warning, info, and style as a hint', async () => {
    const seen = await check(df('FROM debian:12', 'RUN [[ -n $lower ]] && echo `date` && [ "a" = "a" ] && ls $lower'));
    const level = (code: string) => seen.find((s) => s.code === code)?.severity;
    assert.equal(level('SC3010'), WARNING, '[[ ]] in POSIX sh');
    assert.equal(level('SC2086'), INFO);
    assert.equal(level('SC2006'), HINT, 'backticks are style');
    assert.ok(
      seen.some((s) => s.severity === ERROR || s.code === 'SC2050' || s.code === 'SC2157'),
      JSON.stringify(seen),
    );
  });

  it('reads the SHELL dialect: [[ ]] is fine in bash', async () => {
    const seen = await check(df('FROM debian:12', 'SHELL ["/bin/bash", "-c"]', 'RUN [[ -d /opt ]] && echo ok'));
    assert.deepEqual(seen, []);
  });

  it('columns count characters, a tab as one, with CRLF line ends and characters beyond the BMP before the finding', async () => {
    const text = 'FROM debian:12\r\nRUN\techo "😀é" \\\r\n\t$word\r\n';
    const seen = await check(text);
    assert.deepEqual(
      seen.map((s) => [s.code, s.text, s.line]),
      [
        ['SC2154', '$word', 2],
        ['SC2086', '$word', 2],
      ],
    );
  });

  it('a ` escape continues lines as \\ does', async () => {
    const seen = await check('# escape=`\nFROM debian:12\nRUN echo one && `\n    echo $two\n');
    assert.deepEqual(
      seen.map((s) => [s.code, s.text, s.line]),
      [
        ['SC2154', '$two', 3],
        ['SC2086', '$two', 3],
      ],
    );
  });

  it('heredoc bodies map to their own lines, the ones the shell runs and the ones fed to a command', async () => {
    const text = df(
      'FROM debian:12',
      'RUN <<EOF',
      'set -e',
      'cd $dir',
      'EOF',
      'RUN cat <<EOF > /etc/motd && echo $after',
      'hello $who',
      'EOF',
    );
    const seen = await check(text, { ignored: ['SC2086'] });
    assert.deepEqual(
      seen.map((s) => [s.code, s.text, s.line]),
      [
        ['SC2154', '$dir', 3],
        ['SC2154', '$after', 5],
        ['SC2154', '$who', 6],
      ],
    );
  });

  it('leaves out the checks that make no sense on a RUN (sourced files are in the image)', async () => {
    assert.deepEqual(await check(df('FROM debian:12', 'RUN . /etc/os-release && echo "$ID"')), []);
  });

  it('settings: shellcheck off or one level for all, single SC codes off, .hadolint.yaml ignored and override', async () => {
    const text = df('FROM debian:12', 'RUN echo $one "`date`"');
    assert.deepEqual(await check(text, { severities: { shellcheck: 'off' } }), []);
    assert.deepEqual(await check(text, { ignored: ['shellcheck'] }), []);
    assert.deepEqual(
      (await check(text, { severities: { shellcheck: 'error' } })).map((s) => s.severity),
      [ERROR, ERROR, ERROR],
    );
    assert.deepEqual(
      (await check(text, { severities: { SC2086: 'off' } })).map((s) => s.code),
      ['SC2154', 'SC2006'],
    );
    const file = parseConfig('ignored: [SC2154, sc2006]\noverride:\n  error: [SC2086]\n');
    assert.deepEqual(file.problems, []);
    assert.deepEqual(
      (await check(text, mergeSettings(file.settings))).map((s) => [s.code, s.severity]),
      [['SC2086', ERROR]],
    );
  });

  it("pragmas: Berth's and hadolint's ignore above the RUN, for the stage and for the file", async () => {
    const text = df(
      '# berth global ignore=SC2006',
      'FROM debian:12',
      '# hadolint ignore=SC2086,SC2154',
      'RUN echo $one "`date`"',
      'RUN echo $two',
      'FROM debian:12',
      '# berth stage ignore=SC2154',
      'RUN echo $three',
    );
    assert.deepEqual(
      (await check(text)).map((s) => [s.code, s.text]),
      [
        ['SC2154', '$two'],
        ['SC2086', '$two'],
        ['SC2086', '$three'],
      ],
    );
  });
});

describe('ShellCheck quick fixes', () => {
  it('"Ignore SC2086 for this instruction" writes the pragma that then silences it, and adds to one already there', async () => {
    const text = df('FROM debian:12', '# berth ignore=SC2154', 'RUN echo $word');
    const [finding] = await check(text);
    assert.equal(finding.code, 'SC2086');
    const doc = parse(text);
    const scripts = shellCheckScripts(doc);
    const run = await runShellCheck(
      SHELLCHECK,
      scripts.map((s) => s.text),
      { exclude: EXCLUDED_CHECKS },
    );
    assert.ok('comments' in run);
    const [diagnostic] = shellCheckDiagnostics(doc, scripts, () => run.comments[0], {});
    const actions = codeActions(text, [diagnostic], diagnostic.range, { uri: URI });
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Ignore SC2086 for this instruction', 'Ignore SC2086 in this file'],
    );
    const fixed = applyAction(text, actions[0]);
    assert.equal(fixed, df('FROM debian:12', '# berth ignore=SC2154,SC2086', 'RUN echo $word'));
    assert.deepEqual(await check(fixed), []);
  });
});

describe('running ShellCheck', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-shellcheck-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers per script, in order, one script or many (shared among processes)', async () => {
    const scripts = Array.from({ length: 40 }, (_, i) => `# shellcheck shell=sh\necho $v${i}\n`);
    const many = await runShellCheck(SHELLCHECK, scripts);
    assert.ok('comments' in many);
    assert.equal(many.comments.length, 40);
    many.comments.forEach((comments, i) =>
      assert.ok(
        comments.some((c) => c.code === 2154 && c.message.includes(`v${i} `)),
        `script ${i}`,
      ),
    );
    const one = await runShellCheck(SHELLCHECK, [scripts[7]]);
    assert.ok('comments' in one);
    assert.deepEqual(one.comments[0], many.comments[7]);
  });

  it("a repository's worth of scripts goes in batches of at most 200 per process, so no process outruns its deadline", async () => {
    const log = path.join(dir, 'batches.log');
    const wrapper = path.join(dir, 'counting-shellcheck');
    // A real ShellCheck behind a wrapper that records how many files each process was given.
    writeFileSync(
      wrapper,
      `#!/bin/sh\nn=0\nfor a in "$@"; do case "$a" in *.sh) n=$((n+1));; esac; done\necho $n >> '${log}'\nexec ${SHELLCHECK} "$@"\n`,
      { mode: 0o755 },
    );
    const scripts = Array.from({ length: 450 }, (_, i) => `# shellcheck shell=sh\necho $w${i}\n`);
    const run = await runShellCheck(wrapper, scripts);
    assert.ok('comments' in run, JSON.stringify(run).slice(0, 300));
    run.comments.forEach((comments, i) =>
      assert.ok(
        comments.some((c) => c.message.includes(`w${i} `)),
        `script ${i}`,
      ),
    );
    const batches = readFileSync(log, 'utf8').trim().split('\n').map(Number);
    assert.equal(
      batches.reduce((a, b) => a + b, 0),
      450,
    );
    assert.ok(batches.length >= 3 && Math.max(...batches) <= 200, batches.join(' '));
  });

  it('a missing program is an answer that says so, not an exception', async () => {
    const run = await runShellCheck(path.join(dir, 'no-such-shellcheck'), ['echo\n']);
    assert.ok('problem' in run && run.missing, JSON.stringify(run));
  });

  it('a program that is not ShellCheck, or fails, is a problem with its reason', async () => {
    const notJson = await runShellCheck('/bin/true', ['echo\n']);
    assert.ok('problem' in notJson && !notJson.missing && /json1/.test(notJson.problem), JSON.stringify(notJson));
    const failing = path.join(dir, 'failing');
    writeFileSync(failing, '#!/bin/sh\necho "it broke" >&2\nexit 3\n');
    chmodSync(failing, 0o755);
    const failed = await runShellCheck(failing, ['echo\n']);
    assert.ok('problem' in failed && failed.problem.includes('it broke'), JSON.stringify(failed));
  });

  it('a program that hangs is stopped at the deadline; an aborted run is cancelled', async () => {
    const hanging = path.join(dir, 'hanging');
    writeFileSync(hanging, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(hanging, 0o755);
    const slow = await runShellCheck(hanging, ['echo\n'], { timeoutMs: 200 });
    assert.ok('problem' in slow && /longer than/.test(slow.problem), JSON.stringify(slow));
    const controller = new AbortController();
    const pending = runShellCheck(hanging, ['echo\n', 'echo\n'], { signal: controller.signal });
    controller.abort();
    const aborted = await pending;
    assert.ok('problem' in aborted && aborted.problem === 'cancelled', JSON.stringify(aborted));
  });

  it('ShellChecker remembers each script: checking again runs no process for the scripts it has seen', async () => {
    const log = path.join(dir, 'runs.log');
    const counting = path.join(dir, 'counting-shellcheck');
    writeFileSync(counting, `#!/bin/sh\necho run >> '${log}'\nexec shellcheck "$@"\n`);
    chmodSync(counting, 0o755);
    const runs = () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
    const checker = new ShellChecker(counting);
    const a = '# shellcheck shell=sh\necho $a\n';
    const b = '# shellcheck shell=sh\necho $b\n';
    assert.equal(await checker.check([a]), undefined);
    assert.equal(runs(), 1);
    assert.equal(await checker.check([a, a]), undefined);
    assert.equal(runs(), 1, 'nothing new to check');
    assert.equal(await checker.check([a, b]), undefined);
    assert.equal(runs(), 2, 'only b was checked');
    assert.ok(checker.remembered(b)?.some((c) => c.code === 2154));
  });
});
