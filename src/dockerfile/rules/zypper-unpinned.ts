/** zypper install of a package without a version (off by default, as the other *-unpinned rules). */
import { defineRule } from './rule';
import { reportRpmUnpinned } from './shared/rpmChecks';

export const zypperUnpinned = defineRule({
  code: 'zypper-unpinned',
  severity: 'off',
  summary: 'zypper install of a package without a version.',
  hadolint: 'DL3037',
  check: (ctx, report) => reportRpmUnpinned(ctx, report, ['zypper']),
});
