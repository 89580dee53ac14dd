/** dnf or microdnf install of a package without a version (off by default, as the other *-unpinned rules). */
import { defineRule } from './rule';
import { reportRpmUnpinned } from './shared/rpmChecks';

export const dnfUnpinned = defineRule({
  code: 'dnf-unpinned',
  severity: 'off',
  summary: 'dnf or microdnf install of a package without a version.',
  hadolint: 'DL3041',
  check: (ctx, report) => reportRpmUnpinned(ctx, report, ['dnf', 'microdnf']),
});
