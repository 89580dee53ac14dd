/**
 * Lints that reuse what the previous lint kept (each service's findings, the whole-file schema
 * errors, published ports, the parse) give the same diagnostics as a lint from scratch, through
 * random edits to the file and random changes to what it names: folders, Dockerfile stages,
 * variables, env files and the override file.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ComposeWorkspace, lintCompose, type ComposeHost } from '../../src/compose';
import type { Finding } from '../../src/compose/rules/context';
import { checkEachService, type ServiceCheck } from '../../src/compose/rules/perService';
import { asMap, valueOf } from '../../src/compose/tree';
import { prng } from '../fixtures/prng';
import { MemoryHost, ROOT } from '../fixtures/compose/helpers';

const FILE = path.join(ROOT, 'compose.yaml');
const MIRROR = path.join(path.dirname(ROOT), 'mirrored-project');
const MIRRORED = path.join(MIRROR, 'compose.yaml');

function service(i: number): string {
  return [
    `  svc${i}:`,
    '    <<: *common',
    `    image: registry.example.com/app${i}${i % 4 === 0 ? '' : i % 4 === 1 ? ':latest' : `:1.${i}`}`,
    ...(i % 3 === 0 ? ['    build:', `      context: ${i % 2 ? './app' : './gone'}`, `      target: ${i % 2 ? 'runtime' : 'runtme'}`] : []),
    `    env_file: .env.svc${i % 2}`,
    '    environment:',
    `      URL: \${VAR${i % 3}}/x`,
    `      OTHER: \${DEFAULTED:-${i}}`,
    '    ports:',
    `      - "${8000 + (i % 5)}:80"`,
    `    depends_on: [svc${(i + 1) % 9}, nosuch${i % 2}]`,
    '    networks: [back]',
  ].join('\n');
}

const TEXT = [
  'name: incremental',
  'x-common: &common',
  '  restart: unless-stopped',
  '  logging: {driver: json-file}',
  // Merged into every service: an edit here changes what each refers to.
  '  volumes: ["data:/data"]',
  'services:',
  ...Array.from({ length: 8 }, (_, i) => service(i)),
  'networks:',
  '  back: {}',
  'volumes:',
  '  data: {}',
  '',
].join('\n');

/** Snippets typed at random: characters, values that break a check or mend it, whole lines. */
const TYPED = [
  'a',
  '1',
  ' ',
  ':',
  '$',
  '${VAR1}',
  ':latest',
  '\n',
  '\n    image: b:latest',
  '\n    ports: ["8001:81"]',
  '#',
  '-',
  '"',
  // Keys the schema refuses, or refuses the value of: a service's entries are validated one by one.
  '\n    imagee: x',
  '\n    restart: [5]',
  '\n    x-note: 1',
];

