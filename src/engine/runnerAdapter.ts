/** dockerode behind `RunnerEngine`: what running a workspace needs from the Engine API. */
import type Dockerode from 'dockerode';
import type { Duplex } from 'node:stream';
import { contextEntries, packContext } from './buildContext';
import type { ContainerCreate, ProgressEvent, RunnerEngine } from './types';

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

export function createRunnerEngine(docker: Dockerode, local: boolean): RunnerEngine {
  const remove = async (id: string) => {
    try {
      await docker.getContainer(id).remove({ force: true, v: false });
    } catch (error) {
      // Gone already, or being removed by the engine: either way it will not stay.
      if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
    }
  };
  return {
    local,
    async imageExists(reference) {
      try {
        await docker.getImage(reference).inspect();
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw error;
      }
    },
    async imageExposedPorts(reference) {
      const info = (await docker.getImage(reference).inspect()) as { Config?: { ExposedPorts?: Record<string, unknown> | null } };
      return Object.keys(info.Config?.ExposedPorts ?? {});
    },
    async pullImage(reference, onProgress, signal) {
      const stream = (await docker.pull(reference, { abortSignal: signal })) as NodeJS.ReadableStream;
      await new Promise<void>((resolve, reject) => {
        docker.modem.followProgress(
          stream,
          (error: Error | null, output: { error?: string }[]) => {
            const failed = error?.message ?? output?.find((o) => o.error)?.error;
            if (failed) reject(new Error(failed));
            else resolve();
          },
          (event: ProgressEvent & { progressDetail?: { current?: number; total?: number } }) =>
            onProgress({
              id: event.id,
              status: event.status,
              current: event.progressDetail?.current,
              total: event.progressDetail?.total,
              error: event.error,
            }),
        );
      });
    },
    async buildImage(build, onOutput, signal) {
      const { entries } = await contextEntries(build.context, build.dockerfile);
      const stream = (await docker.buildImage(packContext(build.context, entries), {
        t: build.tag,
        dockerfile: build.dockerfile,
        ...(build.target ? { target: build.target } : {}),
        buildargs: build.args,
        labels: build.labels,
        // Intermediate containers go even when a step fails, so a failed build leaves none.
        rm: true,
        forcerm: true,
        abortSignal: signal,
      } as Dockerode.ImageBuildOptions)) as NodeJS.ReadableStream;
      await new Promise<void>((resolve, reject) => {
        let failed: string | undefined;
        let pending = '';
        docker.modem.followProgress(
          stream,
          (error: Error | null) => {
            if (pending) onOutput(pending);
            if (error || failed) reject(new Error(failed ?? error?.message));
            else resolve();
          },
          (event: { stream?: string; status?: string; error?: string; errorDetail?: { message?: string } }) => {
            if (event.error) failed = event.errorDetail?.message ?? event.error;
            // The builder splits its output at arbitrary points; hand on whole lines.
            const text = pending + (event.stream ?? (event.status ? `${event.status}\n` : ''));
            const lines = text.split('\n');
            pending = lines.pop() ?? '';
            for (const line of lines) if (line.trim()) onOutput(line.replace(/\r$/, ''));
          },
        );
      });
    },
    async ensureVolume(name, labels) {
      try {
        await docker.getVolume(name).inspect();
        return false;
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
      await docker.createVolume({ Name: name, Labels: labels });
      return true;
    },
    async runToCompletion(image, cmd, mounts) {
      const container = await docker.createContainer({
        Image: image,
        Cmd: cmd,
        User: '0:0',
        Labels: { 'berth.managed': 'true' },
        HostConfig: { Mounts: mounts.map((m) => ({ Type: 'volume', Source: m.volume, Target: m.target })) },
      });
      try {
        await container.start();
        const result = (await container.wait()) as { StatusCode: number };
        return result.StatusCode;
      } finally {
        await remove(container.id);
      }
    },
    async findContainer(name) {
      const found = await docker.listContainers({ all: true, filters: JSON.stringify({ name: [`^/${name}$`] }) });
      const match = found[0];
      return match ? { id: match.Id, running: match.State === 'running' } : undefined;
    },
    async createContainer(name, create: ContainerCreate) {
      const container = await docker.createContainer({ name, ...create } as Dockerode.ContainerCreateOptions);
      return container.id;
    },
    async attach(id) {
      const stream = await docker.getContainer(id).attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
      return stream as unknown as Duplex;
    },
    async start(id) {
      await docker.getContainer(id).start();
    },
    async resize(id, columns, rows) {
      try {
        await docker.getContainer(id).resize({ w: columns, h: rows });
      } catch (error) {
        // Resizing a container that just stopped is not worth an error.
        if (statusOf(error) !== 404 && statusOf(error) !== 409 && statusOf(error) !== 500) throw error;
      }
    },
    async wait(id) {
      // `next-exit`: waiting on a container that has not started yet must not return at once.
      const result = (await docker.getContainer(id).wait({ condition: 'next-exit' })) as { StatusCode: number };
      return result.StatusCode;
    },
    remove,
  };
}
