/**
 * compose-yaml and compose-schema: the file parses, and what it says is valid under the
 * Compose Specification's schema. The value validated is the one Compose sees (aliases
 * resolved, merge keys applied); each error is reported where the offending text is written.
 */
import type { ErrorObject } from 'ajv';
import { didYouMean } from '../../shared/didYouMean';
import { anchorPieces, type ComposeDocument, type Node, type PairNode, type Span } from '../document';
import { propertiesOf, schemaErrors, schemasAt } from '../schema';
import { asMap, entries, entry, nodeAtPath, resolveAlias, toJS } from '../tree';
import type { ComposeRuleContext } from './context';
import { sameList, sameNames } from '../sameList';

export function checkYaml(ctx: ComposeRuleContext): void {
  for (const problem of ctx.doc.problems) {
    const duplicate = /unique/i.test(problem.message);
    ctx.report({
      code: 'compose-yaml',
      span: problem.span,
      message: duplicate ? 'This key is repeated in its mapping: YAML keeps only one of them.' : `YAML: ${problem.message}`,
    });
  }
}

export function checkVersion(ctx: ComposeRuleContext): void {
  const pair = ctx.doc.root?.pairs.find((p) => p.name === 'version');
  if (!pair?.key) return;
  ctx.report({
    code: 'compose-version-obsolete',
    span: { start: pair.key.start, end: pair.key.end },
    message: "The top-level 'version' is obsolete: Compose ignores it and warns. Remove it.",
    tags: [2],
    data: { remove: { start: pair.start, end: pair.end } },
  });
}

/** A schema finding whose place is computed when reported, from nodes that move with edits. */
interface SchemaFinding {
  at(doc: ComposeDocument): Span;
  keyword: string;
  message: string;
  data?: Record<string, unknown>;
}

/**
 * Per file, the validation of everything but the services' contents, kept while the top-level
 * entries other than `services`, the pieces with anchors and the service names are the same.
 */
const topKept = new Map<
  string,
  { others: PairNode[]; anchors: readonly object[]; services: readonly PairNode[]; value: unknown; errors: ErrorObject[] }
>();
const MAX_KEPT_FILES = 64;

/** Each service's findings, kept while its piece and every piece with anchors are unchanged. */
const byService = new WeakMap<PairNode, { anchors: readonly unknown[]; findings: SchemaFinding[] }>();

