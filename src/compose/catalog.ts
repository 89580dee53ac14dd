/** Every Compose rule: its stable code, default severity and one-line summary, shaped like the Dockerfile catalog's entries. */
import { ALL_RULE_CODES, RULE_INFO as DOCKERFILE_RULES, ruleDocUrl } from '../dockerfile/rules/catalog';
import type { RuleInfo } from '../dockerfile/rules/rule';
import { SHELLCHECK_CODE } from '../dockerfile/settings';

export type { RuleInfo };

const RULES: RuleInfo[] = [
  { code: 'compose-yaml', severity: 'error', summary: 'A YAML syntax error or a key repeated in one mapping.' },
  {
    code: 'compose-schema',
    severity: 'error',
    summary: 'Not valid under the Compose Specification: an unknown key, a wrong type or a value out of range.',
  },
  { code: 'compose-version-obsolete', severity: 'hint', summary: 'The top-level `version` key is obsolete and ignored.' },
  { code: 'compose-service-unknown', severity: 'error', summary: 'A reference to a service the project does not define.' },
  {
    code: 'compose-resource-undeclared',
    severity: 'error',
    summary: 'A service uses a named network, volume, secret or config that no top-level section declares.',
  },
  { code: 'compose-build-target-unknown', severity: 'error', summary: '`build.target` names no stage of the Dockerfile it builds.' },
  { code: 'compose-file-missing', severity: 'warning', summary: 'A file or folder the Compose file points to does not exist.' },
  { code: 'compose-port-conflict', severity: 'warning', summary: 'Two services publish the same host address, port and protocol.' },
  { code: 'compose-port-unquoted', severity: 'info', summary: 'An unquoted port mapping that YAML 1.1 parsers read as a base-60 number.' },
  {
    code: 'compose-variable-unset',
    severity: 'info',
    summary: 'A variable with no default that neither the environment nor the .env file sets.',
  },
];

/** The Dockerfile rules that also apply to `image:` in Compose files, with the same codes and settings. */
const SHARED_CODES = ['image-untagged', 'image-latest'] as const;

/** The rules the Compose checks report, by code: the Compose rules and the shared image rules. */
export const COMPOSE_RULE_INFO: ReadonlyMap<string, RuleInfo> = new Map([
  ...RULES.map((r) => [r.code, r] as const),
  ...SHARED_CODES.map((code) => [code, DOCKERFILE_RULES.get(code) as RuleInfo] as const),
]);

/** The codes of the Compose rules themselves (the shared image rules are in the Dockerfile catalog). */
export const COMPOSE_RULE_CODES: readonly string[] = RULES.map((r) => r.code);

/** Every rule code Berth reports, Dockerfile (ShellCheck's findings as one) and Compose: what settings and config files may name. */
export const EVERY_RULE_CODE: readonly string[] = [...ALL_RULE_CODES, SHELLCHECK_CODE, ...COMPOSE_RULE_CODES];

/** Where a rule's page is: docs/rules/<code>.md, like the Dockerfile rules. */
export function composeRuleDocUrl(code: string): string {
  return ruleDocUrl(code);
}
