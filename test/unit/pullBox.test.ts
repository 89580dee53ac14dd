/** The Pull box's rows: the typed reference, Docker Hub's answers (official first, by stars), or why search is off. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatStars, searchItems } from '../../src/extension/workflows/search';

const t = (message: string, ...args: (string | number)[]) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));

// Answers as the engine's /images/search gives them (recorded shape; Docker Hub cannot be reached here).
const RESULTS = [
  { name: 'someone/nginx-proxy', description: 'A proxy', stars: 120, official: false, automated: false },
  { name: 'nginx', description: 'Official build of Nginx.', stars: 20_512, official: true, automated: false },
  { name: 'bitnami/nginx', description: '', stars: 3300, official: false, automated: true },
];

describe('the Pull box rows', () => {
  it('puts the typed reference first, then the official image, then by stars, each pulling its name', () => {
    const items = searchItems('nginx:1.27', RESULTS, undefined, true, t);
    assert.deepEqual(
      items.map((i) => i.reference),
      ['nginx:1.27', 'nginx', 'bitnami/nginx', 'someone/nginx-proxy'],
    );
    assert.equal(items[1]!.label, '$(verified-filled) nginx');
    assert.equal(items[1]!.description, '$(star-full) 20.5k · official');
    assert.equal(items[2]!.description, '$(star-full) 3.3k');
    assert.equal(items[2]!.detail, undefined, 'no empty detail line');
  });

  it('offers no pull row for text that is not a reference, and one warning row when Hub cannot be reached', () => {
    const items = searchItems('Not A Reference', [], 'Docker Hub cannot be reached from the engine.', false, t);
    assert.equal(items.length, 1);
    assert.equal(items[0]!.reference, undefined);
    assert.match(items[0]!.label, /Docker Hub search is unavailable/);
    assert.equal(items[0]!.detail, 'Docker Hub cannot be reached from the engine.');
  });

  it('does not repeat the typed name among the answers', () => {
    assert.deepEqual(
      searchItems('nginx', RESULTS, undefined, true, t).map((i) => i.reference),
      ['nginx', 'bitnami/nginx', 'someone/nginx-proxy'],
    );
  });

  it('writes stars as Hub does', () => {
    assert.deepEqual([0, 999, 1000, 3300, 20_512, 1_200_000].map(formatStars), ['0', '999', '1k', '3.3k', '20.5k', '1.2M']);
  });
});
