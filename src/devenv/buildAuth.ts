/**
 * The registry credentials a build sends for its FROM images, as `docker build` does: without
 * them a build whose base image is private fails where a pull of the same image works.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parse } from '../dockerfile/parser';
import { expandVariables, keyValues, unquote } from '../dockerfile/variables';
import type { RegistryAuth } from '../engine/types';
import { isImageReference } from '../shared/imageRef';
import type { BuildSpec } from './spec';

/**
 * The images the build's FROM lines name (stage references and `scratch` aside), with global
 * ARGs and the build's arguments expanded; lines that stay unresolved are left out.
 */
export function baseImages(text: string, args: Record<string, string> = {}): string[] {
  const doc = parse(text);
  const values = new Map<string, string>();
  for (const arg of doc.globalArgs) {
    for (const { name, value } of keyValues(
      arg.args.map((w) => w.value),
      doc.escape,
      false,
    )) {
      const given = args[name] ?? (value === undefined ? undefined : unquote(value, doc.escape));
      if (given !== undefined) values.set(name, given);
    }
  }
  const stages = new Set(doc.stages.flatMap((s) => (s.name ? [s.name.value.toLowerCase()] : [])));
  const images = new Set<string>();
  for (const stage of doc.stages) {
    if (!stage.base) continue;
    const expanded = expandVariables(stage.base.value, (name) => values.get(name), doc.escape);
    const image = expanded.value;
    if (expanded.unresolved || stages.has(image.toLowerCase()) || image === 'scratch' || !isImageReference(image)) continue;
    images.add(image);
  }
  return [...images];
}

/**
 * Credentials for the registries of the build's base images, keyed by server address (the
 * X-Registry-Config the Engine API takes). A registry without stored credentials is left out;
 * so is one whose lookup fails: the build then says that the pull was denied.
 */
export async function buildRegistries(
  build: BuildSpec,
  credentials: (reference: string) => Promise<RegistryAuth | undefined>,
): Promise<Record<string, RegistryAuth>> {
  const text = await readFile(path.join(build.context, build.dockerfile), 'utf8').catch(() => '');
  const out: Record<string, RegistryAuth> = {};
  for (const image of baseImages(text, build.args)) {
    const auth = await credentials(image).catch(() => undefined);
    if (auth) out[auth.serveraddress] = auth;
  }
  return out;
}