export function checkSchema(ctx: ComposeRuleContext): void {
  const { doc } = ctx;
  const rootNode = doc.root ?? doc.rootOther;
  if (!rootNode) return;
  const findings: SchemaFinding[] = [];
  const services = doc.root ? entry(doc, doc.root, 'services') : undefined;
  const serviceMap = services ? asMap(doc, services.value) : undefined;
  const anchors = anchorPieces(doc);
  // The file with each service as `{}`: the services are validated one by one below.
  let value: unknown;
  let errors: ErrorObject[];
  if (doc.root && serviceMap) {
    const others = entries(doc, doc.root).filter((p) => p !== services);
    const servicePairs = entries(doc, serviceMap);
    const kept = topKept.get(ctx.file.path);
    if (kept && sameList(kept.others, others) && sameList(kept.anchors, anchors) && sameNames(kept.services, servicePairs)) {
      ({ value, errors } = kept);
      kept.services = servicePairs;
    } else {
      const names = servicePairs.map((p) => p.name);
      const top = toJS(doc, { ...doc.root, pairs: others }) as Record<string, unknown>;
      const placeholders: Record<string, unknown> = {};
      // A name written twice is one key (YAML keeps one; compose-yaml reports the repeat).
      for (const name of names) Object.defineProperty(placeholders, name, { value: {}, enumerable: true, configurable: true });
      value = { ...top, services: placeholders };
      errors = selectErrors(schemaErrors(value));
      if (topKept.size >= MAX_KEPT_FILES) topKept.clear();
      topKept.set(ctx.file.path, { others, anchors, services: servicePairs, value, errors });
    }
  } else {
    value = toJS(doc, rootNode);
    errors = selectErrors(schemaErrors(value));
  }
  // Described again each time: the nodes an error points at may be a service's, which an edit replaces.
  for (const error of errors) {
    const f = describe(doc, value, error);
    if (f) findings.push(f);
  }
  if (serviceMap) {
    for (const pair of entries(doc, serviceMap)) {
      const cached = byService.get(pair);
      if (cached && sameList(cached.anchors, anchors)) {
        findings.push(...cached.findings);
        continue;
      }
      const own = serviceFindings(doc, pair, anchors);
      byService.set(pair, { anchors, findings: own });
      findings.push(...own);
    }
  }
  const seen = new Set<string>();
  for (const f of findings) {
    const span = f.at(doc);
    // Services merging one anchored value share its error: one finding where it is written.
    const key = `${span.start}:${span.end}:${f.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ctx.report({ code: 'compose-schema', span, message: f.message, ...(f.data ? { data: f.data } : {}) });
  }
}

/**
 * Each entry's findings, by the name of the service it is validated in (an entry merged from an
 * anchor is in several services, and messages name the service), kept while the pieces with
 * anchors are the same: a keystroke in one key of a service validates that key alone.
 */
const byEntry = new WeakMap<PairNode, Map<string, { anchors: readonly unknown[]; findings: SchemaFinding[] }>>();
const MAX_NAMES_PER_ENTRY = 256;

/**
 * A service's findings, key by key: the schema's service is a mapping whose keys are checked each
 * on its own (properties, `x-` patterns, no others), so its errors are those of its entries
 * validated one at a time. A service that is not a mapping, or repeats a key, is validated whole.
 */
function serviceFindings(doc: ComposeDocument, pair: PairNode, anchors: readonly unknown[]): SchemaFinding[] {
  const map = asMap(doc, pair.value);
  const list = map ? entries(doc, map) : [];
  if (!map || new Set(list.map((p) => p.name)).size !== list.length) return validateService(doc, pair, toJS(doc, pair.value));
  const out: SchemaFinding[] = [];
  for (const item of list) {
    if (item.key === null && item.value === null) continue;
    let byName = byEntry.get(item);
    if (!byName) byEntry.set(item, (byName = new Map()));
    const kept = byName.get(pair.name);
    if (kept && sameList(kept.anchors, anchors)) {
      out.push(...kept.findings);
      continue;
    }
    // The service with this entry alone, converted as the whole service is.
    const findings = validateService(doc, pair, toJS(doc, { ...map, pairs: [item] }));
    // An anchored entry's map gains a name per keystroke while a service's name is typed.
    if (byName.size >= MAX_NAMES_PER_ENTRY) byName.clear();
    byName.set(pair.name, { anchors, findings });
    out.push(...findings);
  }
  return out;
}

/** The findings of `service`, the whole value of service `pair` or some of its entries. */
function validateService(doc: ComposeDocument, pair: PairNode, service: unknown): SchemaFinding[] {
  const prefix = `/services/${pair.name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  const whole = { services: { [pair.name]: service } };
  const out: SchemaFinding[] = [];
  // Paths are walked from this pair: a service whose name is written twice must not point into the other one.
  const locate = (path: readonly string[]) => nodeAtPath(doc, path.slice(2), { node: pair.value, pair });
  for (const error of selectErrors(schemaErrors(service, 'service').map((e) => ({ ...e, instancePath: prefix + e.instancePath })))) {
    const f = describe(doc, whole, error, locate);
    if (f) out.push(f);
  }
  return out;
}

/**
 * Keeps the errors that say what is wrong. For a failed `oneOf`, ajv reports every branch; the
 * branches whose type does not match the value are noise, so the errors of the branches that
 * do match are kept, or one "expected … or …" when none matches.
 */
export function selectErrors(errors: ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  let i = errors.length - 1;
  const stack: ErrorObject[][] = [];
  while (i >= 0) {
    const error = errors[i];
    if (error.keyword !== 'oneOf') {
      stack.push([error]);
      i--;
      continue;
    }
    const at = error.instancePath;
    let j = i - 1;
    while (j >= 0 && (errors[j].instancePath === at || errors[j].instancePath.startsWith(at + '/'))) j--;
    const branches = selectErrors(errors.slice(j + 1, i));
    const matching = branches.filter((b) => !(b.keyword === 'type' && b.instancePath === at));
    if (matching.length > 0) stack.push(matching);
    else if ((error.params as { passingSchemas?: unknown }).passingSchemas == null) {
      const types = new Set<string>();
      for (const b of branches) if (b.keyword === 'type') for (const t of String(b.params.type).split(',')) types.add(t);
      stack.push([{ ...error, keyword: 'type', params: { type: [...types].join(',') } }]);
    }
    i = j;
  }
  for (let k = stack.length - 1; k >= 0; k--) out.push(...stack[k]);
  return out;
}

function valueAt(value: unknown, path: string[]): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

function pointerPath(instancePath: string): string[] {
  return instancePath === ''
    ? []
    : instancePath
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'empty',
};

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string '${value.length > 40 ? value.slice(0, 40) + '…' : value}'`;
  return `${typeof value === 'boolean' ? 'the boolean' : 'the number'} ${String(value)}`;
}

function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Where a path is written: its key when it has one, dotted for messages. */
function label(path: string[]): string {
  if (path.length === 0) return 'the top level';
  if (path[0] === 'services' && path.length >= 2) {
    const rest = path.slice(2);
    return `service '${path[1]}'${rest.length ? ` ${rest.join('.')}` : ''}`;
  }
  return path.join('.');
}

function describe(
  doc: ComposeDocument,
  value: unknown,
  error: ErrorObject,
  locate: (path: readonly string[]) => ReturnType<typeof nodeAtPath> = (path) => nodeAtPath(doc, path),
): SchemaFinding | undefined {
  const path = pointerPath(error.instancePath);
  const found = locate(path);
  if (!found) return undefined;
  const here = valueAt(value, path);
  const interpolated = typeof here === 'string' && here.includes('$');
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const pair = entry(doc, asMap(doc, found.node), key);
      if (!pair?.key) return undefined;
      const key_ = pair.key;
      const at = () => ({ start: key_.start, end: key_.end });
      // ajv's schemaPath is relative to the last $ref, so the keys come from walking the instance path.
      const known = [...propertiesOf(schemasAt(path)).keys()];
      if (known.length === 0) {
        // A mapping of names (services, networks, …): the name itself is invalid.
        return { at, keyword: error.keyword, message: `'${key}' is not a valid name here: use letters, digits, '.', '_' and '-'.` };
      }
      const suggestion = didYouMean(key, known, { abbreviations: true });
      const where = path.length === 0 ? 'at the top level' : `in ${label(path)}`;
      return suggestion
        ? {
            at,
            keyword: error.keyword,
            message: `Unknown key '${key}' ${where}. Did you mean '${suggestion}'?`,
            data: { replacement: suggestion },
          }
        : {
            at,
            keyword: error.keyword,
            message: `Unknown key '${key}' ${where}.${path.length === 0 ? " Extensions start with 'x-'." : ''}`,
          };
    }
    case 'type': {
      if (interpolated) return undefined;
      const expected = orList(
        String((error.params as { type: string }).type)
          .split(',')
          .map((t) => TYPE_NAMES[t] ?? t),
      );
      return {
        at: (d: ComposeDocument) => spanFor(d, found),
        keyword: error.keyword,
        message: `${capital(label(path))} must be ${expected}, not ${kindOf(here)}.`,
      };
    }
    case 'enum': {
      if (interpolated) return undefined;
      const allowed = ((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => `'${String(v)}'`);
      return {
        at: (d: ComposeDocument) => spanFor(d, found),
        keyword: error.keyword,
        message: `${capital(label(path))} must be one of ${orList(allowed)}.`,
      };
    }
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return {
        at: (d: ComposeDocument) => spanFor(d, found),
        keyword: error.keyword,
        message: `${capital(label(path))} needs '${missing}'.`,
      };
    }
    case 'uniqueItems': {
      // ajv's i and j come in either order depending on the item type: the later one is the repeat.
      const { i, j } = error.params as { i: number; j: number };
      const item = locate([...path, String(Math.max(i, j))]);
      return {
        at: (d: ComposeDocument) => spanFor(d, item ?? found),
        keyword: error.keyword,
        message: `${capital(label(path))} lists this item twice.`,
      };
    }
    case 'minimum':
    case 'maximum':
    case 'pattern': {
      if (interpolated) return undefined;
      return {
        at: (d: ComposeDocument) => spanFor(d, found),
        keyword: error.keyword,
        message: `${capital(label(path))}: ${error.message ?? 'invalid value'}.`,
      };
    }
    default:
      return {
        at: (d: ComposeDocument) => spanFor(d, found),
        keyword: error.keyword,
        message: `${capital(label(path))}: ${error.message ?? 'invalid'}.`,
      };
  }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A scalar's own text; for a collection, the key it sits under (or its first line), not every line of it. */
function spanFor(doc: ComposeDocument, found: { node: Node | null; pair?: PairNode }): Span {
  const node = resolveAlias(doc, found.node);
  const key = found.pair?.key;
  if (node && node.kind === 'scalar' && node.end > node.start) return { start: node.start, end: node.end };
  if (key && (!node || node.kind !== 'scalar')) return { start: key.start, end: key.end };
  if (node) {
    const lineEnd = doc.text.indexOf('\n', node.start);
    return { start: node.start, end: lineEnd >= 0 && lineEnd < node.end ? lineEnd : node.end };
  }
  return key ? { start: key.start, end: key.end } : { start: 0, end: 0 };
}
