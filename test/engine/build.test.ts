/**
 * "A Dockerfile → build it and run it" on the real engine: a folder holding only a Dockerfile
 * is built (its .dockerignore applied) and its image run with the ports it EXPOSEs; failed
 * builds say why and leave no container behind. Base image: busybox:local, built without a registry.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Dockerode from 'dockerode';
import { resolveRunConfig } from '../../src/devenv/resolve';
import { runWorkspace, RunError, type RunningWorkspace } from '../../src/devenv/runner';
import { buildRunSpec, type RunSpec } from '../../src/devenv/spec';
import { resolveEndpoint } from '../../src/engine/endpoint';
import { createEngine } from '../../src/engine/httpEngine';
import { freePort } from '../fixtures/net';
import { waitFor } from './helpers';
import { BUSYBOX_IMAGE, requireTestImage } from '../fixtures/testImages';

const docker = new Dockerode();
const engine = createEngine(resolveEndpoint());
const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const roots: string[] = [];
const tags = new Set<string>();
const running: RunningWorkspace[] = [];

/** A workspace folder whose name has a space and non-ASCII letters, as people's folders do. */
function folderWith(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'berth-build-'));
  roots.push(root);
  const folder = path.join(root, 'Mein Projekt ü');
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    writeFileSync(path.join(folder, file), text);
  }
  return folder;
}

function specFor(folder: string, port?: number): RunSpec {
  const read = (name: string) => {
    try {
      return readFileSync(path.join(folder, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  const resolved = resolveRunConfig({ entries: readdirSync(folder), read }, path.basename(folder));
  if ('error' in resolved) throw new Error(resolved.error);
  const config =
    port === undefined ? resolved.config : { ...resolved.config, ports: resolved.config.ports.map((p) => ({ ...p, host: port })) };
  const spec = buildRunSpec({ folder, name: path.basename(folder), uid: 1000, gid: 1000 }, config);
  if (spec.build) tags.add(spec.build.tag);
  return spec;
}

async function leftovers(folder: string): Promise<string[]> {
  const found = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`berth.workspace=${folder}`] }) });
  return found.map((c) => `${c.Names[0]} ${c.State}`);
}

const SITE = {
  Dockerfile: 'FROM busybox:local\nARG PORT=8080\nCOPY . /site\nEXPOSE $PORT\nCMD ["httpd", "-f", "-p", "8080", "-h", "/site"]\n',
  '.dockerignore': 'secrets\n*.log\n',
  'index.html': '<h1>built by berth</h1>\n',
  'secrets/token': 'do not send\n',
  'debug.log': 'noise\n',
};

