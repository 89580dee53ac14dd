/**
 * The server's reading of the client's `berth` section. VS Code sends the whole `berth.rules`
 * section, unset rules included (as ''), so every code and level is checked here against the
 * catalog: what is wrong is reported, not silently ignored, and the rest still applies.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_RULE_CODES } from '../../src/dockerfile/rules/catalog';
import { readClientSettings } from '../../src/server/clientSettings';

describe('readClientSettings', () => {
  it("takes the section as VS Code sends it: every rule, unset ones as '', and no complaint", () => {
    const rules = Object.fromEntries(ALL_RULE_CODES.map((code) => [code, '']));
    rules['sudo-in-run'] = 'off';
    rules['cd-in-run'] = 'error';
    const read = readClientSettings({ rules, lint: { hadolintConfig: true }, format: { continuationIndent: null } });
    assert.deepEqual(read.lint, { severities: { 'sudo-in-run': 'off', 'cd-in-run': 'error' } });
    assert.deepEqual(read.problems, []);
  });

  it('accepts every code of the catalog and every level', () => {
    for (const code of ALL_RULE_CODES) {
      for (const level of ['off', 'hint', 'info', 'warning', 'error'] as const) {
        assert.deepEqual(readClientSettings({ rules: { [code]: level } }), {
          lint: { severities: { [code]: level } },
          hadolintConfig: true,
          format: {},
          shellcheck: { enabled: true, path: undefined },
          problems: [],
        });
      }
    }
  });

  it('berth.rules.shellcheck and single ShellCheck codes; berth.shellcheck.enabled and .path', () => {
    const read = readClientSettings({
      rules: { shellcheck: 'warning', sc2086: 'off', SC9: 'off' },
      shellcheck: { enabled: false, path: ' /opt/bin/shellcheck ' },
    });
    assert.deepEqual(read.lint, { severities: { shellcheck: 'warning', SC2086: 'off' } });
    assert.deepEqual(read.shellcheck, { enabled: false, path: '/opt/bin/shellcheck' });
    assert.deepEqual(read.problems, [], 'SC9 is no code ShellCheck has: passed over as hadolint codes are');
    assert.deepEqual(readClientSettings({ shellcheck: { path: '' } }).shellcheck, { enabled: true, path: undefined });
    assert.deepEqual(readClientSettings({ shellcheck: { path: 7 } }).problems, [
      'Setting berth.shellcheck.path: expected the path of a shellcheck program, not 7',
    ]);
  });

  it('reports an unknown code, with the code it most likely meant', () => {
    const read = readClientSettings({ rules: { 'sudo-in-runn': 'off', 'image-latest': 'error' } });
    assert.deepEqual(read.lint, { severities: { 'image-latest': 'error' } });
    assert.deepEqual(read.problems, [
      "Setting berth.rules.sudo-in-runn: no rule has that code; did you mean 'sudo-in-run'? (the codes are in docs/rules)",
    ]);
  });

  it('reports a bad level and keeps the default for that rule', () => {
    const read = readClientSettings({ rules: { 'image-latest': 'loud' } });
    assert.deepEqual(read.lint, {});
    assert.match(read.problems[0], /berth\.rules\.image-latest: expected off, hint, info, warning or error, not "loud"/);
  });

  it("takes hadolint's codes for Berth's rules, and passes over hadolint codes Berth has no rule for", () => {
    const read = readClientSettings({ rules: { DL3007: 'hint', DL3008: 'warning', DL9999: 'error' } });
    assert.deepEqual(read.lint, { severities: { 'image-latest': 'hint', 'apt-unpinned': 'warning' } });
    assert.deepEqual(read.problems, []);
  });
});
