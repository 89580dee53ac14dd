/**
 * One positive example per rule code in the catalog, so a rule added without a test fails here;
 * the catalog against everything that repeats its codes (package.json's settings, docs/rules,
 * the rule files); the shape every diagnostic shares and whole-file controls from test/fixtures/rules.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { COMPOSE_RULE_CODES } from '../../src/compose';
import { lint } from '../../src/dockerfile/lint';
import { builder } from '../../src/dockerfile/rules/builder';
import { ALL_RULE_CODES, RULE_INFO, ruleDocUrl, type RuleCode } from '../../src/dockerfile/rules/catalog';
import { SHELLCHECK_CODE, type SeverityLevel } from '../../src/dockerfile/settings';
import { POSITIVE } from '../fixtures/rules/examples';
import { df, ERROR, HINT, INFO, none, one, run, WARNING } from '../fixtures/rules/helpers';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'rules');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

const LSP_SEVERITY: Record<Exclude<SeverityLevel, 'off'>, number> = { error: ERROR, warning: WARNING, info: INFO, hint: HINT };

describe('rule catalog', () => {
  it('every code in the catalog has a positive example here, and no example names an unknown code', () => {
    assert.deepEqual(Object.keys(POSITIVE).sort(), [...ALL_RULE_CODES].sort());
  });

  it('codes are stable kebab-case and unique', () => {
    for (const code of ALL_RULE_CODES) assert.match(code, /^[a-z]+(-[a-z]+)+$/);
    assert.equal(new Set(ALL_RULE_CODES).size, ALL_RULE_CODES.length);
  });

  for (const [code, example] of Object.entries(POSITIVE) as [RuleCode, (typeof POSITIVE)[RuleCode]][]) {
    it(`${code}: default severity ${example.severity}, tight range, berth diagnostic shape`, () => {
      assert.equal(RULE_INFO.get(code)?.severity, example.severity, `catalog default of ${code}`);
      const settings = example.settings;
      const level = example.severity === 'off' ? settings?.severities?.[code] : example.severity;
      assert.ok(level && level !== 'off');
      const seen = one(code, example.text, example.range, LSP_SEVERITY[level], settings);
      const d = seen.diagnostic;
      assert.equal(d.source, 'berth');
      assert.equal(d.code, code);
      assert.deepEqual(d.codeDescription, { href: ruleDocUrl(code) });
      assert.ok(d.codeDescription!.href.endsWith(`/docs/rules/${code}.md`));
      assert.ok(seen.message.length > 12, `message of ${code} says something: ${seen.message}`);
      assert.ok(!seen.message.includes('undefined'), seen.message);
    });
  }

  it('a rule that is off by default reports nothing until a severity turns it on', () => {
    none('image-unpinned-digest', POSITIVE['image-unpinned-digest'].text);
  });

  it('MAINTAINER is tagged Deprecated so editors strike it through', () => {
    const [d] = lint(df('FROM node:20', 'MAINTAINER me', 'USER node'));
    assert.equal(d.code, 'maintainer-deprecated');
    assert.deepEqual(d.tags, [2]);
  });

  it('diagnostics come back in source order', () => {
    const diagnostics = lint(fixture('problems.Dockerfile'));
    const keys = diagnostics.map((d) => d.range.start.line * 1000 + d.range.start.character);
    assert.deepEqual(
      keys,
      [...keys].sort((a, b) => a - b),
    );
  });
});

const ROOT = path.join(__dirname, '..', '..');
const LEVELS = ['off', 'hint', 'info', 'warning', 'error'];

describe('the catalog is the one list of rules', () => {
  it("package.json has a berth.rules.<code> setting for exactly the catalog's codes, each a level enum left unset", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      contributes: {
        configuration: { properties: Record<string, Record<string, unknown>> } | { properties: Record<string, Record<string, unknown>> }[];
      };
    };
    const sections = [pkg.contributes.configuration].flat();
    const settings = Object.assign({}, ...sections.map((c) => c.properties)) as Record<string, Record<string, unknown>>;
    const codes = Object.keys(settings)
      .filter((key) => key.startsWith('berth.rules.'))
      .map((key) => key.slice('berth.rules.'.length));
    assert.deepEqual([...codes].sort(), [...ALL_RULE_CODES, SHELLCHECK_CODE, ...COMPOSE_RULE_CODES].sort());
    for (const code of codes) {
      const setting = settings[`berth.rules.${code}`];
      assert.equal(setting.type, 'string', code);
      assert.deepEqual(setting.enum, LEVELS, code);
      // A default would be sent as an explicit choice and override .hadolint.yaml.
      assert.equal(setting.default, undefined, `${code} has no default: unset means the rule's own`);
      assert.equal(setting.scope, 'resource', code);
      assert.match(String(setting.markdownDescription), new RegExp(`\`${code}\``), `${code}'s description names it`);
    }
  });

  it('docs/rules has a page for exactly the catalog codes (and the Compose catalog), whose header matches the catalog', () => {
    const pages = readdirSync(path.join(ROOT, 'docs', 'rules'))
      .filter((name) => name.endsWith('.md') && name !== 'README.md')
      .map((name) => name.slice(0, -3));
    assert.deepEqual(pages.sort(), [...ALL_RULE_CODES, SHELLCHECK_CODE, ...COMPOSE_RULE_CODES].sort());
    for (const code of ALL_RULE_CODES) {
      const info = RULE_INFO.get(code)!;
      const page = readFileSync(path.join(ROOT, 'docs', 'rules', `${code}.md`), 'utf8').split('\n');
      assert.equal(page[0], `# ${code}`);
      const header = page[2];
      assert.ok(header.startsWith(`**Default severity:** ${info.severity} `), `${code}: ${header}`);
      if (info.hadolint) assert.ok(header.includes(`**hadolint:** ${info.hadolint} (its pragmas and`), `${code}: ${header}`);
      else assert.ok(!header.includes('(its pragmas and'), `${code} has no hadolint alias in the catalog: ${header}`);
      const buildkit = /\*\*BuildKit check:\*\* (\S+)/.exec(header)?.[1];
      assert.equal(buildkit, info.buildkit ?? 'none', `${code}'s BuildKit check`);
    }
  });

  it("docs/rules/README.md's tables link every rule with its default", () => {
    const index = readFileSync(path.join(ROOT, 'docs', 'rules', 'README.md'), 'utf8');
    for (const code of ALL_RULE_CODES) {
      const row = index.split('\n').find((line) => line.startsWith(`| [${code}](${code}.md) |`));
      assert.ok(row, `docs/rules/README.md lists ${code}`);
      assert.ok(row.split('|')[2].trim().startsWith(RULE_INFO.get(code)!.severity), `${code}'s default in the index: ${row}`);
    }
  });

  it('each rule lives in src/dockerfile/rules/<code>.ts, but for the builder family that shares one pass', () => {
    const family = new Set<string>(builder.rules.map((r) => r.code));
    for (const code of ALL_RULE_CODES) {
      const file = path.join(ROOT, 'src', 'dockerfile', 'rules', `${code}.ts`);
      if (family.has(code)) assert.ok(!existsSync(file), `${code} is in the builder family and has a file too`);
      else assert.match(readFileSync(file, 'utf8'), new RegExp(`code: '${code}'`), `${code}.ts defines ${code}`);
    }
  });
});

describe('whole files', () => {
  it('a clean realistic multi-stage Node/Go Dockerfile yields no diagnostics at all', () => {
    assert.deepEqual(run(fixture('clean-multistage.Dockerfile')), []);
  });

  it('a clean Python Dockerfile with the USER inherited from its base stage yields no diagnostics', () => {
    assert.deepEqual(run(fixture('clean-python.Dockerfile')), []);
  });

  it('stays clean with every rule turned up to error (nothing hides behind a low default)', () => {
    const severities: Record<string, SeverityLevel> = {};
    // Opinionated rules that are off by default stay off: a clean file may leave packages unpinned.
    for (const code of ALL_RULE_CODES) if (RULE_INFO.get(code)?.severity !== 'off') severities[code] = 'error';
    assert.deepEqual(run(fixture('clean-multistage.Dockerfile'), { severities }), []);
    assert.deepEqual(run(fixture('clean-python.Dockerfile'), { severities }), []);
  });

  it('a typical problem Dockerfile gets exactly the expected findings, each on its own tight range', () => {
    const found = run(fixture('problems.Dockerfile')).map((d) => [d.code, d.line + 1, d.text, d.severity]);
    assert.deepEqual(found, [
      ['image-untagged', 1, 'node', WARNING],
      ['maintainer-deprecated', 2, 'MAINTAINER', INFO],
      ['workdir-relative', 3, 'app', INFO],
      ['cache-copy-before-install', 4, '.', WARNING],
      ['run-consecutive', 6, 'RUN', HINT],
      ['apt-update-alone', 6, 'apt-get update', WARNING],
      ['image-latest', 8, 'latest', WARNING],
      ['legacy-key-value', 9, 'NODE_ENV production', INFO],
      ['user-root', 11, 'root', WARNING],
      ['json-args-recommended', 13, 'node /app/server.js', INFO],
    ]);
  });

  it('empty, blank and comment-only files are clean', () => {
    assert.deepEqual(lint(''), []);
    assert.deepEqual(lint('\n\n   \n'), []);
    assert.deepEqual(lint('# just a comment\n# another\n'), []);
    assert.deepEqual(lint('# syntax=docker/dockerfile:1\n'), []);
  });

  it('CRLF line endings and a byte-order mark do not shift ranges', () => {
    const crlf = 'FROM node\r\nRUN apt-get update\r\nUSER root\r\n';
    assert.deepEqual(
      run(crlf).map((d) => [d.code, d.line, d.text]),
      [
        ['image-untagged', 0, 'node'],
        ['apt-update-alone', 1, 'apt-get update'],
        ['user-root', 2, 'root'],
      ],
    );
    one('image-untagged', '\ufeffFROM node\nUSER app\n', 'node', WARNING);
  });
});
