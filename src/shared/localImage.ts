/** An image the local engine has, for tag and digest suggestions; the engine core fills it, the Dockerfile features read it. */
export interface LocalImage {
  id: string;
  /** e.g. `node:20.11-alpine` */
  repoTags: string[];
  /** e.g. `node@sha256:…` */
  repoDigests: string[];
  /** Bytes, when the engine said (hover shows it). */
  size?: number;
  /** Seconds since the epoch, when the engine said. */
  created?: number;
}
