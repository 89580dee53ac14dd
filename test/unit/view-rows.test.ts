import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerSummary, ImageSummary } from '../../src/engine/types';
import {
  containerNode,
  containerRoots,
  imageRoots,
  imageRows,
  mergeContainers,
  type BerthNode,
  type ContainerNode,
  type ImageRow,
} from '../../src/extension/views/model';
import { RowStore } from '../../src/extension/views/rows';

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);

function container(name: string, partial: Partial<ContainerSummary> = {}): ContainerSummary {
  return {
    id: `${name.padEnd(12, 'x')}0123456789abcdef`,
    name,
    image: 'busybox:local',
    imageId: 'sha256:abc',
    command: 'true',
    created: NOW / 1000 - 3600,
    state: 'exited',
    status: 'Exited (0) 3 minutes ago',
    ports: [],
    labels: {},
    mounts: [],
    networks: [],
    ...partial,
  };
}

const tree = (containers: ContainerSummary[]) => {
  const roots = containerRoots(containers, NOW);
  const children = new Map<string, BerthNode[]>();
  for (const root of roots)
    if (root.kind === 'composeGroup')
      children.set(
        root.key,
        root.containers.map((c) => containerNode(c, NOW)),
      );
  return { roots, children };
};

describe('rows kept between listings', () => {
  const many = Array.from({ length: 50 }, (_, i) => container(`c${String(i).padStart(2, '0')}`));

  it('keeps one object per row and names only the rows that changed', () => {
    const store = new RowStore();
    const first = store.adopt(tree(many));
    assert.equal(first.change.kind, 'structure', 'the first listing is drawn whole');
    const next = many.map((c, i) => (i === 3 || i === 7 ? { ...c, state: 'running' as const, status: 'Up 1 second' } : { ...c }));
    const second = store.adopt(tree(next));
    assert.equal(second.change.kind, 'rows');
    const changed = second.change.kind === 'rows' ? second.change.rows : [];
    assert.deepEqual(
      changed.map((n) => n.label),
      ['c03', 'c07'],
    );
    second.tree.roots.forEach((node, i) => assert.equal(node, first.tree.roots[i], `row ${i} is the same object`));
    // The kept object carries the new listing's fields, so VS Code's getTreeItem on it draws the new state.
    assert.equal(first.tree.roots[3]!.contextValue, 'container.running');
    assert.match(first.tree.roots[3]!.description ?? '', /Up$/);
  });

  it('names no row when nothing changed', () => {
    const store = new RowStore();
    store.adopt(tree(many));
    const again = store.adopt(tree(many.map((c) => ({ ...c }))));
    assert.deepEqual(again.change, { kind: 'rows', rows: [] });
  });

  it('compares a row whose data is the same object without reading the data, and one with equal data by its content', () => {
    const store = new RowStore();
    // A summary whose fields cannot be read: comparing it by content would throw.
    const sealed = new Proxy(container('p'), {
      ownKeys() {
        throw new Error('the data was read');
      },
    });
    const kept = new Map<ContainerSummary, ContainerNode>();
    const nodeOf = (c: ContainerSummary) => kept.get(c) ?? kept.set(c, containerNode(c, NOW)).get(c)!;
    const rows = [...many, sealed];
    store.adopt({ roots: containerRoots(rows, NOW, undefined, nodeOf), children: new Map() });
    // The same summaries with fresh nodes: compared by what they show and by the summaries' identity.
    assert.deepEqual(store.adopt({ roots: containerRoots(rows, NOW), children: new Map() }).change, { kind: 'rows', rows: [] });
    // The same nodes again: not compared at all.
    assert.deepEqual(store.adopt({ roots: containerRoots(rows, NOW, undefined, nodeOf), children: new Map() }).change, {
      kind: 'rows',
      rows: [],
    });
    // A copy of a summary with a field only the tooltip shows: that row is redrawn, so a hover reads the new text.
    const moved = rows.map((c, i) =>
      i === 5 ? { ...c, mounts: [{ type: 'volume', name: 'v', source: '', destination: '/d', readOnly: false }] } : c,
    );
    const change = store.adopt({ roots: containerRoots(moved, NOW), children: new Map() }).change;
    assert.deepEqual(change.kind === 'rows' ? change.rows.map((n) => n.label) : change, ['c05']);
  });

  it('redraws the whole tree when a row comes, goes or moves', () => {
    const store = new RowStore();
    store.adopt(tree(many));
    assert.equal(store.adopt(tree([...many, container('zz')])).change.kind, 'structure', 'a row came');
    assert.equal(store.adopt(tree(many.slice(1))).change.kind, 'structure', 'a row went');
    store.adopt(tree(many));
    const renamed = many.map((c, i) => (i === 0 ? { ...c, name: 'zzz' } : c));
    assert.equal(store.adopt(tree(renamed)).change.kind, 'structure', 'a row moved (sorted by name)');
  });

  it('sees a change in a compose group as the rows of that group', () => {
    const labels = { 'com.docker.compose.project': 'shop' };
    const members = [container('web', { labels }), container('db', { labels })];
    const store = new RowStore();
    const first = store.adopt(tree(members));
    const second = store.adopt(tree([{ ...members[0]!, state: 'running', status: 'Up' }, members[1]!]));
    assert.equal(second.change.kind, 'rows');
    const labelsChanged = second.change.kind === 'rows' ? second.change.rows.map((n) => n.label).sort() : [];
    // The group's description counts running members; the member's row shows its state.
    assert.deepEqual(labelsChanged, ['shop', 'web']);
    assert.equal(second.tree.children.get('compose:shop')![1], first.tree.children.get('compose:shop')![1]);
  });

  it('keeps a tooltip made when read so, and 2,000 rows do not build theirs on every listing', () => {
    const store = new RowStore();
    const image = { id: 'sha256:1', repoTags: ['a:1'], repoDigests: [], created: NOW / 1000, size: 1, dangling: false, labels: {} };
    const first = store.adopt({ roots: imageRoots([image], false, NOW)[0]!.tags, children: new Map() });
    store.adopt({ roots: imageRoots([{ ...image, size: 2_000_000 }], false, NOW)[0]!.tags, children: new Map() });
    const kept = first.tree.roots[0]!;
    assert.equal(typeof Object.getOwnPropertyDescriptor(kept, 'tooltip')?.get, 'function');
    assert.match(kept.tooltip ?? '', /Size: 2(\.0)? MB/);
  });
});