after(async () => {
  for (const r of running) await r.stop().catch(() => undefined);
  for (const tag of tags)
    await docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

// busybox:local checked by what it holds, not trusted by its tag (scripts/test-images.sh).
before(() => requireTestImage(BUSYBOX_IMAGE));

describe('build it and run it', () => {
  it('builds the folder, runs the image as built and publishes what it EXPOSEs; .dockerignore keeps files out', async () => {
    const folder = folderWith(SITE);
    const port = await freePort();
    const spec = specFor(folder, port);
    assert.equal(spec.published[0].container, 8080, 'the port comes from EXPOSE $PORT');
    const lines: string[] = [];
    const run = await runWorkspace(engine, spec, { onBuildOutput: (l) => lines.push(l), startupWindowMs: 300 });
    running.push(run);
    // BuildKit's steps, numbered as `docker build --progress=plain` numbers them.
    assert.ok(
      lines.some((l) => /^#\d+ \[(stage-0 )?2\/2\] COPY \. \/site$/.test(l)),
      lines.join('\n'),
    );
    const res = await waitFor(
      'the built site to answer',
      async () => {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/`);
          return r.ok ? r : undefined;
        } catch {
          return undefined;
        }
      },
      15_000,
      50,
    );
    assert.match(await res.text(), /built by berth/);
    for (const kept of ['secrets/token', 'debug.log'])
      assert.equal((await fetch(`http://127.0.0.1:${port}/${kept}`)).status, 404, `${kept} was sent`);
    const info = await docker.getContainer(run.id).inspect();
    assert.equal(info.Config.Image, spec.build!.tag);
    assert.equal(info.Config.User, '', 'the image runs as its own user');
    assert.deepEqual(info.HostConfig.Mounts ?? [], [], 'nothing is mounted');
    await run.stop();
    assert.deepEqual(await leftovers(folder), []);
  });

  it('publishes what the base image EXPOSEs too, which the Dockerfile itself does not say', async () => {
    // A base with EXPOSE of its own, as nginx has 80: made from busybox:local without a registry.
    const port = await freePort();
    const base = `berth-test/exposing:${port}`;
    const maker = await docker.createContainer({ Image: 'busybox:local', Cmd: ['true'] });
    await maker.commit({ repo: 'berth-test/exposing', tag: String(port), changes: [`EXPOSE ${port}`] });
    await maker.remove();
    tags.add(base);
    const folder = folderWith({
      Dockerfile: `FROM ${base}\nCOPY index.html /site/\nCMD ["httpd", "-f", "-p", "${port}", "-h", "/site"]\n`,
      'index.html': 'from the base port\n',
    });
    const spec = specFor(folder);
    assert.deepEqual(spec.published, [], 'the Dockerfile alone EXPOSEs nothing');
    const run = await runWorkspace(engine, spec, { startupWindowMs: 200 });
    running.push(run);
    assert.deepEqual(run.published, [{ host: port, container: port, protocol: 'tcp', address: '127.0.0.1' }]);
    const body = await waitFor(
      'the base image port to answer',
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
        return res?.ok ? res.text() : undefined;
      },
      15_000,
      50,
    );
    assert.equal(body, 'from the base port\n');
    await run.stop();
  });

  it('a devcontainer.json with build.dockerfile: built from .devcontainer, the folder mounted, the shell running', async () => {
    const folder = folderWith({
      '.devcontainer/devcontainer.json': '{ "build": { "dockerfile": "Dockerfile", "args": { "GREETING": "from the dev image" } } }',
      '.devcontainer/Dockerfile': 'FROM busybox:local\nARG GREETING\nRUN echo "$GREETING" > /greeting\n',
      'notes.txt': 'mounted\n',
    });
    const spec = specFor(folder);
    assert.equal(spec.build?.dockerfile, 'Dockerfile');
    assert.equal(spec.build?.context, path.join(folder, '.devcontainer'));
    const run = await runWorkspace(engine, spec, { startupWindowMs: 300 });
    running.push(run);
    const exec = async (cmd: string[]) => {
      const e = await docker.getContainer(run.id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
      const stream = await e.start({ hijack: true, stdin: false });
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve) => {
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => resolve());
      });
      // The multiplexed frames carry 8-byte headers; the text is what is left.
      return Buffer.concat(chunks)
        .toString('utf8')
        .replace(/[\x00-\x08]/g, '');
    };
    assert.match(await exec(['cat', '/greeting']), /from the dev image/);
    assert.match(await exec(['cat', '/workspace/notes.txt']), /mounted/);
    await run.stop();
    assert.deepEqual(await leftovers(folder), []);
  });

  it('a second run reuses the layer cache', async () => {
    const folder = folderWith(SITE);
    const spec = specFor(folder, await freePort());
    const first = await runWorkspace(engine, spec, { startupWindowMs: 100 });
    await first.stop();
    const lines: string[] = [];
    const second = await runWorkspace(engine, spec, { onBuildOutput: (l) => lines.push(l), startupWindowMs: 100 });
    running.push(second);
    await second.stop();
    assert.ok(lines.filter((l) => /^#\d+ CACHED$/.test(l)).length >= 2, lines.join('\n'));
  });

  it('a failing step: named with its Dockerfile line, its output and exit code in the message, no container left', async () => {
    const folder = folderWith({ Dockerfile: 'FROM busybox:local\nRUN echo about to fail && exit 3\nCMD ["true"]\n' });
    const before = (await docker.listContainers({ all: true })).length;
    const error = await runWorkspace(engine, specFor(folder)).then(
      () => assert.fail('the build should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RunError && error.reason === 'build-failed', String(error));
    assert.match(
      error.message,
      /^Building Dockerfile failed at \[(stage-0 )?2\/2\] RUN echo about to fail && exit 3 \(Dockerfile:2\): .*exit code: 3\n {2}about to fail$/,
    );
    assert.deepEqual(error.location, { file: path.join(folder, 'Dockerfile'), line: 1 });
    assert.deepEqual(await leftovers(folder), []);
    assert.equal((await docker.listContainers({ all: true })).length, before, 'the failed step leaves no container');
  });

  it('a base image that is not there: says so and what to do', async () => {
    const folder = folderWith({ Dockerfile: 'FROM 127.0.0.1:9/berth/not-there:1\nCMD ["true"]\n' });
    const error = await runWorkspace(engine, specFor(folder)).catch((e: unknown) => e);
    assert.ok(error instanceof RunError && error.reason === 'build-failed', String(error));
    assert.match(error.message, /A base image in FROM could not be pulled/);
  });

  it('RUN --mount=type=cache builds and runs; with the classic builder asked for, the message says how to build it instead', async () => {
    const folder = folderWith({
      Dockerfile: 'FROM busybox:local\nRUN --mount=type=cache,target=/cache echo cached > /cache/x && cp /cache/x /x\nCMD ["cat", "/x"]\n',
    });
    const lines: string[] = [];
    const run = await runWorkspace(engine, specFor(folder), { onBuildOutput: (l) => lines.push(l), startupWindowMs: 100 });
    running.push(run);
    assert.ok(
      lines.some((l) => /^#\d+ \[(stage-0 )?2\/2\] RUN --mount=type=cache/.test(l)),
      lines.join('\n'),
    );
    await run.stop();
    const error = await runWorkspace(engine, specFor(folder), { builder: 'classic' }).catch((e: unknown) => e);
    assert.ok(error instanceof RunError && error.reason === 'build-failed', String(error));
    assert.match(error.message, /needs BuildKit.*docker buildx build -t berth-mein-projekt-u-[0-9a-f]{8}:latest .*--load \./);
  });

  it('berth run -f --secret: BuildKit reads the secret; --print shows the docker build line that does the same', async () => {
    const folder = folderWith({
      Dockerfile:
        'FROM busybox:local\nRUN --mount=type=secret,id=token wc -c < /run/secrets/token > /token-size\nCMD ["cat", "/token-size"]\n',
      'token.txt': 'twelve bytes',
    });
    const secret = `id=token,src=${path.join(folder, 'token.txt')}`;
    const printed = spawnSync(process.execPath, [CLI, 'run', '--print', '-f', 'Dockerfile', '--secret', secret, folder], {
      encoding: 'utf8',
    });
    assert.equal(printed.status, 0, printed.stderr);
    const [buildLine] = printed.stdout.trim().split('\n');
    assert.match(buildLine, /^docker build -t berth-mein-projekt-u-[0-9a-f]{8}:latest -f .*--secret 'id=token,src=.*token\.txt' /);
    const result = spawnSync(process.execPath, [CLI, 'run', '-f', 'Dockerfile', '--secret', secret, folder], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    tags.add(/as (\S+)/.exec(result.stderr)?.[1] ?? '');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /^#\d+ \[(stage-0 )?2\/2\] RUN --mount=type=secret,id=token/m);
    assert.equal(result.stdout.trim(), '12');
  });

  it('berth run builds and starts it from a terminal, build output on stderr', async () => {
    const folder = folderWith(SITE);
    const port = await freePort();
    const result = spawnSync(process.execPath, [CLI, 'run', '--detach', '--port', `${port}:8080`, folder], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(result.status, 0, result.stderr);
    const name = result.stdout.trim();
    try {
      assert.match(result.stderr, /berth run: build Dockerfile as berth-mein-projekt-u-[0-9a-f]{8}:latest \(preset dockerfile\)/);
      assert.match(result.stderr, /Successfully tagged/);
      tags.add(/as (\S+)/.exec(result.stderr)![1]);
      const res = await waitFor(
        'the site to answer',
        async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.ok || undefined,
        15_000,
        50,
      );
      assert.ok(res);
    } finally {
      await docker
        .getContainer(name)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });
});
