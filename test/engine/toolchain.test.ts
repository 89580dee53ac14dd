/**
 * The toolchain presets on a real toolchain: toolchain:local is Debian's Go and Hugo in an
 * image built without a registry (scripts/toolchain-image.sh). The presets' own images are
 * not reachable here, so the tests swap the image and keep everything else.
 */
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Dockerode from 'dockerode';
import { presetConfig, type RunConfig } from '../../src/devenv/config';
import { runWorkspace, type RunningWorkspace } from '../../src/devenv/runner';
import { buildRunSpec, type Workspace } from '../../src/devenv/spec';
import { resolveEndpoint } from '../../src/engine/endpoint';
import { createEngine } from '../../src/engine/httpEngine';
import { freePort } from '../fixtures/net';
import { waitFor } from '../fixtures/waitFor';
import { requireTestImage, TOOLCHAIN_IMAGE } from '../fixtures/testImages';

const docker = new Dockerode();
const engine = createEngine(resolveEndpoint());
const IMAGE = TOOLCHAIN_IMAGE;
const UID = 2345;
const roots: string[] = [];
const running: RunningWorkspace[] = [];

function workspace(name: string, files: Record<string, string>): Workspace {
  const root = mkdtempSync(path.join(tmpdir(), 'berth-toolchain-'));
  roots.push(root);
  const folder = path.join(root, name);
  mkdirSync(folder);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    writeFileSync(path.join(folder, file), text);
  }
  chownTree(folder, UID);
  return { folder, name, uid: UID, gid: UID };
}

function chownTree(dir: string, uid: number): void {
  chownSync(dir, uid, uid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, uid);
    else chownSync(p, uid, uid);
  }
}

async function run(ws: Workspace, config: RunConfig): Promise<{ run: RunningWorkspace; output: () => string }> {
  const started = await runWorkspace(engine, buildRunSpec(ws, config), { startupWindowMs: 500 });
  running.push(started);
  let output = started.startOutput;
  started.stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // The runner hands the stream over paused; a reader resumes it, as the terminals do.
  started.stream.resume();
  return { run: started, output: () => output };
}

const GO_FILES = {
  'go.mod': 'module example.com/hello\n\ngo 1.19\n',
  'main.go': 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from go") }\n',
};

before(async () => {
  await requireTestImage(IMAGE); // built by scripts/toolchain-image.sh (provision.sh runs it), checked by what it holds
  for (const v of [`berth-cache-go-mod-${UID}`, `berth-cache-go-build-${UID}`, `berth-cache-hugo-${UID}`])
    await docker
      .getVolume(v)
      .remove()
      .catch(() => undefined);
});

after(async () => {
  for (const r of running) await r.stop().catch(() => undefined);
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  for (const v of [`berth-cache-go-mod-${UID}`, `berth-cache-go-build-${UID}`, `berth-cache-hugo-${UID}`])
    await docker
      .getVolume(v)
      .remove()
      .catch(() => undefined);
});

describe('Go preset', () => {
  it('compiles in the container and the binary lands in the workspace, owned by the host user', async () => {
    const ws = workspace('gohello', GO_FILES);
    const { run: r } = await run(ws, {
      ...presetConfig('go', () => undefined),
      image: IMAGE,
      command: ['go', 'build', '-o', 'hello', '.'],
    });
    assert.equal(await r.exited, 0);
    const binary = path.join(ws.folder, 'hello');
    assert.ok(existsSync(binary));
    assert.equal(statSync(binary).uid, UID);
    await r.stop();
  });

  it('the named build cache serves the second build: nothing is compiled again', async (t) => {
    // Start cold: the test before warmed this user's cache.
    for (const v of [`berth-cache-go-mod-${UID}`, `berth-cache-go-build-${UID}`])
      await docker
        .getVolume(v)
        .remove()
        .catch(() => undefined);
    const ws = workspace('gocache', GO_FILES);
    const config = { ...presetConfig('go', () => undefined), image: IMAGE };
    // -x prints every tool the build runs; with a warm cache no package is compiled.
    const first = await run(ws, { ...config, command: ['go', 'build', '-x', '-o', 'hello', '.'] });
    const t0 = Date.now();
    assert.equal(await first.run.exited, 0);
    const firstMs = Date.now() - t0;
    await first.run.stop();
    rmSync(path.join(ws.folder, 'hello'));
    const second = await run(ws, { ...config, command: ['go', 'build', '-x', '-o', 'hello', '.'] });
    const t1 = Date.now();
    assert.equal(await second.run.exited, 0);
    const secondMs = Date.now() - t1;
    await second.run.stop();
    const compiles = (out: string) => (out.match(/\/compile /g) ?? []).length;
    assert.ok(compiles(first.output()) > 0, `the first build compiles: ${JSON.stringify(first.output().slice(0, 3000))}`);
    assert.equal(compiles(second.output()), 0, 'the second build compiles nothing');
    t.diagnostic(`first build ${firstMs} ms, second ${secondMs} ms`);
  });
});

describe('Hugo preset', () => {
  it('serves the site on a published port that answers from the host', async () => {
    const ws = workspace('site', {
      'hugo.toml':
        'baseURL = "http://localhost/"\ntitle = "Berth test"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n',
      'content/_index.md': '---\ntitle: Home\n---\nHello from Hugo.\n',
      'layouts/index.html': '<html><body><h1>{{ .Site.Title }}</h1>{{ .Content }}</body></html>\n',
    });
    const port = await freePort();
    const config = {
      ...presetConfig('hugo', () => undefined),
      image: IMAGE,
      ports: [{ container: 1313, host: port, protocol: 'tcp' as const }],
    };
    const { run: r, output } = await run(ws, config);
    const body = await waitFor(
      'hugo to serve the site',
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        return res.ok && res.text();
      },
      60_000,
      200,
    ).catch((error: Error) => assert.fail(`${error.message}; hugo output:\n${output()}`));
    assert.match(body, /Berth test/, `hugo output:\n${output()}`);
    assert.match(body, /Hello from Hugo/);
    await r.stop();
  });
});
