/** Every rule Berth knows: its stable code, default severity and the peers' names for it. */
import type { SeverityLevel } from '../settings';

export interface RuleInfo {
  code: string;
  severity: SeverityLevel;
  /** One line for SARIF and settings descriptions. */
  summary: string;
  /** hadolint's code for the same check, so its pragmas and config keep working. */
  hadolint?: string;
}

const RULES: RuleInfo[] = [
  { code: 'image-untagged', severity: 'warning', summary: 'FROM names an image with neither tag nor digest.', hadolint: 'DL3006' },
  { code: 'image-latest', severity: 'warning', summary: "FROM uses the tag 'latest' without a digest.", hadolint: 'DL3007' },
  { code: 'image-unpinned-digest', severity: 'off', summary: 'FROM has no @sha256 digest.' },
  { code: 'image-untrusted-registry', severity: 'warning', summary: 'FROM pulls from a registry outside the trusted list.', hadolint: 'DL3026' },
  { code: 'user-root', severity: 'warning', summary: 'The final image runs as root.', hadolint: 'DL3002' },
  { code: 'user-missing', severity: 'info', summary: 'No USER applies to the final image, so it runs as the base image user (often root).' },
  { code: 'cache-copy-before-install', severity: 'warning', summary: 'The whole build context is copied before dependencies are installed.' },
  { code: 'apt-update-alone', severity: 'warning', summary: 'apt-get update runs in a RUN without an install.' },
  { code: 'unknown-instruction', severity: 'error', summary: 'Not a Dockerfile instruction.' },
  { code: 'from-missing', severity: 'error', summary: 'No FROM, or an instruction other than ARG before the first FROM.' },
  { code: 'flag-unknown', severity: 'error', summary: 'A flag the instruction does not accept.' },
  { code: 'flag-value-invalid', severity: 'error', summary: 'A flag value the builder rejects.' },
  { code: 'stage-name-invalid', severity: 'error', summary: 'A build stage name the builder rejects.' },
  { code: 'stage-name-duplicate', severity: 'error', summary: 'Two build stages share a name.' },
  { code: 'args-missing', severity: 'error', summary: 'An instruction without the arguments it needs.' },
  { code: 'heredoc-unterminated', severity: 'error', summary: 'A heredoc without its closing delimiter.' },
  { code: 'json-args-invalid', severity: 'warning', summary: 'Looks like exec form but is not valid JSON, so it runs as a shell command.' },
  { code: 'json-args-recommended', severity: 'info', summary: 'CMD or ENTRYPOINT in shell form: signals do not reach the process.' },
  { code: 'maintainer-deprecated', severity: 'info', summary: 'MAINTAINER is deprecated.', hadolint: 'DL4000' },
  { code: 'instruction-repeated', severity: 'warning', summary: 'More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage: only the last applies.', hadolint: 'DL4003' },
  { code: 'keyword-casing', severity: 'hint', summary: 'Instruction keywords in mixed case.' },
  { code: 'workdir-relative', severity: 'info', summary: 'A relative WORKDIR with no absolute WORKDIR before it.', hadolint: 'DL3000' },
  { code: 'legacy-key-value', severity: 'info', summary: 'ENV or LABEL in the legacy `key value` form.' },
  { code: 'expose-invalid', severity: 'error', summary: 'An EXPOSE port or protocol the builder rejects.', hadolint: 'DL3011' },
  { code: 'onbuild-invalid', severity: 'error', summary: 'An ONBUILD trigger the builder rejects.' },
  { code: 'escape-invalid', severity: 'error', summary: 'The escape directive accepts only \\ or `.' },
];

export const RULE_INFO: ReadonlyMap<string, RuleInfo> = new Map(RULES.map((r) => [r.code, r]));
export const ALL_RULE_CODES: readonly string[] = RULES.map((r) => r.code);

const FROM_HADOLINT = new Map(RULES.filter((r) => r.hadolint).map((r) => [r.hadolint!, r.code]));

/** Our code for a code that may be hadolint's (`DL3006`); undefined for codes nobody knows. */
export function ruleCode(code: string): string | undefined {
  const trimmed = code.trim();
  if (RULE_INFO.has(trimmed)) return trimmed;
  return FROM_HADOLINT.get(trimmed.toUpperCase());
}

/** Where each rule's documentation lives: docs/rules/<code>.md in Berth's repository. */
export const RULE_DOCS_BASE = 'https://github.com/berth-dev/berth/blob/main/docs/rules/';

export function ruleDocUrl(code: string): string {
  return `${RULE_DOCS_BASE}${code}.md`;
}
