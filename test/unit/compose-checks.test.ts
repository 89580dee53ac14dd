/**
 * compose-build-target-unknown, compose-file-missing, compose-port-conflict,
 * compose-port-unquoted, image-untagged/image-latest on image:, compose-variable-unset,
 * and the severities and suppressions every rule shares.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ComposeWorkspace, lintCompose } from '../../src/compose';
import { codes, covered, lintText, MemoryHost, projectOf } from '../fixtures/compose/helpers';

const of = (code: string, text: string, files: Record<string, string> = {}, env: Record<string, string> = {}) =>
  lintText(text, files, {}, env).filter((d) => d.code === code);

describe('compose-build-target-unknown', () => {
  const dockerfile = 'FROM node:22 AS deps\nFROM node:22-slim AS runtime\n';
  it('reports a target that is no stage of the Dockerfile, with the stage meant', () => {
    const text = 'services:\n  web:\n    build:\n      context: ./app\n      target: runtme\n';
    const [d] = of('compose-build-target-unknown', text, { 'app/Dockerfile': dockerfile });
    assert.equal(covered(text, d), 'runtme');
    assert.match(String(d.message), /Did you mean 'runtime'\?/);
    assert.deepEqual(d.data, { stages: ['deps', 'runtime'], replacement: 'runtime' });
  });

  it('takes an abbreviation for the one stage it begins, and suggests nothing when several begin with it', () => {
    const stages = 'FROM node:22 AS production\nFROM node:22 AS preview\nFROM node:22 AS test\n';
    const said = (target: string) => {
      const text = `services:\n  web:\n    build:\n      context: ./app\n      target: ${target}\n`;
      const [d] = of('compose-build-target-unknown', text, { 'app/Dockerfile': stages });
      return (d.data as { replacement?: string }).replacement;
    };
    assert.equal(said('prod'), 'production');
    assert.equal(said('pr'), undefined, 'too short to say');
    assert.equal(said('pre'), 'preview');
    assert.equal(said('p'), undefined);
    assert.equal(said('tes'), 'test', 'one edit away');
  });

  it('accepts stages in any case, a named dockerfile, and dockerfile_inline', () => {
    const ok = (text: string, files: Record<string, string>) => assert.deepEqual(of('compose-build-target-unknown', text, files), []);
    ok('services:\n  web:\n    build:\n      context: app\n      target: RUNTIME\n', { 'app/Dockerfile': dockerfile });
    ok('services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/dev.Dockerfile\n      target: deps\n', {
      'docker/dev.Dockerfile': dockerfile,
    });
    ok('services:\n  web:\n    build:\n      dockerfile_inline: |\n        FROM alpine:3 AS tools\n      target: tools\n', {});
    assert.equal(
      of('compose-build-target-unknown', 'services:\n  web:\n    build:\n      dockerfile_inline: "FROM alpine:3"\n      target: tools\n')
        .length,
      1,
    );
  });

  it('takes the build context from another file of the project', () => {
    const files = { 'app/Dockerfile': dockerfile, 'compose.yaml': 'services:\n  web:\n    build: ./app\n' };
    const host = new MemoryHost({ ...files, 'compose.override.yaml': 'services:\n  web:\n    build:\n      target: dev\n' });
    assert.deepEqual(codes(lintCompose(projectOf(host, 'compose.override.yaml'))), ['3:14 compose-build-target-unknown']);
  });

  it('asks the host once per file for a request, however many services build it', () => {
    const services = Array.from({ length: 20 }, (_, i) => `  s${i}:\n    build:\n      context: .\n      target: runtime\n`).join('');
    const host = new MemoryHost({ 'compose.yaml': 'services:\n' + services, Dockerfile: dockerfile });
    const workspace = new ComposeWorkspace(host);
    lintCompose(projectOf(host, 'compose.yaml', workspace));
    host.reads = 0;
    lintCompose(projectOf(host, 'compose.yaml', workspace));
    // The Dockerfile, and the .env the project may have.
    assert.ok(host.reads <= 3, `${host.reads} reads`);
  });

  it('follows the Dockerfile as it is edited', () => {
    const host = new MemoryHost({
      'compose.yaml': 'services:\n  web:\n    build:\n      context: .\n      target: test\n',
      Dockerfile: dockerfile,
    });
    const workspace = new ComposeWorkspace(host);
    assert.equal(codes(lintCompose(projectOf(host, 'compose.yaml', workspace))).length, 1);
    // The server hands the open Dockerfile's current text through readFile.
    host.write('Dockerfile', dockerfile + 'FROM runtime AS test\n');
    assert.deepEqual(codes(lintCompose(projectOf(host, 'compose.yaml', workspace))), []);
  });
});

describe('compose-file-missing', () => {
  it('reports each kind of missing path, at the path', () => {
    const text = [
      'include:',
      '  - ./nope.yaml',
      'services:',
      '  web:',
      '    build:',
      '      context: ./missing-dir',
      '  api:',
      '    build:',
      '      context: .',
      '      dockerfile: api.Dockerfile',
      '    env_file:',
      '      - ./api.env',
      '      - path: ./optional.env',
      '        required: false',
      '    extends:',
      '      file: ./base.yaml',
      '      service: x',
      'secrets:',
      '  s:',
      '    file: ./s.txt',
      'configs:',
      '  c:',
      '    file: ./c.conf',
      '',
    ].join('\n');
    const found = of('compose-file-missing', text);
    assert.deepEqual(
      found.map((d) => covered(text, d)),
      ['./nope.yaml', './missing-dir', 'api.Dockerfile', './api.env', './base.yaml', './s.txt', './c.conf'],
    );
  });

  it('says nothing when they exist, for URLs, or for paths with unset variables', () => {
    const text =
      'services:\n  web:\n    build: https://github.com/acme/app.git#main\n    env_file: ${ENV_FILE}\n  api:\n    build: ./api\n    env_file: .env.api\n';
    assert.deepEqual(of('compose-file-missing', text, { 'api/Dockerfile': 'FROM a:1\n', '.env.api': 'A=1\n' }), []);
  });
});

describe('compose-port-conflict', () => {
  it('reports two services on one host port and protocol, in both', () => {
    const text =
      'services:\n  a:\n    image: a:1\n    ports: ["8080:80"]\n  b:\n    image: b:1\n    ports:\n      - target: 81\n        published: 8080\n';
    const found = of('compose-port-conflict', text);
    assert.equal(found.length, 2);
    assert.match(String(found[0].message), /8080\/tcp.*service 'b'/);
  });

  it('tells apart protocols, addresses, ranges and profiles that never run together', () => {
    const none = (text: string) => assert.deepEqual(of('compose-port-conflict', text), [], text);
    none('services:\n  a:\n    image: a:1\n    ports: ["53:53/udp"]\n  b:\n    image: b:1\n    ports: ["53:53"]\n');
    none('services:\n  a:\n    image: a:1\n    ports: ["127.0.0.1:80:80"]\n  b:\n    image: b:1\n    ports: ["127.0.0.2:80:80"]\n');
    none(
      'services:\n  a:\n    image: a:1\n    profiles: [dev]\n    ports: ["80:80"]\n  b:\n    image: b:1\n    profiles: [prod]\n    ports: ["80:80"]\n',
    );
    none('services:\n  a:\n    image: a:1\n    ports: ["80", "3000"]\n  b:\n    image: b:1\n    ports: ["80", "127.0.0.1::3000"]\n');
    assert.equal(
      of(
        'compose-port-conflict',
        'services:\n  a:\n    image: a:1\n    ports: ["8000-8010:80"]\n  b:\n    image: b:1\n    ports: ["0.0.0.0:8005:80"]\n',
      ).length,
      2,
    );
  });

  it('counts the same binding in the base and override files of one service once', () => {
    const host = new MemoryHost({
      'compose.yaml': 'services:\n  a:\n    image: a:1\n    ports: ["80:80"]\n',
      'compose.override.yaml': 'services:\n  a:\n    ports: ["80:80"]\n',
    });
    assert.deepEqual(codes(lintCompose(projectOf(host)), 'compose-port-conflict'), []);
  });
});

describe('compose-port-unquoted', () => {
  it('reports only the mappings YAML 1.1 reads as base-60 numbers', () => {
    const text = 'services:\n  a:\n    image: a:1\n    ports:\n      - 22:22\n      - 8080:80\n      - "2222:22"\n';
    assert.deepEqual(
      of('compose-port-unquoted', text).map((d) => covered(text, d)),
      ['22:22'],
    );
  });
});

describe('image rules on image:', () => {
  it('reports untagged and latest images, at the name and the tag', () => {
    const text =
      'services:\n  a:\n    image: redis\n  b:\n    image: "ghcr.io/acme/app:latest"\n  c:\n    image: nginx:1.27\n  d:\n    image: nginx@sha256:0123\n';
    const found = lintText(text).filter((d) => String(d.code).startsWith('image-'));
    assert.deepEqual(
      found.map((d) => `${d.code} ${covered(text, d)}`),
      ['image-untagged redis', 'image-latest latest'],
    );
  });

  it('leaves alone the image a service builds, and follows variables', () => {
    assert.deepEqual(of('image-untagged', 'services:\n  a:\n    build: .\n    image: myapp\n', { Dockerfile: 'FROM a:1\n' }), []);
    assert.equal(of('image-latest', 'services:\n  a:\n    image: app:${TAG:-latest}\n').length, 1);
    assert.deepEqual(of('image-latest', 'services:\n  a:\n    image: app:${TAG:-latest}\n', {}, { TAG: '1.2' }), []);
  });
});

describe('compose-variable-unset', () => {
  it('reports variables without a default that nothing sets', () => {
    const text =
      'services:\n  a:\n    image: app:${TAG}\n    environment:\n      A: $HOME_DIR\n      B: ${B:-x}\n      C: $$NOT_A_VAR\n      D: ${REQUIRED:?set it}\n      E: ${FROM_DOTENV}\n';
    const found = of('compose-variable-unset', text, { '.env': 'FROM_DOTENV=1\n' });
    assert.deepEqual(
      found.map((d) => covered(text, d)),
      ['TAG', 'HOME_DIR', 'REQUIRED'],
    );
    assert.equal(found[0].severity, 3);
    assert.deepEqual(of('compose-variable-unset', text, { '.env': 'FROM_DOTENV=1\n' }, { TAG: '1', HOME_DIR: '/h', REQUIRED: 'x' }), []);
  });
});

describe('line endings', () => {
  it('reports the same findings at the same places with CRLF', () => {
    const text = 'version: "3"\nservices:\n  web:\n    imagee: redis\n    depends_on: [nope]\n    ports:\n      - 22:22\n';
    const lf = lintText(text).map((d) => `${d.code} ${JSON.stringify(d.range)}`);
    const crlf = lintText(text.replace(/\n/g, '\r\n')).map((d) => `${d.code} ${JSON.stringify(d.range)}`);
    assert.equal(lf.length, 4);
    assert.deepEqual(crlf, lf);
  });
});

describe('settings and suppressions', () => {
  const text = 'services:\n  a:\n    image: redis\n    depends_on: [nope]\n';
  it('change severities by code, and turn rules off', () => {
    const d = lintText(text, {}, { severities: { 'image-untagged': 'error', 'compose-service-unknown': 'off' } });
    assert.deepEqual(codes(d), ['2:11 image-untagged']);
    assert.equal(d[0].severity, 1);
    assert.deepEqual(codes(lintText(text, {}, { ignored: ['DL3006'] }), 'image-untagged'), []);
  });

  it('honor # berth ignore on the lines above and # berth global ignore', () => {
    const suppressed =
      'services:\n  a:\n    # berth ignore=image-untagged\n    image: redis\n    # berth ignore=compose-service-unknown\n    depends_on: [nope]\n';
    assert.deepEqual(codes(lintText(suppressed)), []);
    const global = '# berth global ignore=image-untagged,compose-service-unknown\n' + text;
    assert.deepEqual(codes(lintText(global)), []);
    assert.deepEqual(codes(lintText('services:\n  a:\n    # berth ignore=image-latest\n    image: redis\n')), ['3:11 image-untagged']);
  });

  it('link every diagnostic to its rule page', () => {
    for (const d of lintText(text)) {
      assert.equal(d.source, 'berth');
      assert.match(d.codeDescription!.href, new RegExp(`docs/rules/${d.code}\\.md$`));
    }
  });
});
