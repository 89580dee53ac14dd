/** apt-get install of a package without a version (off by default; see shared/packages.ts). */
import { defineRule } from './rule';
import { reportUnpinned } from './shared/packages';

export const aptUnpinned = defineRule({
  code: 'apt-unpinned',
  severity: 'off',
  summary: 'apt-get install of a package without a version.',
  hadolint: 'DL3008',
  check: (ctx, report) => reportUnpinned(ctx, report, 'apt'),
});
