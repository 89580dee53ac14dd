/** Quick fixes for the Compose diagnostics, applied to the text and checked by linting the result. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, TextEdit } from 'vscode-languageserver-types';
import { composeCodeActions, lintCompose } from '../../src/compose';
import type { LocalImage } from '../../src/shared/localImage';
import { codes, MemoryHost, projectOf } from '../fixtures/compose/helpers';

function actions(
  text: string,
  code: string,
  files: Record<string, string> = {},
  localImages?: LocalImage[],
): { host: MemoryHost; list: CodeAction[] } {
  const host = new MemoryHost({ ...files, 'compose.yaml': text });
  host.localImages = localImages;
  const project = projectOf(host);
  const diagnostics = lintCompose(project).filter((d) => d.code === code);
  assert.ok(diagnostics.length > 0, `no ${code} in\n${text}`);
  return { host, list: composeCodeActions(project, diagnostics, { snippetSupport: true }) };
}

function apply(text: string, action: CodeAction): string {
  const edits = Object.values(action.edit!.changes!)[0] as TextEdit[];
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'dockercompose', 1, text), edits);
}

function fixed(text: string, code: string, title: RegExp, files: Record<string, string> = {}, localImages?: LocalImage[]): string {
  const { list } = actions(text, code, files, localImages);
  const action = list.find((a) => title.test(a.title));
  assert.ok(action, `no action ${title} among ${list.map((a) => a.title).join(' | ')}`);
  return apply(text, action);
}

const clean = (text: string, files: Record<string, string> = {}) =>
  codes(lintCompose(projectOf(new MemoryHost({ ...files, 'compose.yaml': text }))));

describe('compose quick fixes', () => {
  it('change an unknown key to the key meant', () => {
    const out = fixed('services:\n  web:\n    imagee: nginx:1.27\n', 'compose-schema', /Change to 'image'/);
    assert.equal(out, 'services:\n  web:\n    image: nginx:1.27\n');
  });

  it('change a misspelt service and stage', () => {
    assert.equal(
      fixed(
        'services:\n  web:\n    image: a:1\n    depends_on: [postgress]\n  postgres:\n    image: b:1\n',
        'compose-service-unknown',
        /postgres/,
      ),
      'services:\n  web:\n    image: a:1\n    depends_on: [postgres]\n  postgres:\n    image: b:1\n',
    );
    const files = { Dockerfile: 'FROM a:1 AS build\nFROM a:1 AS runtime\n' };
    const out = fixed(
      'services:\n  web:\n    build:\n      context: .\n      target: runtim\n',
      'compose-build-target-unknown',
      /Change to 'runtime'/,
      files,
    );
    assert.deepEqual(clean(out, files), []);
    assert.ok(
      actions('services:\n  web:\n    build:\n      context: .\n      target: zzz\n', 'compose-build-target-unknown', files).list.some(
        (a) => a.title === "Use stage 'build'",
      ),
    );
  });

  it('declare a missing network, volume or secret, in a section that exists or a new one', () => {
    const a = fixed(
      'services:\n  web:\n    image: a:1\n    networks: [front]\nnetworks:\n  back:\n',
      'compose-resource-undeclared',
      /Declare network 'front'/,
    );
    assert.equal(a, 'services:\n  web:\n    image: a:1\n    networks: [front]\nnetworks:\n  back:\n  front:\n');
    const b = fixed(
      'services:\n  web:\n    image: a:1\n    volumes: ["data:/data"]\n',
      'compose-resource-undeclared',
      /Declare volume 'data'/,
    );
    assert.equal(b, 'services:\n  web:\n    image: a:1\n    volumes: ["data:/data"]\nvolumes:\n  data:\n');
    const c = fixed(
      'services:\n  web:\n    image: a:1\n    secrets: [token]\nsecrets:\n',
      'compose-resource-undeclared',
      /Declare secret 'token'/,
    );
    assert.equal(c, 'services:\n  web:\n    image: a:1\n    secrets: [token]\nsecrets:\n  token:\n    file: ./token.txt\n');
    for (const out of [a, b]) assert.deepEqual(clean(out), []);
  });

  it('quote a port mapping and remove version', () => {
    assert.equal(
      fixed('services:\n  a:\n    image: a:1\n    ports:\n      - 22:22\n', 'compose-port-unquoted', /Quote/),
      'services:\n  a:\n    image: a:1\n    ports:\n      - "22:22"\n',
    );
    assert.equal(
      fixed('version: "3.8"\nservices:\n  a:\n    image: a:1\n', 'compose-version-obsolete', /Remove/),
      'services:\n  a:\n    image: a:1\n',
    );
  });

  it('pin an image to a tag the local engine has, or leave a placeholder', () => {
    const images: LocalImage[] = [
      { id: 'sha256:aaa', repoTags: ['redis:7.4', 'redis:latest'], repoDigests: [] },
      { id: 'sha256:bbb', repoTags: ['redis:6.2'], repoDigests: [] },
    ];
    const out = fixed(
      'services:\n  a:\n    image: redis:latest\n',
      'image-latest',
      /Use tag '7.4', the image latest is locally/,
      {},
      images,
    );
    assert.equal(out, 'services:\n  a:\n    image: redis:7.4\n');
    assert.equal(
      fixed('services:\n  a:\n    image: "redis"\n', 'image-untagged', /Use tag '7.4'/, {}, images),
      'services:\n  a:\n    image: "redis:7.4"\n',
    );
    const { list } = actions('services:\n  a:\n    image: redis\n', 'image-untagged');
    assert.ok(list.some((a) => a.title === 'Add a tag' && a.edit?.documentChanges));
  });

  it('ignore a finding on its line or in the whole file', () => {
    const text = 'services:\n  a:\n    image: redis\n';
    const here = fixed(text, 'image-untagged', /Ignore image-untagged here/);
    assert.equal(here, 'services:\n  a:\n    # berth ignore=image-untagged\n    image: redis\n');
    assert.deepEqual(clean(here), []);
    const file = fixed(text, 'image-untagged', /in this file/);
    assert.deepEqual(clean(file), []);
  });
});