describe("the Images view's rows made per image", () => {
  const image = (i: number, tags: string[]): ImageSummary => ({
    id: `sha256:${i}`,
    repoTags: tags,
    repoDigests: [],
    created: NOW / 1000 - 600,
    size: 1000 * i,
    dangling: false,
    labels: {},
  });

  it('groups the rows an image gives by repository, as imageRoots made them itself', () => {
    const images = [image(1, ['b:1', 'a:1']), image(2, ['a:2']), image(3, [])];
    const made: number[] = [];
    const rowsOf = (img: ImageSummary) => {
      made.push(Number(img.id.slice(7)));
      return imageRows(img, false, NOW);
    };
    const shape = (roots: ReturnType<typeof imageRoots>) =>
      roots.map((r) => `${r.label}: ${r.tags.map((t) => `${t.label} ${t.description}`).join(', ')}`);
    assert.deepEqual(shape(imageRoots(images, false, NOW, rowsOf)), shape(imageRoots(images, false, NOW)));
    assert.deepEqual(made, [1, 2, 3], 'once per image');
  });

  it('keeps the rows of an image listed again unchanged, so keeping them compares nothing', () => {
    const images = [image(1, ['a:1', 'b:1']), image(2, ['a:2'])];
    const kept = new Map<string, ImageRow[]>();
    const rowsOf = (img: ImageSummary) => kept.get(img.id) ?? kept.set(img.id, imageRows(img, false, NOW)).get(img.id)!;
    const store = new RowStore();
    const tree = () => {
      const roots = imageRoots(images, false, NOW, rowsOf);
      return { roots, children: new Map<string, BerthNode[]>(roots.map((r) => [r.key, r.tags])) };
    };
    const first = store.adopt(tree());
    const again = store.adopt(tree());
    assert.deepEqual(again.change, { kind: 'rows', rows: [] });
    assert.equal(again.tree.children.get('repository:a')![0], first.tree.children.get('repository:a')![0]);
  });
});

describe('a listing of some containers merged into the full one', () => {
  it('replaces the listed, drops those of the asked ids the engine no longer has, adds new ones, keeps the rest as they were', () => {
    const [a, b, c] = [container('a'), container('b'), container('c')];
    const started = { ...b, state: 'running' as const, status: 'Up 1 second' };
    const created = container('d');
    const merged = mergeContainers([a, b, c], new Set([b.id, c.id, created.id]), [started, created]);
    assert.deepEqual(
      merged.map((x) => `${x.name}:${x.state}`),
      ['a:exited', 'b:running', 'd:exited'],
    );
    assert.equal(merged[0], a, 'an unlisted container keeps its object, so its row is not remade');
  });
});
