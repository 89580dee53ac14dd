/** yum install of a package without a version (off by default, as the other *-unpinned rules). */
import { defineRule } from './rule';
import { reportRpmUnpinned } from './shared/rpmChecks';

export const yumUnpinned = defineRule({
  code: 'yum-unpinned',
  severity: 'off',
  summary: 'yum install of a package without a version.',
  hadolint: 'DL3033',
  check: (ctx, report) => reportRpmUnpinned(ctx, report, ['yum']),
});
