import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { configSearchPaths, mergeSettings, parseConfig, parseFailureThreshold, ruleCode } from '../../src/dockerfile/config';

describe('parseConfig', () => {
  it('reads a typical .hadolint.yaml', () => {
    const result = parseConfig(
      [
        'failure-threshold: warning',
        'ignored:',
        '  - DL3006',
        '  - DL3012 # no counterpart: dropped without a word',
        'trustedRegistries: [docker.io, "ghcr.io"]',
        'override:',
        '  error: [DL3002]',
        '  style: [DL3007]',
        'format: tty',
        'no-color: true',
      ].join('\n'),
    );
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.settings, {
      ignored: ['image-untagged'],
      trustedRegistries: ['docker.io', 'ghcr.io'],
      severities: { 'user-root': 'error', 'image-latest': 'hint' },
    });
    assert.equal(result.failureThreshold, 'warning');
  });

  it('accepts our own codes and a rules: key, which wins over override: in any order', () => {
    const result = parseConfig(
      'rules:\n  image-latest: off\n  user-missing: Error\noverride:\n  info: [DL3007, cache-copy-before-install]\nignored: [apt-update-alone]\n',
    );
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.settings, {
      ignored: ['apt-update-alone'],
      severities: { 'image-latest': 'off', 'cache-copy-before-install': 'info', 'user-missing': 'error' },
    });
  });

  it('maps hadolint failure thresholds', () => {
    assert.equal(parseConfig('failure-threshold: style').failureThreshold, 'hint');
    assert.equal(parseConfig('failure-threshold: ignore').failureThreshold, 'none');
    assert.equal(parseFailureThreshold('INFO'), 'info');
    assert.equal(parseFailureThreshold('loud'), undefined);
  });

  it('treats an empty file or a file of comments as no settings', () => {
    for (const text of ['', '# nothing here\n', '---\n', 'ignored:\n']) {
      assert.deepEqual(parseConfig(text), { settings: {}, problems: [] }, JSON.stringify(text));
    }
  });

  it('reports broken YAML with its line and keeps what it could read', () => {
    const result = parseConfig('ignored: [DL3006]\ntrustedRegistries: [docker.io\nfoo: : bar\n', { source: 'cfg.yaml' });
    assert.ok(result.problems.length >= 1);
    assert.match(result.problems[0], /^cfg\.yaml:\d+: invalid YAML: /);
    assert.ok(!result.problems.some((p) => p.includes('\n')), 'one line per problem');
    assert.deepEqual(result.settings.ignored, ['image-untagged']);
  });

  it('says what is wrong with each bad value, by line, and never throws', () => {
    const result = parseConfig(
      [
        'ignored: DL3006', // 1: not a list
        'override:',
        '  fatal: [DL3006]', // 3: unknown level
        'rules:',
        '  image-latest: loud', // 5: bad level
        '  "Not A Code": off', // 6: bad code
        'failure-threshold: sometimes', // 7
        'colour: true', // 8: unknown key
        'trustedRegistries: [{a: b}]', // 9
      ].join('\n'),
      { source: '.hadolint.yaml' },
    );
    assert.deepEqual(
      [...result.problems].sort(),
      [
        '.hadolint.yaml:1: ignored: expected a list, e.g. [DL3006, image-latest]',
        ".hadolint.yaml:3: override: unknown level 'fatal' (use error, warning, info or style)",
        '.hadolint.yaml:5: rules.image-latest: expected off, hint, info, warning or error',
        ".hadolint.yaml:6: rules: unknown rule code 'Not A Code'",
        '.hadolint.yaml:7: failure-threshold: expected error, warning, info, style or none',
        ".hadolint.yaml:8: unknown key 'colour'",
        '.hadolint.yaml:9: trustedRegistries: expected a registry host such as ghcr.io',
      ].sort(),
    );
    assert.deepEqual(result.settings, {});
  });

  it('reports codes no rule has', () => {
    assert.deepEqual(parseConfig('ignored: [image-lastest]').problems, [".hadolint.yaml:1: ignored: unknown rule code 'image-lastest'"]);
  });

  it('checks codes against a known list when given one', () => {
    const result = parseConfig('ignored: [image-lastest, image-latest, DL3006]', { knownCodes: ['image-latest', 'image-untagged'] });
    assert.deepEqual(result.problems, [".hadolint.yaml:1: ignored: unknown rule code 'image-lastest'"]);
    assert.deepEqual(result.settings.ignored, ['image-latest', 'image-untagged']);
  });

  it('rejects a top level that is not a mapping', () => {
    assert.match(parseConfig('- DL3006\n').problems[0], /^\.hadolint\.yaml:1: expected a mapping/);
    assert.match(parseConfig('just words').problems[0], /expected a mapping/);
  });

  it('survives random and hostile input', () => {
    const samples = [
      '\u0000\u0001',
      '{{{{',
      ': : :',
      '&a [*a]',
      '!!binary AAAA',
      'a: *nope',
      '\ud800',
      'x'.repeat(100_000),
      'ignored: [' + '['.repeat(500),
    ];
    let seed = 7;
    for (let i = 0; i < 300; i++) {
      let s = '';
      for (let j = 0; j < 40; j++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        s += 'ignored:[]{}-,#&*!|>"\' \n\tDL3006override'.charAt(seed % 42);
      }
      samples.push(s);
    }
    for (const text of samples) {
      const result = parseConfig(text);
      assert.ok(Array.isArray(result.problems));
    }
  });
});

