/**
 * `user: host` means "files made in the container belong to me on the host". How to get that
 * depends on the engine: on a rootful engine, run as the host's uid:gid; on rootless Docker the
 * host user is uid 0 inside the user namespace (the host's uid there would map to a subordinate
 * uid), so run as 0:0; on rootless Podman, `--userns=keep-id` maps the host user to the same uid.
 */
import type { EngineInfo, EngineVersion } from '../engine/types';

/** The kind of engine, as far as ownership of bind-mounted files goes. */
export type EngineFlavour = 'rootful' | 'rootless-docker' | 'rootless-podman';

/** Reads the flavour from `/info` (SecurityOptions `name=rootless`) and `/version` (Podman names itself). */
export function engineFlavour(info: Pick<EngineInfo, 'rootless'>, version: Pick<EngineVersion, 'platform'>): EngineFlavour {
  if (!info.rootless) return 'rootful';
  return /podman/i.test(version.platform ?? '') ? 'rootless-podman' : 'rootless-docker';
}

/** What the container is created with for `user: host`, and the line that tells the user which it was. */
export interface HostUserChoice {
  /** `User` in the create body; undefined leaves the image's. */
  user?: string;
  /** `HostConfig.UsernsMode`. */
  usernsMode?: string;
  /** Shown in the run's terminal. */
  note: string;
}

/** The choice for `user: host` on an engine of this flavour; uid/gid undefined where the host has none (Windows). */
export function hostUserChoice(flavour: EngineFlavour, uid: number | undefined, gid: number | undefined): HostUserChoice {
  if (flavour === 'rootless-docker')
    return {
      user: '0:0',
      note: 'Running as 0:0: this is rootless Docker, where root in the container is your own user on the host, so files stay yours.',
    };
  if (uid === undefined) return { note: "Running as the image's user: this host has no uid to map." };
  const ids = `${uid}:${gid ?? uid}`;
  if (flavour === 'rootless-podman')
    return {
      user: ids,
      usernsMode: 'keep-id',
      note: `Running as ${ids} with --userns=keep-id: this is rootless Podman, which keeps your uid the same inside, so files stay yours.`,
    };
  return { user: ids, note: `Running as ${ids}, your own user, so files made in the container stay yours.` };
}
