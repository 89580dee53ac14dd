/** npm install of a package without a version (off by default; see shared/packages.ts). */
import { defineRule } from './rule';
import { reportUnpinned } from './shared/packages';

export const npmUnpinned = defineRule({
  code: 'npm-unpinned',
  severity: 'off',
  summary: 'npm install of a package without a version.',
  hadolint: 'DL3016',
  check: (ctx, report) => reportUnpinned(ctx, report, 'npm'),
});
