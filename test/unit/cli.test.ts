/**
 * `berth` end to end: spawns the shipped bundle (dist/cli.js, rebuilt when stale) on the fixtures
 * in test/fixtures/cli and checks output, formats and exit statuses.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatCheckstyle, formatGithub, formatGitlab, type JsonFinding } from '../../src/cli/format';
import { CLI, ensureBuilt, ROOT } from '../lsp/build';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'cli');
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function berth(args: string[], options: { cwd?: string; input?: string | Buffer } = {}): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? FIXTURES,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json(run: Run): JsonFinding[] {
  return JSON.parse(run.stdout) as JsonFinding[];
}

/** No stack trace ever reaches the user. */
function assertNoTrace(run: Run): void {
  assert.doesNotMatch(run.stderr + run.stdout, /^\s+at .+:\d+:\d+\)?$/m, 'stack trace in output');
}

let tmp: string;
before(() => {
  ensureBuilt();
  tmp = mkdtempSync(path.join(tmpdir(), 'berth cli '));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('berth', () => {
  it('prints its version', () => {
    for (const flag of ['--version', '-v']) {
      const run = berth([flag]);
      assert.equal(run.status, 0);
      assert.equal(run.stdout, `${version}\n`);
    }
  });

  it('prints help with the command table', () => {
    const run = berth(['--help']);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /Usage: berth <command>/);
    assert.match(run.stdout, /^\s+lint\s+Lint Dockerfiles/m);
  });

  it('prints a command help three ways', () => {
    const viaHelp = berth(['help', 'lint']);
    assert.equal(viaHelp.status, 0);
    assert.match(viaHelp.stdout, /Usage: berth lint \[options\] PATH\.\.\./);
    assert.match(viaHelp.stdout, /--failure-threshold/);
    assert.equal(berth(['lint', '--help']).stdout, viaHelp.stdout);
    assert.equal(berth(['lint', '-h']).stdout, viaHelp.stdout);
  });

  it('exits 2 with a clear message on usage errors', () => {
    const cases: [string[], RegExp][] = [
      [[], /Usage: berth <command>/],
      [['frobnicate'], /berth: unknown command 'frobnicate'/],
      [['--frob'], /berth: unknown option '--frob'/],
      [['help', 'frobnicate'], /unknown command 'frobnicate'/],
      [['lint', '--frob', 'clean'], /berth lint: unknown option '--frob'/],
      [['lint', '--format', 'xml', 'clean'], /unknown format 'xml' \(use text, json, sarif, github, gitlab, checkstyle\)/],
      [['lint', '--format'], /--format needs a value/],
      [['lint', '--failure-threshold', 'sometimes', 'clean'], /unknown failure threshold 'sometimes'/],
      [['lint'], /no PATH given/],
      [['lint', '--config', 'no-such.yaml', 'clean'], /--config no-such\.yaml: no such file/],
    ];
    for (const [args, message] of cases) {
      const run = berth(args);
      assert.equal(run.status, 2, `berth ${args.join(' ')}`);
      assert.match(run.stderr, message, `berth ${args.join(' ')}`);
      assert.equal(run.stdout, '', `berth ${args.join(' ')} prints nothing on stdout`);
      assertNoTrace(run);
    }
  });
});

describe('berth lint', () => {
  it('exits 0 and prints nothing for a clean file', () => {
    const run = berth(['lint', 'clean/Dockerfile']);
    assert.deepEqual(run, { status: 0, stdout: '', stderr: '' });
  });

  it('expands a folder to its Dockerfiles, skipping node_modules, .git and non-Dockerfiles', () => {
    // Made here rather than in the fixtures: git would not keep a node_modules folder.
    mkdirSync(path.join(tmp, 'repo', '.git'), { recursive: true });
    mkdirSync(path.join(tmp, 'repo', 'web', 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(path.join(tmp, 'repo', '.git', 'Dockerfile'), 'FROM node\n');
    writeFileSync(path.join(tmp, 'repo', 'web', 'node_modules', 'pkg', 'Dockerfile'), 'FROM node\n');
    writeFileSync(path.join(tmp, 'repo', 'Dockerfile'), 'FROM node:20\nUSER app\n');
    const inRepo = json(berth(['lint', '--format', 'json', path.join(tmp, 'repo')]));
    assert.deepEqual(inRepo, []);

    const run = berth(['lint', '--format', 'json', 'project']);
    assert.equal(run.status, 1);
    const files = [...new Set(json(run).map((f) => f.file))];
    assert.deepEqual(files, [
      path.join('project', 'Dockerfile'),
      path.join('project', 'api', 'app.dockerfile'),
      path.join('project', 'web', 'Containerfile.prod'),
    ]);
  });

  it('prints text as file:line:col severity code message, sorted', () => {
    const run = berth(['lint', 'project/web/Containerfile.prod', 'project']);
    assert.equal(run.status, 1);
    const lines = run.stdout.trimEnd().split('\n');
    for (const line of lines) assert.match(line, /^[^:]+:\d+:\d+ (error|warning|info|hint) [a-z-]+ \S.*$/);
    const keys = lines.map((l) => /^([^:]+):(\d+):(\d+)/.exec(l)!).map((m) => [m[1], Number(m[2]), Number(m[3])] as const);
    const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2]));
    assert.deepEqual(keys, sorted);
    assert.ok(
      lines.includes(
        `${path.join('project', 'Dockerfile')}:1:6 warning image-untagged ${json(berth(['lint', '-f', 'json', 'project/Dockerfile']))[0].message}`,
      ),
    );
    // The file named twice (directly and through its folder) is linted once.
    assert.equal(lines.filter((l) => l.includes('Containerfile.prod:3:')).length, 1);
  });

  it('prints JSON with 1-based positions', () => {
    const run = berth(['lint', '--format', 'json', 'project/Dockerfile']);
    assert.equal(run.status, 1);
    const findings = json(run);
    const untagged = findings.find((f) => f.code === 'image-untagged');
    assert.deepEqual(untagged && { ...untagged, message: '' }, {
      file: path.join('project', 'Dockerfile'),
      line: 1,
      column: 6,
      endLine: 1,
      endColumn: 10,
      severity: 'warning',
      code: 'image-untagged',
      message: '',
    });
    assert.match(untagged!.message, /node/);
    for (const f of findings)
      assert.deepEqual(Object.keys(f), ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']);
  });

  it('prints [] when clean in JSON', () => {
    const run = berth(['lint', '-f', 'json', 'clean']);
    assert.equal(run.status, 0);
    assert.deepEqual(JSON.parse(run.stdout), []);
  });

  it('prints SARIF 2.1.0 that GitHub code scanning accepts', () => {
    const run = berth(['lint', '--format', 'sarif', 'project']);
    assert.equal(run.status, 1);
    const sarif = JSON.parse(run.stdout);
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    assert.equal(sarif.runs.length, 1);
    const [runObj] = sarif.runs;
    assert.equal(runObj.tool.driver.name, 'berth');
    assert.equal(runObj.tool.driver.version, version);
    const rules = runObj.tool.driver.rules as { id: string; helpUri: string; shortDescription: { text: string } }[];
    const ids = rules.map((r) => r.id);
    assert.deepEqual(ids, [...new Set(ids)].sort(), 'one rule per id');
    for (const rule of rules) {
      assert.match(rule.helpUri, new RegExp(`^https://.+/docs/rules/${rule.id}\\.md$`));
      assert.ok(rule.shortDescription.text.length > 10);
    }
    const texts = json(berth(['lint', '-f', 'json', 'project']));
    assert.equal(runObj.results.length, texts.length);
    for (const [i, result] of runObj.results.entries()) {
      assert.equal(rules[result.ruleIndex].id, result.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(result.level));
      assert.equal(typeof result.message.text, 'string');
      const { artifactLocation, region } = result.locations[0].physicalLocation;
      assert.equal(artifactLocation.uriBaseId, '%SRCROOT%');
      assert.equal(decodeURIComponent(artifactLocation.uri), texts[i].file.split(path.sep).join('/'));
      assert.deepEqual(region, {
        startLine: texts[i].line,
        startColumn: texts[i].column,
        endLine: texts[i].endLine,
        endColumn: texts[i].endColumn,
      });
    }
    assert.equal(runObj.originalUriBaseIds['%SRCROOT%'].uri, `${new URL(`file://${FIXTURES}/`).href}`);
    assert.equal(runObj.invocations[0].executionSuccessful, true);
  });

  it('prints GitHub Actions annotations, escaped as the runner needs', () => {
    const run = berth(['lint', '-f', 'github', 'project']);
    assert.equal(run.status, 1);
    const texts = json(berth(['lint', '-f', 'json', 'project']));
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, texts.length);
    for (const [i, line] of lines.entries()) {
      const f = texts[i];
      const command = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
      assert.equal(
        line.split('::')[1],
        `${command} file=${f.file},line=${f.line},endLine=${f.endLine},col=${f.column},endColumn=${f.endColumn},title=berth ${f.code}`,
      );
      assert.ok(!/\n/.test(line.split('::')[2]), 'one line each');
    }
    const escaped = formatGithub([
      { file: 'a,b:c.df', line: 1, column: 1, endLine: 1, endColumn: 2, severity: 'info', code: 'x', message: '100% sure\nnext' },
    ]);
    assert.equal(escaped, '::notice file=a%2Cb%3Ac.df,line=1,endLine=1,col=1,endColumn=2,title=berth x::100%25 sure%0Anext\n');
  });

  it('prints a GitLab Code Quality report whose fingerprints are unique and survive moved lines', () => {
    const run = berth(['lint', '-f', 'gitlab', 'project']);
    assert.equal(run.status, 1);
    const report = JSON.parse(run.stdout) as {
      description: string;
      check_name: string;
      fingerprint: string;
      severity: string;
      location: { path: string; lines: { begin: number } };
    }[];
    const texts = json(berth(['lint', '-f', 'json', 'project']));
    assert.equal(report.length, texts.length);
    assert.equal(new Set(report.map((r) => r.fingerprint)).size, report.length);
    for (const [i, r] of report.entries()) {
      assert.deepEqual([r.check_name, r.location.path, r.location.lines.begin], [texts[i].code, texts[i].file, texts[i].line]);
      assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(r.severity));
    }
    const finding = {
      file: 'Dockerfile',
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 5,
      severity: 'warning' as const,
      code: 'c',
      message: 'm',
    };
    const moved = JSON.parse(formatGitlab([{ ...finding, line: 9, endLine: 9 }]))[0].fingerprint;
    assert.equal(JSON.parse(formatGitlab([finding]))[0].fingerprint, moved);
  });

  it('prints Checkstyle XML with every finding, special characters escaped', () => {
    const run = berth(['lint', '-f', 'checkstyle', 'project']);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<checkstyle version="4.3">\n/);
    assert.equal((run.stdout.match(/<error /g) ?? []).length, json(berth(['lint', '-f', 'json', 'project'])).length);
    const xml = formatCheckstyle([
      { file: 'a&b.df', line: 2, column: 3, endLine: 2, endColumn: 4, severity: 'hint', code: 'k', message: '<"x"> & \u0001' },
    ]);
    assert.match(
      xml,
      /<file name="a&amp;b.df">\n {4}<error line="2" column="3" severity="info" message="&lt;&quot;x&quot;&gt; &amp; \ufffd" source="berth.k"\/>/,
    );
  });

  it('--fix rewrites the file with every safe fix, keeps its BOM, and reports what is left', () => {
    const file = path.join(tmp, 'fix me.dockerfile');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('FROM debian:12\nRUN apt-get update\nRUN apt-get install curl\nUSER root\n'),
      ]),
    );
    const run = berth(['lint', '--fix', '-f', 'json', file]);
    assert.equal(run.status, 1, 'user-root is left, and it fails the run');
    assert.deepEqual(
      json(run).map((f) => f.code),
      ['user-root'],
    );
    assert.match(
      run.stderr,
      /^berth: fixed 4 in .*fix me\.dockerfile: apt-update-alone, apt-missing-yes, apt-install-recommends, apt-lists-kept\n$/,
    );
    const bytes = readFileSync(file);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(
      bytes.subarray(3).toString(),
      'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*\nUSER root\n',
    );
    const again = berth(['lint', '--fix', file]);
    assert.equal(again.stderr, '', 'nothing left to fix the second time');
    const stdin = berth(['lint', '--fix', '-'], { input: 'FROM debian:12\nRUN apt-get install curl\n' });
    assert.equal(stdin.status, 2);
    assert.match(stdin.stderr, /--fix needs files to write/);
  });

  it('--fix applies every fix of a file that has more than 100, and exits 0 when none is left', () => {
    const file = path.join(tmp, 'many.dockerfile');
    writeFileSync(file, `FROM debian:12\n${'RUN apt-get install curl\nENV X=1\n'.repeat(60)}USER app\n`);
    const run = berth(['lint', '--fix', file]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /^berth: fixed 120 in /);
    assert.equal(readFileSync(file, 'utf8').split('--no-install-recommends -y curl').length - 1, 60);
  });

  it('reads standard input for -', () => {
    const run = berth(['lint', '-f', 'json', '-'], { input: 'FROM node:latest\nUSER app\n' });
    assert.equal(run.status, 1);
    const findings = json(run);
    assert.deepEqual(
      findings.map((f) => [f.file, f.code, f.line, f.column]),
      [['-', 'image-latest', 1, 11]],
    );
  });

  it('handles paths with spaces', () => {
    const folder = berth(['lint', 'with space']);
    assert.equal(folder.status, 1);
    assert.match(folder.stdout, /^with space\/My App\.dockerfile:1:6 warning image-untagged /m);
    const sarif = JSON.parse(berth(['lint', '-f', 'sarif', 'with space/My App.dockerfile']).stdout);
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'with%20space/My%20App.dockerfile');
  });

  it('counts positions after a UTF-8 byte order mark as editors do', () => {
    const file = path.join(tmp, 'bom.dockerfile');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('FROM node\nUSER app\n')]));
    const findings = json(berth(['lint', '-f', 'json', file]));
    assert.deepEqual(
      findings.map((f) => [f.code, f.column]),
      [['image-untagged', 6]],
    );
  });
});

