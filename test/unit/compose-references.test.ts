/** compose-service-unknown and compose-resource-undeclared, in one file and across a project's files. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ComposeWorkspace, lintCompose } from '../../src/compose';
import { codes, covered, lintText, MemoryHost, projectOf } from '../fixtures/compose/helpers';

const unknown = (text: string, files: Record<string, string> = {}) =>
  lintText(text, files)
    .filter((d) => d.code === 'compose-service-unknown')
    .map((d) => covered(text, d));
const undeclared = (text: string, files: Record<string, string> = {}) =>
  lintText(text, files)
    .filter((d) => d.code === 'compose-resource-undeclared')
    .map((d) => covered(text, d));

describe('compose-service-unknown', () => {
  it('checks every way a service names another', () => {
    const text = [
      'services:',
      '  web:',
      '    image: a:1',
      '    depends_on: [dbx]',
      '    links: ["cachex:alias"]',
      '    volumes_from: ["datax:ro", "container:other"]',
      '    network_mode: service:proxyx',
      '    extends:',
      '      service: basex',
      '  api:',
      '    image: a:1',
      '    depends_on:',
      '      queuex:',
      '        condition: service_started',
      '      optional:',
      '        condition: service_started',
      '        required: false',
      '    ipc: service:web',
      '',
    ].join('\n');
    assert.deepEqual(unknown(text), ['dbx', 'cachex', 'datax', 'proxyx', 'basex', 'queuex']);
  });

  it('says nothing when the services exist, and suggests the one meant', () => {
    assert.deepEqual(unknown('services:\n  web:\n    image: a:1\n    depends_on: [db]\n  db:\n    image: b:1\n'), []);
    const [d] = lintText('services:\n  web:\n    image: a:1\n    depends_on: [postgress]\n  postgres:\n    image: b:1\n').filter(
      (x) => x.code === 'compose-service-unknown',
    );
    assert.match(String(d.message), /Did you mean 'postgres'\?/);
  });

  it('finds services in the override file and in included files', () => {
    const text = 'include:\n  - ./infra/db.yaml\nservices:\n  web:\n    image: a:1\n    depends_on: [db, cache, nowhere]\n';
    const files = {
      'compose.override.yaml': 'services:\n  cache:\n    image: redis:7\n',
      'infra/db.yaml': 'services:\n  db:\n    image: postgres:16\n',
    };
    assert.deepEqual(unknown(text, files), ['nowhere']);
  });

  it('reads the files COMPOSE_FILE lists, from the environment or .env', () => {
    const host = new MemoryHost({
      'app.yaml': 'services:\n  web:\n    image: a:1\n    depends_on: [db]\n',
      'db.yaml': 'services:\n  db:\n    image: b:1\n',
    });
    assert.deepEqual(codes(lintCompose(projectOf(host, 'app.yaml')), 'compose-service-unknown'), ['3:17 compose-service-unknown']);
    host.env = { COMPOSE_FILE: 'app.yaml:db.yaml' };
    assert.deepEqual(codes(lintCompose(projectOf(host, 'app.yaml')), 'compose-service-unknown'), []);
    host.env = {};
    host.write('.env', 'COMPOSE_FILE=app.yaml:db.yaml\n');
    assert.deepEqual(codes(lintCompose(projectOf(host, 'app.yaml')), 'compose-service-unknown'), []);
  });

  it('layers compose.<env>.yaml and the override over compose.yaml', () => {
    const host = new MemoryHost({
      'compose.yaml': 'services:\n  db:\n    image: b:1\n',
      'compose.prod.yaml': 'services:\n  web:\n    image: a:1\n    depends_on: [db]\n',
      'compose.override.yaml': 'services:\n  web:\n    image: a:1\n    depends_on: [db]\n',
    });
    assert.deepEqual(codes(lintCompose(projectOf(host, 'compose.prod.yaml'))), []);
    assert.deepEqual(codes(lintCompose(projectOf(host, 'compose.override.yaml'))), []);
  });

  it('checks extends.service against the file it names', () => {
    const text = 'services:\n  web:\n    extends:\n      file: common.yaml\n      service: bse\n';
    assert.deepEqual(unknown(text, { 'common.yaml': 'services:\n  base:\n    image: a:1\n' }), ['bse']);
    assert.deepEqual(unknown(text.replace('bse', 'base'), { 'common.yaml': 'services:\n  base:\n    image: a:1\n' }), []);
  });
});

describe('references after edits', () => {
  it('follow their service when lines are added above it', () => {
    const host = new MemoryHost();
    const workspace = new ComposeWorkspace(host);
    const lint = (text: string) => {
      host.write('compose.yaml', text);
      return lintCompose(projectOf(host, 'compose.yaml', workspace)).filter((d) => d.code === 'compose-service-unknown');
    };
    const text = 'services:\n  a:\n    image: a:1\n  b:\n    image: b:1\n    depends_on: [nope]\n';
    assert.deepEqual(
      lint(text).map((d) => d.range),
      [{ start: { line: 5, character: 17 }, end: { line: 5, character: 21 } }],
    );
    const edited = text.replace('    image: a:1\n', '    image: a:1\n    init: true\n    tty: true\n');
    assert.deepEqual(
      lint(edited).map((d) => d.range),
      [{ start: { line: 7, character: 17 }, end: { line: 7, character: 21 } }],
    );
    assert.deepEqual(lint(edited.replace('nope', 'a')), []);
  });
});

describe('compose-resource-undeclared', () => {
  it('reports named networks, volumes, secrets and configs no top-level section declares', () => {
    const text = [
      'services:',
      '  web:',
      '    image: a:1',
      '    networks: [front, default]',
      '    volumes:',
      '      - data:/data',
      '      - ./src:/src',
      '      - /var/run/docker.sock:/var/run/docker.sock',
      '      - /anonymous',
      '      - C:\\\\data:/windows',
      '      - "D:/data:/windows2"',
      '      - type: volume',
      '        source: logs',
      '        target: /logs',
      '      - type: bind',
      '        source: ./conf',
      '        target: /conf',
      '    secrets: [token]',
      '    configs:',
      '      - source: nginx',
      '        target: /etc/nginx.conf',
      '    build:',
      '      context: .',
      '      secrets: [npm]',
      '',
    ].join('\n');
    assert.deepEqual(undeclared(text, { Dockerfile: 'FROM a:1\n' }), ['front', 'data', 'logs', 'token', 'nginx', 'npm']);
  });

  it('accepts declarations from any file of the project, and map-form networks', () => {
    const text =
      'services:\n  web:\n    image: a:1\n    networks:\n      back:\n        aliases: [w]\n    volumes: ["data:/data"]\nnetworks:\n  back:\n';
    assert.deepEqual(undeclared(text, { 'compose.override.yaml': 'volumes:\n  data:\n' }), []);
  });
});
