/**
 * Every rule Berth knows, listed once. The order is the order lint runs them in, which decides
 * the order of findings at the same position. `RuleCode` is derived from this list: settings,
 * findings and fixes are typed by it, and package.json's `berth.rules.*` settings and
 * docs/rules/<code>.md are checked against it (test/unit/rules-catalog.test.ts).
 */
import { addInsteadOfCopy } from './add-instead-of-copy';
import { apkCacheKept } from './apk-cache-kept';
import { apkUnpinned } from './apk-unpinned';
import { aptInstallRecommends } from './apt-install-recommends';
import { aptInsteadOfAptGet } from './apt-instead-of-apt-get';
import { aptListsKept } from './apt-lists-kept';
import { aptMissingYes } from './apt-missing-yes';
import { aptUnpinned } from './apt-unpinned';
import { aptUpdateAlone } from './apt-update-alone';
import { builder } from './builder';
import { cacheCopyBeforeInstall } from './cache-copy-before-install';
import { cdInRun } from './cd-in-run';
import { continuationEmpty } from './continuation-empty';
import { copyDestNotDirectory } from './copy-dest-not-directory';
import { copyFromSelf } from './copy-from-self';
import { copyFromUnknown } from './copy-from-unknown';
import { copyIgnoredFile } from './copy-ignored-file';
import { copyRelativeDest } from './copy-relative-dest';
import { curlAndWget } from './curl-and-wget';
import { fromArgDefaultInvalid } from './from-arg-default-invalid';
import { fromAsCasing } from './from-as-casing';
import { escapeInvalid } from './escape-invalid';
import { fromArgUndefined } from './from-arg-undefined';
import { gemUnpinned } from './gem-unpinned';
import { imageLatest } from './image-latest';
import { imageUnpinnedDigest } from './image-unpinned-digest';
import { imageUntagged } from './image-untagged';
import { imageUntrustedRegistry } from './image-untrusted-registry';
import { instructionRepeated } from './instruction-repeated';
import { jsonArgsRecommended } from './json-args-recommended';
import { keywordCasing } from './keyword-casing';
import { legacyKeyValue } from './legacy-key-value';
import { maintainerDeprecated } from './maintainer-deprecated';
import { npmUnpinned } from './npm-unpinned';
import { pipCacheKept } from './pip-cache-kept';
import { pipUnpinned } from './pip-unpinned';
import { pipeWithoutPipefail } from './pipe-without-pipefail';
import type { Rule, RuleFamily, RuleInfo } from './rule';
import { runConsecutive } from './run-consecutive';
import { secretInArgEnv } from './secret-in-arg-env';
import { stageNameDuplicate } from './stage-name-duplicate';
import { stageNameInvalid } from './stage-name-invalid';
import { stageNameReserved } from './stage-name-reserved';
import { sudoInRun } from './sudo-in-run';
import { useraddHighUid } from './useradd-high-uid';
import { userMissing } from './user-missing';
import { userRoot } from './user-root';
import { variableUndefined } from './variable-undefined';
import { wgetWithoutProgress } from './wget-without-progress';
import { workdirRelative } from './workdir-relative';
import { exposeProtocolCasing } from './expose-protocol-casing';
import { fromPlatformConstant } from './from-platform-constant';
import { fromPlatformRedundant } from './from-platform-redundant';
import { stageNameCasing } from './stage-name-casing';
import { dnfCacheKept } from './dnf-cache-kept';
import { dnfMissingYes } from './dnf-missing-yes';
import { dnfUnpinned } from './dnf-unpinned';
import { yumCacheKept } from './yum-cache-kept';
import { yumMissingYes } from './yum-missing-yes';
import { yumUnpinned } from './yum-unpinned';
import { zypperCacheKept } from './zypper-cache-kept';
import { zypperDistUpgrade } from './zypper-dist-upgrade';
import { zypperMissingNonInteractive } from './zypper-missing-non-interactive';
import { zypperUnpinned } from './zypper-unpinned';