describe('berth lint exit status', () => {
  it('is 1 on findings at or above the threshold, 0 below it', () => {
    // project has warnings only.
    assert.equal(berth(['lint', 'project']).status, 1);
    assert.equal(berth(['lint', '--failure-threshold', 'warning', 'project']).status, 1);
    assert.equal(berth(['lint', '--failure-threshold', 'error', 'project']).status, 0);
    assert.equal(berth(['lint', '-t', 'none', 'project']).status, 0);
    // hints has a hint only: below the default threshold (info, as hadolint), so it passes...
    const hints = berth(['lint', 'hints']);
    assert.equal(hints.status, 0);
    assert.match(hints.stdout, / hint keyword-casing /, 'the hint is still printed');
    // ...unless asked for; hadolint's name for that level works too.
    assert.equal(berth(['lint', '-t', 'hint', 'hints']).status, 1);
    assert.equal(berth(['lint', '--failure-threshold=style', 'hints']).status, 1);
  });

  it('is 2 for a missing file, and the other paths are still linted', () => {
    const run = berth(['lint', 'no/such/Dockerfile', 'project/Dockerfile']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^berth: no\/such\/Dockerfile: no such file or folder$/m);
    assert.match(run.stdout, /project\/Dockerfile:1:6 warning image-untagged/);
    assertNoTrace(run);
  });

  it('is 2 for binary input: not a text file', () => {
    const file = path.join(tmp, 'Dockerfile.bin');
    writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x46, 0x52, 0x4f, 0x4d]));
    const run = berth(['lint', file]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /Dockerfile\.bin: not a text file/);
    assertNoTrace(run);
    const stdin = berth(['lint', '-'], { input: Buffer.from([0, 1, 2, 3]) });
    assert.equal(stdin.status, 2);
    assert.match(stdin.stderr, /^berth: -: not a text file/m);
  });

  it('is 2 for a folder without Dockerfiles or Compose files', () => {
    const empty = path.join(tmp, 'empty');
    mkdirSync(path.join(empty, 'node_modules'), { recursive: true });
    writeFileSync(path.join(empty, 'node_modules', 'Dockerfile'), 'FROM node\n');
    writeFileSync(path.join(empty, 'notes.txt'), 'FROM node\n');
    const run = berth(['lint', empty]);
    assert.equal(run.status, 2);
    assert.match(
      run.stderr,
      /no Dockerfiles or Compose files in this folder \(looked for Dockerfile, Containerfile, Dockerfile\.<variant>.*, compose\.yaml/,
    );
  });

  it('is 2 for an unreadable path, with the reason', () => {
    // As root every file is readable, so an unreadable path is one that is not a folder midway.
    const run = berth(['lint', 'clean/Dockerfile/Dockerfile']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /clean\/Dockerfile\/Dockerfile: a part of the path is not a folder/);
    assertNoTrace(run);
  });

  it('reports SARIF inputs it could not read as tool notifications', () => {
    const run = berth(['lint', '-f', 'sarif', 'missing.dockerfile', 'clean']);
    assert.equal(run.status, 2);
    const invocation = JSON.parse(run.stdout).runs[0].invocations[0];
    assert.equal(invocation.executionSuccessful, false);
    assert.match(invocation.toolExecutionNotifications[0].message.text, /missing\.dockerfile: no such file/);
  });
});

