/** Completion, hover, definition, references, rename, outline and links in Compose files. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { CompletionItem, Position } from 'vscode-languageserver-types';
import {
  completeCompose,
  resolveComposeItem,
  composeDefinition,
  composeLinks,
  composeReferences,
  composeSymbols,
  composeWantsImages,
  hoverCompose,
  prepareComposeRename,
  renameCompose,
} from '../../src/compose';
import { MemoryHost, projectOf, ROOT } from '../fixtures/compose/helpers';

/** The text with `|` removed, and where it was. */
function cursor(marked: string): { text: string; position: Position } {
  const at = marked.indexOf('|');
  const text = marked.slice(0, at) + marked.slice(at + 1);
  const before = text.slice(0, at).split('\n');
  return { text, position: { line: before.length - 1, character: before[before.length - 1].length } };
}

function complete(marked: string, files: Record<string, string> = {}, host = new MemoryHost()): CompletionItem[] {
  const { text, position } = cursor(marked);
  for (const [p, t] of Object.entries({ ...files, 'compose.yaml': text })) host.write(p, t);
  return completeCompose(projectOf(host), position);
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);

describe('compose completion', () => {
  it('offers service keys from the schema, their descriptions on resolve, not the ones already there', () => {
    const items = complete('services:\n  web:\n    image: a:1\n    dep|\n');
    const dependsOn = items.find((i) => i.label === 'depends_on');
    assert.ok(dependsOn, 'depends_on offered');
    assert.equal(dependsOn.documentation, undefined, 'the list leaves descriptions to completionItem/resolve');
    const resolved = resolveComposeItem(JSON.parse(JSON.stringify(dependsOn)) as CompletionItem);
    assert.match(JSON.stringify(resolved.documentation), /dependency between services/);
    assert.match(JSON.stringify(resolved.documentation), /compose-file\/05-services\/#depends_on|services/);
    assert.ok(!labels(items).includes('image'), 'image is there already');
    assert.ok(labels(items).includes('develop'));
    assert.deepEqual(dependsOn.textEdit && 'range' in dependsOn.textEdit ? dependsOn.textEdit.range : undefined, {
      start: { line: 3, character: 4 },
      end: { line: 3, character: 7 },
    });
  });

  it('offers top-level keys at the top level and build keys under build', () => {
    assert.ok(labels(complete('services: {}\n|\n')).includes('networks'));
    const build = labels(complete('services:\n  web:\n    build:\n      |\n'));
    assert.ok(build.includes('context') && build.includes('target') && !build.includes('image'), build.join(','));
  });

  it("offers each service the schema's service keys, and none under an extension key or one the schema does not know", () => {
    // Worked out once per route through the schema: keys asked at the same depth elsewhere must not be these.
    const text = 'services:\n  a:\n    x-meta:\n      \n  b:\n    imagee:\n      \n  c:\n    build:\n      \n    \n';
    const keys = (line: number, character: number) => {
      const host = new MemoryHost();
      host.write('compose.yaml', text);
      return labels(completeCompose(projectOf(host), { line, character }));
    };
    const build = keys(9, 6);
    assert.ok(build.includes('context'), build.join(','));
    assert.deepEqual(keys(3, 6), []);
    assert.deepEqual(keys(6, 6), []);
    const service = keys(10, 4);
    assert.ok(service.includes('image') && !service.includes('build'), service.join(','));
    assert.deepEqual(keys(9, 6), build);
    const items = complete('services:\n  a:\n    image: x\n  b:\n    |\n');
    assert.deepEqual((items[0].data as { path: unknown }).path, ['services', 'b'], 'the item resolves against its own service');
  });

  it('offers enum values and booleans', () => {
    assert.deepEqual(labels(complete('services:\n  web:\n    cgroup: |\n')).sort(), ['host', 'private']);
    assert.deepEqual(labels(complete('services:\n  web:\n    read_only: |\n')).sort(), ['false', 'true']);
    const condition = labels(complete('services:\n  web:\n    depends_on:\n      db:\n        condition: |\n  db:\n    image: a:1\n'));
    assert.ok(condition.includes('service_healthy'));
  });

  it('offers service names where a service is expected', () => {
    const services = 'services:\n  db:\n    image: a:1\n  cache:\n    image: b:1\n  web:\n    image: c:1\n';
    assert.deepEqual(labels(complete(services + '    depends_on:\n      - |\n')).sort(), ['cache', 'db']);
    assert.deepEqual(labels(complete(services + '    depends_on:\n      |\n')).sort(), ['cache', 'db']);
    assert.ok(labels(complete(services + '    network_mode: |\n')).includes('service:db'));
    assert.deepEqual(labels(complete(services + '    links: [|]\n')).sort(), ['cache', 'db']);
  });

  it('offers the Dockerfile stages in build.target', () => {
    const items = complete('services:\n  web:\n    build:\n      context: ./app\n      target: |\n', {
      'app/Dockerfile': 'FROM node:22 AS deps\nFROM node:22 AS runtime\n',
    });
    assert.deepEqual(labels(items), ['deps', 'runtime']);
  });

  it('offers declared networks and volumes, and local image tags', () => {
    const tail = 'networks:\n  front:\n  back:\nvolumes:\n  data:\n';
    assert.deepEqual(labels(complete('services:\n  web:\n    image: a:1\n    networks:\n      - |\n' + tail)).sort(), ['back', 'front']);
    assert.deepEqual(labels(complete('services:\n  web:\n    image: a:1\n    volumes:\n      - |\n' + tail)), ['data']);
    const host = new MemoryHost();
    host.localImages = [{ id: 'sha256:1', repoTags: ['node:22-alpine', 'postgres:16'], repoDigests: [] }];
    assert.deepEqual(labels(complete('services:\n  web:\n    image: |\n', {}, host)), ['node:22-alpine', 'postgres:16']);
  });
});

describe('compose hover', () => {
  it('shows the schema description and a link to the specification', () => {
    const { text, position } = cursor('services:\n  web:\n    dep|ends_on: [db]\n  db:\n    image: a:1\n');
    const host = new MemoryHost({ 'compose.yaml': text });
    const hover = hoverCompose(projectOf(host), position);
    const value = (hover?.contents as { value: string }).value;
    assert.match(value, /dependency between services/);
    assert.match(value, /docs\.docker\.com\/reference\/compose-file\/services\/#depends_on/);
  });

  it('shows where a referenced service is declared', () => {
    const { text, position } = cursor('services:\n  web:\n    depends_on: [d|b]\n  db:\n    image: postgres:16\n');
    const hover = hoverCompose(projectOf(new MemoryHost({ 'compose.yaml': text })), position);
    assert.match((hover?.contents as { value: string }).value, /line 4: image `postgres:16`/);
  });
});

describe('compose image hover', () => {
  it('shows the local image and the registry page, and says when the engine lacks it', () => {
    const { text, position } = cursor('services:\n  web:\n    image: ngi|nx:1.27\n');
    const host = new MemoryHost({ 'compose.yaml': text });
    host.localImages = [{ id: 'sha256:0123456789abcdef', repoTags: ['nginx:1.27'], repoDigests: [], size: 192_000_000 }];
    const value = (hoverCompose(projectOf(host), position)?.contents as { value: string }).value;
    assert.match(value, /Local image `0123456789ab`, 192\.0 MB/);
    assert.match(value, /hub\.docker\.com\/_\/nginx/);
    host.localImages = [];
    assert.match((hoverCompose(projectOf(host), position)?.contents as { value: string }).value, /Not in the local engine/);
    assert.equal(composeWantsImages(projectOf(host), position), true);
    assert.equal(composeWantsImages(projectOf(host), { line: 1, character: 3 }), false);
  });
});

describe('compose navigation', () => {
  const base =
    'services:\n  web:\n    image: a:1\n    depends_on: [db]\n    networks: [back]\n  db:\n    image: b:1\n    networks: [back]\nnetworks:\n  back:\n';
  const override = 'services:\n  worker:\n    image: c:1\n    depends_on:\n      db:\n        condition: service_started\n';

  it('goes to the definition across files, and finds references in every file', () => {
    const host = new MemoryHost({ 'compose.yaml': base, 'compose.override.yaml': override });
    const project = projectOf(host, 'compose.override.yaml');
    const def = composeDefinition(project, { line: 4, character: 7 });
    assert.deepEqual(def, [
      { uri: 'file://' + path.join(ROOT, 'compose.yaml'), range: { start: { line: 5, character: 2 }, end: { line: 5, character: 4 } } },
    ]);
    const refs = composeReferences(projectOf(host), { line: 5, character: 3 }, true);
    assert.deepEqual(refs.map((r) => `${path.basename(r.uri)}:${r.range.start.line}:${r.range.start.character}`).sort(), [
      'compose.override.yaml:4:6',
      'compose.yaml:3:17',
      'compose.yaml:5:2',
    ]);
    assert.equal(composeReferences(projectOf(host), { line: 9, character: 3 }, false).length, 2);
  });

  it('renames a service everywhere it is named, and refuses names Compose rejects', () => {
    const host = new MemoryHost({ 'compose.yaml': base, 'compose.override.yaml': override });
    const project = projectOf(host);
    assert.deepEqual(prepareComposeRename(project, { line: 3, character: 18 }), {
      range: { start: { line: 3, character: 17 }, end: { line: 3, character: 19 } },
      placeholder: 'db',
    });
    const edit = renameCompose(project, { line: 3, character: 18 }, 'postgres');
    const byFile = Object.fromEntries(Object.entries(edit!.changes!).map(([uri, edits]) => [path.basename(uri), edits.length]));
    assert.deepEqual(byFile, { 'compose.yaml': 2, 'compose.override.yaml': 1 });
    assert.equal(renameCompose(project, { line: 3, character: 18 }, 'not valid'), undefined);
    assert.equal(prepareComposeRename(project, { line: 2, character: 6 }), undefined);
  });
});

describe('compose outline and links', () => {
  it('lists sections, services with their keys, and resources', () => {
    const host = new MemoryHost({
      'compose.yaml': 'name: x\nservices:\n  web:\n    image: a:1\n    ports: ["80:80"]\nvolumes:\n  data:\n',
    });
    const symbols = composeSymbols(projectOf(host).file.doc);
    assert.deepEqual(
      symbols.map((s) => [s.name, (s.children ?? []).map((c) => [c.name, (c.children ?? []).map((g) => g.name)])]),
      [
        ['name', []],
        ['services', [['web', ['image', 'ports']]]],
        ['volumes', [['data', []]]],
      ],
    );
  });

  it('links files that exist and images to their registry page', () => {
    const host = new MemoryHost({
      'compose.yaml':
        'services:\n  web:\n    image: nginx:1.27\n    build:\n      context: .\n      dockerfile: web.Dockerfile\n    env_file: [.env.web, .env.missing]\n',
      'web.Dockerfile': 'FROM a:1\n',
      '.env.web': 'A=1\n',
    });
    const links = composeLinks(projectOf(host));
    assert.deepEqual(
      links.map((l) => [l.range.start.line, l.target?.replace('file://' + ROOT, '')]),
      [
        [5, '/web.Dockerfile'],
        [6, '/.env.web'],
        [2, 'https://hub.docker.com/_/nginx'],
      ],
    );
  });
});
