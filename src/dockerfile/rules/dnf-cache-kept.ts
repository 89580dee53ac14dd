/** The dnf cache left in the layer of the RUN that filled it. */
import { dataString, fixFromData } from './fixer';
import { defineRule } from './rule';
import { reportCacheKept } from './shared/rpmChecks';

export const dnfCacheKept = defineRule({
  code: 'dnf-cache-kept',
  severity: 'info',
  summary: 'dnf or microdnf install without a clean-up after it in the same RUN keeps the cache in the image.',
  hadolint: 'DL3040',
  check: (ctx, report) => reportCacheKept(ctx, report, ['dnf', 'microdnf']),
  fix: (f) => fixFromData(f, `Add '&& ${dataString(f, 'clean') ?? 'clean'}'`),
});
