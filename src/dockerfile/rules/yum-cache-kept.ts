/** The yum cache left in the layer of the RUN that filled it. */
import { dataString, fixFromData } from './fixer';
import { defineRule } from './rule';
import { reportCacheKept } from './shared/rpmChecks';

export const yumCacheKept = defineRule({
  code: 'yum-cache-kept',
  severity: 'info',
  summary: 'yum install without a clean-up after it in the same RUN keeps the cache in the image.',
  hadolint: 'DL3032',
  check: (ctx, report) => reportCacheKept(ctx, report, ['yum']),
  fix: (f) => fixFromData(f, `Add '&& ${dataString(f, 'clean') ?? 'clean'}'`),
});