const CHECKS = [
  escapeInvalid,
  builder,
  maintainerDeprecated,
  legacyKeyValue,
  stageNameInvalid,
  stageNameDuplicate,
  stageNameReserved,
  instructionRepeated,
  jsonArgsRecommended,
  workdirRelative,
  keywordCasing,
  continuationEmpty,
  fromAsCasing,
  stageNameCasing,
  fromPlatformRedundant,
  fromPlatformConstant,
  exposeProtocolCasing,
  imageUntagged,
  imageLatest,
  imageUnpinnedDigest,
  imageUntrustedRegistry,
  userRoot,
  userMissing,
  cacheCopyBeforeInstall,
  aptUpdateAlone,
  runConsecutive,
  aptUnpinned,
  apkUnpinned,
  pipUnpinned,
  npmUnpinned,
  gemUnpinned,
  yumUnpinned,
  dnfUnpinned,
  zypperUnpinned,
  sudoInRun,
  cdInRun,
  aptInsteadOfAptGet,
  aptMissingYes,
  yumMissingYes,
  dnfMissingYes,
  zypperMissingNonInteractive,
  zypperDistUpgrade,
  aptInstallRecommends,
  pipCacheKept,
  pipeWithoutPipefail,
  apkCacheKept,
  yumCacheKept,
  dnfCacheKept,
  zypperCacheKept,
  curlAndWget,
  wgetWithoutProgress,
  useraddHighUid,
  aptListsKept,
  addInsteadOfCopy,
  copyFromSelf,
  copyFromUnknown,
  copyIgnoredFile,
  copyRelativeDest,
  copyDestNotDirectory,
  variableUndefined,
  fromArgUndefined,
  fromArgDefaultInvalid,
  secretInArgEnv,
] as const;

type CodesOf<T> = T extends { readonly rules: readonly { readonly code: infer C }[] }
  ? C
  : T extends { readonly code: infer C }
    ? C
    : never;

/** The stable code of a rule Berth has. */
export type RuleCode = CodesOf<(typeof CHECKS)[number]>;

/** hadolint's code for a rule (`DL3006`), which settings, pragmas and config files accept too. */
export type HadolintCode = `DL${number}`;

/** One pass of lint: a rule, or a family of rules sharing one pass, and the codes it may report. */
export type Check =
  | { readonly codes: readonly [RuleCode]; readonly rule: Rule; readonly family?: undefined }
  | { readonly codes: readonly RuleCode[]; readonly family: RuleFamily; readonly rule?: undefined };

function isFamily(check: Rule | RuleFamily): check is RuleFamily {
  return 'rules' in check;
}

/** Every check, in the order lint runs them. */
export const LINT_CHECKS: readonly Check[] = CHECKS.map(
  (check): Check =>
    isFamily(check)
      ? { codes: check.rules.map((r) => r.code as RuleCode), family: check }
      : { codes: [check.code as RuleCode], rule: check },
);

const INFOS = CHECKS.flatMap((check): readonly RuleInfo[] => (isFamily(check) ? check.rules : [check])) as readonly RuleInfo<RuleCode>[];

export const RULE_INFO: ReadonlyMap<RuleCode, RuleInfo<RuleCode>> = new Map(INFOS.map((r) => [r.code, r]));
export const ALL_RULE_CODES: readonly RuleCode[] = INFOS.map((r) => r.code);

const FROM_HADOLINT = new Map(INFOS.filter((r) => r.hadolint).map((r) => [r.hadolint!, r.code]));
/** BuildKit's check names, lower-cased: `# check=skip=` names them in any case. */
const FROM_BUILDKIT = new Map(INFOS.filter((r) => r.buildkit).map((r) => [r.buildkit!.toLowerCase(), r.code]));

/** The rules BuildKit has a check of its own for: what `# check=skip=all` and `error=true` reach. */
export const BUILDKIT_RULE_CODES: ReadonlySet<RuleCode> = new Set(FROM_BUILDKIT.values());

export function isRuleCode(code: string): code is RuleCode {
  return RULE_INFO.has(code as RuleCode);
}

/** The rule behind a code from outside (a diagnostic, a report), if Berth has it. */
export function ruleInfo(code: string): RuleInfo<RuleCode> | undefined {
  return isRuleCode(code) ? RULE_INFO.get(code) : undefined;
}

/** Our code for a code that may be hadolint's (`DL3006`) or BuildKit's (`FromAsCasing`); undefined for codes nobody knows. */
export function ruleCode(code: string): RuleCode | undefined {
  const trimmed = code.trim();
  if (isRuleCode(trimmed)) return trimmed;
  return FROM_HADOLINT.get(trimmed.toUpperCase()) ?? FROM_BUILDKIT.get(trimmed.toLowerCase());
}

/** Where each rule's documentation lives: docs/rules/<code>.md in Berth's repository. */
export const RULE_DOCS_BASE = 'https://github.com/berth-dev/berth/blob/main/docs/rules/';

export function ruleDocUrl(code: string): string {
  return `${RULE_DOCS_BASE}${code}.md`;
}
