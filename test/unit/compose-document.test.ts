/**
 * The chunked Compose parse: the same tree and ranges as parsing the file whole, kept exact
 * through edits that reuse the previous parse.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode, type YAMLMap as YamlMap } from 'yaml';
import { isComposeFile } from '../../src/compose';
import { parseCompose, type ComposeDocument, type MapNode, type Node } from '../../src/compose/document';
import { toJS } from '../../src/compose/tree';
import { prng } from '../fixtures/prng';

const SAMPLE = `name: demo
x-base: &base
  restart: always
services:
  web:
    <<: *base
    image: "nginx:1.27"
    ports:
      - "8080:80"
    command: >
      sh -c
      'echo hi'
  # a comment between services
  db:
    image: postgres:16
    environment: {A: 1, B: "two"}
networks:
  back:
`;

/**
 * Every node of our tree has the offsets the yaml package gives when it parses the whole file.
 * With `blankTails`, a mapping or list may end before or after the indentation of a comment line
 * that follows it (a whole-file parse counts that indentation in, a piece ending at the comment does not).
 */
function assertSameRanges(doc: ComposeDocument, text: string, blankTails = false): void {
  const whole = parseDocument(text, { merge: false });
  const walk = (ours: Node | null, theirs: YamlNode | null | undefined, where: string) => {
    if (!ours || !theirs) return assert.equal(!!ours, !!theirs, where);
    assert.equal(ours.start, theirs.range![0], `${where} start`);
    const [a, b] = [ours.end, theirs.range![1]].sort((x, y) => x - y);
    if (blankTails && ours.kind !== 'scalar' && /^[ \n]*$/.test(text.slice(a, b))) return;
    assert.equal(ours.end, theirs.range![1], `${where} end`);
    if (ours.kind === 'map') {
      assert.ok(isMap(theirs), where);
      ours.pairs.forEach((p, i) => {
        const pair = theirs.items[i];
        walk(p.key, pair.key as YamlNode, `${where}.${p.name}(key)`);
        walk(p.value, pair.value as YamlNode, `${where}.${p.name}`);
      });
    } else if (ours.kind === 'seq') {
      assert.ok(isSeq(theirs), where);
      ours.items.forEach((item, i) => walk(item, theirs.items[i] as YamlNode, `${where}[${i}]`));
    } else if (ours.kind === 'scalar') assert.ok(isScalar(theirs), where);
  };
  const root = whole.contents as YamlNode;
  assert.ok(isMap(root));
  assert.equal(doc.root!.pairs.length, root.items.length);
  doc.root!.pairs.forEach((p, i) => {
    walk(p.key, root.items[i].key as YamlNode, p.name);
    // The chunked `services` mapping is assembled from pieces; its entries are what must match.
    if (p.name === 'services' && p.value?.kind === 'map') {
      const theirs = root.items[i].value as YamlNode;
      assert.ok(isMap(theirs));
      p.value.pairs.forEach((s, k) => {
        walk(s.key, theirs.items[k].key as YamlNode, s.name);
        walk(s.value, theirs.items[k].value as YamlNode, s.name);
      });
    } else walk(p.value, root.items[i].value as YamlNode, p.name);
  });
}

function snapshot(doc: ComposeDocument): string {
  return JSON.stringify({ root: doc.root, other: doc.rootOther, problems: doc.problems.map((p) => p.span) });
}

describe('compose file names', () => {
  it('are the ones Compose and VS Code use', () => {
    for (const name of [
      'compose.yaml',
      'compose.yml',
      'docker-compose.yaml',
      'docker-compose.yml',
      'compose.override.yaml',
      'docker-compose.override.yml',
      'compose.prod.yaml',
      'docker-compose.ci.yml',
    ]) {
      assert.ok(isComposeFile(`/p/${name}`), name);
    }
    for (const name of ['compose.json', 'my-compose.yaml', 'Dockerfile', 'compose.yaml.bak']) assert.ok(!isComposeFile(`/p/${name}`), name);
  });
});