describe('berth lint configuration', () => {
  it('finds .hadolint.yaml in a parent folder: ignored codes and failure-threshold', () => {
    const run = berth(['lint', '-f', 'json', 'configured/sub/Dockerfile']);
    // DL3006 ignored, image-latest stays; failure-threshold: error lets a warning pass.
    assert.deepEqual(
      json(run).map((f) => f.code),
      ['image-latest'],
    );
    assert.equal(run.status, 0);
    // The flag wins over the file's threshold.
    assert.equal(berth(['lint', '-t', 'warning', 'configured/sub/Dockerfile']).status, 1);
  });

  it('uses --config instead of the nearest file', () => {
    const run = berth(['lint', '-f', 'json', '--config', 'configured/other-config.yaml', 'configured/sub/Dockerfile']);
    assert.deepEqual(
      json(run).map((f) => f.code),
      ['image-untagged'],
    );
    assert.equal(run.status, 1, 'the default threshold, since this file sets none');
  });

  it('warns about a broken config once and lints with what it could read', () => {
    const dir = path.join(tmp, 'broken-config');
    mkdirSync(path.join(dir, 'a'), { recursive: true });
    mkdirSync(path.join(dir, 'b'), { recursive: true });
    writeFileSync(path.join(dir, '.hadolint.yml'), 'ignored: [DL3007]\ncolour: [\n');
    writeFileSync(path.join(dir, 'a', 'Dockerfile'), 'FROM node:latest\nUSER app\n');
    writeFileSync(path.join(dir, 'b', 'Dockerfile'), 'FROM node:latest\nUSER app\n');
    const run = berth(['lint', '-f', 'json', dir]);
    assert.equal(run.status, 0);
    assert.deepEqual(json(run), []);
    const warnings = run.stderr.trimEnd().split('\n');
    assert.ok(warnings.length >= 1);
    assert.equal(new Set(warnings).size, warnings.length, 'each problem once');
    for (const w of warnings) assert.match(w, /^berth: warning: .+\.hadolint\.yml:\d+: /);
  });
});

