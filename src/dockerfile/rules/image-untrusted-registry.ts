/** FROM pulling from a registry outside `.hadolint.yaml`'s `trustedRegistries`. */
import { defineRule } from './rule';

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'hub.docker.com', 'registry-1.docker.io']);

/** hadolint's matching: exact, or a leading/trailing `*` wildcard; Docker Hub's names are one. */
function registryMatches(pattern: string, registry: string): boolean {
  const p = pattern.trim().toLowerCase();
  const r = registry.toLowerCase();
  if (p === r || (DOCKER_HUB.has(p) && DOCKER_HUB.has(r))) return true;
  if (p.startsWith('*')) return r.endsWith(p.slice(1));
  if (p.endsWith('*')) return r.startsWith(p.slice(0, -1));
  return false;
}

export const imageUntrustedRegistry = defineRule({
  code: 'image-untrusted-registry',
  severity: 'warning',
  summary: 'FROM pulls from a registry outside the trusted list.',
  hadolint: 'DL3026',
  check(ctx, report) {
    const trusted = ctx.trustedRegistries;
    if (trusted.length === 0) return;
    for (const base of ctx.bases()) {
      if (!base) continue;
      const registry = base.ref.registry ?? 'docker.io';
      if (trusted.some((t) => registryMatches(t, registry))) continue;
      report({
        span: base.word.span,
        message: `Registry '${registry}' is not in the trusted registries (${trusted.join(', ')}).`,
      });
    }
  },
});
