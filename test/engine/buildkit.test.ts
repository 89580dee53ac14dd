/**
 * Builds with BuildKit through the Engine API on the real engine (dockerd 20.10 here: BuildKit
 * is there but not its default, so `auto` must choose it from the API version): RUN --mount
 * for caches, secrets and the ssh agent (a real ssh-agent on this machine), a private base
 * image pulled with the credentials the build session hands out (a password-protected registry
 * on 127.0.0.1), another platform, several tags, and the classic builder when it is asked for.
 * Base images: busybox:local and toolchain:local, built without a registry; BuildKit on this
 * engine takes `FROM busybox:local` from the engine's own images, without pulling.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine } from '../../src/engine/httpEngine';
import { resolveEndpoint } from '../../src/engine/endpoint';
import { BuildError, type BuildOptions, type BuildResult, type ImageBuild } from '../../src/engine/types';
import { registryMissing, startRegistry, TEST_LOGIN } from '../fixtures/registry';
import { BUSYBOX_IMAGE, requireTestImage, TOOLCHAIN_IMAGE } from '../fixtures/testImages';
import { docker } from './helpers';

const engine = createEngine(resolveEndpoint());
const roots: string[] = [];
const tags = new Set<string>();
const runId = Date.now().toString(36);

function contextWith(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'berth-buildkit-'));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, file), text);
  return root;
}

function buildOf(context: string, name: string, extra: Partial<ImageBuild> = {}): ImageBuild {
  const tag = `berth-test/buildkit-${name}:${runId}`;
  tags.add(tag);
  for (const t of extra.extraTags ?? []) tags.add(t);
  return { context, dockerfile: 'Dockerfile', tag, args: {}, labels: { 'berth.test': '1' }, ...extra };
}

async function build(b: ImageBuild, options: BuildOptions = {}): Promise<{ result: BuildResult; lines: string[] }> {
  const lines: string[] = [];
  const result = await engine.buildImage(b, { ...options, onOutput: (l) => lines.push(l) });
  return { result, lines };
}

before(async () => {
  await requireTestImage(BUSYBOX_IMAGE);
  await requireTestImage(TOOLCHAIN_IMAGE);
});

after(async () => {
  for (const tag of tags) await docker(['rmi', '-f', tag]).catch(() => undefined);
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  engine.dispose();
});

describe('BuildKit through the Engine API', () => {
  it('auto builds RUN --mount=type=cache with BuildKit; the steps are numbered, a second build shows them CACHED', async () => {
    const context = contextWith({
      // The run's id makes the step new to the engine's cache, whatever earlier runs left there.
      Dockerfile: `FROM busybox:local\nRUN --mount=type=cache,target=/cache echo built ${runId} >> /cache/log && wc -l < /cache/log > /runs\n`,
    });
    const b = buildOf(context, 'cache');
    const first = await build(b);
    assert.equal(first.result.builder, 'buildkit');
    assert.match(first.result.imageId ?? '', /^sha256:[0-9a-f]{64}$/);
    const run = first.result.steps.find((s) => s.name.includes('RUN --mount=type=cache'));
    assert.ok(run, first.lines.join('\n'));
    assert.ok(first.lines.includes(`#${run.number} ${run.name}`), first.lines.join('\n'));
    assert.ok(first.lines.some((l) => new RegExp(`^#${run.number} DONE \\d+\\.\\ds$`).test(l)));
    assert.equal(await docker(['image', 'inspect', '-f', '{{.Id}}', b.tag]), first.result.imageId);

    const second = await build(b);
    const again = second.result.steps.find((s) => s.name === run.name)!;
    assert.equal(again.state, 'cached');
    assert.ok(second.lines.includes(`#${again.number} CACHED`), second.lines.join('\n'));
  });

  it("the cache mounts the quick fixes add build, and what's written under them stays out of the image", async () => {
    // The flags as the apt-lists-kept, apk-cache-kept and pip-cache-kept fixes write them.
    const mounts = [
      '--mount=type=cache,target=/var/lib/apt/lists,sharing=locked',
      '--mount=type=cache,target=/var/cache/apk',
      '--mount=type=cache,target=/root/.cache/pip',
    ].join(' ');
    const context = contextWith({
      Dockerfile: `FROM busybox:local\nRUN ${mounts} touch /var/lib/apt/lists/${runId} /var/cache/apk/${runId} /root/.cache/pip/${runId} /kept\n`,
    });
    const b = buildOf(context, 'fix-mounts');
    const { result, lines } = await build(b);
    assert.equal(result.builder, 'buildkit', lines.join('\n'));
    const left = await docker(['run', '--rm', b.tag, 'find', '/var/lib/apt', '/var/cache/apk', '/root/.cache', '/kept', '-type', 'f']);
    assert.equal(left, '/kept');
  });

  it("a failing step: the BuildError names it, with its output; the engine's message as it is", async () => {
    const context = contextWith({ Dockerfile: 'FROM busybox:local\nRUN echo about to fail && exit 3\n' });
    const error = await build(buildOf(context, 'failing')).catch((e: unknown) => e);
    assert.ok(error instanceof BuildError, String(error));
    assert.equal(error.builder, 'buildkit');
    assert.match(error.message, /exit code: 3/);
    assert.match(error.step?.name ?? '', /^\[(stage-0 )?2\/2\] RUN echo about to fail && exit 3$/);
    assert.deepEqual(error.step?.output, ['about to fail']);
  });

  it('secrets from a file and from the environment reach RUN --mount=type=secret and stay out of the image', async () => {
    const context = contextWith({
      Dockerfile:
        'FROM busybox:local\nRUN --mount=type=secret,id=token --mount=type=secret,id=fromenv cat /run/secrets/token /run/secrets/fromenv > /dev/null && wc -c /run/secrets/token /run/secrets/fromenv | head -2 > /sizes\n',
      'token.txt': 'file-secret\n',
    });
    process.env.BERTH_TEST_SECRET = 'env-secret';
    try {
      const b = buildOf(context, 'secret', {
        secrets: [
          { id: 'token', file: path.join(context, 'token.txt') },
          { id: 'fromenv', env: 'BERTH_TEST_SECRET' },
        ],
        noCache: true,
      });
      await build(b);
      const sizes = await docker(['run', '--rm', b.tag, 'cat', '/sizes']);
      assert.match(sizes, /12 \/run\/secrets\/token/);
      assert.match(sizes, /10 \/run\/secrets\/fromenv/);
      assert.equal(await docker(['run', '--rm', b.tag, 'sh', '-c', 'ls /run/secrets 2>/dev/null | wc -l']), '0', 'nothing stays');
    } finally {
      delete process.env.BERTH_TEST_SECRET;
    }
  });

  it('a secret the build was not given: the error says which and how to pass it', async () => {
    const context = contextWith({
      Dockerfile: 'FROM busybox:local\nRUN --mount=type=secret,id=npmrc,required=true cat /run/secrets/npmrc\n',
    });
    const error = await build(buildOf(context, 'nosecret', { noCache: true })).catch((e: unknown) => e);
    assert.ok(error instanceof BuildError, String(error));
    assert.match(error.hint ?? '', /secret npmrc.*--secret id=npmrc,src=/);
  });

  it("RUN --mount=type=ssh talks to the user's ssh agent", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-agent-'));
    roots.push(dir);
    const socket = path.join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'berth-build-key', '-f', path.join(dir, 'key')]);
      for (let i = 0; i < 100; i++) {
        try {
          execFileSync('ssh-add', [path.join(dir, 'key')], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      // Asks the agent for its identities (SSH_AGENTC_REQUEST_IDENTITIES) and prints the answer's comment.
      const ask =
        'use IO::Socket::UNIX; my $s = IO::Socket::UNIX->new(Peer => $ENV{SSH_AUTH_SOCK}) or die "no agent: $!"; print $s pack("NC", 1, 11); read($s, my $len, 4); read($s, my $body, unpack("N", $len)); print STDERR ($body =~ /(berth-build-key)/ ? "agent key: $1\\n" : "no key\\n");';
      const context = contextWith({ Dockerfile: `FROM ${TOOLCHAIN_IMAGE}\nRUN --mount=type=ssh perl -e '${ask}'\n` });
      const b = buildOf(context, 'ssh', { ssh: [{ id: 'default', sockets: [socket] }], noCache: true });
      const { lines } = await build(b);
      assert.ok(
        lines.some((l) => / agent key: berth-build-key$/.test(l)),
        lines.join('\n'),
      );
    } finally {
      agent.kill();
    }
  });

  it('a private base image is pulled with the credentials the session hands out', async (t) => {
    if (registryMissing()) return t.skip(registryMissing());
    const registry = await startRegistry({ htpasswd: TEST_LOGIN.htpasswd });
    const auth = { username: TEST_LOGIN.username, password: TEST_LOGIN.password, serveraddress: registry.host };
    const base = `${registry.host}/berth-test/private-base:${runId}`;
    try {
      await docker(['tag', BUSYBOX_IMAGE, base]);
      await engine.pushImage(base, auth, () => undefined);
      await docker(['rmi', base]);
      const context = contextWith({ Dockerfile: `FROM ${base}\nRUN echo on the private base > /note\n` });
      const denied = await build(buildOf(context, 'private-denied')).catch((e: unknown) => e);
      assert.ok(denied instanceof BuildError, 'without credentials the pull is refused');
      assert.match(denied.message, /401|unauthorized|authorization|failed to resolve/i);
      const b = buildOf(context, 'private');
      await build(b, { registries: { [registry.host]: auth } });
      assert.equal(await docker(['run', '--rm', b.tag, 'cat', '/note']), 'on the private base');
    } finally {
      await docker(['rmi', '-f', base]).catch(() => undefined);
      await registry.stop();
    }
  });

  it('another platform, several tags and labels', async () => {
    const context = contextWith({ Dockerfile: 'FROM scratch\nCOPY hello.txt /\n', 'hello.txt': 'hi\n' });
    const b = buildOf(context, 'arm', { platform: 'linux/arm64', extraTags: [`berth-test/buildkit-arm-too:${runId}`] });
    await build(b);
    assert.equal(
      await docker(['image', 'inspect', '-f', '{{.Os}}/{{.Architecture}} {{index .Config.Labels "berth.test"}}', b.tag]),
      'linux/arm64 1',
    );
    assert.equal(
      await docker(['image', 'inspect', '-f', '{{.Id}}', `berth-test/buildkit-arm-too:${runId}`]),
      await docker(['image', 'inspect', '-f', '{{.Id}}', b.tag]),
    );
  });

  it('named build contexts: refused with what to do, before anything is sent', async () => {
    const context = contextWith({ Dockerfile: 'FROM base\n' });
    const error = await build(buildOf(context, 'named', { contexts: { base: `docker-image://${BUSYBOX_IMAGE}` } })).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof BuildError);
    assert.match(error.message, /Named build contexts \(base\)/);
  });

  it('the classic builder, when asked for, still builds a plain Dockerfile, and refuses secrets', async () => {
    const context = contextWith({ Dockerfile: 'FROM busybox:local\nRUN echo classic > /built-by\n' });
    const b = buildOf(context, 'classic');
    const { result, lines } = await build(b, { builder: 'classic' });
    assert.equal(result.builder, 'classic');
    assert.ok(
      lines.some((l) => /^Step 2\/\d+ : RUN echo classic/.test(l)),
      lines.join('\n'),
    );
    assert.equal(await docker(['run', '--rm', b.tag, 'cat', '/built-by']), 'classic');
    const refused = await build({ ...b, secrets: [{ id: 'x', env: 'HOME' }] }, { builder: 'classic' }).catch((e: unknown) => e);
    assert.ok(refused instanceof BuildError);
    assert.match(refused.message, /secrets need BuildKit/);
  });

  it('a cancelled build stops at once', async () => {
    const context = contextWith({ Dockerfile: 'FROM busybox:local\nRUN sleep 120\n' });
    const abort = new AbortController();
    const started = Date.now();
    const pending = build(buildOf(context, 'cancel', { noCache: true }), {
      signal: abort.signal,
      onSteps: (steps) => {
        if (steps.some((s) => s.name.includes('sleep 120') && s.state === 'running')) abort.abort();
      },
    });
    await assert.rejects(pending);
    assert.ok(Date.now() - started < 60_000, 'well before the step would have ended');
  });
});