describe('compose document', () => {
  it('parses by piece with the offsets of a whole-file parse', () => {
    const doc = parseCompose(SAMPLE);
    assert.ok(doc.chunks.length > 4, 'split into pieces');
    assertSameRanges(doc, SAMPLE);
    assert.deepEqual(toJS(doc, doc.root), {
      ...parseDocument(SAMPLE, { merge: true }).toJS(),
      services: parseDocument(SAMPLE, { merge: true }).toJS().services,
    });
  });

  it('applies merge keys and aliases like the yaml package does', () => {
    const doc = parseCompose(SAMPLE);
    const value = toJS(doc, doc.root) as { services: { web: { restart: string } } };
    assert.equal(value.services.web.restart, 'always');
  });

  it('reuses untouched pieces after an edit and matches a fresh parse', () => {
    const first = parseCompose(SAMPLE);
    const webChunk = first.chunks.find((c) => c.text.startsWith('  web:'));
    const at = SAMPLE.indexOf('postgres:16') + 'postgres:16'.length;
    const edited = SAMPLE.slice(0, at) + '.4' + SAMPLE.slice(at);
    const second = parseCompose(edited, first);
    assert.ok(second.chunks.includes(webChunk!), 'the web service was not parsed again');
    assert.equal(snapshot(second), snapshot(parseCompose(edited)));
    assertSameRanges(second, edited);
  });

  it('stays exact through random edits, each reusing the previous parse', () => {
    const random = prng(11);
    let text = SAMPLE;
    let doc = parseCompose(text);
    const alphabet = ['a', ' ', '\n', ':', '-', '  ', '"', '#', 'x: 1\n', '  svc:\n    image: a\n'];
    for (let i = 0; i < 300; i++) {
      const at = Math.floor(random() * (text.length + 1));
      if (random() < 0.5 && text.length > 0) text = text.slice(0, at) + text.slice(at + 1);
      else text = text.slice(0, at) + alphabet[Math.floor(random() * alphabet.length)] + text.slice(at);
      doc = parseCompose(text, doc);
      assert.equal(snapshot(doc), snapshot(parseCompose(text)), `after edit ${i}: ${JSON.stringify(text)}`);
    }
  });

  it('stays exact through random edits to a long file, line starts included', () => {
    // Long enough that unchanged heads and tails are compared by block, and the line starts of
    // the unchanged parts are carried over rather than counted again.
    const random = prng(23);
    let text = Array.from(
      { length: 30 },
      (_, i) => `  s${i}:\n    image: registry.example.com/app${i}:1.${i}\n    ports: ["${8000 + i}:80"]\n`,
    ).join('');
    text = `name: long\nx-a: &a\n  restart: always\nservices:\n${text}volumes:\n  data: {}\n`;
    let doc = parseCompose(text);
    const alphabet = ['a', ' ', '\n', ':', '-', '#', '\r\n', '\r', '  x:\n    image: b\n', 'y: 2\n'];
    for (let i = 0; i < 400; i++) {
      const at = Math.floor(random() * (text.length + 1));
      const cut = random() < 0.4 ? Math.floor(random() * 40) : 0;
      text = text.slice(0, at) + (cut ? '' : alphabet[Math.floor(random() * alphabet.length)]) + text.slice(at + cut);
      // Now and then the edit is undone wholesale, so long unchanged runs sit on both sides of it.
      if (random() < 0.05) text = text.replace(/\r/g, '');
      doc = parseCompose(text, doc);
      const fresh = parseCompose(text);
      assert.deepEqual(doc.lineStarts, fresh.lineStarts, `line starts after edit ${i}`);
      assert.equal(snapshot(doc), snapshot(fresh), `after edit ${i}: ${JSON.stringify(text)}`);
    }
  });

  it('splits services at their keys and still reads as the whole file does, through random edits', () => {
    // Each service whose header is its bare name is parsed key by key; whatever an edit makes of
    // the text, the tree has the offsets of a whole-file parse, and it has problems exactly when
    // the whole file does.
    const random = prng(31);
    let text = Array.from(
      { length: 12 },
      (_, i) =>
        `  s${i}:\n    <<: *a\n    image: app${i}:1.${i}\n    command: [sh,\n      -c, x]\n    ports:\n    - "${8000 + i}:80"\n    environment:\n      A: "1"\n    # note\n    healthcheck:\n      test: >\n        curl -f\n        http://x\n`,
    ).join('');
    text = `x-a: &a\n  restart: always\nservices:\n${text}volumes:\n  data: {}\n`;
    let doc = parseCompose(text);
    assert.ok(doc.chunks.length > 60, `split at service keys: ${doc.chunks.length} pieces`);
    const alphabet = ['a', ' ', '  ', '\n', ':', '-', '#', '[', '"', '\n    x: 1', '\n  s:\n    image: b', '\n   y: 2', '\t'];
    let checked = 0;
    // Every other edit is undone, and a valid result becomes the next base: the file stays mostly valid.
    let base = text;
    for (let i = 0; i < 600; i++) {
      if (i % 2 === 1) text = base;
      else {
        const at = Math.floor(random() * (text.length + 1));
        const cut = random() < 0.3 ? Math.floor(random() * 12) : 0;
        text = text.slice(0, at) + (cut ? '' : alphabet[Math.floor(random() * alphabet.length)]) + text.slice(at + cut);
      }
      doc = parseCompose(text, doc);
      assert.equal(snapshot(doc), snapshot(parseCompose(text)), `after edit ${i}: ${JSON.stringify(text)}`);
      const whole = parseDocument(text, { merge: false, uniqueKeys: true });
      assert.equal(doc.problems.length > 0, whole.errors.length > 0, `problems after edit ${i}: ${JSON.stringify(text)}`);
      if (whole.errors.length === 0 && isMap(whole.contents)) {
        assertSameRanges(doc, text, true);
        checked++;
        base = text;
      }
    }
    assert.ok(checked > 200, `${checked} valid texts compared with a whole-file parse`);
  });

  it('reads one-line keys as the yaml package does, whatever their value looks like', () => {
    // A keystroke in a `key: value` line takes a short way past the yaml package when the line
    // is plain enough; values that YAML reads as numbers, booleans or null, or as more than a
    // string, must take the long way and read the same.
    const random = prng(41);
    const parts = ['a', 'Z', '_', '/', '.', ':', '@', '-', '+', '=', '0', '9', 'e', 'x', '~', '#', ' ', ',', '[', '"', "'", '&', '*', '!'];
    const words = [
      'true',
      'True',
      'FALSE',
      'null',
      'Null',
      'NULL',
      '~',
      '.inf',
      '.NaN',
      '0x1F',
      '0o17',
      '1e5',
      '1.2',
      '-3',
      'y',
      'no',
      'on',
      'a:',
      'a: b',
      'a #c',
      ':',
      '::',
      'http://x:1/y',
      'nginx:1.2@sha256:ab',
    ];
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      const value =
        random() < 0.3
          ? words[Math.floor(random() * words.length)]
          : Array.from({ length: 1 + Math.floor(random() * 8) }, () => parts[Math.floor(random() * parts.length)]).join('');
      const key = random() < 0.1 ? words[Math.floor(random() * 8)] : 'image';
      const text = `services:\n  web:\n    ${key}: ${value}\n    user: app\n  db:\n    image: postgres\n`;
      const whole = parseDocument(text, { merge: false, uniqueKeys: true });
      const doc = parseCompose(text);
      assert.equal(doc.problems.length > 0, whole.errors.length > 0, `problems: ${JSON.stringify(text)}`);
      if (whole.errors.length > 0) continue;
      let expected: unknown;
      try {
        expected = whole.toJS();
      } catch {
        continue; // an alias with no anchor: no value to compare
      }
      assert.deepEqual(toJS(doc, doc.root), expected, `values: ${JSON.stringify(text)}`);
      const web = (doc.root!.pairs[0].value as MapNode).pairs[0].value as MapNode;
      const ours = web.pairs[0].value;
      const theirs =
        ((((whole.contents as YamlMap).items[0].value as YamlMap).items[0].value as YamlMap).items[0].value as YamlNode | null) ?? null;
      assert.equal(
        ours?.kind === 'scalar' && ours.quoted,
        isScalar(theirs) && (theirs.type === 'QUOTE_DOUBLE' || theirs.type === 'QUOTE_SINGLE'),
        `quoted: ${JSON.stringify(text)}`,
      );
      assertSameRanges(doc, text);
      checked++;
    }
    assert.ok(checked > 200, `${checked} valid lines compared`);
  });

  it('reports keys repeated across pieces, which no piece sees alone', () => {
    const doc = parseCompose('services:\n  web:\n    image: a\n  web:\n    image: b\nnetworks: {}\nnetworks: {}\n');
    assert.equal(doc.problems.length, 2);
    assert.deepEqual(
      doc.problems.map((p) => doc.text.slice(p.span.start, p.span.end)),
      ['web', 'networks'],
    );
  });

  it('parses whole what cannot be split: a list root, several documents', () => {
    assert.equal(parseCompose('- a\n- b\n').rootOther?.kind, 'seq');
    const multi = parseCompose('services: {}\n---\nservices: {}\n');
    assert.equal(multi.chunks.length, 1);
    assert.ok(multi.problems.length > 0);
  });

  it('splits a file that starts with a document marker', () => {
    const doc = parseCompose('---\nservices:\n  web:\n    image: a\n  db:\n    image: b\n');
    assert.ok(doc.chunks.length >= 3);
    assert.deepEqual(doc.problems, []);
    assert.deepEqual(toJS(doc, doc.root), { services: { web: { image: 'a' }, db: { image: 'b' } } });
  });

  it('reports a half-typed key at its place', () => {
    const doc = parseCompose('services:\n  web:\n    image: a\n  we\n');
    assert.equal(doc.problems.length, 1);
    assert.equal(doc.text.slice(doc.problems[0].span.start, doc.problems[0].span.end), 'we');
  });
});
