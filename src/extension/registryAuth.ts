/**
 * Registry credentials for the push and pull commands, in the user's words: the lookup itself is
 * pure (src/engine/registryAuth.ts, the docker CLI's rules); this wraps its errors for display.
 */
import * as vscode from 'vscode';
import { RegistryAuthError, findCredentials, isDockerHub, requireCredentials, type AuthEnvironment } from '../engine/registryAuth';
import type { RegistryAuth } from '../engine/types';

export { registryOf } from '../engine/registryAuth';

/** An error whose message is ready to show once, as is. */
export class CredentialsError extends Error {
  constructor(
    message: string,
    readonly registry: string,
    readonly kind: RegistryAuthError['kind'],
  ) {
    super(message);
    this.name = 'CredentialsError';
  }
}

/**
 * Credentials to push `reference` (an image reference). Rejects with a CredentialsError saying
 * which `docker login` to run when none are stored.
 */
export async function credentialsForPush(reference: string, environment?: AuthEnvironment): Promise<RegistryAuth> {
  try {
    return await requireCredentials(reference, environment);
  } catch (error) {
    throw localise(error);
  }
}

/** Credentials to pull `reference`, or undefined to pull anonymously (nothing stored for its registry). */
export async function credentialsForPull(reference: string, environment?: AuthEnvironment): Promise<RegistryAuth | undefined> {
  try {
    return await findCredentials(reference, environment);
  } catch (error) {
    throw localise(error);
  }
}

function localise(error: unknown): unknown {
  if (!(error instanceof RegistryAuthError)) return error;
  if (error.kind === 'no-credentials') {
    const login = isDockerHub(error.registry) ? 'docker login' : `docker login ${error.registry}`;
    return new CredentialsError(
      vscode.l10n.t('No credentials for registry {0}: run {1} in a terminal, then try again.', error.registry, login),
      error.registry,
      error.kind,
    );
  }
  if (error.kind === 'bad-config') {
    return new CredentialsError(
      vscode.l10n.t('Cannot use the Docker config: {0}. Fix or remove the file, then try again.', error.message),
      error.registry,
      error.kind,
    );
  }
  return new CredentialsError(vscode.l10n.t('Could not get registry credentials: {0}.', error.message), error.registry, error.kind);
}