describe('berth lint on Compose files', () => {
  /** Every code the Compose checks may report: a Dockerfile rule here is the old nonsense. */
  const COMPOSE_CODES = /^(compose-[a-z-]+|image-untagged|image-latest)$/;

  it('lints compose.yaml as a Compose file in its project, with the Dockerfile its build names', () => {
    const run = berth(['lint', 'compose/compose.yaml']);
    assert.equal(run.status, 1);
    assert.equal(run.stderr, '');
    assert.deepEqual(run.stdout.trimEnd().split('\n'), [
      "compose/compose.yaml:5:15 error compose-build-target-unknown build.target 'runtme' is not a stage of app/Dockerfile (its stages: build, runtime). Did you mean 'runtime'?",
      `compose/compose.yaml:7:9 info compose-port-unquoted Unquoted '22:22' is a base-60 number to YAML 1.1 parsers (other tools, older docker-compose). Quote it: "22:22".`,
      "compose/compose.yaml:10:18 warning image-latest Image 'redis:latest' uses the tag 'latest', which moves. Pin a version instead.",
    ]);
  });

  it('expands a folder to its Compose files and Dockerfiles, each in its own language', () => {
    const run = berth(['lint', '-f', 'json', '-t', 'hint', 'compose']);
    const findings = json(run);
    assert.deepEqual([...new Set(findings.map((f) => f.file))], [path.join('compose', 'compose.yaml')]);
    assert.ok(
      findings.every((f) => COMPOSE_CODES.test(f.code)),
      findings.map((f) => f.code).join(', '),
    );
    // The override names services of compose.yaml: clean only when read as part of its project.
    const override = json(berth(['lint', '-f', 'json', 'compose/compose.override.yaml']));
    assert.deepEqual(override, []);
    // notes.yaml is no Compose file's name, so the folder leaves it alone.
    assert.ok(!findings.some((f) => f.file.endsWith('notes.yaml')));
  });

  it('lints a YAML file named on the command line as a Compose file, whatever its name', () => {
    const run = berth(['lint', '-f', 'json', 'compose/stack.yml']);
    assert.deepEqual(
      json(run).map((f) => `${f.line}:${f.column} ${f.code}`),
      ['4:18 compose-service-unknown'],
    );
  });

  it('prints every format for Compose findings, SARIF rules from the Compose catalog', () => {
    const sarif = JSON.parse(berth(['lint', '-f', 'sarif', 'compose/compose.yaml']).stdout);
    const rules = sarif.runs[0].tool.driver.rules as {
      id: string;
      shortDescription: { text: string };
      defaultConfiguration?: { level: string };
    }[];
    const target = rules.find((r) => r.id === 'compose-build-target-unknown');
    assert.equal(target?.shortDescription.text, '`build.target` names no stage of the Dockerfile it builds.');
    assert.equal(target?.defaultConfiguration?.level, 'error');
    assert.match(berth(['lint', '-f', 'github', 'compose/compose.yaml']).stdout, /^::error file=compose\/compose\.yaml,line=5,/m);
    assert.equal(JSON.parse(berth(['lint', '-f', 'gitlab', 'compose/compose.yaml']).stdout).length, 3);
    assert.match(berth(['lint', '-f', 'checkstyle', 'compose/compose.yaml']).stdout, /source="berth\.compose-port-unquoted"/);
  });

  it('exits as for Dockerfiles: the threshold decides, a missing file is 2', () => {
    assert.equal(berth(['lint', '-t', 'none', 'compose/compose.yaml']).status, 0);
    assert.equal(berth(['lint', '-t', 'error', 'compose/compose.override.yaml']).status, 0);
    assert.equal(berth(['lint', '-t', 'error', 'compose/compose.yaml']).status, 1);
    const missing = berth(['lint', 'compose/nothing.yaml', 'compose/compose.yaml']);
    assert.equal(missing.status, 2);
    assert.match(missing.stdout, /compose-build-target-unknown/, 'the other path is still linted');
  });

  it('reads Compose rules from the rules: of .hadolint.yaml, and --fix leaves Compose files as they are', () => {
    const dir = path.join(tmp, 'compose-config');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, '.hadolint.yaml'), 'rules:\n  compose-port-unquoted: off\n  image-latest: error\n');
    const text = 'services:\n  web:\n    image: nginx:latest\n    ports: [22:22]\n';
    writeFileSync(path.join(dir, 'compose.yaml'), text);
    const run = berth(['lint', '--fix', '-f', 'json', dir]);
    assert.deepEqual(
      json(run).map((f) => `${f.code} ${f.severity}`),
      ['image-latest error'],
    );
    assert.equal(run.stderr, 'berth: note: --fix rewrites Dockerfiles; the Compose files were linted as they are\n');
    assert.equal(readFileSync(path.join(dir, 'compose.yaml'), 'utf8'), text);
  });
});
