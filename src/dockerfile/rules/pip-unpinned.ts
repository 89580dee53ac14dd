/** pip install of a package without a version (off by default; see shared/packages.ts). */
import { defineRule } from './rule';
import { reportUnpinned } from './shared/packages';

export const pipUnpinned = defineRule({
  code: 'pip-unpinned',
  severity: 'off',
  summary: 'pip install of a package without a version.',
  hadolint: 'DL3013',
  check: (ctx, report) => reportUnpinned(ctx, report, 'pip'),
});
