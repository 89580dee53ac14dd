/** compose-yaml, compose-schema and compose-version-obsolete. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ComposeWorkspace, lintCompose } from '../../src/compose';
import { codes, covered, diskHost, FIXTURES, lintText, MemoryHost, projectOf } from '../fixtures/compose/helpers';

const only = (text: string, code: string) => lintText(text).filter((d) => d.code === code);

describe('compose-yaml', () => {
  it('reports syntax errors and duplicate keys at their place', () => {
    const text = 'services:\n  web:\n    image: a\n    image: b\n    ports: [1,\n';
    const found = only(text, 'compose-yaml');
    assert.ok(found.length >= 2);
    assert.equal(covered(text, found[0]), 'image');
    assert.equal(found[0].range.start.line, 3);
    assert.match(String(found[0].message), /repeated/);
  });

  it('has nothing to say about valid YAML', () => {
    assert.deepEqual(codes(lintText('services:\n  web:\n    image: nginx:1.27\n'), 'compose-yaml'), []);
  });
});

describe('compose-schema', () => {
  it('reports an unknown key with the key meant', () => {
    const text = 'services:\n  web:\n    imagee: nginx:1.27\n';
    const [d] = only(text, 'compose-schema');
    assert.equal(covered(text, d), 'imagee');
    assert.match(String(d.message), /Did you mean 'image'\?/);
    assert.deepEqual(d.data, { replacement: 'image' });
  });

  it('takes an abbreviation for the one key it begins; two keys beginning with it are no suggestion', () => {
    const meant = (key: string) => {
      const [d] = only(`services:\n  web:\n    ${key}: x\n`, 'compose-schema');
      return (d.data as { replacement?: string } | undefined)?.replacement;
    };
    assert.equal(meant('health'), 'healthcheck');
    assert.equal(meant('entry'), 'entrypoint');
    assert.equal(meant('env'), undefined, 'env_file or environment');
  });

  it('reports unknown top-level keys and accepts x- extensions', () => {
    const text = 'servics:\n  web: {}\nx-anything:\n  whatever: [1, 2]\n';
    const found = only(text, 'compose-schema');
    assert.equal(found.length, 1);
    assert.match(String(found[0].message), /'servics'.*Did you mean 'services'/);
  });

  it('reports wrong types and values out of an enum, at the value', () => {
    const text = [
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    healthcheck:',
      '      test: 3',
      '    cgroup: shared',
      '    depends_on:',
      '      db:',
      '        condition: service_ready',
      '  db:',
      '    image: postgres:16',
      '',
    ].join('\n');
    const found = only(text, 'compose-schema');
    assert.deepEqual(
      found.map((d) => covered(text, d)),
      ['3', 'shared', 'service_ready'],
    );
    assert.match(String(found[0].message), /a string or a list, not the number 3/);
    assert.match(String(found[1].message), /one of 'host' or 'private'/);
  });

  it('picks the branch of a oneOf that matches the value, not every branch', () => {
    // build is a string or a mapping; a mapping with an unknown key is that key's error only.
    const text = 'services:\n  web:\n    build:\n      contxt: .\n';
    const found = only(text, 'compose-schema');
    assert.equal(found.length, 1);
    assert.match(String(found[0].message), /'contxt'.*Did you mean 'context'/);
    const wrongType = only('services:\n  web:\n    build: 3\n', 'compose-schema');
    assert.equal(wrongType.length, 1);
    assert.match(String(wrongType[0].message), /a string or a mapping/);
  });

  it('reports a repeated list item at the repeat', () => {
    const text = 'services:\n  web:\n    image: a:1\n    cap_add:\n      - NET_ADMIN\n      - SYS_TIME\n      - NET_ADMIN\n';
    const [d] = only(text, 'compose-schema');
    assert.equal(d.range.start.line, 6);
    assert.match(String(d.message), /lists this item twice/);
  });

  it('reports a missing required key', () => {
    const text = 'services:\n  web:\n    image: a:1\n    develop:\n      watch:\n        - path: ./src\n';
    const [d] = only(text, 'compose-schema');
    assert.match(String(d.message), /needs 'action'/);
  });

  it('validates what merge keys bring in, and reports it where it is written', () => {
    const text = [
      'x-base: &base',
      '  restart: always',
      '  cpu_count: -1',
      'services:',
      '  a:',
      '    <<: *base',
      '    image: a:1',
      '  b:',
      '    <<: *base',
      '    image: b:1',
      '',
    ].join('\n');
    const found = only(text, 'compose-schema');
    // Two services merge the same bad value: one finding, at the anchor.
    assert.equal(found.length, 1);
    assert.equal(found[0].range.start.line, 2);
    assert.equal(covered(text, found[0]), '-1');
  });

  it('does not report types of values that interpolation decides', () => {
    const text =
      'services:\n  web:\n    image: a:1\n    use_api_socket: ${USE_SOCKET:-false}\n    networks:\n      back:\n        priority: ${PRIO}\nnetworks:\n  back:\n';
    assert.deepEqual(codes(lintText(text, {}, {}, { PRIO: '1' }), 'compose-schema'), []);
    assert.equal(only('services:\n  web:\n    image: a:1\n    use_api_socket: "yes"\n', 'compose-schema').length, 1);
  });

  it('knows the newer parts of the specification', () => {
    const text = [
      'include:',
      '  - path: [./a.yaml]',
      'services:',
      '  web:',
      '    image: a:1',
      '    develop:',
      '      watch:',
      '        - action: sync+restart',
      '          path: ./src',
      '          target: /src',
      '    gpus: all',
      '    use_api_socket: true',
      '    pre_stop:',
      '      - command: ["echo", "bye"]',
      '    models: [llm]',
      '    provider:',
      '      type: model',
      '      options:',
      '        model: ai/smollm2',
      '    deploy:',
      '      resources:',
      '        reservations:',
      '          devices:',
      '            - capabilities: [gpu]',
      '    healthcheck:',
      '      test: ["CMD", "true"]',
      '      start_interval: 1s',
      '    profiles: [debug]',
      'models:',
      '  llm:',
      '    model: ai/smollm2',
      'configs:',
      '  inline:',
      '    content: hello',
      'secrets:',
      '  token:',
      '    environment: TOKEN',
      '',
    ].join('\n');
    assert.deepEqual(codes(lintText(text, { 'a.yaml': 'services: {}\n' }), 'compose-schema'), []);
  });

  it("keeps an untouched service's finding, moved with the edits before it", () => {
    const host = new MemoryHost();
    const workspace = new ComposeWorkspace(host);
    const lines = ['services:', '  a:', '    image: a:1', '  b:', '    image: b:1', '    restrat: always', ''];
    const lintAt = (text: string) => {
      host.write('compose.yaml', text);
      return lintCompose(projectOf(host, 'compose.yaml', workspace)).filter((d) => d.code === 'compose-schema');
    };
    assert.deepEqual(
      lintAt(lines.join('\n')).map((d) => d.range.start.line),
      [5],
    );
    // A line added to service a: b's piece is reused, its finding must follow it.
    const edited = [...lines.slice(0, 3), '    init: true', ...lines.slice(3)].join('\n');
    const [moved] = lintAt(edited);
    assert.deepEqual(moved.range, { start: { line: 6, character: 4 }, end: { line: 6, character: 11 } });
    // Fixing it removes it; breaking service a reports there.
    assert.deepEqual(lintAt(edited.replace('restrat', 'restart')), []);
    assert.deepEqual(
      lintAt(edited.replace('restrat', 'restart').replace('init: true', 'init: 3')).map((d) => d.range.start.line),
      [3],
    );
  });

  it('finds nothing wrong in a file written the way the classic examples are', () => {
    // Unquoted high ports, build shorthand, a blank line of spaces, commented-out keys, numeric expose.
    const file = path.join(FIXTURES, 'classic', 'compose.yaml');
    const workspace = new ComposeWorkspace(diskHost());
    const project = workspace.project(file, workspace.document(file, readFileSync(file, 'utf8')));
    assert.deepEqual(
      lintCompose(project).map((d) => `${d.range.start.line + 1} ${d.code} ${d.message}`),
      [],
    );
  });

  it('finds nothing wrong in a project that uses most of the specification', () => {
    const file = path.join(FIXTURES, 'full', 'compose.yaml');
    const workspace = new ComposeWorkspace(diskHost());
    const project = workspace.project(file, workspace.document(file, readFileSync(file, 'utf8')));
    assert.equal(project.files.length, 3, 'both includes joined the project');
    assert.deepEqual(
      lintCompose(project).map((d) => `${d.range.start.line + 1} ${d.code} ${d.message}`),
      [],
    );
  });
});

describe('compose-version-obsolete', () => {
  it('is a hint on the version key, tagged deprecated', () => {
    const [d] = lintText('version: "3.8"\nservices:\n  web:\n    image: a:1\n').filter((x) => x.code === 'compose-version-obsolete');
    assert.equal(d.severity, 4);
    assert.deepEqual(d.tags, [2]);
    assert.deepEqual(d.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 7 } });
  });
});
