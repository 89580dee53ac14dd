/** The zypper cache left in the layer of the RUN that filled it. */
import { dataString, fixFromData } from './fixer';
import { defineRule } from './rule';
import { reportCacheKept } from './shared/rpmChecks';

export const zypperCacheKept = defineRule({
  code: 'zypper-cache-kept',
  severity: 'info',
  summary: 'zypper install without a clean-up after it in the same RUN keeps the cache in the image.',
  hadolint: 'DL3036',
  check: (ctx, report) => reportCacheKept(ctx, report, ['zypper']),
  fix: (f) => fixFromData(f, `Add '&& ${dataString(f, 'clean') ?? 'clean'}'`),
});