describe('ruleCode', () => {
  it('maps hadolint codes with a counterpart, drops the others, keeps ours', () => {
    assert.equal(ruleCode('DL3006'), 'image-untagged');
    assert.equal(ruleCode('dl3007'), 'image-latest');
    assert.equal(ruleCode('DL3002'), 'user-root');
    assert.equal(ruleCode('DL3009'), 'apt-lists-kept', 'DL3009 (delete the apt lists) is its own rule, not apt-update-alone');
    assert.equal(ruleCode('DL3008'), 'apt-unpinned');
    assert.equal(ruleCode('DL3012'), null);
    assert.equal(ruleCode('SC2086'), 'SC2086');
    assert.equal(ruleCode('sc2086'), 'SC2086', 'ShellCheck codes as ShellCheck writes them: they reach its findings in RUN');
    assert.equal(ruleCode('SC20'), null);
    assert.equal(ruleCode('cache-copy-before-install'), 'cache-copy-before-install');
    assert.equal(ruleCode('no-such-rule'), 'no-such-rule', 'left for parseConfig to report');
  });
});

describe('mergeSettings', () => {
  it('lets later layers win per rule and adds up lists', () => {
    const merged = mergeSettings(
      { severities: { 'image-latest': 'error', 'user-root': 'info' }, ignored: ['cd-in-run'], trustedRegistries: ['docker.io'] },
      undefined,
      { severities: { 'image-latest': 'off' }, ignored: ['sudo-in-run', 'cd-in-run'] },
    );
    assert.deepEqual(merged, {
      severities: { 'image-latest': 'off', 'user-root': 'info' },
      ignored: ['cd-in-run', 'sudo-in-run'],
      trustedRegistries: ['docker.io'],
    });
    assert.deepEqual(mergeSettings(), {});
  });
});

describe('configSearchPaths', () => {
  it('walks up to the stop folder, nearest first', () => {
    const root = path.resolve('/ws');
    assert.deepEqual(configSearchPaths(path.join(root, 'a', 'b'), root), [
      path.join(root, 'a', 'b', '.hadolint.yaml'),
      path.join(root, 'a', 'b', '.hadolint.yml'),
      path.join(root, 'a', '.hadolint.yaml'),
      path.join(root, 'a', '.hadolint.yml'),
      path.join(root, '.hadolint.yaml'),
      path.join(root, '.hadolint.yml'),
    ]);
  });

  it('walks to the file system root without a stop folder, or when the file is outside it', () => {
    const all = configSearchPaths(path.resolve('/x/y'));
    assert.equal(all.at(-1), path.join(path.parse(path.resolve('/')).root, '.hadolint.yml'));
    assert.equal(all.length, 6);
    assert.deepEqual(configSearchPaths(path.resolve('/x/y'), path.resolve('/elsewhere')), all);
  });
});
