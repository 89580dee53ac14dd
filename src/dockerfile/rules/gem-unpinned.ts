/** gem install of a package without a version (off by default; see shared/packages.ts). */
import { defineRule } from './rule';
import { reportUnpinned } from './shared/packages';

export const gemUnpinned = defineRule({
  code: 'gem-unpinned',
  severity: 'off',
  summary: 'gem install of a package without a version.',
  hadolint: 'DL3028',
  check: (ctx, report) => reportUnpinned(ctx, report, 'gem'),
});
