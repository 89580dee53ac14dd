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
  {
    code: 'image-untrusted-registry',
    severity: 'warning',
    summary: 'FROM pulls from a registry outside the trusted list.',
    hadolint: 'DL3026',
  },
  { code: 'user-root', severity: 'warning', summary: 'The final image runs as root.', hadolint: 'DL3002' },
  {
    code: 'user-missing',
    severity: 'info',
    summary: 'No USER applies to the final image, so it runs as the base image user (often root).',
  },
  {
    code: 'cache-copy-before-install',
    severity: 'warning',
    summary: 'The whole build context is copied before dependencies are installed.',
  },
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
  {
    code: 'instruction-repeated',
    severity: 'warning',
    summary: 'More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage: only the last applies.',
    hadolint: 'DL4003',
  },
  { code: 'keyword-casing', severity: 'hint', summary: 'Instruction keywords in mixed case.' },
  { code: 'workdir-relative', severity: 'info', summary: 'A relative WORKDIR with no absolute WORKDIR before it.', hadolint: 'DL3000' },
  { code: 'legacy-key-value', severity: 'info', summary: 'ENV or LABEL in the legacy `key value` form.' },
  { code: 'expose-invalid', severity: 'error', summary: 'An EXPOSE port or protocol the builder rejects.', hadolint: 'DL3011' },
  { code: 'onbuild-invalid', severity: 'error', summary: 'An ONBUILD trigger the builder rejects.' },
  { code: 'escape-invalid', severity: 'error', summary: 'The escape directive accepts only \\ or `.' },
  {
    code: 'cd-in-run',
    severity: 'info',
    summary: 'cd changes directory for one RUN only; WORKDIR changes it for the instructions after it.',
    hadolint: 'DL3003',
  },
  {
    code: 'sudo-in-run',
    severity: 'warning',
    summary: 'sudo in RUN: build steps run as root already, or need to run before USER.',
    hadolint: 'DL3004',
  },
  {
    code: 'apt-missing-yes',
    severity: 'warning',
    summary: 'apt-get install without -y aborts when it asks for confirmation.',
    hadolint: 'DL3014',
  },
  {
    code: 'apt-install-recommends',
    severity: 'info',
    summary: 'apt-get install without --no-install-recommends installs recommended packages too.',
    hadolint: 'DL3015',
  },
  {
    code: 'apt-lists-kept',
    severity: 'info',
    summary: 'The apt package lists are not deleted in the RUN that installs, so the image keeps them.',
    hadolint: 'DL3009',
  },
  {
    code: 'apt-instead-of-apt-get',
    severity: 'info',
    summary: 'apt has no stable command line interface for scripts; use apt-get.',
    hadolint: 'DL3027',
  },
  {
    code: 'pip-cache-kept',
    severity: 'info',
    summary: 'pip install without --no-cache-dir keeps its cache in the layer.',
    hadolint: 'DL3042',
  },
  {
    code: 'apk-cache-kept',
    severity: 'info',
    summary: 'apk add without --no-cache keeps the package index in the layer.',
    hadolint: 'DL3019',
  },
  {
    code: 'pipe-without-pipefail',
    severity: 'warning',
    summary: 'A pipe in RUN without pipefail: a failure before the last command goes unnoticed.',
    hadolint: 'DL4006',
  },
  { code: 'curl-and-wget', severity: 'info', summary: 'Both curl and wget are used in one stage.', hadolint: 'DL4001' },
  { code: 'run-consecutive', severity: 'hint', summary: 'Consecutive RUN instructions that could be one layer.', hadolint: 'DL3059' },
  {
    code: 'add-instead-of-copy',
    severity: 'info',
    summary: 'ADD of local files or folders, which COPY does without unpacking or fetching.',
    hadolint: 'DL3020',
  },
  {
    code: 'copy-from-unknown',
    severity: 'warning',
    summary: 'COPY --from names no stage and does not look like an image reference.',
    hadolint: 'DL3022',
  },
  { code: 'copy-from-self', severity: 'error', summary: 'COPY --from names the stage it is in.', hadolint: 'DL3023' },
  {
    code: 'copy-relative-dest',
    severity: 'info',
    summary: 'COPY or ADD to a relative destination with no WORKDIR set in the stage.',
    hadolint: 'DL3045',
  },
  {
    code: 'variable-undefined',
    severity: 'warning',
    summary: 'A variable in an instruction argument that no ARG or ENV in scope defines.',
  },
  { code: 'from-arg-undefined', severity: 'warning', summary: 'FROM uses a variable that no ARG before the first FROM declares.' },
  { code: 'secret-in-arg-env', severity: 'warning', summary: 'An ARG or ENV whose name says it holds a secret, which the image keeps.' },
  { code: 'apt-unpinned', severity: 'off', summary: 'apt-get install of a package without a version.', hadolint: 'DL3008' },
  { code: 'apk-unpinned', severity: 'off', summary: 'apk add of a package without a version.', hadolint: 'DL3018' },
  { code: 'pip-unpinned', severity: 'off', summary: 'pip install of a package without a version.', hadolint: 'DL3013' },
  { code: 'npm-unpinned', severity: 'off', summary: 'npm install of a package without a version.', hadolint: 'DL3016' },
  { code: 'gem-unpinned', severity: 'off', summary: 'gem install of a package without a version.', hadolint: 'DL3028' },
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