describe('compose lint with kept answers', () => {
  it('lints a file that names a service twice, reporting the repeat', () => {
    // It threw (the schema's placeholder for the second one), so the file got no diagnostics at all.
    const host = new MemoryHost({ 'compose.yaml': 'services:\n  web:\n    image: a:1\n  web:\n    image: b\n' });
    const workspace = new ComposeWorkspace(host);
    const text = host.files.get(FILE)!;
    const codes = lintCompose(workspace.project(FILE, workspace.document(FILE, text))).map((d) => d.code);
    assert.deepEqual(codes, ['compose-yaml', 'image-untagged']);
  });

  it('lints a file whose aliases stand for the node they are in, or double at every level', () => {
    // Both expanded without end (2^64 nodes): the lint never returned and the server hung.
    const circular = 'x-c: &c\n  a:\n    <<: *c\n  b:\n    <<: *c\n  c:\n    <<: *c\nservices:\n  web:\n    <<: *c\n    image: a:1\n';
    const laughs = [
      'x-0: &l0 [a, a]',
      ...Array.from({ length: 40 }, (_, i) => `x-${i + 1}: &l${i + 1} [*l${i}, *l${i}]`),
      'services: {}',
      '',
    ].join('\n');
    for (const text of [circular, laughs]) {
      const host = new MemoryHost({ 'compose.yaml': text });
      const workspace = new ComposeWorkspace(host);
      assert.ok(Array.isArray(lintCompose(workspace.project(FILE, workspace.document(FILE, text)))));
    }
  });

  it("checks again only the service typed in, keeping the others' findings in any of their keys", () => {
    // A finding past a service's first key was not kept: every keystroke checked that service again.
    const host = new MemoryHost();
    const workspace = new ComposeWorkspace(host);
    const checked: string[] = [];
    const buildValue: ServiceCheck = (ctx, service) => {
      checked.push(service.name);
      const build = valueOf(ctx.doc, asMap(ctx.doc, service.value), 'build');
      if (build) ctx.report({ code: 'x', span: { start: build.start, end: build.end }, message: service.name });
    };
    const run = (text: string) => {
      checked.length = 0;
      const project = workspace.project(FILE, workspace.document(FILE, text));
      const found: Finding[] = [];
      checkEachService({ project, file: project.file, doc: project.file.doc, report: (f) => found.push(f) }, buildValue);
      return found.map((f) => `${f.message} ${text.slice(f.span.start, f.span.end).trim()}`);
    };
    const service = (name: string) => `  ${name}:\n    image: ${name}:1\n    build:\n      context: ./${name}\n    restart: always\n`;
    const text = `name: p\nservices:\n${service('a')}${service('b')}${service('c')}`;
    const all = ['a context: ./a', 'b context: ./b', 'c context: ./c'];
    assert.deepEqual(run(text), all);
    assert.deepEqual(checked, ['a', 'b', 'c']);
    // Typed in b's image, and then above every service: the findings follow their keys.
    const typed = text.replace('b:1', 'b:12');
    assert.deepEqual(run(typed), all);
    assert.deepEqual(checked, ['b']);
    assert.deepEqual(run(typed.replace('name: p', 'name: pp')), all);
    assert.deepEqual(checked, []);
    // Typed in a's build key itself: a is checked again.
    assert.deepEqual(run(typed.replace('name: p', 'name: pp').replace('./a', './ab')), ['a context: ./ab', ...all.slice(1)]);
    assert.deepEqual(checked, ['a']);
  });

  it('reports a reference again when what it names is renamed in place, and not once the name is back', () => {
    // A rename keeps every pair where it was: the declared names changed though no list grew.
    const host = new MemoryHost();
    const workspace = new ComposeWorkspace(host);
    const lint = (text: string) => lintCompose(workspace.project(FILE, workspace.document(FILE, text))).map((d) => d.code);
    const text =
      'services:\n  web:\n    image: a:1\n    depends_on: [db]\n    networks: [back]\n  db:\n    image: b:1\nnetworks:\n  back: {}\n';
    assert.deepEqual(lint(text), []);
    assert.deepEqual(lint(text.replace('  db:', '  dbx:')), ['compose-service-unknown']);
    assert.deepEqual(lint(text), []);
    assert.deepEqual(lint(text.replace('  back: {}', '  front: {}')), ['compose-resource-undeclared']);
    assert.deepEqual(lint(text), []);
    // A name the schema refuses, in place of one it takes.
    assert.deepEqual(lint(text.replace('  db:', '  d!b:')), ['compose-service-unknown', 'compose-schema']);
    assert.deepEqual(lint(text), []);
  });

  it("names the override file a conflicting port is in after that file's name changes", () => {
    // The same services and bindings from a file of another name: the kept message would name the old one.
    const host = new MemoryHost({ 'compose.override.yaml': 'services:\n  b:\n    ports: ["8000:80"]\n' });
    const workspace = new ComposeWorkspace(host);
    const text = 'services:\n  a:\n    image: a:1\n    ports: ["8000:80"]\n';
    const conflict = () =>
      String(lintCompose(workspace.project(FILE, workspace.document(FILE, text))).find((d) => d.code === 'compose-port-conflict')?.message);
    assert.match(conflict(), /in compose\.override\.yaml\)/);
    host.files.delete(path.join(ROOT, 'compose.override.yaml'));
    host.write('compose.override.yml', 'services:\n  b:\n    ports: ["8000:80"]\n');
    assert.match(conflict(), /in compose\.override\.yml\)/);
  });

  it('matches a lint from scratch through random edits and changes to the files it names', () => {
    const random = prng(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
    const host = new MemoryHost({ 'app/Dockerfile': 'FROM node:22 AS build\nFROM node:22-slim AS runtime\n', '.env.svc0': 'A=1\n' });
    host.env = { VAR0: 'x' };
    const workspace = new ComposeWorkspace(host);
    // The same files, seen from another folder.
    const mirror: ComposeHost = {
      readFile: (p) => host.readFile(p.replace(MIRROR, ROOT)),
      stat: (p) => host.stat(p.replace(MIRROR, ROOT)),
      get env() {
        return host.env;
      },
    };
    let text = TEXT;
    let kept = 0;
    for (let step = 0; step < 300; step++) {
      const roll = random();
      if (roll < 0.12) {
        // Something the file names changes on disk or in the environment.
        const change = pick(['app', 'stages', 'env', 'envfile', 'override', 'gone']);
        if (change === 'app') {
          if (host.dirs.has(path.join(ROOT, 'app'))) {
            host.dirs.delete(path.join(ROOT, 'app'));
            host.files.delete(path.join(ROOT, 'app/Dockerfile'));
          } else host.write('app/Dockerfile', 'FROM node:22 AS build\nFROM node:22-slim AS runtime\n');
        } else if (change === 'stages' && host.files.has(path.join(ROOT, 'app/Dockerfile'))) {
          host.write(
            'app/Dockerfile',
            pick(['FROM node:22 AS runtme\n', 'FROM node:22 AS build\nFROM node:22-slim AS runtime\n', 'FROM scratch\n']),
          );
        } else if (change === 'env') {
          host.env = { ...host.env, [pick(['VAR0', 'VAR1', 'VAR2', 'DEFAULTED'])]: random() < 0.5 ? undefined : 'set' };
        } else if (change === 'envfile') {
          const name = path.join(ROOT, pick(['.env.svc0', '.env.svc1']));
          if (host.files.has(name)) host.files.delete(name);
          else host.write(name, 'B=2\n');
        } else if (change === 'override') {
          host.write(
            'compose.override.yaml',
            pick(['services:\n  svc1:\n    build: ./app\n', 'services:\n  svc2:\n    ports: ["8002:80"]\n', '{}\n']),
          );
        } else host.mkdir('gone');
      } else {
        // Typing, mostly at the end of a line where values are, sometimes anywhere; or deleting.
        const lines = [...text.matchAll(/\n/g)].map((m) => m.index!);
        const at = random() < 0.7 && lines.length ? pick(lines) : Math.floor(random() * (text.length + 1));
        text =
          random() < 0.3
            ? text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 6))
            : text.slice(0, at) + pick(TYPED) + text.slice(at);
        // Now and then back to the start, so the kept answers meet a text that is valid again.
        if (random() < 0.03) text = TEXT;
      }
      const cached = lintCompose(workspace.project(FILE, workspace.document(FILE, text)));
      // From scratch means in another folder: what rules keep between lints is kept per file path.
      const fresh = lintCompose(new ComposeWorkspace(mirror).project(MIRRORED, new ComposeWorkspace(mirror).document(MIRRORED, text)));
      // As the client gets them: JSON, the other folder's paths read as this one's.
      assert.deepEqual(
        JSON.parse(JSON.stringify(cached)),
        JSON.parse(JSON.stringify(fresh).replaceAll(MIRROR, ROOT)),
        `step ${step}: ${JSON.stringify(text)}`,
      );
      kept += cached.length;
    }
    // The run exercised checks that report, not only clean files.
    assert.ok(kept > 300, `only ${kept} diagnostics over the run`);
  });
});
