/** The names of Compose files, apart from the Compose core so the CLI's folder walk reads no parser. */
import * as path from 'node:path';

/** A Compose file's name: its kind (`compose`, `docker-compose`), its variant (`override`, `prod`) and extension. */
export const COMPOSE_NAME = /^(compose|docker-compose)(?:\.(.+))?\.(ya?ml)$/;

/**
 * Whether a file name is one Compose (and VS Code's `dockercompose` language) uses:
 * compose.yaml/.yml, docker-compose.yaml/.yml, their `.override` variants, `compose.*.yaml`
 * and `docker-compose.*.yml`.
 */
export function isComposeFile(file: string): boolean {
  return COMPOSE_NAME.test(path.basename(file));
}
