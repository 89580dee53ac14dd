/** apk add of a package without a version (off by default; see shared/packages.ts). */
import { defineRule } from './rule';
import { reportUnpinned } from './shared/packages';

export const apkUnpinned = defineRule({
  code: 'apk-unpinned',
  severity: 'off',
  summary: 'apk add of a package without a version.',
  hadolint: 'DL3018',
  check: (ctx, report) => reportUnpinned(ctx, report, 'apk'),
});
