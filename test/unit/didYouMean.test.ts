/** The one "did you mean" every language and setting uses: how near is near, and abbreviations. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { didYouMean, editDistance } from '../../src/shared/didYouMean';

describe('didYouMean', () => {
  it('measures edits with transpositions and gives up early', () => {
    assert.equal(editDistance('builder', 'buidler'), 1);
    assert.equal(editDistance('build', 'builds'), 1);
    assert.equal(editDistance('abc', 'xyz'), 3);
    assert.equal(editDistance('abcdefgh', 'a', 2), 3, 'more than max apart by length alone');
  });

  it('allows one edit up to four characters and two beyond; case alone is one edit, and all a single character may differ by', () => {
    assert.equal(didYouMean('NODE_VERISON', ['NODE_VERSION', 'GO_VERSION']), 'NODE_VERSION');
    assert.equal(didYouMean('node_version', ['NODE_VERSION']), 'NODE_VERSION');
    assert.equal(didYouMean('dbb', ['web', 'db']), 'db');
    assert.equal(didYouMean('dbb', ['web']), undefined, 'two edits are too many for three characters');
    assert.equal(didYouMean('bulid', ['build', 'test']), 'build');
    assert.equal(didYouMean('A', ['B']), undefined);
    assert.equal(didYouMean('a', ['B', 'A']), 'A');
    assert.equal(didYouMean('TAG', ['ZZZZZ']), undefined);
    assert.equal(didYouMean('same', ['same']), undefined, 'the name itself is no suggestion');
  });

  it('counts edits regardless of case where asked', () => {
    assert.equal(didYouMean('TOOLCHIAN', ['toolchain', 'image']), undefined);
    assert.equal(didYouMean('TOOLCHIAN', ['toolchain', 'image'], { ignoreCase: true }), 'toolchain');
    assert.equal(didYouMean('Imgae', ['image'], { ignoreCase: true }), 'image');
  });

  it('takes the nearest candidate, the first of equals', () => {
    assert.equal(didYouMean('imagee', ['images', 'image']), 'images');
    assert.equal(didYouMean('imagex', ['imagess', 'image']), 'image');
  });

  it('offers the one candidate a name begins, only when asked and only from three characters', () => {
    const stages = ['production', 'preview', 'test'];
    assert.equal(didYouMean('prod', stages), undefined, 'not asked');
    assert.equal(didYouMean('prod', stages, { abbreviations: true }), 'production');
    assert.equal(didYouMean('PROD', stages, { abbreviations: true }), 'production');
    assert.equal(didYouMean('pr', stages, { abbreviations: true }), undefined);
    assert.equal(didYouMean('env', ['env_file', 'environment'], { abbreviations: true }), undefined, 'two begin with it');
    assert.equal(didYouMean('tes', stages, { abbreviations: true }), 'test', 'a near spelling comes first');
  });
});
