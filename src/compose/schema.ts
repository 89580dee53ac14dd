/**
 * The Compose Specification's JSON schema (schemas/compose-spec.json, vendored with its source
 * recorded beside it): validated by the validators of validators.ts, and walked by path for
 * completion and hover.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import composeSpec from '../../schemas/compose-spec.json';

/** A JSON schema node, as far as the Compose schema uses the keywords. */
export interface SchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  enum?: unknown[];
  $ref?: string;
  required?: string[];
  deprecated?: boolean;
  default?: unknown;
}

/** The vendored Compose Specification schema. */
export const COMPOSE_SCHEMA = composeSpec as unknown as SchemaNode & { definitions: Record<string, SchemaNode> };

let compiled: { root: ValidateFunction; service: ValidateFunction } | undefined;

/**
 * The validators, for the whole file and for one service (so an edit re-validates only the
 * service it touched). Loaded on first use: in the bundles they are ajv's code generated at build
 * time, in plain Node they compile on load, which takes a moment, so a server may call this early.
 */
export function composeValidator(): { root: ValidateFunction; service: ValidateFunction } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see above)
  compiled ??= require('./validators') as { root: ValidateFunction; service: ValidateFunction };
  return compiled;
}

/** The ajv errors for a whole file's value, or for one service's. */
export function schemaErrors(value: unknown, what: 'root' | 'service' = 'root'): ErrorObject[] {
  const validate = composeValidator()[what];
  return validate(value) ? [] : (validate.errors ?? []);
}

/** The schema node a `#/definitions/…` pointer (a $ref or an error's schemaPath) names. */
export function schemaAtPointer(pointer: string): SchemaNode | undefined {
  const parts = pointer.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  let node: unknown = COMPOSE_SCHEMA;
  for (const part of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node && typeof node === 'object' ? (node as SchemaNode) : undefined;
}

/** A schema with its `$ref` followed and its `oneOf` branches spread out: the alternatives a value may take. */
export function alternatives(schema: SchemaNode | undefined, depth = 0): SchemaNode[] {
  if (!schema || depth > 16) return [];
  if (schema.$ref) {
    const target = schemaAtPointer(schema.$ref);
    // A $ref's siblings (its description) describe the use; the target describes the type.
    const resolved = alternatives(target, depth + 1);
    return schema.description ? resolved.map((r) => ({ ...r, description: schema.description })) : resolved;
  }
  if (schema.oneOf) {
    const branches = schema.oneOf.flatMap((b) => alternatives(b, depth + 1));
    return schema.description ? branches.map((b) => ({ ...b, description: b.description ?? schema.description })) : branches;
  }
  return [schema];
}

/** The schema of a mapping's value for `key`: a property, a pattern property, or the additional properties. */
export function propertySchema(schema: SchemaNode, key: string): SchemaNode | undefined {
  if (schema.properties && Object.prototype.hasOwnProperty.call(schema.properties, key)) return schema.properties[key];
  for (const [pattern, sub] of Object.entries(schema.patternProperties ?? {})) if (patternRegExp(pattern).test(key)) return sub;
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

const patterns = new Map<string, RegExp>();
function patternRegExp(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) patterns.set(pattern, (re = new RegExp(pattern, 'u')));
  return re;
}

/**
 * The alternatives for the value at a path of keys and list indices from the root. With `route`,
 * also how the schema reached each segment: paths with the same route (two services' keys, say)
 * have the same schemas.
 */
export function schemasAt(path: readonly (string | number)[], route?: string[]): SchemaNode[] {
  let current = alternatives(COMPOSE_SCHEMA);
  for (const segment of path) {
    const next: SchemaNode[] = [];
    const how: string[] | undefined = route && [];
    for (const schema of current) {
      if (typeof segment === 'number') {
        if (schema.items) next.push(...alternatives(schema.items));
      } else if (isObjectSchema(schema)) {
        const sub = propertySchema(schema, segment);
        if (sub) next.push(...alternatives(sub));
        how?.push(routeOf(schema, segment));
      }
    }
    if (route) route.push(typeof segment === 'number' ? '[]' : how!.join('|'));
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

/** How a mapping's schema reads a key: by its name when it lists it, else by the pattern it matches, `*` for any other key, `!` for none. */
function routeOf(schema: SchemaNode, key: string): string {
  if (schema.properties && Object.prototype.hasOwnProperty.call(schema.properties, key)) return JSON.stringify(key);
  for (const pattern of Object.keys(schema.patternProperties ?? {})) if (patternRegExp(pattern).test(key)) return `/${pattern}/`;
  return typeof schema.additionalProperties === 'object' ? '*' : '!';
}

/** Whether a schema describes a mapping. */
export function isObjectSchema(schema: SchemaNode): boolean {
  const t = schema.type;
  return t === 'object' || (Array.isArray(t) && t.includes('object')) || (!t && (!!schema.properties || !!schema.patternProperties));
}

/** Whether a schema describes a list. */
export function isArraySchema(schema: SchemaNode): boolean {
  const t = schema.type;
  return t === 'array' || (Array.isArray(t) && t.includes('array'));
}

/** The keys a mapping may have under these alternatives, each with its description, `x-` extensions aside. */
export function propertiesOf(schemas: readonly SchemaNode[]): Map<string, SchemaNode> {
  const out = new Map<string, SchemaNode>();
  for (const schema of schemas) {
    if (!isObjectSchema(schema)) continue;
    for (const [key, sub] of Object.entries(schema.properties ?? {})) if (!out.has(key)) out.set(key, sub);
  }
  return out;
}

/** The description the schema gives, following $ref to the first one that has one. */
export function descriptionOf(schema: SchemaNode | undefined): string | undefined {
  if (!schema) return undefined;
  if (schema.description) return schema.description;
  return alternatives(schema).find((a) => a.description)?.description;
}
